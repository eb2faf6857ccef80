"""`safesm get`: hand a value to a pipe (or, with --print, to the terminal)."""

from __future__ import annotations

import sys

import click

from .. import hardening
from ..config import Settings
from ..errors import UsageError
from ..values import SecretValue, extract_field
from ._common import name_argument, stdout_is_tty, store


def write_value(value: SecretValue) -> None:
    """The exact bytes, no newline added: `$(safesm get x)` and `| psql` see the value."""
    out = sys.stdout.buffer
    out.write(value.reveal())
    out.flush()


@click.command()
@name_argument
@click.option("--field", metavar="KEY", help="Output one key of a JSON secret.")
@click.option("--version-id", metavar="ID", help="Read this version instead of AWSCURRENT.")
@click.option("--version-stage", metavar="STAGE", help="Read the version with this stage label.")
@click.option("--print", "to_terminal", is_flag=True,
              help="Write the value to stdout even when stdout is a terminal.")
@click.pass_obj
def get(settings: Settings, name: str, field: str | None, version_id: str | None,
        version_stage: str | None, to_terminal: bool) -> None:
    """Write the value of secret NAME to stdout (a pipe or file), exactly as stored."""
    if stdout_is_tty() and not to_terminal:
        raise UsageError(
            "refusing to show a secret on the terminal.",
            f"Pipe it (`safesm get {name} | ...`), redirect it to a file, or pass --print.",
        )
    hardening.protect_process()
    value = hardening.remember(store(settings).get_value(name, version_id, version_stage))
    if field:
        value = hardening.remember(extract_field(value, field))
    write_value(value)
