"""What every command shares: the command classes, the Runtime, confirmations, NAME
arguments and option validators that never echo what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import HISTORY_HINT, ArgvValueError, NotConfirmed, UsageError, invalid_option
from ..runtime import Runtime
from ..values import check_name, check_secret_id

if TYPE_CHECKING:
    from ..ops.generate import PasswordRules

F = TypeVar("F", bound=Callable[..., Any])

EXTRA_ARGS = ArgvValueError(
    "refused: unexpected extra argument on the command line (not shown). safesm never "
    "takes a secret value from argv: use the hidden prompt, --file PATH, or stdin.",
    HISTORY_HINT,
)


class SafesmCommand(click.Command):
    """Extra arguments are collected (not failed on by click) and refused here, so the
    refusal does not depend on the wording of click's messages."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = kwargs.setdefault("context_settings", {})
        settings.setdefault("allow_extra_args", True)
        settings.setdefault("help_option_names", ["-h", "--help"])
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rest = super().parse_args(ctx, args)
        if ctx.args and not ctx.resilient_parsing:
            raise ArgvValueError(EXTRA_ARGS.message, EXTRA_ARGS.hint)
        return rest


class SafesmGroupBase(click.Group):
    """Subgroups: every command and group made inside uses the safesm classes."""

    command_class = SafesmCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {}).setdefault("help_option_names",
                                                             ["-h", "--help"])
        super().__init__(*args, **kwargs)

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


def _check_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_name(value)


def _check_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_secret_id(value)


def _complete_name(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import secret_names

    return secret_names(ctx, param, incomplete)


def complete_regions(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    """Region names (REGION and the REGION of REGION=KMS_KEY)."""
    from ..complete import regions

    return [] if "=" in incomplete else regions(ctx, param, incomplete)


def _check_names(ctx: click.Context, param: click.Parameter,
                 value: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(check_secret_id(v) for v in value)


def names_argument(func: F) -> F:
    """One or more NAMEs, each checked before any network call."""
    return click.argument("names", metavar="NAME...", nargs=-1, required=True,
                          callback=_check_names, shell_complete=_complete_name)(func)


def name_argument(func: F) -> F:
    """The NAME argument of an existing secret: a name or a full ARN (another account's
    secret has no other handle), checked before any network call, completed from the cache."""
    return click.argument("name", callback=_check_id, shell_complete=_complete_name)(func)


def new_name_argument(func: F) -> F:
    """The NAME argument of `put`, which may create: a name only (README "How values go
    in", rule 5)."""
    return click.argument("name", callback=_check_name, shell_complete=_complete_name)(func)


def json_option(what: str = "a table") -> Callable[[F], F]:
    return click.option("--json", "as_json", is_flag=True, help=f"Print JSON instead of {what}.")


def echo(rt: Runtime, text: str) -> None:
    """Output (tables, JSON) on stdout."""
    click.echo(text, file=rt.env.stdout)


_PASSWORD_OPTIONS = (
    click.option("--length", type=click.IntRange(1, 4096), default=32, show_default=True,
                 metavar="N", help="Password length (GetRandomPassword's rules, made locally)."),
    click.option("--exclude-chars", metavar="CHARS", default="",
                 help="Characters never to use."),
    click.option("--no-punctuation", is_flag=True, help="No punctuation (!\"#$%&'()*+,-./:;<=>"
                 "?@[\\]^_`{|}~)."),
    click.option("--no-numbers", is_flag=True, help="No digits."),
    click.option("--no-uppercase", is_flag=True, help="No upper-case letters."),
    click.option("--no-lowercase", is_flag=True, help="No lower-case letters."),
    click.option("--include-space", is_flag=True, help="Space may appear."),
    click.option("--no-require-each-type", is_flag=True,
                 help="Do not require one character of each included type."),
)
PASSWORD_PARAMS = ("length", "exclude_chars", "no_punctuation", "no_numbers", "no_uppercase",
                   "no_lowercase", "include_space", "no_require_each_type")


def password_options(func: F) -> F:
    """GetRandomPassword's options, for `generate` and `put --generate`."""
    for option in reversed(_PASSWORD_OPTIONS):
        func = option(func)
    return func


def password_options_given(params: dict[str, Any]) -> bool:
    return params["length"] != 32 or bool(params["exclude_chars"]) or any(
        params[k] for k in PASSWORD_PARAMS[2:])


def password_rules(params: dict[str, Any]) -> PasswordRules:
    """The PasswordRules the options ask for (ops.generate), checked before any call."""
    from ..ops.generate import PasswordRules, check

    rules = PasswordRules(params["length"], params["exclude_chars"],
                          not params["no_punctuation"], not params["no_numbers"],
                          not params["no_uppercase"], not params["no_lowercase"],
                          params["include_space"], not params["no_require_each_type"])
    check(rules)
    return rules
