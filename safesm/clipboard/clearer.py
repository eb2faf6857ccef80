"""The detached clearer (`python -m safesm.clipboard.clearer`): puts the clipboard back.

``copying.copy`` starts it *before* copying, in a session of its own, so that it
outlives the CLI, the terminal closing and a SIGKILL. Its orders arrive as one JSON
line on a pipe: which clipboard, when, and a salted hash of the value. It never sees
the value (not on the pipe, in argv or in its environment): when the time is up it
reads the clipboard, and only if the hash matches does it restore what was there
before the copy (or clear it).

One clearer per clipboard. A new one, holding ``<key>.lock``, connects to the pending
one's unix socket ``<key>.sock`` (in a 0700 directory: $XDG_RUNTIME_DIR/safesm, else
~/.cache/safesm) and takes over its hashes and restore target; the old one exits
without touching the clipboard. So after several gets the clipboard goes back to what
it held before the first one. The lock is held until the CLI reports the copy done, so
two concurrent gets cannot both read the other's value as "before".

SIGTERM means "the time is up now" (a logout script can send it; the tests do, instead
of waiting out timeouts). It is caught from the clearer's first line on and only wakes
the wait: the clearing that follows is exactly the one at the deadline, and a signal
that arrives before the copy is reported is kept until then. SIGHUP and SIGINT are
ignored, so closing the terminal does not stop it.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .backends import Backend, backend, marked_secret
from .state import State, read_line, was_copied
from .terminal import osc52_sequence, session_alive, write_to_terminal

WORD_TIMEOUT = 30.0  # the clearer waits this long for the CLI to report the copy
LOCK_TIMEOUT = 10.0
POLL = 1.0  # re-check the clock this often, so a suspend cannot stretch the timeout


def _now() -> float:
    """A clock that keeps running through suspend, so a lid closed mid-timeout counts."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(clock) if clock is not None else time.monotonic()


def _wake_on_sigterm() -> int:
    """From now on SIGTERM only makes this fd readable (Python's wakeup fd): no exception
    lands in the middle of a handover or a restore, and an early signal is kept."""
    r, w = os.pipe()
    os.set_blocking(w, False)
    signal.set_wakeup_fd(w)
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    return r


@contextlib.contextmanager
def _locked(path: str) -> Iterator[None]:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)  # a planted link: ELOOP
    deadline = time.monotonic() + LOCK_TIMEOUT
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


# --- one clearer per clipboard: the handover --------------------------------------------


def _take_over(path: str) -> State | None:
    """Ask the pending clearer (if any) for its state; it exits without clearing."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        try:
            conn.connect(path)
        except FileNotFoundError:
            return None
        except ConnectionRefusedError:  # stale: its owner is gone
            with contextlib.suppress(OSError):
                os.unlink(path)
            return None
        except TimeoutError:
            return None
        try:
            conn.sendall(b"takeover\n")
            raw = b"".join(iter(lambda: conn.recv(65536), b""))
            return State.load(raw) if raw else None
        except (OSError, ValueError):
            return None


def _listen(path: str) -> tuple[socket.socket, int]:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)
    return server, os.stat(path).st_ino


def _same_user(conn: socket.socket) -> bool:
    peercred = getattr(socket, "SO_PEERCRED", None)
    if peercred is None:  # the 0700 directory is the protection where there is no PEERCRED
        return True
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, peercred,
                                                          struct.calcsize("3i")))
    return bool(uid == os.getuid())


def _hand_over(server: socket.socket, state: State) -> bool:
    """Answer one connection; True if a newer clearer took our place."""
    conn, _ = server.accept()
    with conn:
        conn.settimeout(2)
        try:
            if not _same_user(conn) or conn.recv(64) != b"takeover\n":
                return False
            conn.sendall(state.export())
        except OSError:
            return False
    return True


def _serve(server: socket.socket, state: State, deadline: float, wake: int) -> bool:
    """Wait for the deadline or SIGTERM (whichever comes first); True if taken over."""
    while (remaining := deadline - _now()) > 0:
        ready = select.select([server.fileno(), wake], [], [], min(remaining, POLL))[0]
        if wake in ready:  # before a handover: a newer clearer already waiting on the
            return False  # socket gets its answer after our clearing, and reads what we restored
        if ready and _hand_over(server, state):
            return True
    return False


# --- the clearer's run ------------------------------------------------------------------


def _await_word(stdin: IO[bytes]) -> str:
    """The CLI's report: "copied", "abort", or "" (it died: assume it copied)."""
    return read_line(stdin, WORD_TIMEOUT).decode("ascii", "replace").strip()


