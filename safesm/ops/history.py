"""Shell history files: find them, read them in blocks, rewrite them safely.

The rules and formats are pure (``safesm/history/``); this module does the file work of
`history scan|scrub` and never prints. A file is read block by block (never held whole),
and only if it is a regular file: a FIFO or ``/dev/zero`` is refused, not read forever.

A rewrite is atomic (a temporary file in the same directory, fsync, rename) and never
loses an entry a shell writes meanwhile: the check that the file is unchanged and the
rename happen under the locks the shells take (zsh's ``FILE.LOCK`` or ``fcntl`` lock,
fish's ``flock``); bash takes none, so after the rename safesm looks at the old file once
more and carries over whatever bash appended to it in between.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import socket
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConflictError, UsageError
from ..history.formats import detect_shell
from ..history.scan import ROUNDS, Finding, plan, rewrite, scan_blocks

BLOCK = 1 << 20
LOCK_WAIT = 10.0  # seconds; zsh waits as long for its own lock
STALE_LOCK = 10.0  # zsh removes a FILE.LOCK older than this


@dataclass(frozen=True)
class Target:
    path: Path  # as the user knows it
    real: Path  # what gets rewritten (a symlinked history file stays a symlink)
    shell: str
    label: str  # how messages name it (never text typed on the command line)


@dataclass(frozen=True)
class Snapshot:
    """What a file looked like when it was scanned: rewriting is refused if it moved on."""

    size: int
    mtime_ns: int
    inode: int
    digest: str


@dataclass(frozen=True)
class Scanned:
    target: Target
    snapshot: Snapshot
    findings: list[Finding]


@dataclass(frozen=True)
class Rewritten:
    target: Target
    entries: int  # findings removed or masked, those a first pass exposed included
    kept_bytes: int  # written to the old file by a shell during the rename, carried over


def default_targets(environ: Mapping[str, str], home: Path) -> list[tuple[Path, str | None]]:
    """$HISTFILE and the usual files of bash, zsh and fish under HOME."""
    data_home = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    zdot = Path(environ.get("ZDOTDIR") or home)
    found: list[tuple[Path, str | None]] = []
    if environ.get("HISTFILE"):
        found.append((Path(environ["HISTFILE"]), None))
    found += [(home / ".bash_history", "bash"), (zdot / ".zsh_history", "zsh"),
              (zdot / ".zhistory", "zsh"), (data_home / "fish" / "fish_history", "fish")]
    return [(p, s) for p, s in found if p.is_file()]


def targets(files: tuple[str, ...], shell: str | None, environ: Mapping[str, str],
            home: Path) -> list[Target]:
    """The files to scan: those named (labelled by position), else the usual ones."""
    named: list[tuple[Path, str | None, str]] = [
        (Path(f), None, f"history file #{i}") for i, f in enumerate(files, 1)]
    pairs = named or [(p, s, str(p)) for p, s in default_targets(environ, home)]
    out: dict[Path, Target] = {}
    for path, known, label in pairs:
        real = Path(os.path.realpath(path))
        if real not in out:
            out[real] = Target(path, real, shell or known or "", label)
    return list(out.values())


def _open(target: Target) -> tuple[int, os.stat_result]:
    """An fd on a regular file; O_NONBLOCK so that opening a FIFO cannot hang."""
    try:
        fd = os.open(target.real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise UsageError(f"cannot read {target.label}: {exc.strerror}.") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise UsageError(f"{target.label} is not a regular file (a FIFO, a socket or a "
                         "device): safesm reads history from regular files only; nothing "
                         "was read.")
    return fd, st


def _blocks(fd: int, hasher: Any = None) -> Iterator[bytes]:
    while block := os.read(fd, BLOCK):
        if hasher is not None:
            hasher.update(block)
        yield block


def scan_file(target: Target) -> Scanned:
    """Read one file in blocks and scan it (its secrets pass through memory: the caller
    has turned core dumps off)."""
    fd, st = _open(target)
    try:
        head = os.pread(fd, 65536, 0)
        shell = target.shell or detect_shell(target.real.name, head)
        hasher = hashlib.sha256()
        findings = list(scan_blocks(_blocks(fd, hasher), shell))
        after = os.fstat(fd)
    finally:
        os.close(fd)
    target = Target(target.path, target.real, shell, target.label)
    return Scanned(target, Snapshot(after.st_size, after.st_mtime_ns, st.st_ino,
                                    hasher.hexdigest()), findings)


def _same(st: os.stat_result, snap: Snapshot) -> bool:
    return (st.st_ino, st.st_size, st.st_mtime_ns) == (snap.inode, snap.size, snap.mtime_ns)


def _changed(target: Target) -> ConflictError:
    return ConflictError(f"{target.label} changed while safesm was scrubbing it (a shell "
                         "wrote to it); nothing was changed in it.", "Run the command again.")


def rewrite_file(item: Scanned, mask: bool) -> Rewritten:
    """Replace the file by its scrubbed copy; see the module docstring."""
    target, real = item.target, item.target.real
    fd, st = _open(target)
    try:
        if not _same(st, item.snapshot):
            raise _changed(target)
        tmp, entries = _scrubbed_copy(fd, item, mask, st)
        try:
            with _shell_locks(target, fd):
                if not _same(os.stat(real), item.snapshot):
                    raise _changed(target)
                os.replace(tmp, real)
                tmp = ""
                _fsync_dir(real.parent)
                kept = _carry_over(fd, item.snapshot.size, real)
        finally:
            if tmp:
                os.unlink(tmp)
    finally:
        os.close(fd)
    return Rewritten(target, entries, kept)


def _scrubbed_copy(fd: int, item: Scanned, mask: bool, st: os.stat_result) -> tuple[str, int]:
    """A temporary file beside the original with the findings removed (or masked), then
    scanned and scrubbed again until clean: one pass can expose another finding."""
    real, shell = item.target.real, item.target.shell
    hasher = hashlib.sha256()
    ranges = plan(item.findings, mask)
    tmp = _write_temp(real, rewrite(_blocks(fd, hasher), ranges, mask), st, item.target)
    try:
        if hasher.hexdigest() != item.snapshot.digest:
            raise _changed(item.target)
        entries = len(item.findings)
        for _ in range(ROUNDS - 1):
            with open(tmp, "rb") as fh:
                more = list(scan_blocks(iter(lambda: fh.read(BLOCK), b""), shell))
            if not more:
                break
            entries += len(more)
            with open(tmp, "rb") as fh:
                tmp2 = _write_temp(real, rewrite(iter(lambda: fh.read(BLOCK), b""),
                                                 plan(more, mask), mask), st, item.target)
            os.replace(tmp2, tmp)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp, entries


def _write_temp(real: Path, blocks: Iterator[bytes], st: os.stat_result,
                target: Target) -> str:
    """Write ``blocks`` to a new file in ``real``'s directory, with its mode and owner."""
    fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".safesm", dir=real.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for block in blocks:
                fh.write(block)
            fh.flush()
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
                except PermissionError:
                    raise UsageError(f"cannot keep the owner of {target.label}; nothing was "
                                     "changed in it.", "Run as the file's owner.") from None
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _carry_over(old_fd: int, size: int, real: Path) -> int:
    """Bytes a shell appended to the old file after the check (bash takes no lock): add
    them to the new one, until the old file stops growing."""
    kept = 0
    while True:
        grown = os.fstat(old_fd).st_size
        if grown <= size + kept:
            return kept
        tail = os.pread(old_fd, grown - size - kept, size + kept)
        out = os.open(real, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
        try:
            os.write(out, tail)
            os.fsync(out)
        finally:
            os.close(out)
        kept += len(tail)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _shell_locks(target: Target, fd: int) -> Iterator[None]:
    """The locks shells take before they write history: an fcntl write lock (zsh with
    HIST_FCNTL_LOCK), flock (fish) and, for zsh files, the FILE.LOCK symlink."""
    deadline = time.monotonic() + LOCK_WAIT
    with ExitStack() as stack:
        try:
            lock_fd = os.open(target.real, os.O_RDWR | os.O_CLOEXEC)
        except OSError as exc:
            raise UsageError(f"cannot open {target.label} for writing: {exc.strerror}; "
                             "nothing was changed in it.") from None
        stack.callback(os.close, lock_fd)
        _wait(target, deadline, lambda: fcntl.lockf(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB))
        _wait(target, deadline, lambda: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB))
        stack.callback(fcntl.flock, fd, fcntl.LOCK_UN)
        if target.shell == "zsh":
            for path in dict.fromkeys((target.path, target.real)):
                stack.enter_context(_zsh_lock(Path(f"{path}.LOCK"), target, deadline))
        yield


def _wait(target: Target, deadline: float, attempt: Callable[[], None]) -> None:
    while True:
        try:
            attempt()
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EEXIST):
                raise
        if time.monotonic() >= deadline:
            raise ConflictError(f"a shell kept {target.label} locked for {LOCK_WAIT:.0f} "
                                "seconds; nothing was changed in it.", "Run the command again.")
        time.sleep(0.05)


@contextmanager
def _zsh_lock(lock: Path, target: Target, deadline: float) -> Iterator[None]:
    """zsh's own lock: a symlink FILE.LOCK to "/pid-PID/host-HOST"; stale after 10 s."""
    content = f"/pid-{os.getpid()}/host-{socket.gethostname()}"

    def take() -> None:
        try:
            os.symlink(content, lock)
        except FileExistsError:
            try:
                if time.time() - os.lstat(lock).st_mtime > STALE_LOCK:
                    os.unlink(lock)  # what zsh does with a lock its owner left behind
            except FileNotFoundError:
                pass
            raise

    _wait(target, deadline, take)
    try:
        yield
    finally:
        os.unlink(lock)
