"""What every command shares: the command classes, the Runtime, confirmations, NAME
arguments and option validators that never echo what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..errors import (
    HISTORY_HINT,
    ArgvValueError,
    InvalidValueError,
    NotConfirmed,
    UsageError,
    invalid_option,
)
from ..runtime import Runtime
from ..values import SecretValue, check_name, check_secret_id, shows_as_text

F = TypeVar("F", bound=Callable[..., Any])

EXTRA_ARGS = ArgvValueError(
    "refused: unexpected extra argument on the command line (not shown). safesm never "
    "takes a secret value from argv: use the hidden prompt, --file PATH, or stdin.",
    HISTORY_HINT,
)


class GlobalOption(click.Option):
    """A global option given after the command (`safesm list --region eu-west-1`, `safesm
    get x --profile prod -q`), as the AWS CLI allows: it fills the Runtime exactly as the
    same option before the command would. Eager, so it is in place before any other
    callback; in completion (no Runtime yet) it still reaches the root's parameters, which
    is where completion looks for the profile, region and endpoint."""

    def __init__(self, decls: list[str], **kwargs: Any) -> None:
        super().__init__(decls, expose_value=False, is_eager=True, callback=_set_global,
                         **kwargs)


def _set_global(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    if value is None or value is False or param.name is None:
        return  # not given here
    ctx.find_root().params[param.name] = value
    rt = ctx.find_object(Runtime)
    if rt is not None:
        rt.apply_flags(**{param.name: value})


def _complete_global(kind: str) -> Callable[..., Any]:
    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        from .. import complete as completion

        return getattr(completion, kind)(ctx, param, incomplete)

    return complete


def global_options() -> list[click.Option]:
    """The root group's options, for every command and group (a fresh set for each)."""
    return [
        GlobalOption(["--profile"], metavar="NAME", help="AWS profile (default: AWS_PROFILE).",
                     shell_complete=_complete_global("profiles")),
        GlobalOption(["--region"], metavar="REGION", help="AWS region (default: AWS_REGION).",
                     shell_complete=_complete_global("regions")),
        GlobalOption(["--endpoint-url"], metavar="URL", help="Secrets Manager endpoint."),
        GlobalOption(["-q", "--quiet"], is_flag=True, help="Print no notices on stderr."),
        GlobalOption(["--debug"], is_flag=True,
                     help="Log AWS requests on stderr, with secret values redacted."),
    ]


def _with_globals(params: list[click.Parameter]) -> list[click.Parameter]:
    """`params` plus the global options whose names the command does not use itself
    (`session login --profile` keeps its own)."""
    taken = {opt for p in params for opt in getattr(p, "opts", [])}
    return [*params, *(g for g in global_options() if not taken & set(g.opts))]


def _format_globals(cmd: click.Command, ctx: click.Context,
                    formatter: click.HelpFormatter) -> None:
    """Help: the command's own options, then the global ones in a section of their own."""
    own: list[tuple[str, str]] = []
    shared: list[tuple[str, str]] = []
    for param in cmd.get_params(ctx):
        record = param.get_help_record(ctx)
        if record and not isinstance(param, click.Argument):
            (shared if isinstance(param, GlobalOption) else own).append(record)
    if own:
        with formatter.section("Options"):
            formatter.write_dl(own)
    if shared:
        with formatter.section("Global options (also before the command)"):
            formatter.write_dl(shared)


class SafesmCommand(click.Command):
    """Extra arguments are collected (not failed on by click) and refused here, so the
    refusal does not depend on the wording of click's messages. Every command also takes
    the global options after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = kwargs.setdefault("context_settings", {})
        settings.setdefault("allow_extra_args", True)
        settings.setdefault("help_option_names", ["-h", "--help"])
        super().__init__(*args, **kwargs)
        self.params = _with_globals(self.params)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _format_globals(self, ctx, formatter)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if ctx.args and not ctx.resilient_parsing:
            raise ArgvValueError(EXTRA_ARGS.message, EXTRA_ARGS.hint)
        return rest


class SafesmGroupBase(click.Group):
    """Subgroups: every command and group made inside uses the safesm classes, and takes
    the global options (the root group defines its own)."""

    command_class = SafesmCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {}).setdefault("help_option_names",
                                                             ["-h", "--help"])
        super().__init__(*args, **kwargs)
        self.params = _with_globals(self.params)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _format_globals(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        """An unknown command is refused without repeating it (it may be a value pasted in
        the wrong place), with the closest of this group's own command names."""
        word = args[0] if args else ""
        if (word and not word.startswith("-") and not ctx.resilient_parsing
                and self.get_command(ctx, word) is None):
            raise unknown_command(ctx, word, self.list_commands(ctx))
        return super().resolve_command(ctx, args)


SafesmGroupBase.group_class = SafesmGroupBase


def unknown_command(ctx: click.Context, word: str, names: list[str]) -> UsageError:
    """'no such command', and 'did you mean' among the group's own names: the suggestion
    is one of safesm's words, never the text typed."""
    from difflib import get_close_matches

    close = get_close_matches(word, names, n=3)
    maybe = f"; did you mean {' or '.join(close)}?" if close else "."
    return UsageError(f"no such command (the text given is not shown){maybe}",
                      f"Try '{ctx.command_path} --help' for the list of commands.")


def command(name: str | None = None, **kwargs: Any) -> Callable[[F], click.Command]:
    """click.command with safesm's command class."""
    return click.command(name, cls=SafesmCommand, **kwargs)


