"""`make demo` (issue 17.20): plain text when its output is not a terminal — no ANSI
escapes in a log or a pipe — and bold commands only on a terminal."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_demo_to_a_pipe_has_no_escape_sequences():
    out = subprocess.run(["bash", "scripts/demo.sh"], cwd=ROOT, capture_output=True,
                         timeout=120, env={**os.environ, "TERM": "xterm"})
    assert out.returncode == 0, out.stderr
    assert b"\x1b" not in out.stdout + out.stderr
    assert b"$ safesm list" in out.stdout
    assert b"Default policy: only" in out.stdout + out.stderr


def test_demo_on_a_terminal_shows_commands_in_bold():
    child = pexpect.spawn("bash", ["scripts/demo.sh"], cwd=str(ROOT), timeout=120,
                          env={**os.environ, "TERM": "xterm"})
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert b"\x1b[1m$ safesm list" in child.before
