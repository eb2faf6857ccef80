"""One unique value through every path: it shows up only where it was asked for."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import files_containing, run_watched

pytestmark = pytest.mark.e2e


def test_canary_through_every_path(aws, sm, safesm_bin, canary, tmp_path, terminal):
    needle = canary.encode()
    value_file = tmp_path / "value"
    value_file.write_bytes(needle)
    value_file.chmod(0o600)
    field_json = json.dumps({"user": "u", "password": canary})
    runs = [
        (["put", "a"], needle + b"\n", False),
        (["--debug", "put", "b", "--json"], needle, False),
        (["put", "c", "--file", str(value_file)], None, False),
        (["put", "d", "--file", "-"], needle, False),
        (["--debug", "put", "a", "--force"], needle + b"2", False),
        (["put", "j"], field_json.encode(), False),
        (["--debug", "put", "j", "--key", "token"], needle + b"-t", False),
        (["put", "bin", "--binary"], b"\x00" + needle, False),
        (["get", "a"], None, True),
        (["--debug", "get", "b"], None, True),
        (["get", "j", "--field", "password"], None, True),
        (["--debug", "get", "bin"], None, True),
        (["list", "--json"], None, False),
        (["--debug", "describe", "a", "--json"], None, False),
        (["versions", "a"], None, False),
        (["put", "a", "--secret-string", canary], None, False),
        (["put", "a", canary], b"x", False),
    ]
    for args, stdin, prints in runs:
        result, seen = run_watched([safesm_bin, *args], stdin, env=dict(os.environ))
        assert needle not in result.stderr, args
        assert (needle in result.stdout) == prints, args
        for pid, data in seen.items():
            if args[-1] == canary or args[-2:] == ["--secret-string", canary]:
                continue  # the user put it in argv themselves; we only check children
            assert needle not in data, (args, pid)
    t = terminal("put", "prompted")
    for prompt in ("Value for", "Again"):
        t.expect(prompt)
        t.type(canary + "\r")
    assert t.finish() == 0
    assert needle not in t.screen
    assert sm.get_secret_value(SecretId="prompted")["SecretString"] == canary
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    assert files_containing(home, needle) == []
    assert files_containing(tmp, needle) == []


def test_debug_log_shows_requests_but_not_values(aws, sm, safesm_bin, canary):
    sm.create_secret(Name="a", SecretString=json.dumps({"k": canary}))
    result, _ = run_watched([safesm_bin, "--debug", "get", "a", "--field", "k"],
                            env=dict(os.environ))
    assert result.returncode == 0
    assert b"GetSecretValue" in result.stderr  # the log is there...
    assert canary.encode() not in result.stderr  # ...without the value
    assert result.stdout == canary.encode()