def group(name: str | None = None, **kwargs: Any) -> Callable[[F], click.Group]:
    return click.group(name, cls=SafesmGroupBase, **kwargs)


pass_runtime = click.make_pass_decorator(Runtime)


def confirm_or_refuse(rt: Runtime, question: str, what: str, flag: str,
                      unchanged: str = "nothing was changed") -> None:
    """The one rule for confirmations: a terminal is asked; 'no' and a script without
    `flag` both raise NotConfirmed (exit 5), with nothing changed."""
    if not rt.env.stdin_isatty:
        raise NotConfirmed(f"{what} needs confirmation; {unchanged}.",
                           f"Pass {flag} to confirm from a script.")
    from ..prompt import confirm

    if not confirm(question):
        raise NotConfirmed(f"not confirmed; {unchanged}.")


def confirmer(rt: Runtime, flag: str, unchanged: str) -> Callable[[str, str], None]:
    """confirm_or_refuse bound to a command's flag, for operations that ask mid-way."""
    return lambda question, what: confirm_or_refuse(rt, question, what, flag, unchanged)


def validated(check: Callable[[str], object], form: str) -> Callable[..., Any]:
    """A click callback refusing a text option that fails `check`, naming the option and
    the form it needs, never the text given."""
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        values = value if isinstance(value, tuple) else (value,)
        for item in values:
            if item is not None and not check(item):
                raise invalid_option(_option_name(param), form)
        return value

    return callback


def _option_name(param: click.Parameter) -> str:
    opts = getattr(param, "opts", None) or [param.name or "?"]
    return max(opts, key=len) if isinstance(param, click.Option) else (param.human_readable_name)


def check_name_param(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_name(value)


def _check_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_secret_id(value)


def complete_name(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import secret_names

    return secret_names(ctx, param, incomplete)


def _complete_deleted(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import deleted_names

    return deleted_names(ctx, param, incomplete)


def complete_regions(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    """Region names (REGION and the REGION of REGION=KMS_KEY)."""
    from ..complete import regions

    return [] if "=" in incomplete else regions(ctx, param, incomplete)


def check_names(ctx: click.Context, param: click.Parameter,
                 value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(check_secret_id(v) for v in value)


def names_argument(func: F) -> F:
    """One or more NAMEs, each checked before any network call."""
    return click.argument("names", metavar="NAME...", nargs=-1, required=True,
                          callback=check_names, shell_complete=complete_name)(func)


def name_argument(func: F) -> F:
    """The NAME argument of an existing secret: a name or a full ARN (another account's
    secret has no other handle), checked before any network call, completed from the cache."""
    return click.argument("name", callback=_check_id, shell_complete=complete_name)(func)


def optional_name_argument(func: F) -> F:
    """NAME where an option may stand in for it (checked by the command), completed."""
    return click.argument("name", required=False, shell_complete=complete_name)(func)


def deleted_name_argument(func: F) -> F:
    """The NAME of a secret scheduled for deletion (`restore`): those complete on TAB."""
    return click.argument("name", callback=_check_id, shell_complete=_complete_deleted)(func)


def new_name_argument(func: F) -> F:
    """The NAME argument of `put`, which may create: a name only (README "How values go
    in", rule 5)."""
    return click.argument("name", callback=check_name_param, shell_complete=complete_name)(func)


def complete_path(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    """TAB after an option that takes a path: the shell completes file names."""
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]


def file_option(*decls: str, **kwargs: Any) -> Callable[[F], F]:
    """An option naming a file (`--file PATH`): PATH in help, file names on TAB. Not a
    click.Path, whose own checks would repeat the path typed in their errors."""
    return click.option(*decls, metavar="PATH", shell_complete=complete_path, **kwargs)


def json_option(what: str = "a table") -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=f"Print JSON instead of {what}.")


def change_json_option(func: F) -> F:
    """`--json` for a command that changes something: what it did, as one JSON object on
    stdout (`render.change`: name, action, changed, and the command's own keys); the
    notices stay on stderr. Every command that changes something takes it."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print what was changed as JSON on stdout.")(func)


def report_change(rt: Runtime, as_json: bool, notice: str, name: str | None, action: str,
                  changed: bool = True, **details: Any) -> None:
    """The notice on stderr (unless --quiet) and, with --json, the change on stdout."""
    from .. import render

    if as_json:
        echo(rt, render.change(name, action, changed, **details))
    rt.notice(notice)


def write_value(rt: Runtime, value: SecretValue, label: str = "the value") -> None:
    """To a pipe or file: the exact bytes, no newline added (`$(safesm get x)` and pipes see
    the value). To a terminal (`--print`): text only, ending with a newline so the shell's
    prompt does not run on from it."""
    data = value.reveal()
    if rt.env.stdout_isatty:
        if not shows_as_text(value):
            raise InvalidValueError(f"{label} is binary (or holds control characters), and "
                                    "stdout is a terminal: printing it could garble or "
                                    "command the terminal; nothing was printed.",
                                    "Send it to a pipe or a file: `safesm get NAME > FILE`.")
        data += b"" if data.endswith(b"\n") else b"\n"
    out = rt.env.stdout_bytes()
    out.write(data)
    out.flush()


def echo(rt: Runtime, text: str) -> None:
    """Output (tables, JSON) on stdout."""
    click.echo(text, file=rt.env.stdout)
