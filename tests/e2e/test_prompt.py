"""The hidden prompt and terminal confirmations, under a real pty."""

from __future__ import annotations

import json
import os

import pytest

from tests.faultproxy import Fault, FaultProxy, wait_until

from .conftest import Terminal

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


def test_multiline_value_is_pasted_once_and_confirmed_by_counts(aws, sm, terminal, canary):
    """--multiline (issue 17.14): one paste ending with Ctrl-D, confirmed by its line and
    byte counts, never its text; no second paste."""
    pem = f"-----BEGIN KEY-----\r{canary}\r-----END KEY-----\r"
    t = terminal("put", "pem", "--multiline")
    t.expect("Value for pem")
    t.expect("Ctrl-D")
    t.type(pem)
    t.type("\x04")
    t.expect(r"Got 3 lines, \d+ bytes. Store it\? \[y/N\]")
    t.type("y\r")
    assert t.finish() == 0
    value = f"-----BEGIN KEY-----\n{canary}\n-----END KEY-----\n"
    assert f"Got 3 lines, {len(value)} bytes".encode() in t.screen
    assert b"Again" not in t.screen
    assert canary.encode() not in t.screen
    assert sm.get_secret_value(SecretId="pem")["SecretString"] == value


def test_multiline_value_not_confirmed_writes_nothing(aws, sm, terminal, canary):
    t = terminal("put", "pem", "--multiline")
    t.expect("Value for pem")
    t.type(f"line1\r{canary}\x04")
    t.expect(r"Got 2 lines")
    t.type("n\r")
    assert t.finish() == 5
    assert b"nothing was written" in t.screen
    assert sm.list_secrets()["SecretList"] == []


def test_multiline_esc_enter_still_finishes(aws, sm, terminal):
    t = terminal("put", "pem", "--multiline")
    t.expect("Value for pem")
    t.type("line1\rline2")
    t.type("\x1b\r")
    t.expect("Store it")
    t.type("y\r")
    assert t.finish() == 0
    assert sm.get_secret_value(SecretId="pem")["SecretString"] == "line1\nline2"


def test_key_prompt_names_the_field(aws, sm, terminal, canary):
    """put --key FIELD (issue 17.14): the prompt says which field of which secret."""
    sm.create_secret(Name="app/db", SecretString='{"user": "app"}')
    t = terminal("put", "app/db", "--key", "password")
    t.expect("Value for password in app/db:")
    t.type(canary + "\r")
    t.expect("Again")
    t.type(canary + "\r")
    assert t.finish() == 0
    assert json.loads(sm.get_secret_value(SecretId="app/db")["SecretString"]) == {
        "user": "app", "password": canary}


def test_overwrite_is_asked_before_the_value(aws, sm, terminal, canary):
    """Like `pass insert` (issue 17.13): say yes first, then type the value."""
    sm.create_secret(Name="db/prod", SecretString="old")
    t = terminal("put", "db/prod")
    t.expect(r"Overwrite it\? \[y/N\]")
    assert b"Value for" not in t.screen
    t.type("n\r")
    assert t.finish() == 5
    assert b"Value for" not in t.screen  # nothing was typed for nothing
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == "old"

    t = terminal("put", "db/prod")
    t.expect(r"Overwrite it\?")
    t.type("y\r")
    for prompt in ("Value for", "Again"):
        t.expect(prompt)
        t.type(canary + "\r")
    assert t.finish() == 0
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == canary


def test_existing_field_is_asked_about_before_the_value(aws, sm, terminal):
    sm.create_secret(Name="app/db", SecretString='{"password": "old"}')
    t = terminal("put", "app/db", "--key", "password")
    t.expect(r"Field 'password' of app/db already exists. Overwrite it\? \[y/N\]")
    assert b"Value for" not in t.screen
    t.type("n\r")
    assert t.finish() == 5
    assert json.loads(sm.get_secret_value(SecretId="app/db")["SecretString"]) == {
        "password": "old"}


def test_scheduled_for_deletion_is_refused_before_the_value(aws, sm, terminal):
    sm.create_secret(Name="gone", SecretString="old")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    t = terminal("put", "gone")
    assert t.finish() == 5
    assert b"scheduled for deletion" in t.screen and b"Value for" not in t.screen


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


# any terminal, any moment (issues 17.18 and 18.6) ------------------------------------------


