"""`safesm env --format shell` read back by real shells: `source` and `eval` round-trip
hostile values byte for byte (python-dotenv and the $GITHUB_ENV reader: tests/cli)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHILD = [sys.executable, str(Path(__file__).with_name("exec_child.py")), "env"]
HOSTILE = {"QUOTE": "it's", "QUOTES": "'\"'\"''", "DOLLAR": "$HOME ${HOME} $(id) `id` $((1+1))",
           "BACKSLASH": "a\\b\\n\\", "MULTILINE": "one\ntwo\r\nthree\n\n", "UNICODE": "é ✓ 日本 😀",
           "HASH": "# not a comment", "GLOB": "* ? [a-z] ~", "BANG": "!! !$ !-1",
           "SEMI": "a; rm -rf /tmp/nothing & b | c > d", "SPACES": "  lead and trail  ",
           "CONTROL": "\x01\x1b[31m\x7f", "EXPORT": "export X=1"}


def random_values(count: int) -> dict[str, str]:
    rng = random.Random(14)
    alphabet = [chr(c) for c in range(1, 0x250)] + list("'\"\\$`!\n\r\t ✓😀日")
    return {f"R{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
            for i in range(count)}


@pytest.fixture
def stored(sm):
    values = {**HOSTILE, **random_values(30)}
    sm.create_secret(Name="app/config", SecretString=json.dumps(values))
    return values


@pytest.mark.parametrize("shell", ["bash", "zsh", "sh"])
def test_shell_format_round_trips_through_source(safesm_bin, stored, tmp_path, shell):
    out = tmp_path / "vars.sh"
    r = subprocess.run([safesm_bin, "env", "--from", "app/config", "--format", "shell", "-o",
                        str(out)], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    script = f". {out} && exec {' '.join(CHILD)}"
    got = subprocess.run([shell, "-c", script], capture_output=True, timeout=60)
    assert got.returncode == 0, got.stderr
    env = json.loads(got.stdout)
    assert {k: env.get(k) for k in stored} == stored


def test_shell_format_round_trips_through_eval(safesm_bin, stored):
    script = (f'eval "$({safesm_bin} env --from app/config --format shell)" && '
              f"exec {' '.join(CHILD)}")
    got = subprocess.run(["bash", "-c", script], capture_output=True, timeout=60)
    env = json.loads(got.stdout)
    assert {k: env.get(k) for k in stored} == stored
