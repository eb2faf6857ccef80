"""Files only the user can touch: safesm's cache and state directories and what is in them.

A directory safesm keeps files in must be a real directory (not a symbolic link), owned
by the user, with no access for group or others (0700); anything else is refused, never
repaired — someone else may already have planted a file in it. safesm makes the missing
ones 0700. Files in it are reached through the directory's descriptor with O_NOFOLLOW,
so a planted symbolic link is never followed, and replaced atomically from a temporary
file with a random name created with O_CREAT|O_EXCL (0600).

Imports only os: TAB completion reads the name cache through here on every key press.
"""

from __future__ import annotations

import errno
import os

_SUPPORTED = (hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
              and hasattr(os, "getuid") and os.open in os.supports_dir_fd)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafeDirectory(OSError):
    """A directory safesm will not keep files in; str() says which and why."""


def _checked(fd: int, path: str) -> int:
    info = os.fstat(fd)
    if info.st_uid != os.getuid():
        raise UnsafeDirectory(f"{path} belongs to another user")
    if info.st_mode & 0o077:
        raise UnsafeDirectory(f"{path} is open to other users (mode "
                              f"{info.st_mode & 0o777:o}, needs 700)")
    return fd


def _open_child(parent: int, name: str, path: str, create: bool) -> int:
    if create:
        try:
            os.mkdir(name, 0o700, dir_fd=parent)
        except FileExistsError:
            pass
    try:
        fd = os.open(name, _DIR_FLAGS | _NOFOLLOW, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise UnsafeDirectory(f"{path} is not a directory (a symbolic link or a file)"
                                  ) from None
        raise
    try:
        return _checked(fd, path)
    except BaseException:
        os.close(fd)
        raise


def open_dir(path: str | os.PathLike[str], depth: int = 1, create: bool = True) -> int:
    """A descriptor of the private directory `path`, whose last `depth` components are
    safesm's own (each is made 0700 when missing and checked); the caller closes it.

    Raises UnsafeDirectory for a directory that is not the user's, not 0700, or a link;
    FileNotFoundError when create=False and it is missing.
    """
    if not _SUPPORTED:
        raise UnsafeDirectory("private files need a POSIX system")
    path = os.path.abspath(os.fspath(path))
    head, parts = path, list[str]()
    for _ in range(depth):
        head, tail = os.path.split(head)
        parts.insert(0, tail)
    if create:
        os.makedirs(head, mode=0o700, exist_ok=True)
    fd = os.open(head, _DIR_FLAGS)
    for part in parts:
        head = os.path.join(head, part)
        try:
            child = _open_child(fd, part, head, create)
        finally:
            os.close(fd)
        fd = child
    return fd


def read(dir_fd: int, name: str) -> bytes:
    """The bytes of a file in a private directory (a symbolic link is refused: ELOOP)."""
    fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0), dir_fd=dir_fd)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def replace(dir_fd: int, name: str, data: bytes) -> None:
    """Atomically replace `name` with `data` (0600): a new temporary file with a random
    name, O_CREAT|O_EXCL|O_NOFOLLOW, renamed over it; nothing is left behind on failure."""
    tmp = f".{name}.{os.urandom(8).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:  # an error or a signal: leave no partial copy behind
        try:
            os.unlink(tmp, dir_fd=dir_fd)
        except OSError:
            pass
        raise


def touch(dir_fd: int, name: str) -> None:
    """Create `name` (0600) if missing and set its time to now; a link is refused (ELOOP)."""
    flags = os.O_WRONLY | os.O_CREAT | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(name, flags, 0o600, dir_fd=dir_fd)
    try:
        os.utime(fd)
    finally:
        os.close(fd)


def mtime(dir_fd: int, name: str) -> float | None:
    """When `name` last changed (its own time, not a link's target), or None if missing."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mtime
    except OSError:
        return None
