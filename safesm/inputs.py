"""Where a value comes from (README "How values go in"): --file, piped stdin, or a hidden
prompt — never argv. Used by every command that writes a value."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from .errors import UsageError
from .runtime import Environment
from .values import MAX_VALUE_BYTES, SecretValue, check_value, strip_one_newline


@dataclass(frozen=True)
class Source:
    """How the value is to be read: `--file PATH` (or '-'), the newline rule, the prompt."""

    path: str | None = None
    keep_newline: bool = False
    multiline: bool = False
    binary: bool = False
    label: str | None = None  # what the prompt names ("password in app/db"); default NAME


def prompts(env: Environment, source: Source) -> bool:
    """Whether the value will come from the hidden prompt (so a terminal is asked about
    overwriting first, and reads nothing before the network has been asked)."""
    return source.path is None and env.stdin is not None and env.stdin_isatty


def read_bounded(stream: BinaryIO) -> bytes:
    """Read to EOF but stop just past the size limit, so `yes | safesm put` ends."""
    chunks, total = [], 0
    while total <= MAX_VALUE_BYTES + 2:
        chunk = stream.read(MAX_VALUE_BYTES + 3 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _terminal_file() -> UsageError:
    return UsageError("--file names a terminal (such as /dev/stdin at a prompt): typing "
                      "there would show the value; nothing was written.",
                      "Leave out --file to get the hidden prompt.")


def read_file(path: str, warn: Callable[[str], None]) -> bytes:
    try:
        with open(path, "rb") as fh:
            if os.isatty(fh.fileno()):  # /dev/stdin, /proc/self/fd/0, /dev/tty, /dev/pts/N
                raise _terminal_file()
            mode = os.fstat(fh.fileno()).st_mode
            if stat.S_ISREG(mode) and mode & (stat.S_IRGRP | stat.S_IROTH):
                warn(f"{path} is readable by group or others; consider `chmod 600 {path}`.")
            return read_bounded(fh)
    except OSError as exc:
        raise UsageError(f"cannot read the file given to --file: {exc.strerror}.") from None


def read_value(env: Environment, name: str, source: Source,
               warn: Callable[[str], None]) -> SecretValue:
    """--file exact, piped stdin minus one newline (exact with --binary), else a hidden
    prompt asked twice."""
    if source.path and source.path != "-":
        return check_value(read_file(source.path, warn), source.binary)
    if env.stdin is None:
        raise UsageError("stdin is closed, so there is no value to read; nothing was written.")
    if source.path == "-":
        if env.stdin_isatty:  # typed text would echo on the screen and stay in scrollback
            raise UsageError("--file - reads a pipe, and stdin is a terminal: typing there "
                             "would show the value; nothing was written.",
                             "Leave out --file - to get the hidden prompt.")
        return check_value(read_bounded(env.stdin_bytes()), source.binary)
    if not env.stdin_isatty:  # bytes are bytes: --binary takes stdin exactly
        data = read_bounded(env.stdin_bytes())
        exact = source.keep_newline or source.binary
        return check_value(data if exact else strip_one_newline(data), source.binary)
    from .prompt import ask_value

    return ask_value(source.label or name, multiline=source.multiline, binary=source.binary)
