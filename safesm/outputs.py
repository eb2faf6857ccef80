"""Where `env` and `inject` put what they render: a pipe, or a private file.

A file is created 0600 through a temporary file in the same directory and a rename, so
a reader never sees half of it and an interrupted run leaves no partial copy. An
existing file is replaced only with `force`; without it the new file is linked into
place, which fails if a file appeared meanwhile (no check-then-write race).
"""

from __future__ import annotations

import errno
import os
import tempfile

from .errors import ConflictError, UsageError
from .runtime import Environment

EXISTS_HINT = "Pass --force to replace it."


def check_destination(env: Environment, path: str | None, to_terminal: bool) -> None:
    """Before any network call: values never go to a terminal unasked, nor nowhere."""
    if path is not None:
        if not path or path.endswith(os.sep):
            raise UsageError("-o needs a file name; nothing was read.")
        return
    if env.stdout is None:
        raise UsageError("stdout is closed, so the output has nowhere to go; nothing was read.")
    if env.stdout_isatty and not to_terminal:
        raise UsageError("refused: this would show secret values on the terminal; nothing "
                         "was read.", "Pipe it, write it with -o FILE, or pass --print.")


def deliver(env: Environment, data: bytes, path: str | None, force: bool) -> None:
    """`data` to FILE (private, atomic) or to stdout."""
    if path is not None:
        write_private(path, data, force)
        return
    out = env.stdout_bytes()
    out.write(data)
    out.flush()


def write_private(path: str, data: bytes, force: bool) -> None:
    """Write FILE 0600 via a temporary file in its directory and a rename."""
    if not force and os.path.lexists(path):
        raise ConflictError("the -o file exists; nothing was written.", EXISTS_HINT)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".safesm-", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write the -o file: {exc.strerror}; nothing was written."
                         ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        _place(tmp, path, force)
    finally:
        _remove(tmp)
    _sync_dir(directory)


def _place(tmp: str, path: str, force: bool) -> None:
    try:
        if force:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)  # atomic, and never over an existing file
        except OSError as exc:
            if exc.errno == errno.EEXIST:
                raise ConflictError("the -o file exists; nothing was written.",
                                    EXISTS_HINT) from None
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            if os.path.lexists(path):  # a file system without hard links
                raise ConflictError("the -o file exists; nothing was written.",
                                    EXISTS_HINT) from None
            os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write the -o file: {exc.strerror}; nothing was written."
                         ) from None


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def _sync_dir(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
