"""`safesm history scan|scrub`: find and remove secrets that already reached shell history.

The logic (formats, rules, masking, the rewrite plan) is pure, in safesm/history/;
this module reads the files, asks, and rewrites them atomically.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .. import hardening, render
from ..errors import ConflictError, FindingsError, UsageError
from ..history import SHELLS
from ..history.formats import detect_shell
from ..history.scan import Finding, digest, scan, scrub
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


@dataclass(frozen=True)
class Snapshot:
    """What a file looked like when it was scanned: rewriting is refused if it moved on."""

    size: int
    mtime_ns: int
    inode: int
    digest: str


@dataclass(frozen=True)
class Target:
    path: Path  # as the user knows it
    real: Path  # what gets rewritten (a symlinked history file stays a symlink)
    shell: str


@dataclass(frozen=True)
class Scanned:
    target: Target
    data: bytes
    snapshot: Snapshot
    findings: list[Finding]


def _default_targets() -> list[tuple[Path, str | None]]:
    """$HISTFILE and the usual files of bash, zsh and fish under HOME."""
    home = Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    zdot = Path(os.environ.get("ZDOTDIR") or home)
    found: list[tuple[Path, str | None]] = []
    if os.environ.get("HISTFILE"):
        found.append((Path(os.environ["HISTFILE"]), None))
    found += [(home / ".bash_history", "bash"), (zdot / ".zsh_history", "zsh"),
              (zdot / ".zhistory", "zsh"), (data_home / "fish" / "fish_history", "fish")]
    return [(p, s) for p, s in found if p.is_file()]


def _read(path: Path) -> tuple[bytes, Snapshot]:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
            st = os.fstat(fh.fileno())
    except OSError as exc:
        raise UsageError(f"cannot read a history file given on the command line: "
                         f"{exc.strerror}.") from None
    return data, Snapshot(st.st_size, st.st_mtime_ns, st.st_ino, digest(data))


def _targets(files: tuple[str, ...], shell: str | None) -> list[Target]:
    pairs = [(Path(f), None) for f in files] if files else _default_targets()
    out: dict[Path, Target] = {}
    for path, known in pairs:
        real = Path(os.path.realpath(path))
        if real not in out:
            out[real] = Target(path, real, shell or known or "")
    return list(out.values())


def _scan(targets: list[Target]) -> list[Scanned]:
    """Read and scan each file; its secrets are in memory from here on, so no core dumps."""
    hardening.protect_process()
    scanned = []
    for target in targets:
        data, snapshot = _read(target.real)
        shell = target.shell or detect_shell(target.real.name, data)
        target = Target(target.path, target.real, shell)
        scanned.append(Scanned(target, data, snapshot, scan(data, shell)))
    return scanned


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
    scanned = _scan(_targets(files, shell))
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


def _rewrite(item: Scanned, new: bytes) -> None:
    """Atomically replace the file: same directory, mode and owner; fsync; then rename.

    Refuses (changing nothing) if the file moved on since it was scanned, so that a
    shell writing new history in the meantime never loses an entry.
    """
    real, st = item.target.real, os.stat(item.target.real)
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".safesm", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
            fh.flush()
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
                except PermissionError:
                    raise UsageError(f"cannot keep the owner of {item.target.path}; nothing "
                                     "was changed in it.", "Run as the file's owner.") from None
            os.fsync(fh.fileno())
        if _read(real)[1] != item.snapshot:
            raise ConflictError(f"{item.target.path} changed while safesm was scrubbing it "
                                "(a shell wrote to it); nothing was changed in it.",
                                "Run the command again.")
        os.replace(tmp, real)
        tmp = ""
        _fsync_dir(real.parent)
    finally:
        if tmp:
            os.unlink(tmp)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    scanned = [s for s in _scan(_targets(files, shell)) if s.findings]
    if not scanned:
        report_change(rt, as_json, "safesm: no secrets found in shell history; nothing to "
                      "scrub.\n" + NOT_SAVED_YET, None, "history-scrub", False, files=[])
        return
    for item in scanned:
        if not stat.S_ISREG(os.stat(item.target.real).st_mode):
            raise UsageError(f"{item.target.path} is not a regular file; nothing was changed.")
    _report(rt, scanned, to_stderr=as_json)
    _confirm(rt, sum(len(s.findings) for s in scanned), mask, yes)
    failed: list[ConflictError] = []
    done: list[str] = []
    rewritten: list[dict[str, Any]] = []
    for item in scanned:
        try:
            _rewrite(item, scrub(item.data, item.findings, mask))
        except ConflictError as err:
            failed.append(err)
            continue
        done.append(item.target.shell)
        rewritten.append({"path": str(item.target.path), "shell": item.target.shell,
                          "entries": len(item.findings)})
        entries = _entries(len(item.findings))
        rt.env.say(f"Masked the secrets of {entries} in {item.target.path}." if mask
                   else f"Removed {entries} from {item.target.path}.")
    for shell_name in dict.fromkeys(done):
        rt.env.say(RELOAD[shell_name])
    if as_json:
        echo(rt, render.change(None, "history-scrub", bool(rewritten), masked=mask,
                               files=rewritten))
    if failed:
        raise ConflictError(" ".join(e.message for e in failed), failed[0].hint)
