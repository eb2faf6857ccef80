"""The detached clearer (`python -m safesm.clearer`): puts the clipboard back after a copy.

``clipboard.copy`` starts it *before* copying, in a session of its own, so that it
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
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .config import xdg_dir
from .errors import ClipboardError

READY_TIMEOUT = 15.0  # the CLI waits this long for the clearer to take its post
WORD_TIMEOUT = 30.0  # the clearer waits this long for the CLI to report the copy
LOCK_TIMEOUT = 10.0
POLL = 1.0  # re-check the clock this often, so a suspend cannot stretch the timeout


# --- where clearers meet ---------------------------------------------------------------


def state_dir(env: Mapping[str, str]) -> Path:
    """$XDG_RUNTIME_DIR/safesm, else $XDG_CACHE_HOME (or ~/.cache)/safesm, made 0700."""
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        path = Path(runtime) / "safesm"
    else:
        path = Path(xdg_dir(env, "XDG_CACHE_HOME", ".cache")) / "safesm"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise ClipboardError(f"{path} belongs to another user; refusing to use it.")
        if info.st_mode & 0o077:
            path.chmod(0o700)
    except OSError as exc:
        raise ClipboardError(f"cannot prepare {path}: {exc.strerror}.") from None
    return path


# --- the CLI's side --------------------------------------------------------------------


class Handle:
    """The CLI's end of the pipe to a clearer that is ready and waiting for the copy."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc

    def _say(self, word: bytes) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        with contextlib.suppress(OSError):
            stdin.write(word)
            stdin.close()

    def confirm(self) -> None:
        self._say(b"copied\n")

    def abort(self) -> None:
        self._say(b"abort\n")


def start(orders: dict[str, Any]) -> Handle:
    """Start a clearer and wait until it owns the clipboard's socket; only then copy."""
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "safesm.clearer"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
            cwd=orders["dir"], close_fds=True,
        )
    except OSError as exc:
        raise ClipboardError(f"could not start the clipboard clearer: {exc.strerror}; "
                             "nothing was copied.") from None
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(orders).encode() + b"\n")
        proc.stdin.flush()
        ready = _readline(proc.stdout, READY_TIMEOUT) == b"ready\n"
    except OSError:
        ready = False
    proc.stdout.close()
    if not ready:
        proc.kill()
        raise ClipboardError("the clipboard clearer did not start; nothing was copied.",
                             "Try again, or pipe the value or pass --print.")
    return Handle(proc)


def _readline(stream: IO[bytes], timeout: float) -> bytes:
    """One line from a pipe, or b"" if none arrives in time."""
    line = b""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            return b""
        chunk = os.read(fd, 1)
        if not chunk:
            return b""
        line += chunk
    return line


# --- the clearer's side ----------------------------------------------------------------


@dataclass
class State:
    """What a clearer knows: hashes of values it must remove, and what to put back."""

    hashes: list[tuple[bytes, bytes]] = field(default_factory=list)
    restore: bytes | None = None

    def export(self) -> bytes:
        return json.dumps({
            "hashes": [[s.hex(), d.hex()] for s, d in self.hashes],
            "restore": None if self.restore is None else base64.b64encode(self.restore).decode(),
        }).encode() + b"\n"

    @classmethod
    def load(cls, raw: bytes) -> State:
        doc = json.loads(raw)
        restore = doc.get("restore")
        return cls([(bytes.fromhex(s), bytes.fromhex(d)) for s, d in doc.get("hashes", [])],
                   None if restore is None else base64.b64decode(restore))

    def holds(self, data: bytes | None) -> bool:
        """Does data hash to one of our values? (constant-time comparison)"""
        import hmac

        from .clipboard import salted_digest

        if not data:
            return False
        return any(hmac.compare_digest(salted_digest(s, data), d) for s, d in self.hashes)


class _Finish(Exception):
    """SIGTERM: do the clearing now (a logout script or a test can ask for it)."""


def _now() -> float:
    """A clock that keeps running through suspend, so a lid closed mid-timeout counts."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(clock) if clock is not None else time.monotonic()


@contextlib.contextmanager
def _locked(path: str) -> Iterator[None]:
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
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
    return uid == os.getuid()


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


def _serve(server: socket.socket, state: State, deadline: float) -> bool:
    """Wait for the deadline; True if taken over before it."""
    while (remaining := deadline - _now()) > 0:
        if select.select([server], [], [], min(remaining, POLL))[0] and _hand_over(server, state):
            return True
    return False


def _await_word(stdin: IO[bytes]) -> str:
    """The CLI's report: "copied", "abort", or "" (it died: assume it copied)."""
    return _readline(stdin, WORD_TIMEOUT).decode("ascii", "replace").strip()


def _prepare_local(orders: dict[str, Any], inherited: State | None) -> State:
    """Our hash, the predecessor's hashes, and what the clipboard held before safesm."""
    from .clipboard import backend

    state = State([(bytes.fromhex(orders["salt"]), bytes.fromhex(orders["digest"]))])
    before = backend(orders["backend"]).paste()
    if inherited:
        state.hashes += inherited.hashes
        if inherited.holds(before):  # still the previous secret: keep the older target
            before = inherited.restore
    state.restore = before
    return state


def _finish_local(orders: dict[str, Any], state: State) -> None:
    from .clipboard import backend

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


def session_alive(sid: int, tty: str) -> bool:
    """Is the terminal session that asked for the copy still there, on the same tty?"""
    try:
        rdev = os.stat(tty).st_rdev
    except OSError:
        return False
    if not Path("/proc/self/stat").exists():  # macOS: the session leader's pid must live
        try:
            os.kill(sid, 0)
        except PermissionError:
            return True
        except OSError:
            return False
        return True
    try:
        stat = Path(f"/proc/{sid}/stat").read_text()
    except OSError:
        return False
    tty_nr = int(stat.rsplit(")", 1)[1].split()[4])
    return (os.major(tty_nr), os.minor(tty_nr)) == (os.major(rdev), os.minor(rdev))


def _finish_osc52(orders: dict[str, Any]) -> None:
    from .clipboard import osc52_sequence, write_to_terminal

    if session_alive(int(orders["sid"]), orders["tty"]):
        with contextlib.suppress(OSError):
            write_to_terminal(orders["tty"], osc52_sequence(b"", bool(orders["tmux"])))


def _ready() -> None:
    """Tell the CLI to copy now, and let go of its pipe."""
    os.write(1, b"ready\n")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def run(orders: dict[str, Any]) -> None:
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
        signal.signal(signal.SIGTERM, _raise_finish)
        try:
            if _serve(server, state, _now() + int(orders["timeout"])):
                return
        except _Finish:
            pass
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if local:
            _finish_local(orders, state)
        else:
            _finish_osc52(orders)
    finally:
        server.close()
        with contextlib.suppress(OSError):
            if os.stat(key + ".sock").st_ino == inode:
                os.unlink(key + ".sock")


def _raise_finish(signum: int, frame: Any) -> None:
    raise _Finish


def main() -> int:
    from .hardening import protect_process

    protect_process()
    for sig in (signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    try:
        orders = json.loads(_readline(sys.stdin.buffer, WORD_TIMEOUT))
        run(orders)
    except Exception:  # detached: nobody to tell; never show anything
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
