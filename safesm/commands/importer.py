"""`safesm import`: a .env or flat JSON file into Secrets Manager."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..runtime import Runtime
from ._common import check_name_param, command, complete_name, echo, pass_runtime
from ._options import prefix_option

if TYPE_CHECKING:
    from ..ops.importing import Planned

MAX_FILE = 16 * 1024 * 1024
VERBS = {"create": ("created", "would create"), "update": ("updated", "would update"),
         "skip": ("skipped", "would skip")}


@command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@prefix_option("One secret per key: PATH/KEY.")
@click.option("--into", metavar="NAME", shell_complete=complete_name,
              callback=lambda c, p, v: None if v is None else check_name_param(c, p, v),
              help="One JSON secret NAME holding every key.")
@click.option("--format", "fmt", type=click.Choice(("dotenv", "json")),
              help="The file's format (default: json for *.json, else dotenv).")
@click.option("--dry-run", is_flag=True, help="List what would be written; write nothing.")
@click.option("-f", "--force", is_flag=True, help="Replace secrets that exist (else skipped).")
@pass_runtime
def import_cmd(rt: Runtime, path: str, prefix: str | None, into: str | None,
               fmt: str | None, dry_run: bool, force: bool) -> None:
    """Move a .env or flat JSON file into Secrets Manager.

    With --prefix PATH/ each KEY becomes secret PATH/KEY; with --into NAME the keys
    become one JSON secret. A .env file is read as python-dotenv reads it (quotes,
    escapes, export, comments, multi-line values), without expanding ${VAR}. Secrets that
    exist are skipped unless --force; every new one gets the default resource policy.
    Values never appear in the output; a problem in the file is reported by its line.
    The file itself still holds the values afterwards: delete it and rotate them.
    """
    from .. import hardening, namecache
    from ..ops import importing, sources
    from ..ops import policy as policy_ops

    if (prefix is None) == (into is None):
        raise UsageError("give exactly one of --prefix PATH/ or --into NAME.")
    fmt = fmt or ("json" if path.lower().endswith(".json") else "dotenv")
    hardening.protect_process()
    entries = importing.parse(_read(rt, path), fmt)
    secrets = (importing.split(entries, sources.folder(prefix)) if prefix is not None
               else [(into or "", importing.joined(entries))])
    for _, value in secrets:
        rt.hold(value)
    access = policy_ops.requested_access(rt.settings.extra, rt.settings.config_file)
    store = rt.store()
    planned = importing.plan(store, secrets, force)
    if dry_run:
        for item in planned:
            echo(rt, _line(item, dry_run=True))
        return
    importing.apply(store, planned, access, lambda item: echo(rt, _line(item)))
    namecache.update(rt.settings, add=[p.name for p in planned if p.action == "create"])
    _summary(rt, planned)


def _line(item: Planned, dry_run: bool = False) -> str:
    verb = VERBS[item.action][1 if dry_run else 0]
    return f"{verb} {item.name}" + (f" ({item.reason})" if item.reason else "")


def _summary(rt: Runtime, planned: Sequence[Planned]) -> None:
    counts = {a: sum(1 for p in planned if p.action == a) for a in VERBS}
    rt.notice(f"Imported: {counts['create']} created, {counts['update']} updated, "
              f"{counts['skip']} skipped.")
    if counts["create"]:
        rt.notice("Each new secret has the default resource policy (`safesm policy show NAME`; "
                  "`safesm policy grant NAME` widens it).")
    rt.warn("the file you imported still holds these values in plain text: delete it "
            "(`shred -u FILE`) and rotate the values, since they were on disk unencrypted.")


def _read(rt: Runtime, path: str) -> str:
    """The file's text, with a warning when group or others can read it."""
    try:
        with open(path, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            data = fh.read(MAX_FILE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read FILE: {exc.strerror}; nothing was written.") from None
    if stat.S_ISREG(mode) and mode & (stat.S_IRGRP | stat.S_IROTH):
        rt.warn("the file is readable by group or others (`chmod 600 FILE`).")
    if len(data) > MAX_FILE:
        raise UsageError("FILE is larger than 16 MiB; nothing was written.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("FILE is not UTF-8 text; nothing was written.") from None
