"""`--help` and command help must not import the heavy libraries."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e

HEAVY = ("botocore", "boto3", "prompt_toolkit", "keyring", "pyperclip", "detect_secrets")
PROBE = """
import json, sys
from safesm.cli import cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
sys.stderr.write(json.dumps(heavy))
"""


@pytest.mark.parametrize(
    "args",
    [["--help"], ["--version"], ["put", "--help"], ["get", "--help"], ["list", "--help"],
     ["describe", "--help"], ["versions", "--help"], ["delete", "--help"],
     ["restore", "--help"], ["completion", "--help"], ["completion", "bash"],
     ["session", "--help"], ["session", "login", "--help"], ["session", "status", "--help"],
     ["policy", "--help"], ["policy", "show", "--help"], ["policy", "grant", "--help"],
     ["policy", "revoke", "--help"], ["policy", "apply", "--help"],
     ["policy", "lint", "--help"], ["policy", "iam", "--help"], ["policy", "kms", "--help"],
     ["policy", "lint", "--file", "-"],
     ["shell-init", "--help"], ["history", "--help"], ["history", "scan", "--help"],
     ["put", "db/prod", "on-argv"],
     ["rotation", "--help"], ["rotation", "set", "--help"], ["rotate", "--help"],
     ["replication", "add", "--help"], ["generate", "--help"], ["rollback", "--help"],
     ["update", "--help"], ["edit", "--help"], ["audit", "--help"], ["trail", "--help"],
     ["scan", "--help"]],
)
def test_no_heavy_imports(args):
    proc = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,), *args],
                          capture_output=True, text=True, timeout=30)
    loaded = json.loads(proc.stderr.strip().splitlines()[-1])
    assert loaded == [], f"{args} imported {loaded}"


def test_importtime_confirms(safesm_bin):
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "safesm", "--help"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    assert not imported & set(HEAVY)
