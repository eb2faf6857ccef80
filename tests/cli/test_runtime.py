"""The architecture's promises, through the CLI in-process: an injected terminal, per-run
state, errors built once, and no option ever echoing what was typed."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from safesm.cli import COMMANDS, cli
from safesm.errors import ConflictError, NotConfirmed, SafesmError
from safesm.runtime import Environment

from .conftest import names


def on(stdin: bool = False, stdout: bool = False):
    """obj for CliRunner: an Environment made inside the run, with chosen terminal flags."""
    return lambda: Environment.from_process(stdin_isatty=stdin, stdout_isatty=stdout)


# an injected terminal: terminal branches tested in-process ------------------------------


def test_file_dash_with_a_terminal_on_stdin_is_refused(aws, sm):
    r = CliRunner().invoke(cli, ["put", "db/prod", "--file", "-"], input=b"v",
                           obj=on(stdin=True))
    assert r.exit_code == 2 and "hidden prompt" in r.stderr
    assert names(sm) == []


def test_many_names_refuse_the_terminal_without_print(aws, sm):
    sm.create_secret(Name="a", SecretString="va")
    sm.create_secret(Name="b", SecretString="vb")
    r = CliRunner().invoke(cli, ["get", "a", "b"], obj=on(stdout=True))
    assert r.exit_code == 2 and "cannot share the clipboard or the screen" in r.stderr
    assert "va" not in r.stdout


def test_delete_in_a_script_and_on_a_terminal_answer_to_one_rule(aws, sm):
    """No --yes in a script: exit 5, nothing deleted (the confirmation rule)."""
    sm.create_secret(Name="d", SecretString="v")
    r = CliRunner().invoke(cli, ["delete", "d"], obj=on())
    assert r.exit_code == 5 and "--yes" in r.stderr
    assert "DeletedDate" not in sm.describe_secret(SecretId="d")


# errors are built once -------------------------------------------------------------------


def test_errors_cannot_be_changed_after_they_are_built():
    err = ConflictError("one message", "one hint")
    with pytest.raises(AttributeError):
        err.message = "another"
    with pytest.raises(AttributeError):
        err.exit_code = 1  # type: ignore[misc]
    assert isinstance(NotConfirmed("x"), SafesmError) and NotConfirmed.exit_code == 5


# no option echoes what was typed ----------------------------------------------------------


def _text_options(command: click.Command, path: tuple[str, ...] = ()):
    """(command path, option) for every option in the tree that takes text."""
    if isinstance(command, click.Group):
        for name in sorted(COMMANDS) if not path else sorted(command.commands):
            sub = command.get_command(click.Context(command), name)
            if sub is not None:
                yield from _text_options(sub, (*path, name))
        return
    for param in command.params:
        if isinstance(param, click.Option) and not param.is_flag and \
                not isinstance(param.type, (click.Choice, click.IntRange)) and \
                param.type.name in ("text", "path", "integer"):
            yield path, param


_ARGS = {  # required positional arguments, per command
    ("put",): ["a"], ("get",): ["a"], ("describe",): ["a"], ("versions",): ["a"],
    ("delete",): ["a"], ("restore",): ["a"], ("policy", "show"): ["a"],
    ("policy", "grant"): ["a", "arn:aws:iam::123456789012:role/r", "--read"],
    ("policy", "revoke"): ["a", "arn:aws:iam::123456789012:role/r"],
    ("policy", "apply"): ["a"], ("policy", "iam"): ["a", "--read"],
    ("shell-init",): ["bash"], ("completion",): ["bash"],
    ("scan",): ["/nonexistent/safesm-test-path"],  # refused before anything is read
}

# `completion bash` runs `bash --version` (click checks it), a process the fast tier may not
# start; its own options are none, and its global ones are the same objects' kind as the rest.
CASES = [(path, opt) for path, opt in _text_options(cli) if path != ("completion",)]


@pytest.mark.parametrize(("path", "option"), CASES,
                         ids=[f"{' '.join(p)} {o.opts[-1]}" for p, o in CASES])
def test_no_text_option_echoes_what_was_typed(run, sm, canary, path, option):
    sm.create_secret(Name="a", SecretString='{"k": "v"}')
    args = [*path, *_ARGS.get(path, []), option.opts[-1], canary]
    if path == ("policy", "lint") and option.opts[-1] != "--file":
        args += ["--file", "-"]
    r = run(*args, input=b'{"Version": "2012-10-17", "Statement": []}')
    shown = r.stderr if (path, option.opts[-1]) in ECHO_ASKED else r.stdout + r.stderr
    assert canary not in shown, r.stderr


# Options whose text is part of the output the user asked for (never an error message).
ECHO_ASKED = {(("policy", "iam"), "--abac"),  # the tag key is in the printed policy
              (("audit",), "--required-tag")}  # the missing tag key is in the findings


def test_every_command_and_text_option_was_covered():
    covered = {p for p, _ in CASES}
    assert ("put",) in covered and ("policy", "lint") in covered and ("get",) in covered
    assert len(CASES) >= 20
