"""The hidden prompt and terminal confirmations, under a real pty."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_hidden_prompt_never_shows_the_value(aws, sm, terminal, canary):
    t = terminal("put", "db/prod")
    t.expect("Value for db/prod")
    t.type(canary + "\r")
    t.expect("Again")
    t.type(canary + "\r")
    assert t.finish() == 0
    assert canary.encode() not in t.screen
    assert b"*" * 8 in t.screen  # masked echo
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == canary


def test_mismatch_asks_again(aws, sm, terminal, canary):
    t = terminal("put", "db/prod")
    t.expect("Value for")
    t.type(canary + "\r")
    t.expect("Again")
    t.type("different\r")
    t.expect("differ; try again")
    t.expect("Value for")
    t.type(canary + "\r")
    t.expect("Again")
    t.type(canary + "\r")
    assert t.finish() == 0
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == canary


def test_three_mismatches_write_nothing(aws, sm, terminal, canary):
    t = terminal("put", "db/prod")
    for _ in range(3):
        t.expect("Value for")
        t.type(canary + "\r")
        t.expect("Again")
        t.type("other\r")
    assert t.finish() == 7
    assert b"nothing was written" in t.screen
    assert canary.encode() not in t.screen
    assert sm.list_secrets()["SecretList"] == []


def test_ctrl_c_exits_130_and_writes_nothing(aws, sm, terminal, canary):
    t = terminal("put", "db/prod")
    t.expect("Value for")
    t.type(canary[:6])
    t.type("\x03")
    assert t.finish() == 130
    assert sm.list_secrets()["SecretList"] == []


def test_empty_entry_is_refused(aws, sm, terminal):
    t = terminal("put", "db/prod")
    t.expect("Value for")
    t.type("\r")
    t.expect("Again")
    t.type("\r")
    assert t.finish() == 7
    assert sm.list_secrets()["SecretList"] == []


def test_multiline_value(aws, sm, terminal):
    t = terminal("put", "pem", "--multiline")
    t.expect("Value for pem")
    t.type("line1\rline2")
    t.type("\x1b\r")
    t.expect("Again")
    t.type("line1\rline2\x1b\r")
    assert t.finish() == 0
    assert sm.get_secret_value(SecretId="pem")["SecretString"] == "line1\nline2"


def test_overwrite_on_a_terminal_asks(aws, sm, terminal, canary):
    sm.create_secret(Name="db/prod", SecretString="old")
    t = terminal("put", "db/prod")
    t.expect("Value for")
    t.type(canary + "\r")
    t.expect("Again")
    t.type(canary + "\r")
    t.expect(r"Overwrite it\? \[y/N\]")
    t.type("n\r")
    assert t.finish() == 5
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == "old"

    t = terminal("put", "db/prod")
    for prompt in ("Value for", "Again"):
        t.expect(prompt)
        t.type(canary + "\r")
    t.expect(r"Overwrite it\?")
    t.type("y\r")
    assert t.finish() == 0
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == canary


def test_delete_on_a_terminal_wants_the_name_typed(aws, sm, terminal):
    sm.create_secret(Name="db/prod", SecretString="v")
    t = terminal("delete", "db/prod")
    t.expect("Type the secret's name")
    t.type("db/pro\r")
    assert t.finish() == 5  # the one confirmation rule
    assert "DeletedDate" not in sm.describe_secret(SecretId="db/prod")
    t = terminal("delete", "db/prod")
    t.expect("Type the secret's name")
    t.type("db/prod\r")
    assert t.finish() == 0
    assert "DeletedDate" in sm.describe_secret(SecretId="db/prod")


def test_get_on_a_terminal_does_not_print_without_asking(aws, sm, terminal, canary):
    """On a terminal get copies to the clipboard; with none here it says so (exit 9)."""
    sm.create_secret(Name="db/prod", SecretString=canary)
    t = terminal("get", "db/prod")
    assert t.finish() == 9
    assert canary.encode() not in t.screen
    assert b"no clipboard" in t.screen
    assert b"--print" in t.screen
    t = terminal("get", "db/prod", "--print")
    assert t.finish() == 0
    assert canary.encode() in t.screen


def test_file_dash_on_a_terminal_is_refused_before_anything_is_typed(aws, sm, terminal):
    t = terminal("put", "db/prod", "--file", "-")
    assert t.finish() == 2
    assert b"hidden prompt" in t.screen
    assert sm.list_secrets()["SecretList"] == []
