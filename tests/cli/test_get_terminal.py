"""`get --print` to a terminal (issue 17.15): a newline at the end so the shell prompt
does not run on, and never bytes that could garble or command the terminal. To a pipe
nothing changes: exact bytes, no newline."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from safesm.cli import cli
from safesm.runtime import Environment


def on_terminal():
    return lambda: Environment.from_process(stdin_isatty=True, stdout_isatty=True)


def get(*args: str, terminal: bool = True):
    obj = on_terminal() if terminal else None
    return CliRunner().invoke(cli, ["get", *args], obj=obj)


def test_print_on_a_terminal_ends_with_a_newline(aws, sm, canary):
    sm.create_secret(Name="a", SecretString=canary)
    r = get("a", "--print")
    assert r.exit_code == 0, r.stderr
    assert r.stdout_bytes == canary.encode() + b"\n"


def test_a_value_that_ends_with_a_newline_gets_no_second_one(aws, sm):
    sm.create_secret(Name="a", SecretString="line1\nline2\n")
    assert get("a", "--print").stdout_bytes == b"line1\nline2\n"


def test_a_pipe_still_gets_the_exact_bytes(aws, sm, canary):
    sm.create_secret(Name="a", SecretString=canary)
    assert get("a", terminal=False).stdout_bytes == canary.encode()


def test_a_field_and_many_names_end_with_a_newline_too(aws, sm):
    sm.create_secret(Name="a", SecretString='{"password": "pw"}')
    sm.create_secret(Name="b", SecretString="vb")
    assert get("a", "--field", "password", "--print").stdout_bytes == b"pw\n"
    assert get("a", "b", "--print").stdout_bytes.endswith(b'"vb"}\n')


@pytest.mark.parametrize("stored", [
    {"SecretBinary": b"\x30\x82\x01\x0a\x02"},
    {"SecretBinary": b"plain text, stored as binary"},
    {"SecretString": "ok\x1b]52;c;aGk=\x07"},  # an OSC 52 sequence: would set the clipboard
    {"SecretString": "csi \u009b2J"},  # a C1 control character
])
def test_binary_or_control_bytes_to_a_terminal_are_refused(aws, sm, stored):
    sm.create_secret(Name="bin", **stored)
    r = get("bin", "--print")
    assert r.exit_code == 7
    assert r.stdout_bytes == b""
    assert "the value of bin is binary (or holds control characters)" in r.stderr
    assert "safesm get NAME > FILE" in r.stderr


def test_binary_to_a_pipe_is_still_written(aws, sm):
    sm.create_secret(Name="bin", SecretBinary=b"\x00\x01\xff")
    r = get("bin", terminal=False)
    assert r.exit_code == 0 and r.stdout_bytes == b"\x00\x01\xff"


def test_tabs_and_newlines_are_text(aws, sm):
    sm.create_secret(Name="t", SecretString="a\tb\r\nc")
    assert get("t", "--print").stdout_bytes == b"a\tb\r\nc\n"
