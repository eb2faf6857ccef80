"""The checked-in man page and completion scripts are what the code generates now (the
rendered page and the installed script's output: tests/e2e/test_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from safesm.cli import cli
from safesm.complete import script
from safesm.manpage import render

ROOT = Path(__file__).resolve().parents[2]
FILES = {"bash": "safesm.bash", "zsh": "_safesm", "fish": "safesm.fish"}


# bash's is checked in tests/e2e/test_docs.py: click runs bash to learn its version first.
@pytest.mark.parametrize("shell", ["fish", "zsh"])
def test_completion_scripts_are_current(shell):
    checked_in = (ROOT / "completions" / FILES[shell]).read_text()
    assert checked_in == script(cli, shell), "run `make docs`"


def test_man_page_is_current():
    assert (ROOT / "man" / "safesm.1").read_text() == render(cli), "run `make docs`"


def test_hand_written_sections_are_there():
    text = (ROOT / "man" / "safesm.1").read_text()
    for section in ("DESCRIPTION", "VALUE INPUT", "VALUE OUTPUT", "CLIPBOARD", "POLICIES",
                    "HISTORY", "PROGRAMS", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES",
                    "SEE ALSO"):
        assert f".SH {section}" in text
