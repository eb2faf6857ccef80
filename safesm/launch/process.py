"""Starting the command: find it, then replace safesm with it (`os.execve`), or start it
under the `--mask` supervisor. What safesm changed in itself for its own safety (no core
dumps, umask 077, Python's ignored SIGPIPE/SIGXFSZ) is put back for the command."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from ..errors import CannotRun, CommandNotFound

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Restore:
    """What the command gets back: the core-dump limit and umask safesm started with."""

    core_limit: tuple[int, int] | None = None
    umask: int | None = None

    @classmethod
    def capture(cls, umask: int | None) -> Restore:
        """Call before hardening.protect_process() lowers the core limit."""
        try:
            import resource

            return cls(resource.getrlimit(resource.RLIMIT_CORE), umask)
        except (ImportError, ValueError, OSError):
            return cls(None, umask)

    def apply(self) -> None:
        """In the process about to become the command (async-signal-safe enough for a
        preexec hook: no allocation-heavy work, no locks)."""
        if self.core_limit is not None:
            try:
                import resource

                resource.setrlimit(resource.RLIMIT_CORE, self.core_limit)
            except (ValueError, OSError):
                pass
        if self.umask is not None:
            os.umask(self.umask)
        for name in ("SIGPIPE", "SIGXFSZ"):  # Python ignores these; exec keeps "ignored"
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)


def find(command: str, path: str | None) -> str:
    """The file to run, looked up in safesm's own PATH (as env(1) does), before any
    secret is read: not found exits 127, not executable 126."""
    if os.sep in command:
        if not os.path.exists(command):
            raise CommandNotFound("the command was not found; nothing was read or run.")
        if os.path.isdir(command) or not os.access(command, os.X_OK):
            raise CannotRun("the command is not an executable file; nothing was read or run.")
        return command
    found = shutil.which(command, path=path if path is not None else os.defpath)
    if found is None:
        raise CommandNotFound("the command was not found in PATH; nothing was read or run.",
                              "Give its full path, or check PATH.")
    return found


def replace(executable: str, argv: Sequence[str], env: Mapping[str, str],
            restore: Restore) -> NoReturn:
    """Become the command: same pid, terminal, signals; its exit code is the exit code."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    restore.apply()
    try:
        os.execve(executable, list(argv), dict(env))
    except OSError as exc:
        raise CannotRun(f"the command could not be run ({exc.strerror}); nothing was run."
                        ) from None


def die_with_parent(parent: int) -> None:
    """In the supervised child: SIGKILL when the supervisor dies (Linux), and if it already
    has, go at once."""
    import sys

    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)
