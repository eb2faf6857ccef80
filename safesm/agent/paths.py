"""Where the agent's socket lives, and the checks that make it safe to use (stdlib only).

The directory is $XDG_RUNTIME_DIR/safesm, or safesm-UID under the temp dir ($TMPDIR or
/tmp) when there is no usable runtime dir. It must be a real directory (not a symlink),
owned by this uid, with no access for group or others (private_files.py, as for every
directory safesm keeps files in). It is opened once (O_NOFOLLOW) and checked through
that descriptor; on Linux the socket is then reached through
/proc/self/fd/N/agent.sock, so what was checked is what is used, and the path is short
whatever the directory's length (a unix socket path holds at most 107 bytes).
"""

from __future__ import annotations

import os
import stat
import sys

from .. import private_files

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

SOCKET = "agent.sock"
LOCK = "agent.lock"
MAX_SOCKET_PATH = 100


class UnsafePath(Exception):  # noqa: N818 (reads as a sentence: raise UnsafePath(why))
    """The socket directory or file is not one this user alone controls."""


def socket_dir(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    runtime = env.get("XDG_RUNTIME_DIR") or ""
    if os.path.isabs(runtime) and _private_dir(runtime):
        return os.path.join(runtime, "safesm")
    temp = env.get("TMPDIR") or "/tmp"
    return os.path.join(temp, f"safesm-{os.getuid()}")


def _private_dir(path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


def open_dir(path: str, create: bool) -> int | None:
    """A descriptor of the checked directory; None if it does not exist and `create` is
    false. Raises UnsafePath when it is a symlink, not a directory, another user's, or
    open to others (the rules of safesm's other private directories: private_files)."""
    try:
        return private_files.open_dir(path, 1, create)
    except FileNotFoundError:
        return None
    except private_files.UnsafeDirectory as exc:
        raise UnsafePath(f"{exc}; refusing to use it.") from None


def socket_path(path: str, fd: int) -> str:
    """The name to bind or connect to, resolving through the checked descriptor."""
    if sys.platform.startswith("linux") and os.path.isdir(f"/proc/self/fd/{fd}"):
        return f"/proc/self/fd/{fd}/{SOCKET}"
    full = os.path.join(path, SOCKET)
    if len(full.encode()) > MAX_SOCKET_PATH:
        raise UnsafePath(f"{full} is too long for a unix socket; set XDG_RUNTIME_DIR or "
                         "TMPDIR to a shorter directory.")
    return full


def socket_state(fd: int) -> str:
    """'missing', 'socket' (ours), or what else sits at the socket's name."""
    try:
        st = os.stat(SOCKET, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(st.st_mode):
        return "a symlink"
    if not stat.S_ISSOCK(st.st_mode):
        return "not a socket"
    if st.st_uid != os.getuid():
        return "another user's socket"
    return "socket"
