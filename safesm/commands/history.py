"""`safesm history scan|scrub`: find and remove secrets that already reached shell history.

The rules and formats are pure (safesm/history/); reading, locking and rewriting the
files is ``ops.history``; this module asks, reports and advises.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import hardening, render
from ..errors import ConflictError, FindingsError
from ..history import SHELLS
from ..history.scan import Finding
from ..ops.history import Rewritten, Scanned, Target, rewrite_file, scan_file, targets
from ..runtime import Runtime
from ._common import change_json_option, confirm_or_refuse, echo, group, pass_runtime, report_change

NOT_SAVED_YET = ("A shell that is still open may not have saved its latest commands yet "
                 "(bash and zsh write them when they exit, unless told otherwise).")
PS_NOTE = (
    "While they ran, these commands were also visible to every user of this machine in "
    "process listings (ps, /proc); scrubbing history cannot undo that. Rotate any secret "
    "someone else could have seen."
)
RELOAD = {
    "bash": ("Open bash sessions still hold the removed commands in memory and write them "
             "back when they exit. In each one, run (it also drops that session's unsaved "
             "commands):\n    history -c; history -r"),
    "zsh": ("Open zsh sessions still hold the removed commands in memory (and may write "
            "them back on exit). In each one, run (it also drops that session's unsaved "
            "commands):\n    () { local HISTSIZE=0 }; fc -R"),
    "fish": ("Open fish sessions do not write the removed commands back, but still offer "
             "them with the up arrow until they exit. In each one, run:\n    history merge"),
}


def _targets(rt: Runtime, files: tuple[str, ...], shell: str | None) -> list[Target]:
    return targets(files, shell, rt.env.environ, Path.home())


def _scan(found: list[Target]) -> list[Scanned]:
    """Read and scan each file; its secrets are in memory from here on, so no core dumps."""
    hardening.protect_process()
    return [scan_file(target) for target in found]


def _entries(count: int) -> str:
    return f"{count} history entr{'y' if count == 1 else 'ies'}"


def _finding_line(path: Path, finding: Finding) -> str:
    return f"{path}:{finding.line}: [{finding.shell}] {','.join(finding.rules)}: {finding.command}"


def _report(rt: Runtime, scanned: list[Scanned], to_stderr: bool = False) -> None:
    """Findings on stdout (on stderr when stdout carries JSON), one per line; the summary
    and advice on stderr."""
    findings = [(s.target.path, f) for s in scanned for f in s.findings]
    for path, finding in findings:
        line = _finding_line(path, finding)
        rt.env.say(line) if to_stderr else echo(rt, line)
    files = sum(1 for s in scanned if s.findings)
    rt.notice(f"safesm: {_entries(len(findings))} with secrets in {files} "
              f"file{'s' * (files != 1)}.")
    if any(f.in_process_listing for _, f in findings):
        rt.warn(PS_NOTE)


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    """FILE... and --shell, shared by scan and scrub."""
    func = click.option("--shell", type=click.Choice(SHELLS),
                        help="The files' format (default: from the name, else the content).")(func)
    return click.argument("files", nargs=-1, metavar="[FILE]...",
                          type=click.Path(dir_okay=False))(func)


@group("history")
def history_group() -> None:
    """Find and remove secrets that reached your shell history.

    With no FILE: $HISTFILE, ~/.bash_history, ~/.zsh_history and fish's
    fish_history. To keep new ones out, see `safesm shell-init`.
    """


@history_group.command("scan")
@_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@pass_runtime
def scan_cmd(rt: Runtime, files: tuple[str, ...], shell: str | None, as_json: bool) -> None:
    """Report history entries that carry a secret (masked). Exit 8 if any."""
    scanned = _scan(_targets(rt, files, shell))
    findings = [f for s in scanned for f in s.findings]
    if as_json:
        echo(rt, json.dumps({
            "files": [{"path": str(s.target.path), "shell": s.target.shell} for s in scanned],
            "findings": [{"path": str(s.target.path), "line": f.line, "shell": f.shell,
                          "rules": list(f.rules), "command": f.command}
                         for s in scanned for f in s.findings],
            "visible_in_process_listings": any(f.in_process_listing for f in findings),
        }, indent=2))
    if not scanned:
        rt.notice("safesm: no shell history files found.")
    elif findings:
        if not as_json:
            _report(rt, scanned)
        raise FindingsError(f"{_entries(len(findings))} in shell history carry a secret.",
                            "Remove them with `safesm history scrub` (or keep the commands and "
                            "hide the secrets with `safesm history scrub --mask`).")
    else:
        rt.notice("safesm: no secrets found in " +
                  ", ".join(str(s.target.path) for s in scanned) + ".\n" + NOT_SAVED_YET)


def _confirm(rt: Runtime, count: int, mask: bool, yes: bool) -> None:
    if not yes:
        what = "Mask the secrets in" if mask else "Remove"
        confirm_or_refuse(rt, f"{what} {_entries(count)}?", "scrubbing", "--yes")


@history_group.command("scrub")
@_options
@click.option("--mask", is_flag=True,
              help="Keep the commands, with the secrets replaced by ****.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@change_json_option
@pass_runtime
def scrub_cmd(rt: Runtime, files: tuple[str, ...], shell: str | None, mask: bool,
              yes: bool, as_json: bool) -> None:
    """Remove history entries that carry a secret (or mask the secret with --mask).

    Shows what will change (masked) and asks; scripts pass --yes. Each file is
    rewritten atomically with its mode and owner, every other entry byte for byte,
    and no backup copy is kept.
    """
    scanned = [s for s in _scan(_targets(rt, files, shell)) if s.findings]
    if not scanned:
        report_change(rt, as_json, "safesm: no secrets found in shell history; nothing to "
                      "scrub.\n" + NOT_SAVED_YET, None, "history-scrub", False, files=[])
        return
    _report(rt, scanned, to_stderr=as_json)
    _confirm(rt, sum(len(s.findings) for s in scanned), mask, yes)
    failed: list[ConflictError] = []
    done: list[Rewritten] = []
    for item in scanned:
        try:
            done.append(rewrite_file(item, mask))
        except ConflictError as err:
            failed.append(err)
            continue
        rt.env.say(_done_line(done[-1], len(item.findings), mask))
    for shell_name in dict.fromkeys(d.target.shell for d in done):
        rt.env.say(RELOAD[shell_name])
    if as_json:
        rewritten = [{"path": str(d.target.path), "shell": d.target.shell, "entries": d.entries}
                     for d in done]
        echo(rt, render.change(None, "history-scrub", bool(rewritten), masked=mask,
                               files=rewritten))
    if failed:
        raise ConflictError(" ".join(e.message for e in failed), failed[0].hint)


def _done_line(done: Rewritten, shown: int, mask: bool) -> str:
    entries = _entries(done.entries)
    line = (f"Masked the secrets of {entries} in {done.target.path}." if mask
            else f"Removed {entries} from {done.target.path}.")
    if done.entries > shown:
        line += (f" ({done.entries - shown} of them came to light only once the others "
                 "were gone.)")
    if done.kept_bytes:
        line += (" A shell wrote to the file while it was replaced; what it wrote is kept "
                 "as it was: run `safesm history scan` again.")
    return line
