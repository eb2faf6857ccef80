"""`safesm trail` reads back events made by the installed safesm and by the AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from safesm import __version__

pytestmark = pytest.mark.e2e
AWS = str(Path(sys.executable).parent / "aws")


def test_trail_tells_safesm_from_the_aws_cli(aws, sm, safesm_bin, canary, tmp_path):
    env = dict(os.environ)
    value = tmp_path / "value"
    value.write_text(canary)
    put = subprocess.run([safesm_bin, "put", "db/prod", "--file", str(value)], env=env,
                         capture_output=True, text=True, timeout=60)
    assert put.returncode == 0, put.stderr
    got = subprocess.run([AWS, "secretsmanager", "get-secret-value", "--secret-id", "db/prod",
                          "--query", "Name", "--output", "text"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert got.returncode == 0 and got.stdout.strip() == "db/prod", got.stderr
    r = subprocess.run([safesm_bin, "trail", "db/prod", "--json"], env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    events = json.loads(r.stdout)
    by = {(e["event"], e["by_safesm"]) for e in events}
    assert ("CreateSecret", True) in by and ("GetSecretValue", False) in by
    cli = [e for e in events if e["event"] == "GetSecretValue"][0]
    assert cli["user_agent"].startswith("aws-cli/") and "safesm/" not in cli["user_agent"]
    table = subprocess.run([safesm_bin, "trail", "db/prod"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert f"safesm/{__version__}" in table.stdout and "aws-cli/" in table.stdout
    for out in (r.stdout, r.stderr, table.stdout, table.stderr):
        assert canary not in out
