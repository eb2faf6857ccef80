"""Every SAFESM_* environment variable safesm reads is in the man page's ENVIRONMENT
section (issue 17.20), so a variable added later cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read() -> set[str]:
    """The names in string literals: "SAFESM_X" is an environment variable; a Python name
    such as _SAFESM_SIDS is not quoted."""
    found: set[str] = set()
    for path in (ROOT / "safesm").rglob("*.py"):
        found |= set(re.findall(r"[\"'](_?SAFESM_[A-Z_]+)[\"']", path.read_text()))
    return found


def environment_section() -> str:
    page = (ROOT / "man" / "safesm.1").read_text()
    return page.split(".SH ENVIRONMENT", 1)[1].split("\n.SH ", 1)[0].replace("\\", "")


def test_every_safesm_variable_is_in_the_man_page():
    names = variables_read()
    assert {"SAFESM_CLIP_TIME", "SAFESM_READ_TIMEOUT", "_SAFESM_COMPLETE"} <= names
    section = environment_section()
    missing = sorted(n for n in names if f"fB{n}fR" not in section)
    assert missing == [], f"not in man/safesm.1 ENVIRONMENT: {missing}"
