"""The wheel carries the man page and completion scripts to the standard places."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_installs_man_page_and_completions(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(tmp_path)],
                   check=True, capture_output=True, timeout=120)
    wheel = next(tmp_path.glob("safesm-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    data = {n.split(".data/data/", 1)[1] for n in names if ".data/data/" in n}
    assert data == {
        "share/man/man1/safesm.1",
        "share/bash-completion/completions/safesm.bash",
        "share/zsh/site-functions/_safesm",
        "share/fish/vendor_completions.d/safesm.fish",
    }
    assert "safesm/cli.py" in names
