"""Hostile input through the commands, property-based, against the emulator.

Any bytes through `put --file`/stdin are stored and read back byte-identical or refused
with exit 7 and nothing written; any JSON through `policy lint` exits 0 or 8; any
history file through `history scan` exits 0 or 8; any name is accepted or refused (exit
2, before any network call) exactly as documented. Never a traceback, never exit 1.
"""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safesm.history import SHELLS
from tests.properties import CLI, history_bytes, name_oracle, names, policies

from .conftest import names as secret_names

LIMIT = 65_536
_counter = itertools.count()

pytestmark = pytest.mark.slow  # hypothesis against the emulator: make test runs it



def _no_crash(result) -> None:
    assert result.exit_code != 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr


def _strip_one_newline(data: bytes) -> bytes:
    for end in (b"\r\n", b"\n"):
        if data.endswith(end):
            return data[: -len(end)]
    return data


def _acceptable(data: bytes, binary: bool) -> bool:
    if not 1 <= len(data) <= LIMIT:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return binary
    return True


@CLI
@given(data=st.binary(max_size=48) | st.text(max_size=24).map(str.encode),
       how=st.sampled_from(["file", "file -", "stdin"]), binary=st.booleans())
@example(data=b"x" * LIMIT, how="file", binary=False)
@example(data=b"x" * (LIMIT + 1), how="file -", binary=True)
@example(data=b"x" * LIMIT + b"\n", how="stdin", binary=False)
@example(data=b"\r\n", how="stdin", binary=False)
@example(data=b"\x00\xff\n", how="file", binary=True)
def test_any_bytes_round_trip_or_are_refused_with_nothing_written(
        run, sm, tmp_path, data, how, binary):
    name = f"prop/{next(_counter)}"
    args = ["put", name, "--no-default-policy"] + (["--binary"] if binary else [])
    if how == "file":
        path = tmp_path / f"{name.replace('/', '_')}.bin"
        path.write_bytes(data)
        path.chmod(0o600)
        args += ["--file", str(path)]
    elif how == "file -":
        args += ["--file", "-"]
    stored = _strip_one_newline(data) if how == "stdin" else data
    result = run(*args, input=data)
    _no_crash(result)
    if _acceptable(stored, binary):
        assert result.exit_code == 0, result.stderr
        got = run("get", name)
        assert got.exit_code == 0, got.stderr
        assert got.stdout_bytes == stored
    else:
        assert result.exit_code == 7, result.stderr
        assert "nothing was written" in result.stderr
        assert name not in secret_names(sm)


@CLI
@given(name=names)
@example(name="-leading-dash")
@example(name="a" * 512)
@example(name="a" * 513)
def test_names_are_accepted_or_refused_exactly_per_design(run, sm, name):
    result = run("put", "--no-default-policy", "--", name, input=b"value")
    _no_crash(result)
    if name_oracle(name):
        assert result.exit_code == 0, result.stderr
        assert sm.get_secret_value(SecretId=name)["SecretString"] == "value"
    else:
        assert result.exit_code == 2, result.stderr
        assert "invalid secret name" in result.stderr
        assert name not in secret_names(sm)


@CLI
@given(doc=policies, account=st.sampled_from([[], ["--account", "123456789012"]]))
def test_policy_lint_of_any_json_exits_0_or_8(run, tmp_path, doc, account):
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(doc))
    result = run("policy", "lint", "--file", str(path), *account)
    _no_crash(result)
    assert result.exit_code in (0, 8), result.stderr


@CLI
@given(data=history_bytes, shell=st.sampled_from([None, *SHELLS]))
def test_history_scan_of_any_file_exits_0_or_8(run, tmp_path, data, shell):
    path = tmp_path / "some_history"
    path.write_bytes(data)
    path.chmod(0o600)
    result = run("history", "scan", *(["--shell", shell] if shell else []), str(path))
    _no_crash(result)
    assert result.exit_code in (0, 8), result.stderr
    assert path.read_bytes() == data  # scan never writes
