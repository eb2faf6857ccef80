"""What the CLI and its clearer share: where clearers meet, one key per clipboard, salted
hashes (never a value), the state one clearer hands to the next, and reading a line from
the pipe between them within a time limit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import select
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .. import private_files
from ..config import xdg_dir
from ..errors import ClipboardError


def state_dir(env: Mapping[str, str]) -> Path:
    """$XDG_RUNTIME_DIR/safesm, else $XDG_CACHE_HOME (or ~/.cache)/safesm: made 0700 when
    missing, refused when it is not the user's own 0700 directory (private_files.py)."""
    from .. import private_files

    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        path = Path(runtime) / "safesm"
    else:
        path = Path(xdg_dir(env, "XDG_CACHE_HOME", ".cache")) / "safesm"
    try:
        os.close(private_files.open_dir(path))
    except private_files.UnsafeDirectory as exc:
        raise ClipboardError(f"refusing to keep the clipboard clearer's state there: {exc}; "
                             "nothing was copied.",
                             f"Make it yours and private (chmod 700 {path}), or remove it."
                             ) from None
    except OSError as exc:
        raise ClipboardError(f"cannot prepare {path}: {exc.strerror}.") from None
    return path


def clearer_key(kind: str, where: str) -> str:
    """The name under which one pending clearer per clipboard is found and replaced."""
    return "clearer-" + hashlib.sha256(f"{kind}|{where}".encode()).hexdigest()[:16]


def salted_digest(salt: bytes, data: bytes) -> bytes:
    return hmac.new(salt, data, hashlib.sha256).digest()


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
        if not data:
            return False
        return any(hmac.compare_digest(salted_digest(s, data), d) for s, d in self.hashes)


def read_line(stream: IO[bytes], timeout: float) -> bytes:
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


# --- what safesm copied: never put back ---------------------------------------------------

RECORD_KEEP = 32  # the last values copied, as keyed hashes
_KEY, _RECORD = "copied.key", "copied"


def record_dir(env: Mapping[str, str]) -> Path | None:
    """Where the record of copied values lives: $XDG_RUNTIME_DIR/safesm (memory-backed,
    private, gone at logout), or nowhere: never on a disk that backups may copy."""
    runtime = env.get("XDG_RUNTIME_DIR")
    return state_dir(env) if runtime and Path(runtime).is_dir() else None


def _record_key(dir_fd: int) -> bytes:
    """A random key made once per login session (0600), so the record holds keyed hashes
    that mean nothing without it. Created with O_EXCL, never through a planted link."""
    try:
        key = private_files.read(dir_fd, _KEY)
    except FileNotFoundError:
        key = b""
    if len(key) == 32:
        return key
    key = os.urandom(32)
    private_files.replace(dir_fd, _KEY, key)
    return key


def _record_lines(dir_fd: int) -> list[bytes]:
    try:
        return private_files.read(dir_fd, _RECORD).splitlines()[-RECORD_KEEP:]
    except FileNotFoundError:
        return []


def remember_copied(directory: Path, data: bytes) -> None:
    """Add a value safesm is copying to the record (the last RECORD_KEEP keyed hashes),
    replaced atomically in the private state directory (private_files)."""
    fd = private_files.open_dir(directory)
    try:
        line = salted_digest(_record_key(fd), data).hex().encode()
        kept = [*_record_lines(fd), line][-RECORD_KEEP:]
        private_files.replace(fd, _RECORD, b"".join(k + b"\n" for k in kept))
    finally:
        os.close(fd)


def was_copied(directory: Path, data: bytes | None) -> bool:
    """Is `data` one of the last values safesm copied? (False when there is no record.)"""
    if not data:
        return False
    try:
        fd = private_files.open_dir(directory, create=False)
    except OSError:
        return False
    try:
        lines = _record_lines(fd)
        if not lines:
            return False
        mine = salted_digest(_record_key(fd), data).hex().encode()
    except OSError:
        return False
    finally:
        os.close(fd)
    return any(hmac.compare_digest(line, mine) for line in lines)
