"""The edge `safesm edit` stands on: a private file in memory, and the user's editor.

The value is written to a file only for the editor, and only in memory: a 0700 directory
(mkdtemp) in `$XDG_RUNTIME_DIR` or `/dev/shm` when that is a tmpfs, with the file 0600.
A disk-backed directory is refused unless the caller allows it. The directory is removed
when the edit ends, however it ends (saved, unchanged, editor failure, Ctrl-C, SIGTERM):
each file in it (the editor's swap and backup files too) is overwritten with zeros and
unlinked. vim and neovim are started without swap, backup, undo and viminfo/shada files.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from .errors import UsageError

MOUNTS = "/proc/self/mounts"
SHM = "/dev/shm"
MEMORY_FS = {"tmpfs", "ramfs"}
_VIM_NAMES = ("vim", "nvim", "gvim", "mvim")  # vim.basic, vim.tiny, vimx, ... too
_VIM_ARGS = ["-n", "-i", "NONE", "--cmd", "set nobackup nowritebackup noundofile viminfo="]


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def fs_type(path: str, mounts_text: str) -> str | None:
    """The type of the file system `path` is on: the longest mount point above it."""
    best, kind = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape(parts[1]).rstrip("/") or "/"
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def _mounts() -> str:
    try:
        with open(MOUNTS, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return ""  # not Linux: nothing is known to be in memory


def in_memory(path: str, mounts_text: str | None = None) -> bool:
    text = _mounts() if mounts_text is None else mounts_text
    return fs_type(os.path.realpath(path), text) in MEMORY_FS


def choose_dir(environ: Mapping[str, str], allow_disk: bool) -> tuple[str, bool]:
    """Where the private directory goes, and whether it is in memory."""
    mounts = _mounts()
    for candidate in (environ.get("XDG_RUNTIME_DIR", ""), SHM):
        if candidate and os.path.isdir(candidate) and os.access(candidate, os.W_OK | os.X_OK) \
                and in_memory(candidate, mounts):
            return candidate, True
    if allow_disk:
        import tempfile

        return tempfile.gettempdir(), False
    raise UsageError("no memory-backed directory for the file the editor opens "
                     "($XDG_RUNTIME_DIR and /dev/shm are missing or not tmpfs); safesm will "
                     "not write the value to disk. Nothing was read.",
                     "Point XDG_RUNTIME_DIR at a tmpfs directory, or pass --allow-disk-tmp "
                     "to accept a file on disk (removed afterwards).")


def editor_command(environ: Mapping[str, str]) -> list[str]:
    """$VISUAL, else $EDITOR, else vi; vim-likes without swap, backup, undo, viminfo."""
    text = environ.get("VISUAL") or environ.get("EDITOR") or "vi"
    try:
        argv = shlex.split(text)
    except ValueError:
        argv = []
    if not argv:
        raise UsageError("$VISUAL/$EDITOR is not a command line safesm can run.",
                         "Set EDITOR to your editor, e.g. EDITOR=vim.")
    found = shutil.which(argv[0], path=environ.get("PATH"))
    real = os.path.basename(os.path.realpath(found)) if found else ""
    if real.startswith(_VIM_NAMES):
        return argv + _VIM_ARGS
    return argv


@contextmanager
def private_file(base: str, data: bytes, suffix: str) -> Iterator[str]:
    """A 0600 file holding `data` in a fresh 0700 directory under `base`; the directory
    and everything in it are scrubbed and removed on the way out."""
    import tempfile

    directory = tempfile.mkdtemp(prefix="safesm-edit-", dir=base)
    try:
        path = os.path.join(directory, "value" + suffix)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield path
    finally:
        scrub_tree(directory)


def scrub_tree(directory: str) -> None:
    """Overwrite every file with zeros, then remove the tree (best effort, then rmtree)."""
    for root, _dirs, files in os.walk(directory, topdown=False):
        for name in files:
            path = os.path.join(root, name)
            try:
                size = os.lstat(path).st_size
                if not os.path.islink(path):
                    with open(path, "r+b") as fh:
                        fh.write(b"\0" * size)
                os.unlink(path)
            except OSError:
                pass
    shutil.rmtree(directory, ignore_errors=True)


def run_editor(argv: list[str], path: str) -> int:
    """The editor in the foreground on `path`; its exit status. Ctrl-C reaches it too."""
    import subprocess

    try:
        return subprocess.run([*argv, path], check=False).returncode
    except FileNotFoundError:
        raise UsageError("the editor named by $VISUAL/$EDITOR was not found; nothing was "
                         "written.", "Set EDITOR to an installed editor, e.g. EDITOR=nano.") \
            from None


def read_edited(path: str, limit: int) -> bytes:
    """What the editor left (the editor may have replaced the file: read it by name)."""
    with open(path, "rb") as fh:
        return fh.read(limit + 3)
