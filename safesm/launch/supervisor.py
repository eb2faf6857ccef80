"""`safesm exec --mask`: a small supervisor that runs the command and shows its output with
every injected value replaced by `****`.

- The command's stdin, stdout and stderr are a pty wherever safesm's are a terminal (so
  it keeps its colours and line buffering), and pipes otherwise (so `> file` and `2>&1`
  keep their meaning); a non-terminal stdin is handed over as it is.
- The command runs in a session of its own with the pty as its controlling terminal;
  with a terminal on stdin, that terminal is put in raw mode and what you type goes to
  the pty, so Ctrl-C, Ctrl-Z and Ctrl-\\ reach the command as they would without safesm.
- INT, TERM, HUP, QUIT, USR1 and USR2 sent to safesm are forwarded to the command's
  process group; WINCH resizes the pty (which signals the command). No other signal is
  handled.
- The command gets SIGKILL if the supervisor dies (PR_SET_PDEATHSIG, Linux).
- The exit code is the command's, or 128+N when signal N ended it.

It is started only after every value is read, so a credential or MFA prompt never meets
these signal handlers.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import CannotRun
from .masker import Masker
from .process import Restore, die_with_parent

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1,
             signal.SIGUSR2, signal.SIGWINCH)
QUIET = 0.3  # s of silence after which held bytes (the start of a value?) are shown
CHUNK = 65536


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


@dataclass
class Wiring:
    """The command's three standard streams, and the supervisor's ends of them."""

    ttys: tuple[bool, bool, bool]
    master: int | None = None
    slave: int | None = None
    pipes: dict[int, tuple[int, int]] = field(default_factory=dict)  # 1/2 -> (read, write)

    @classmethod
    def make(cls) -> Wiring:
        ttys = (_isatty(0), _isatty(1), _isatty(2))
        wiring = cls(ttys)
        if any(ttys):
            wiring.master, wiring.slave = os.openpty()
            _copy_terminal(ttys.index(True), wiring.slave)
        for fd in (1, 2):
            if not ttys[fd]:
                wiring.pipes[fd] = os.pipe()
        return wiring

    def child_fd(self, fd: int) -> int | None:
        if self.ttys[fd]:
            return self.slave
        return self.pipes[fd][1] if fd in self.pipes else None

    def close_child_ends(self) -> None:
        for fd in [self.slave, *(w for _, w in self.pipes.values())]:
            if fd is not None:
                os.close(fd)

    @property
    def controlling(self) -> int | None:
        """The child's first standard fd that is the pty (it becomes its terminal)."""
        return self.ttys.index(True) if any(self.ttys) else None


def _copy_terminal(src: int, dst: int) -> None:
    """The user's terminal settings (erase key, UTF-8 input, ...) and size, on the pty."""
    import termios

    with contextlib.suppress(OSError, termios.error):
        termios.tcsetattr(dst, termios.TCSANOW, termios.tcgetattr(src))
    _copy_size(src, dst)


def _copy_size(src: int, dst: int) -> None:
    """A new size on the pty makes the kernel send SIGWINCH to the command."""
    import fcntl
    import termios

    with contextlib.suppress(OSError):
        size = fcntl.ioctl(src, termios.TIOCGWINSZ, b"\0" * 8)
        fcntl.ioctl(dst, termios.TIOCSWINSZ, size)


def _start(executable: str, argv: Sequence[str], env: Mapping[str, str], wiring: Wiring,
           restore: Restore) -> subprocess.Popen[bytes]:
    parent, ctty = os.getpid(), wiring.controlling

    def setup() -> None:  # in the child, between fork and exec
        die_with_parent(parent)
        if ctty is not None:
            import fcntl
            import termios

            fcntl.ioctl(ctty, termios.TIOCSCTTY, 0)
        restore.apply()

    return subprocess.Popen(list(argv), executable=executable, env=dict(env),
                            stdin=wiring.slave if wiring.ttys[0] else None,
                            stdout=wiring.child_fd(1), stderr=wiring.child_fd(2),
                            start_new_session=True, preexec_fn=setup, close_fds=True)


@contextlib.contextmanager
def _signals() -> Iterator[int]:
    """Forwarded signals (and SIGCHLD) arrive as bytes on the returned fd."""
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    os.set_blocking(write_end, False)
    previous = {s: signal.signal(s, lambda *_: None) for s in (*FORWARDED, signal.SIGCHLD)}
    old_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    try:
        yield read_end
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.close(read_end)
        os.close(write_end)


@contextlib.contextmanager
def _raw_stdin(wiring: Wiring) -> Iterator[None]:
    """What you type goes to the command's pty untouched (Ctrl-C included)."""
    if not wiring.ttys[0]:
        yield
        return
    import termios
    import tty

    saved = termios.tcgetattr(0)
    tty.setraw(0, termios.TCSANOW)
    try:
        yield
    finally:
        termios.tcsetattr(0, termios.TCSADRAIN, saved)


