"""The copy: start a clearer, copy, then tell the clearer the copy happened (or not).

The clearer is started *before* the copy, as `python -m safesm.clipboard.clearer` in a
session of its own, so that a SIGKILL right after the copy cannot strand the value.
Its orders go on its stdin as one JSON line: which clipboard, when, and a salted hash
of the value, never the value (not on the pipe, in argv or in its environment). Nothing
here holds a value longer than the copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from typing import Any

from ..errors import ClipboardError, InvalidValueError
from ..values import SecretValue
from .backends import backend
from .state import (
    clearer_key,
    read_line,
    record_dir,
    remember_copied,
    salted_digest,
    state_dir,
)
from .targets import Osc52, Target
from .terminal import osc52_sequence, write_to_terminal

CLEARER = "safesm.clipboard.clearer"  # run with -m; a unit test checks it is importable
READY_TIMEOUT = 15.0  # the CLI waits this long for the clearer to take its post


def clipboard_text(value: SecretValue) -> bytes:
    """Clipboards carry text: a binary secret goes to a file instead."""
    try:
        value.reveal_text()
    except UnicodeDecodeError:
        raise InvalidValueError(
            "the secret is binary (not UTF-8 text), so it cannot go to the clipboard.",
            "Redirect it to a file instead: `safesm get NAME > FILE`.",
        ) from None
    return value.reveal()


def copy(value: SecretValue, target: Target, timeout: int) -> None:
    """Copy, with a clearer already waiting (so a SIGKILL right after cannot strand it)."""
    data = clipboard_text(value)
    if timeout > 0 and os.name == "nt":
        raise ClipboardError(
            "safesm cannot clear the clipboard later on native Windows yet; nothing was copied.",
            "Use WSL, pipe the value, or pass --clip-timeout 0 and clear it yourself.",
        )
    if not isinstance(target, Osc52):
        _remember(data)  # so that no later clearer puts this value back
    handle = start_clearer(_orders(target, data, timeout)) if timeout > 0 else None
    try:
        if isinstance(target, Osc52):
            write_to_terminal(target.tty, osc52_sequence(data, target.tmux))
        else:
            backend(target.backend).copy(data, sensitive=True)
    except (ClipboardError, OSError) as exc:
        if handle:
            handle.abort()
        if isinstance(exc, OSError):
            raise ClipboardError(f"could not write to the terminal: {exc.strerror}.") from None
        raise
    if handle:
        handle.confirm()


def _remember(data: bytes) -> None:
    """Record a keyed hash of the value (never the value) where clearers look before they
    restore; best effort: without a record the clearer still restores only checked text."""
    where = record_dir(os.environ)
    if where is not None:
        with contextlib.suppress(OSError):
            remember_copied(where, data)


def _orders(target: Target, data: bytes, timeout: int) -> dict[str, Any]:
    """What the clearer needs to know: a salted hash of the value, never the value."""
    where = str(state_dir(os.environ))
    if isinstance(target, Osc52):
        return {"mode": "osc52", "timeout": timeout, "tty": target.tty, "tmux": target.tmux,
                "sid": os.getsid(0), "dir": where, "key": clearer_key("osc52", target.tty)}
    salt = os.urandom(32)
    record = record_dir(os.environ)
    return {"mode": "local", "timeout": timeout, "backend": target.backend,
            "salt": salt.hex(), "digest": salted_digest(salt, data).hex(), "dir": where,
            "key": clearer_key(target.backend, target.where),
            "record": None if record is None else str(record)}


class Handle:
    """The CLI's end of the pipe to a clearer that is ready and waiting for the copy."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
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


def start_clearer(orders: dict[str, Any]) -> Handle:
    """Start a clearer and wait until it owns the clipboard's socket; only then copy."""
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", CLEARER], stdin=subprocess.PIPE,
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
        ready = read_line(proc.stdout, READY_TIMEOUT) == b"ready\n"
    except OSError:
        ready = False
    proc.stdout.close()
    if not ready:
        proc.kill()
        raise ClipboardError("the clipboard clearer did not start; nothing was copied.",
                             "Try again, or pipe the value or pass --print.")
    return Handle(proc)
