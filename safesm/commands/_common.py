"""What every command shares: the store, stderr notices, terminals, the NAME argument."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..config import Settings
from ..values import check_name, check_secret_id


def store(settings: Settings) -> Any:
    """A SecretStore; imported here so that --help never loads aws.py (or botocore)."""
    from ..aws import SecretStore

    return SecretStore(settings)


def notice(settings: Settings, message: str) -> None:
    if not settings.quiet:
        click.echo(message, err=True)


def warn(message: str) -> None:
    """Warnings show even with --quiet: they are about safety."""
    click.echo(f"safesm: warning: {message}", err=True)


def stdin_is_tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def stdout_is_tty() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def _check_name(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_name(value)


def _check_id(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return check_secret_id(value)


def _complete_name(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import secret_names

    return secret_names(ctx, param, incomplete)


def _check_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple:
    return tuple(check_secret_id(v) for v in value)


def names_argument(func: Any) -> Any:
    """One or more NAMEs, each checked before any network call."""
    return click.argument("names", metavar="NAME...", nargs=-1, required=True,
                          callback=_check_names, shell_complete=_complete_name)(func)


def name_argument(func: Any) -> Any:
    """The NAME argument of an existing secret: a name or a full ARN (another account's
    secret has no other handle), checked before any network call, completed from the cache."""
    return click.argument("name", callback=_check_id, shell_complete=_complete_name)(func)


def new_name_argument(func: Any) -> Any:
    """The NAME argument of `put`, which may create: a name only (DESIGN.md's name rule)."""
    return click.argument("name", callback=_check_name, shell_complete=_complete_name)(func)
