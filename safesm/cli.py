"""The click group: global options, lazy command loading, and the one error handler.

Command modules are imported only when their command runs (or when help lists
them), and none of them imports botocore or prompt-toolkit at module level, so
`safesm --help` and TAB completion stay fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from . import __version__
from .commands._common import SafesmGroupBase
from .errors import (
    HISTORY_HINT,
    ArgvValueError,
    CommandExited,
    ExitCode,
    SafesmError,
    Terminated,
    UsageError,
)
from .values import VALUE_OPTIONS

# name -> (module:attribute, one-line help). The help is here so that `safesm --help`
# lists every command without importing any command module; a test keeps it equal to
# each command's own docstring.
COMMANDS: dict[str, tuple[str, str]] = {
    "put": ("safesm.commands.put:put", "Create or update secret NAME."),
    "get": ("safesm.commands.get:get",
            "Copy the value of secret NAME to the clipboard, or write it to a pipe or file."),
    "list": ("safesm.commands.manage:list_cmd",
             "List secret names with when they changed, rotation and deletion (never values)."),
    "describe": ("safesm.commands.manage:describe",
                 "Show a secret's metadata: versions, KMS key, rotation, replication, tags."),
    "versions": ("safesm.commands.manage:versions",
                 "List a secret's version ids, stage labels and creation dates."),
    "delete": ("safesm.commands.manage:delete",
               "Schedule secret NAME for deletion (or delete it at once)."),
    "restore": ("safesm.commands.manage:restore", "Cancel the scheduled deletion of secret NAME."),
    "policy": ("safesm.commands.policy:policy",
               "Least-privilege resource, identity and key policies for a secret."),
    "completion": ("safesm.commands.completion:completion",
                   "Print the TAB-completion script for SHELL (bash, zsh or fish)."),
    "session": ("safesm.commands.session:session",
                "Cached MFA / assume-role sessions (kept in the OS keyring, never in a file)."),
    "history": ("safesm.commands.history:history_group",
                "Find and remove secrets that reached your shell history."),
    "shell-init": ("safesm.commands.shell_init:shell_init",
                   "Print shell code that keeps commands carrying secrets out of history."),
    "rotation": ("safesm.commands.rotation:rotation",
                 "Automatic rotation: show, set, off, abandon (rotate now: `safesm rotate`)."),
    "rotate": ("safesm.commands.rotation:rotate",
               "Rotate secret NAME now and follow it until the new version is AWSCURRENT."),
    "replication": ("safesm.commands.replication:replication",
                    "Replicas of a secret in other Regions: show, add, remove, promote."),
    "generate": ("safesm.commands.generate:generate",
                 "Generate a password (GetRandomPassword's rules, made locally); clipboard or "
                 "pipe."),
    "rollback": ("safesm.commands.lifecycle:rollback",
                 "Make the previous version of NAME current again (or --to VERSION_ID)."),
    "update": ("safesm.commands.lifecycle:update",
               "Change NAME's description, KMS key or tags without writing a new value."),
    "edit": ("safesm.commands.edit:edit",
             "Edit secret NAME in $VISUAL/$EDITOR, from a private file in memory."),
    "audit": ("safesm.commands.audit:audit",
              "Check every secret's rotation, use, tags, policies, keys and replicas (never "
              "values)."),
    "trail": ("safesm.commands.trail:trail",
              "Show who read or changed secret NAME (or any secret), from CloudTrail."),
    "scan": ("safesm.commands.scan:scan",
             "Find hardcoded secrets in files (default: the current directory); exit 8 if any."),
    "exec": ("safesm.commands.exec:exec_cmd",
             "Run COMMAND with secrets in its environment, and nowhere else."),
    "env": ("safesm.commands.env:env_cmd",
            "Write secrets as variables: dotenv, shell, JSON or GitHub Actions."),
    "inject": ("safesm.commands.inject:inject",
               "Fill {{ sm://NAME#FIELD }} references in a template with secret values."),
    "import": ("safesm.commands.importer:import_cmd",
               "Move a .env or flat JSON file into Secrets Manager."),
}


# Commands that never take a value, where one of VALUE_OPTIONS means something else.
# `policy kms --secret NAME` (deprecated for `policy kms NAME`) names a secret.
VALUE_FREE_OPTIONS = {"policy": {"--secret"}}


def _command_of(args: list[str]) -> str | None:
    """The subcommand: the first word that is neither a global option nor its argument."""
    words = iter(args)
    for arg in words:
        if arg in ("--profile", "--region", "--endpoint-url"):
            next(words, None)
        elif not arg.startswith("-"):
            return arg
    return None


def refuse_value_options(args: list[str]) -> None:
    """Refuse options that would carry a value on argv, before click parses anything."""
    allowed = VALUE_FREE_OPTIONS.get(_command_of(args) or "", set())
    for arg in args:
        if arg == "--":
            return
        opt = arg.split("=", 1)[0]
        if opt in VALUE_OPTIONS and opt not in allowed:
            raise ArgvValueError(
                f"refused: {opt} would put a secret value on the command line; safesm "
                "never takes one from argv. Use the hidden prompt, --file PATH, or stdin "
                "(`generate-pw | safesm put NAME`).",
                HISTORY_HINT,
            )


class SafesmGroup(SafesmGroupBase):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attr = COMMANDS[cmd_name][0].split(":")
            command: click.Command = getattr(importlib.import_module(module), attr)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the table, so that --help imports no command module."""
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(self, args: Any = None, prog_name: str | None = None,  # type: ignore[override]
             **extra: Any) -> NoReturn:
        args = sys.argv[1:] if args is None else list(args)
        extra.pop("standalone_mode", None)
        self.user_umask = os.umask(0o077)  # every file safesm writes is private (exec
        # gives the command the umask it would have had)
        previous = _handle_sigterm()
        if os.environ.get("_SAFESM_COMPLETE"):
            from .complete import register_shells

            register_shells()
        restore_echo = _hush(args)
        try:
            code = run(lambda: super(SafesmGroup, self).main(
                args, prog_name or "safesm", standalone_mode=False, **extra), args)
        finally:
            restore_echo()
        _restore_sigterm(previous)
        _flush_stdout()
        sys.exit(code)