@pytest.mark.parametrize("path", ["/dev/stdin", "/proc/self/fd/0", "/dev/tty"])
def test_file_naming_the_terminal_is_refused_like_file_dash(aws, sm, terminal, path):
    t = terminal("put", "db/prod", "--file", path)
    assert t.finish() == 2
    assert b"--file names a terminal" in t.screen and b"hidden prompt" in t.screen
    assert sm.list_secrets()["SecretList"] == []


def bare_terminal(safesm_bin: str, term: str, *args: str, **env: str) -> Terminal:
    """safesm under a pty with TERM=term and PROMPT_TOOLKIT_NO_CPR unset: a pty answers no
    cursor-position request, as some terminals and serial consoles do."""
    clean = {k: v for k, v in os.environ.items() if k != "PROMPT_TOOLKIT_NO_CPR"}
    return Terminal([safesm_bin, *args], {**clean, "TERM": term, **env})


def test_terminal_that_does_not_answer_cursor_queries_is_never_asked(aws, sm, safesm_bin,
                                                                     canary):
    t = bare_terminal(safesm_bin, "xterm", "put", "db/prod")
    for prompt in ("Value for", "Again"):
        t.expect(prompt)
        t.type(canary + "\r")
    assert t.finish() == 0
    assert b"\x1b[6n" not in t.screen  # no CPR request: nothing to wait 2 s for
    assert b"CPR" not in t.screen and b"WARNING" not in t.screen.upper()
    assert canary.encode() not in t.screen
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == canary


def test_dumb_terminal_gets_a_plain_hidden_prompt(aws, sm, safesm_bin, canary):
    sm.create_secret(Name="db/prod", SecretString="old")
    t = bare_terminal(safesm_bin, "dumb", "put", "db/prod")
    t.expect(r"Overwrite it\? \[y/N\]")
    t.type("y\r")
    for prompt in ("Value for db/prod: ", "Again, to confirm: "):
        t.expect(prompt)
        t.type(canary + "\r")
    assert t.finish() == 0
    assert b"\x1b" not in t.screen  # not one escape sequence
    assert b"WARNING" not in t.screen.upper()
    assert canary.encode() not in t.screen
    assert b"y\r\n" in t.screen  # the yes/no answer is visible, the value never
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == canary


def test_dumb_terminal_multiline_ends_with_ctrl_d(aws, sm, safesm_bin, canary):
    t = bare_terminal(safesm_bin, "dumb", "put", "pem", "--multiline")
    t.expect("Ctrl-D")
    t.type(f"line1\r{canary}\r")
    t.type("\x04")
    t.expect(r"Got 2 lines, \d+ bytes. Store it\? \[y/N\]")
    t.type("y\r")
    assert t.finish() == 0
    assert b"\x1b" not in t.screen and canary.encode() not in t.screen
    assert sm.get_secret_value(SecretId="pem")["SecretString"] == f"line1\n{canary}\n"


def test_value_typed_before_the_prompt_is_neither_shown_nor_taken(aws, sm, safesm_bin, canary):
    """Keys pressed while safesm starts and asks the service (held here by the fault
    proxy) are not echoed by the terminal, and the prompt drops them: only what is typed
    at the prompt counts."""
    with FaultProxy(aws, lifetime=60) as proxy:
        proxy.add(Fault("delay", times=1, seconds=2, operation="DescribeSecret"))
        t = bare_terminal(safesm_bin, "xterm", "put", "db/prod", AWS_ENDPOINT_URL=proxy.url,
                          PROMPT_TOOLKIT_NO_CPR="1")
        assert wait_until(lambda: proxy.operations("delay"), timeout=20)
        t.type(canary + "\r")  # typed ahead, before any prompt
        t.expect("Value for")
        t.type("typed-at-the-prompt\r")
        t.expect("Again")
        t.type("typed-at-the-prompt\r")
        assert t.finish() == 0
    assert canary.encode() not in t.screen
    assert sm.get_secret_value(SecretId="db/prod")["SecretString"] == "typed-at-the-prompt"


def test_print_on_a_terminal_ends_the_line(aws, sm, terminal, canary):
    """get --print (issue 17.15): the shell prompt starts on a line of its own."""
    sm.create_secret(Name="db/prod", SecretString=canary)
    t = terminal("get", "db/prod", "--print")
    assert t.finish() == 0
    assert t.screen.endswith(canary.encode() + b"\r\n")


def test_binary_value_is_not_printed_on_a_terminal(aws, sm, terminal):
    sm.create_secret(Name="der", SecretBinary=b"\x30\x82\x1b[2J")
    t = terminal("get", "der", "--print")
    assert t.finish() == 7
    assert b"\x1b[2J" not in t.screen and b"> FILE" in t.screen
