"""`safesm scan`: hardcoded secrets in files and working trees, never shown; `--migrate`
moves them into Secrets Manager."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from .. import hardening, reports
from ..errors import FindingsError, UsageError
from ..runtime import Runtime
from ..values import NAME_RE
from ._common import command, complete_path, echo, pass_runtime, validated

if TYPE_CHECKING:
    from ..ops.scan import ScanResult

HISTORY_NOTE = ("git history still holds these values — rotate them (a new value at the "
                "source, then `safesm put NAME --force`).")


def _load_baseline(path: str) -> set[tuple[str, str, str]]:
    from ..ops.scan import load_baseline

    try:
        with open(path, encoding="utf-8") as fh:
            return load_baseline(fh.read())
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise UsageError("cannot read the file given to --baseline: it must be the JSON "
                         "written by `safesm scan --format json`.") from None


def _check_paths(paths: tuple[str, ...]) -> list[str]:
    for i, path in enumerate(paths, 1):
        if not os.path.exists(path):
            raise UsageError(f"PATH #{i} does not exist (the text given is not shown).")
    return list(paths) or ["."]


@command()
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("table", "json", "sarif")),
              default="table", show_default=True, help="Output format.")
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--baseline", metavar="FILE", shell_complete=complete_path,
              help="Leave out findings listed in FILE (an earlier --format json output).")
@click.option("--migrate", "prefix", metavar="PREFIX",
              callback=validated(NAME_RE.fullmatch, "a secret name prefix "
                                 "(letters, digits and / _ + = . @ -)"),
              help="Store each found value as a secret under PREFIX (files are not changed).")
@pass_runtime
def scan(rt: Runtime, paths: tuple[str, ...], fmt: str, as_json: bool,
         baseline: str | None, prefix: str | None) -> None:
    """Find hardcoded secrets in files (default: the current directory); exit 8 if any.

    Shows file, line, kind and a keyed fingerprint, never the value. Skips .git/, binary
    files and gitignored paths. Found keys are never tried against a live service.
    """
    from ..ops import scan as ops

    fmt = "json" if as_json else fmt
    targets = _check_paths(paths)
    known = _load_baseline(baseline) if baseline else None
    hardening.protect_process()  # found values are in memory from here on
    result = ops.scan(targets, rt.env.environ, known)
    for hit in result.hits:
        rt.hold(hit.value)
    _report(rt, result, fmt)
    if prefix and result.hits:
        _migrate(rt, result, prefix)
    if result.findings:
        raise FindingsError(f"scan found {len(result.findings)} hardcoded secret(s).")


def _report(rt: Runtime, result: ScanResult, fmt: str) -> None:
    if fmt == "json":
        echo(rt, reports.scan_json(result.findings, result.baselined))
    elif fmt == "sarif":
        echo(rt, reports.scan_sarif(result.findings))
    elif result.findings:
        echo(rt, reports.scan_table(result.findings))
    walk = result.walk
    rt.notice(f"{len(walk.files)} file(s) scanned ({walk.binary} binary, {walk.large} over "
              f"5 MiB and {walk.ignored} gitignored skipped): {len(result.findings)} "
              f"finding(s)" + (f", {result.baselined} in the baseline" if result.baselined
                               else "") + ".")
    if walk.no_git:
        rt.warn("git is not installed: gitignored files were scanned too.")


def _migrate(rt: Runtime, result: ScanResult, prefix: str) -> None:
    from ..ops import policy as policy_ops
    from ..ops.scan import Moved, migrate

    access = policy_ops.requested_access(rt.settings.extra, rt.settings.config_file)

    def tell(moved: Moved) -> None:
        where = f"{moved.finding.path}:{moved.finding.line}"
        if moved.status in ("stored", "stored before"):
            rt.env.say(f"{where} {moved.finding.kind}: {moved.status} as {moved.name}; "
                       f"replace the literal with a run-time read of {moved.name} (e.g. "
                       f"\"$(safesm get {moved.name})\" in a shell, GetSecretValue in code).")
        elif moved.status == "exists":
            rt.env.say(f"{where} {moved.finding.kind}: not stored, {moved.name} already "
                       "exists (nothing was overwritten).")
        else:
            rt.env.say(f"{where} {moved.finding.kind}: not stored ({moved.status}).")

    migrate(rt.store(), result, prefix, access, tell)
    rt.warn(HISTORY_NOTE)