def _prepare_local(orders: dict[str, Any], inherited: State | None) -> State:
    """Our hash, the predecessor's hashes, and what to put back: what the clipboard held
    before safesm, unless that is a secret (then the clipboard is cleared instead)."""
    state = State([(bytes.fromhex(orders["salt"]), bytes.fromhex(orders["digest"]))])
    clip = backend(orders["backend"])
    before = clip.paste()
    if inherited:
        state.hashes += inherited.hashes
        if inherited.holds(before):  # still the previous secret: keep the older target
            state.restore = inherited.restore  # (which that clearer already checked)
            return state
    state.restore = before if _restorable(clip, before, orders.get("record")) else None
    return state


def _restorable(clip: Backend, before: bytes | None, record: str | None) -> bool:
    """Put back only what is known not to be a secret: never another password manager's
    entry (marked with a hint type), never a value safesm copied, and nothing whose types
    cannot be listed (xsel, pbpaste, clip.exe), since the mark could not be seen."""
    if before is None or (record and was_copied(Path(record), before)):
        return False
    types = clip.types()
    return types is not None and not marked_secret(types)


def _finish_local(orders: dict[str, Any], state: State) -> None:
    clip = backend(orders["backend"])
    _forget_in_klipper(state)
    if not state.holds(clip.paste()):
        return  # the user copied something else since: leave it alone
    if state.restore:
        clip.copy(state.restore)
    else:
        clip.clear()


def _forget_in_klipper(state: State) -> None:
    """KDE Klipper keeps a history; if it holds one of our values, clear it (best effort)."""
    try:
        from jeepney import DBusAddress, new_method_call
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        return
    try:
        with open_dbus_connection(bus="SESSION") as conn:
            if not conn.send_and_get_reply(message_bus.NameHasOwner("org.kde.klipper"),
                                           timeout=2).body[0]:
                return
            klipper = DBusAddress("/klipper", bus_name="org.kde.klipper",
                                  interface="org.kde.klipper.klipper")
            items = conn.send_and_get_reply(new_method_call(klipper, "getClipboardHistoryMenu"),
                                            timeout=2).body[0]
            if any(state.holds(item.encode("utf-8")) for item in items):
                conn.send_and_get_reply(new_method_call(klipper, "clearClipboardHistory"),
                                        timeout=2)
    except Exception:  # no session bus, no Klipper, an old Klipper: nothing to clear
        return


def _finish_osc52(orders: dict[str, Any]) -> None:
    if session_alive(int(orders["sid"]), orders["tty"]):
        with contextlib.suppress(OSError):
            write_to_terminal(orders["tty"], osc52_sequence(b"", bool(orders["tmux"])))


def _ready() -> None:
    """Tell the CLI to copy now, and let go of its pipe."""
    os.write(1, b"ready\n")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def run(orders: dict[str, Any], wake: int) -> None:
    key = orders["key"]
    os.chdir(orders["dir"])
    with _locked(key + ".lock"):
        inherited = _take_over(key + ".sock")
        local = orders["mode"] == "local"
        state = _prepare_local(orders, inherited) if local else State()
        server, inode = _listen(key + ".sock")
        _ready()
        word = _await_word(sys.stdin.buffer)
    try:
        if word == "abort" and not (inherited and inherited.hashes):
            return
        if _serve(server, state, _now() + int(orders["timeout"]), wake):
            return
        if local:
            _finish_local(orders, state)
        else:
            _finish_osc52(orders)
    finally:
        server.close()
        with contextlib.suppress(OSError):
            if os.stat(key + ".sock").st_ino == inode:
                os.unlink(key + ".sock")


def main() -> int:
    wake = _wake_on_sigterm()
    for sig in (signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    from ..hardening import protect_process

    protect_process()
    try:
        orders = json.loads(read_line(sys.stdin.buffer, WORD_TIMEOUT))
        run(orders, wake)
    except Exception:  # detached: nobody to tell; never show anything
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