# Commands that may ask for a value at a hidden prompt.
PROMPTING_COMMANDS = {"put"}


def _hush(args: list[str]) -> Callable[[], None]:
    """Echo off first thing when a value may be typed, so keys pressed while safesm starts
    are never shown (the prompt then discards them); undone when the run ends."""
    if _command_of(args) not in PROMPTING_COMMANDS or any(
            a == "--file" or a.startswith("--file=") for a in args):
        return lambda: None
    from .prompt import hush_terminal

    return hush_terminal()


def _flush_stdout() -> None:
    """`safesm list | head -1` closes the pipe early: that is no error, and must not end in
    Python's 'Exception ignored ... BrokenPipeError' at exit. A closed stdout has no flush."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _on_sigterm(signum: int, frame: Any) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends us at once
    raise Terminated()


def _handle_sigterm() -> Any:
    """SIGTERM unwinds like Ctrl-C (no traceback, temp files removed) and exits 143.
    Returns the previous handler, for callers that run safesm in-process."""
    import signal

    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (e.g. an embedding test runner)
        return None


def _restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        try:
            signal.signal(signal.SIGTERM, previous)
        except ValueError:
            pass


def _allowed(kind: click.ParamType[Any]) -> str:
    if isinstance(kind, click.Choice):
        return f" (one of: {', '.join(map(str, kind.choices))})"
    if isinstance(kind, click.IntRange):
        low = "" if kind.min is None else f" from {kind.min}"
        high = "" if kind.max is None else f" to {kind.max}"
        return f" (a whole number{low}{high})"
    return f" (a {kind.name})" if kind.name not in ("text", "") else ""


def _usage_message(exc: click.UsageError) -> str:
    """click's usage errors, told by their class, never repeating what was typed: it may
    be a value pasted into the wrong place."""
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        what = exc.param.get_error_hint(exc.ctx).replace("'", "") if exc.param and exc.ctx else ""
        what = what.removesuffix("...")  # NAME... (one or more): the first one is missing
        return f"missing {kind} {what}".rstrip() + "."
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx) if exc.ctx else exc.param.name
        return f"invalid value for {hint}{_allowed(exc.param.type)}; the text given is not shown."
    if isinstance(exc, click.NoSuchOption):
        maybe = f"; did you mean {' or '.join(exc.possibilities)}?" if exc.possibilities else "."
        return f"no such option (the text given is not shown){maybe}"
    if isinstance(exc, (click.BadOptionUsage, click.BadArgumentUsage)):
        return exc.format_message()  # names safesm's own options, not what was typed
    return "the command line could not be parsed (the text given is not shown)."


def _usage_error(exc: click.UsageError) -> SafesmError:
    where = exc.ctx.command_path if exc.ctx else "safesm"
    return UsageError(_usage_message(exc), f"Try '{where} --help' for help.")


def _report(err: SafesmError) -> None:
    from .render import error

    if err.details:
        click.echo(err.details, err=True)
    click.echo(error(err.message, err.hint), err=True)


def run(invoke: Callable[[], Any], args: list[str]) -> int:
    """Run the CLI and turn every outcome into an exit code; the only place that does."""
    try:
        refuse_value_options(args)
        invoke()
        return ExitCode.OK
    except SafesmError as err:
        _report(err)
        return err.exit_code
    except click.exceptions.NoArgsIsHelpError as exc:  # `safesm policy`: its help, exit 2
        click.echo(exc.format_message(), err=True)
        return ExitCode.USAGE
    except click.UsageError as exc:
        _report(_usage_error(exc))
        return ExitCode.USAGE
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.ClickException as exc:  # e.g. click.FileError
        _report(SafesmError(exc.format_message()))
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("safesm: interrupted.", err=True)
        return ExitCode.INTERRUPTED
    except Terminated:
        click.echo("safesm: terminated.", err=True)
        return ExitCode.TERMINATED
    except CommandExited as exc:  # exec --mask: the command's own exit code
        return exc.code
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # a bug: show where, never the message (it may hold a value)
        click.echo(f"safesm: unexpected error ({type(exc).__name__}); this is a bug, please "
                   "report it.", err=True)
        if "--debug" in args:
            import traceback

            click.echo("".join(traceback.format_tb(exc.__traceback__)), err=True)
        return ExitCode.UNEXPECTED


def _complete(kind: str, ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from . import complete

    return getattr(complete, kind)(ctx, param, incomplete)


@click.group("safesm", cls=SafesmGroup)
@click.option("--profile", metavar="NAME", help="AWS profile (default: AWS_PROFILE).",
              shell_complete=lambda c, p, i: _complete("profiles", c, p, i))
@click.option("--region", metavar="REGION", help="AWS region (default: AWS_REGION).",
              shell_complete=lambda c, p, i: _complete("regions", c, p, i))
@click.option("--endpoint-url", metavar="URL",
              help="Secrets Manager endpoint (default: AWS_ENDPOINT_URL_SECRETS_MANAGER, "
                   "AWS_ENDPOINT_URL).")
@click.option("-q", "--quiet", is_flag=True, help="Print no notices on stderr.")
@click.option("--debug", is_flag=True,
              help="Log AWS requests on stderr, with secret values redacted.")
@click.version_option(__version__, "--version", prog_name="safesm")
@click.pass_context
def cli(ctx: click.Context, /, **flags: Any) -> None:
    """Store and read AWS Secrets Manager secrets without leaking them.

    Values come from a hidden prompt, --file or stdin, never from the command line;
    they go out through a pipe (or --print), and every failure has its own exit code
    (see `man safesm`).
    """
    from . import config
    from .runtime import Environment, Runtime

    # Tests inject the terminal: an Environment, or a function making one once the
    # runner's streams are in place.
    env = ctx.obj() if callable(ctx.obj) else ctx.obj
    env = env if isinstance(env, Environment) else Environment.from_process()
    rt = Runtime(config.load(flags, env.environ), env, flags=dict(flags))
    for warning in rt.settings.warnings:
        rt.warn(warning)
    if flags["debug"]:
        from .hardening import enable_debug_logging

        enable_debug_logging(rt.state.redactor)
    ctx.obj = rt


def main() -> None:
    cli.main()
