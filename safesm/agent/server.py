"""The agent's socket: one agent per user, peers of another uid refused, idle exit.

- One agent per user: the agent holds an exclusive flock on agent.lock in the socket
  directory for its whole life. The kernel drops the lock when the process ends, however
  it ends (kill -9 included), so a socket file found by whoever holds the lock is stale
  and is replaced; two agents starting at once cannot both hold it.
- The socket is bound under umask 0177 (mode 0600) inside the 0700 directory, and every
  connection's peer uid is read from the kernel (SO_PEERCRED): another uid, root
  included, is closed without a byte read or written. There is no TCP listener.
- Stop, idle exit and signals wipe the cache, remove the socket (only if it is still the
  one this agent bound) and release the lock.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
from collections.abc import Callable

from . import paths, protocol
from .service import Service

Log = Callable[[str], None]
REQUEST_TIMEOUT = 30.0  # seconds a connected client may take to send its request


class AlreadyRunning(Exception):  # noqa: N818 (a state, not a failure)
    """Another agent of this user holds the lock."""


class AgentServer:
    def __init__(self, service: Service, directory: str, idle: float,
                 log: Log | None = None) -> None:
        self.service = service
        self.directory = directory
        self.idle = idle  # seconds without a request before exiting; 0: never
        self.log = log or (lambda line: None)
        self.last = time.monotonic()
        self.stopping = False
        self.dir_fd = -1
        self.lock_fd = -1
        self.inode = -1
        self.sock: socket.socket | None = None
        self._wake_r, self._wake_w = os.pipe()

    # lifecycle ---------------------------------------------------------------

    def bind(self) -> None:
        """Take the lock and the socket; AlreadyRunning or paths.UnsafePath otherwise."""
        fd = paths.open_dir(self.directory, create=True)
        assert fd is not None  # created above
        self.dir_fd = fd
        self.lock_fd = os.open(paths.LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                               0o600, dir_fd=fd)
        import fcntl

        try:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._release()
            raise AlreadyRunning() from None
        try:
            self._replace_stale()
            self._listen()
        except BaseException:
            if self.sock is not None:
                self.sock.close()
                self.sock = None
            self._release()
            raise

    def _listen(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            self.sock.bind(paths.socket_path(self.directory, self.dir_fd))
        finally:
            os.umask(old)
        self.sock.listen(64)
        self.inode = os.stat(paths.SOCKET, dir_fd=self.dir_fd, follow_symlinks=False).st_ino

    def _replace_stale(self) -> None:
        """Holding the lock: a socket left here belongs to an agent that is gone."""
        state = paths.socket_state(self.dir_fd)
        if state == "socket":
            os.unlink(paths.SOCKET, dir_fd=self.dir_fd)
        elif state != "missing":
            where = os.path.join(self.directory, paths.SOCKET)
            raise paths.UnsafePath(f"{where} is {state}; refusing to replace it (remove it "
                                   "yourself if you know what it is).")

    def serve(self) -> None:
        """Accept until stopped, or until `idle` seconds pass without a request."""
        assert self.sock is not None
        while not self.stopping:
            wait = None if not self.idle else self.last + self.idle - time.monotonic()
            if wait is not None and wait <= 0:
                self.log("idle: exiting")
                break
            ready, _, _ = select.select([self.sock.fileno(), self._wake_r], [], [], wait)
            if self.sock.fileno() in ready:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    continue
                threading.Thread(target=self._serve_one, args=(conn,), daemon=True).start()

    def stop(self) -> None:
        """From a request, another thread or a signal handler: end serve() promptly."""
        self.stopping = True
        try:
            os.write(self._wake_w, b"x")
        except OSError:
            pass

    def close(self) -> None:
        """Wipe the cache, remove our socket (not a successor's), release the lock."""
        self.service.wipe()
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        try:
            st = os.stat(paths.SOCKET, dir_fd=self.dir_fd, follow_symlinks=False)
            if st.st_ino == self.inode:
                os.unlink(paths.SOCKET, dir_fd=self.dir_fd)
        except OSError:
            pass
        self._release()
        for fd in (self._wake_r, self._wake_w):
            os.close(fd)

    def _release(self) -> None:
        for fd in (self.lock_fd, self.dir_fd):
            if fd >= 0:
                os.close(fd)
        self.lock_fd = self.dir_fd = -1

    # one connection ------------------------------------------------------------

    def _serve_one(self, conn: socket.socket) -> None:
        try:
            uid = protocol.peer_uid(conn)
            pid = protocol.peer_pid(conn)
            if uid != os.getuid():
                self.log(f"refused a connection from uid {uid} (pid {pid})")
                return
            conn.settimeout(REQUEST_TIMEOUT)
            msg = protocol.receive(conn)
            self.last = time.monotonic()
            protocol.send(conn, self.service.handle(msg, pid, uid))
            if protocol.text(msg, "op") == "stop":
                self.log(f"stopped by pid {pid}")
                self.stop()
        except (OSError, ValueError, IndexError, UnicodeError):
            pass  # the client went away or sent garbage; it reads directly
        except Exception as exc:  # a bug: never the message (it may hold a value)
            self.log(f"error: {type(exc).__name__}")
        finally:
            conn.close()


def remove_stale(directory: str | None = None) -> bool:
    """Remove a socket no agent holds (its agent was killed); False when there is none or
    an agent holds the lock."""
    import fcntl

    directory = directory or paths.socket_dir()
    try:
        fd = paths.open_dir(directory, create=False)
    except paths.UnsafePath:
        return False
    if fd is None:
        return False
    try:
        lock = os.open(paths.LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                       dir_fd=fd)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if paths.socket_state(fd) != "socket":
                return False
            os.unlink(paths.SOCKET, dir_fd=fd)
            return True
        finally:
            os.close(lock)
    except OSError:  # BlockingIOError: an agent holds the lock
        return False
    finally:
        os.close(fd)


def wait_gone(pid: int, timeout: float) -> bool:
    """True once process `pid` has ended (a zombie counts as ended)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.02)
    return not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has ended; only /proc tells (without it, the kill answer stands)
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return not os.path.isdir("/proc")
