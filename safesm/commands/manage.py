"""Metadata commands: list, describe, versions, delete, restore. None of them reads a value."""

from __future__ import annotations

import click

from .. import namecache, render
from ..config import Settings
from ..errors import ConflictError, UsageError
from ._common import name_argument, notice, stdin_is_tty, store


@click.command("list")
@click.option("--prefix", metavar="P", help="Only names that start with P.")
@click.option("--include-deleted", is_flag=True, help="Include secrets scheduled for deletion.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def list_cmd(settings: Settings, prefix: str | None, include_deleted: bool, as_json: bool) -> None:
    """List secret names with when they changed, rotation and deletion (never values)."""
    secrets = store(settings).list(prefix, include_deleted)
    namecache.replace_all(settings, [s.name for s in secrets], prefix)
    click.echo(render.to_json(secrets) if as_json else render.secret_list(secrets))


@click.command()
@name_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.pass_obj
def describe(settings: Settings, name: str, as_json: bool) -> None:
    """Show a secret's metadata: versions, KMS key, rotation, replication, tags."""
    from .policy import describe_notes

    secrets = store(settings)
    info = secrets.describe(name)
    notes = describe_notes(secrets, info)
    if as_json:
        fields = {f: getattr(info, f) for f in info.__dataclass_fields__}
        click.echo(render.to_json({**fields, "notes": notes}))
        return
    click.echo(render.describe(info))
    for note in notes:
        click.echo(f"Note: {note}")


@click.command()
@name_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def versions(settings: Settings, name: str, as_json: bool) -> None:
    """List a secret's version ids, stage labels and creation dates."""
    items = store(settings).versions(name)
    click.echo(render.to_json(items) if as_json else render.versions(items))


def _confirm_delete(name: str) -> None:
    if not stdin_is_tty():
        raise UsageError("deleting needs confirmation; nothing was deleted.",
                         "Pass --yes to delete from a script.")
    from ..prompt import ask_line

    if ask_line(f"Type the secret's name ({name}) to delete it: ").strip() != name:
        raise UsageError("the name did not match; nothing was deleted.")


@click.command()
@name_argument
@click.option("--recovery-window-days", "days", type=click.IntRange(7, 30), default=30,
              show_default=True, metavar="DAYS", help="Days (7-30) during which restore works.")
@click.option("--force-without-recovery", is_flag=True,
              help="Delete at once, with no way to restore.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@click.pass_obj
def delete(settings: Settings, name: str, days: int, force_without_recovery: bool,
           yes: bool) -> None:
    """Schedule secret NAME for deletion (or delete it at once)."""
    secrets = store(settings)
    info = secrets.describe(name)
    if info.deleted_date and not force_without_recovery:
        raise ConflictError(f"secret {name!r} is already scheduled for deletion on "
                            f"{render.when(info.deleted_date)}.",
                            f"Run `safesm restore {name}` to keep it.")
    if not yes:
        _confirm_delete(name)
    when = secrets.delete(name, None if force_without_recovery else days, force_without_recovery)
    namecache.update(settings, remove=[name])
    if force_without_recovery:
        notice(settings, f"Deleted {name} permanently.")
    else:
        notice(settings, f"Scheduled {name} for deletion on {render.when(when)}; undo with "
                         f"`safesm restore {name}`.")


@click.command()
@name_argument
@click.pass_obj
def restore(settings: Settings, name: str) -> None:
    """Cancel the scheduled deletion of secret NAME."""
    store(settings).restore(name)
    namecache.update(settings, add=[name])
    notice(settings, f"Restored {name}.")