def supervise(executable: str, argv: Sequence[str], env: Mapping[str, str],
              values: Sequence[bytes], restore: Restore) -> int:
    """Run the command with its output masked; its exit code (128+N for signal N)."""
    try:
        wiring = Wiring.make()
    except OSError as exc:
        raise CannotRun(f"--mask could not set up a terminal or pipes for the command "
                        f"({exc.strerror}); nothing was run.") from None
    with _signals() as wake, _raw_stdin(wiring):
        try:
            proc = _start(executable, argv, env, wiring, restore)
        except (OSError, subprocess.SubprocessError) as exc:
            raise CannotRun(f"the command could not be run "
                            f"({getattr(exc, 'strerror', None) or 'exec failed'}); nothing "
                            "was run.") from None
        finally:
            wiring.close_child_ends()
        Pump(wiring, proc, wake, values).run()
    code = proc.wait()
    return 128 - code if code < 0 else code


class Pump:
    """Copies output through the maskers, input to the pty, and signals to the command."""

    def __init__(self, wiring: Wiring, proc: subprocess.Popen[bytes], wake: int,
                 values: Sequence[bytes]) -> None:
        self.wiring, self.proc, self.wake = wiring, proc, wake
        self.selector = selectors.DefaultSelector()
        self.outputs: dict[int, tuple[Masker, int]] = {}  # source fd -> (masker, our fd)
        if wiring.master is not None:
            target = next((fd for fd in (1, 2) if wiring.ttys[fd]), 1)
            self._watch(wiring.master, Masker(values), target)
        for fd, (read_end, _) in wiring.pipes.items():
            self._watch(read_end, Masker(values), fd)
        self.selector.register(wake, selectors.EVENT_READ)
        if wiring.ttys[0] and wiring.master is not None:
            self.selector.register(0, selectors.EVENT_READ)

    def _watch(self, fd: int, masker: Masker, target: int) -> None:
        self.outputs[fd] = (masker, target)
        self.selector.register(fd, selectors.EVENT_READ)

    def run(self) -> None:
        try:
            while self.proc.poll() is None:
                self._step()
            self._drain()
        finally:
            self.selector.close()
            for fd in [*self.outputs, self.wiring.master]:
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)

    def _step(self) -> None:
        held = any(m.pending for m, _ in self.outputs.values())
        events = self.selector.select(QUIET if held else None)
        if not events:
            for masker, target in self.outputs.values():
                _write(target, masker.flush())
        for key, _ in events:
            if key.fd == self.wake:
                self._signalled()
            elif key.fd == 0:
                self._typed()
            else:
                self._output(key.fd)

    def _output(self, fd: int) -> None:
        masker, target = self.outputs[fd]
        try:
            data = os.read(fd, CHUNK)
        except OSError:  # EIO: the pty's other side is closed
            data = b""
        shown = masker.feed(data) if data else masker.flush()
        if not _write(target, shown) or not data:
            self._forget(fd)

    def _forget(self, fd: int) -> None:
        self.selector.unregister(fd)
        del self.outputs[fd]
        if fd != self.wiring.master:
            os.close(fd)  # a closed reader: the command gets EPIPE, as with a plain pipe

    def _typed(self) -> None:
        try:
            data = os.read(0, CHUNK)
        except OSError:  # the terminal hung up
            data = b""
        if not data or self.wiring.master is None:
            self.selector.unregister(0)
            return
        _write(self.wiring.master, data)

    def _signalled(self) -> None:
        try:
            received = os.read(self.wake, 512)
        except BlockingIOError:
            return
        for number in received:
            if number == signal.SIGWINCH and self.wiring.master is not None:
                _copy_size(self.wiring.ttys.index(True), self.wiring.master)
            elif number in FORWARDED:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, number)

    def _drain(self) -> None:
        """After the command ended: what it wrote is still buffered; show all of it, but
        do not wait for a background process that keeps the output open."""
        for fd, (masker, target) in list(self.outputs.items()):
            os.set_blocking(fd, False)
            while True:
                try:
                    data = os.read(fd, CHUNK)
                except OSError:  # EAGAIN (nothing more now) or EIO (pty closed)
                    data = b""
                if not data:
                    break
                _write(target, masker.feed(data))
            _write(target, masker.flush())


def _write(fd: int, data: bytes) -> bool:
    """All of `data` to fd; False when the reader has gone away."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:  # someone made the stream non-blocking: wait until it drains
            import select

            select.select([], [fd], [])
        except OSError:  # the reader went away (EPIPE), or the stream is closed
            return False
    return True
