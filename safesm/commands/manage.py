"""Metadata commands: list, describe, versions, delete, restore. None of them reads a value."""

from __future__ import annotations

from collections.abc import Sequence

import click

from .. import namecache, render
from ..errors import NotConfirmed
from ..models import SecretSummary
from ..runtime import Runtime
from ._common import (
    change_json_option,
    command,
    deleted_name_argument,
    echo,
    json_option,
    name_argument,
    pass_runtime,
    report_change,
)


@command("list")
@click.option("--prefix", metavar="P", help="Only names that start with P.")
@click.option("--include-deleted", is_flag=True, help="Include secrets scheduled for deletion.")
@click.option("--replication", "with_replicas", is_flag=True,
              help="Also show each secret's replicas and their status (one DescribeSecret "
                   "per secret).")
@json_option()
@pass_runtime
def list_cmd(rt: Runtime, prefix: str | None, include_deleted: bool, with_replicas: bool,
             as_json: bool) -> None:
    """List secret names with when they changed, rotation and deletion (never values)."""
    store = rt.store()
    secrets: Sequence[SecretSummary] = store.list_secrets(prefix, include_deleted)
    namecache.replace_all(rt.settings, [s.name for s in secrets if not s.deleted_date], prefix,
                          [s.name for s in secrets if s.deleted_date] if include_deleted else None)
    if with_replicas:
        from ..ops.replication import describe_all

        secrets = describe_all(store, secrets)
    echo(rt, render.to_json(secrets) if as_json else render.secret_list(secrets, with_replicas))


@command()
@name_argument
@json_option("text")
@pass_runtime
def describe(rt: Runtime, name: str, as_json: bool) -> None:
    """Show a secret's metadata: versions, KMS key, rotation, replication, tags."""
    from ..ops.manage import describe as describe_op
    from ..ops.policy import describe_notes

    store = rt.store()
    info = describe_op(store, name)
    notes = describe_notes(store, info)
    if as_json:
        echo(rt, render.to_json({**render.fields(info), "notes": notes}))
        return
    echo(rt, render.describe(info))
    for note in notes:
        echo(rt, render.printable(f"Note: {note}"))


@command()
@name_argument
@json_option()
@pass_runtime
def versions(rt: Runtime, name: str, as_json: bool) -> None:
    """List a secret's version ids, stage labels and creation dates."""
    items = rt.store().versions(name)
    echo(rt, render.to_json(items) if as_json else render.versions(items))


def _confirm_delete(rt: Runtime, name: str) -> None:
    """Deleting asks for the name to be typed (the one confirmation rule: exit 5)."""
    if not rt.env.stdin_isatty:
        raise NotConfirmed("deleting needs confirmation; nothing was deleted.",
                           "Pass --yes to confirm from a script.")
    from ..prompt import ask_line

    if ask_line(f"Type the secret's name ({name}) to delete it: ").strip() != name:
        raise NotConfirmed("the name did not match; nothing was deleted.")


@command()
@name_argument
@click.option("--recovery-window-days", "days", type=click.IntRange(7, 30), default=30,
              show_default=True, metavar="DAYS", help="Days (7-30) during which restore works.")
@click.option("--force-without-recovery", is_flag=True,
              help="Delete at once, with no way to restore.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@change_json_option
@pass_runtime
def delete(rt: Runtime, name: str, days: int, force_without_recovery: bool, yes: bool,
           as_json: bool) -> None:
    """Schedule secret NAME for deletion (or delete it at once)."""
    from ..ops import manage

    store = rt.store()
    info = manage.deletable(store, name, force_without_recovery)
    if not yes:
        _confirm_delete(rt, name)
    when = manage.delete(store, name, days, force_without_recovery)
    if force_without_recovery:
        namecache.update(rt.settings, remove=[name])
        notice = f"Deleted {name} permanently."
    else:
        namecache.mark_deleted(rt.settings, [name])
        notice = (f"Scheduled {name} for deletion on {render.when(when)}; undo with "
                  f"`safesm restore {name}`.")
    report_change(rt, as_json, notice, info.name, "delete", arn=info.arn, deletion_date=when,
                  recovery_window_days=None if force_without_recovery else days,
                  permanent=force_without_recovery)


@command()
@deleted_name_argument
@change_json_option
@pass_runtime
def restore(rt: Runtime, name: str, as_json: bool) -> None:
    """Cancel the scheduled deletion of secret NAME."""
    from ..ops import manage

    changed = manage.restore(rt.store(), name)
    if changed:
        namecache.mark_restored(rt.settings, [name])
    notice = (f"Restored {name}." if changed
              else f"Nothing changed: {name} is not scheduled for deletion.")
    report_change(rt, as_json, notice, name, "restore", changed)
