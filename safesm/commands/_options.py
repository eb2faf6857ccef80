"""Option groups several commands share: password rules (`generate`, `put --generate`),
secret sources (`exec`, `env`), and output files (`env`, `inject`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._common import check_names, complete_name, validated

if TYPE_CHECKING:
    from ..ops.generate import PasswordRules
    from ..ops.sources import Sources

F = TypeVar("F", bound=Callable[..., Any])


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
# exec and env: where variables come from ------------------------------------------------


def _complete_mapping(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    """`-e VAR=` completes secret names after the `=`."""
    from ..complete import mapping_names

    return mapping_names(ctx, param, incomplete)


def _complete_prefix(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import secret_prefixes

    return secret_prefixes(ctx, param, incomplete)


def _is_mapping(text: str) -> bool:
    from ..ops.sources import parse_mapping

    return parse_mapping(text) is not None


def _is_prefix(text: str) -> bool:
    from ..ops.sources import folder
    from ..values import NAME_RE

    return bool(text) and bool(NAME_RE.fullmatch(folder(text)))


def prefix_option(help_text: str, multiple: bool = False) -> Callable[[F], F]:
    return click.option("--prefix", "prefixes" if multiple else "prefix", multiple=multiple,
                        metavar="PATH/", help=help_text, shell_complete=_complete_prefix,
                        callback=validated(_is_prefix, "a secret name prefix such as app/prod/"))


def source_options(func: F) -> F:
    """-e VAR=NAME[#FIELD], --from NAME, --prefix PATH/ and --override (exec, env)."""
    from ..ops.sources import MAPPING_FORM

    for decorator in reversed((
        click.option("-e", "mappings", multiple=True, metavar="VAR=NAME[#FIELD]",
                     callback=validated(_is_mapping, MAPPING_FORM),
                     shell_complete=_complete_mapping,
                     help="Set VAR to secret NAME, or to one FIELD of a JSON secret "
                          "(repeatable)."),
        click.option("--from", "froms", multiple=True, metavar="NAME", callback=check_names,
                     shell_complete=complete_name,
                     help="Set one variable per top-level key of JSON secret NAME "
                          "(repeatable)."),
        prefix_option("Set one variable per secret under PATH/, named after the rest of its "
                      "name (repeatable).", multiple=True),
        click.option("--override", is_flag=True,
                     help="Let a later or more specific source replace a variable instead "
                          "of refusing (-e beats --from beats --prefix)."),
    )):
        func = decorator(func)
    return func


def sources_of(mappings: tuple[str, ...], froms: tuple[str, ...],
               prefixes: tuple[str, ...]) -> Sources:
    """The parsed sources (checked by the option callbacks); at least one is needed."""
    from ..errors import UsageError
    from ..ops.sources import Sources, parse_mapping

    parsed = tuple(m for m in map(parse_mapping, mappings) if m is not None)
    sources = Sources(parsed, froms, prefixes)
    if not sources:
        raise UsageError("name the secrets to use: -e VAR=NAME[#FIELD], --from NAME or "
                         "--prefix PATH/.")
    return sources


def user_umask() -> int | None:
    """The umask safesm started with (it runs with 077; a command it starts gets this)."""
    root = click.get_current_context().find_root().command
    umask: int | None = getattr(root, "user_umask", None)
    return umask


def output_options(func: F) -> F:
    """-o FILE, --force and --print: where env and inject write values."""
    for decorator in reversed((
        click.option("-o", "--output", "path", metavar="FILE",
                     type=click.Path(dir_okay=False),
                     help="Write to FILE (created 0600 through a temporary file and a rename) "
                          "instead of stdout."),
        click.option("-f", "--force", is_flag=True, help="Replace FILE if it exists."),
        click.option("--print", "to_terminal", is_flag=True,
                     help="Write to stdout even when it is a terminal."),
    )):
        func = decorator(func)
    return func
