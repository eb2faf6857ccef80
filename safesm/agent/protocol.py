"""The agent's wire format and the peer check, in builtins only: the lean entry point
imports this on a plain `get` before anything else, so no json, struct or enum here.

A message is a list of (key, value) pairs: keys are short ASCII words and may repeat
(one `id` per secret), values are bytes. On the wire: the body's length (4 bytes, big
endian), then for each pair the key's length (1 byte), the key, the value's length
(4 bytes) and the value. Secret values travel as raw bytes, never as text, base64 or
JSON, so a value is not copied into a str on either side.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from _socket import socket

    Pairs = list[tuple[str, bytes]]
    Message = dict[str, list[bytes]]

MAX_MESSAGE = 64 * 1024 * 1024  # 1,000 cached values of 64 KiB fit; anything larger is refused
SO_PEERCRED = 17  # Linux <asm-generic/socket.h>
SOL_LOCAL, LOCAL_PEERCRED = 0, 1  # macOS and the BSDs <sys/un.h>


class ProtocolError(ConnectionError):
    """The other end closed early or sent something that is not a message."""


def encode(pairs: Pairs) -> bytes:
    parts: list[bytes] = []
    for key, value in pairs:
        name = key.encode("ascii")
        parts += [len(name).to_bytes(1, "big"), name, len(value).to_bytes(4, "big"), value]
    body = b"".join(parts)
    if len(body) > MAX_MESSAGE:
        raise ProtocolError("message too large")
    return len(body).to_bytes(4, "big") + body


def decode(body: bytes) -> Message:
    out: Message = {}
    at, end = 0, len(body)
    while at < end:
        size = body[at]
        key = body[at + 1:at + 1 + size].decode("ascii")
        at += 1 + size
        length = int.from_bytes(body[at:at + 4], "big")
        at += 4
        if at + length > end or size == 0:
            raise ProtocolError("truncated message")
        out.setdefault(key, []).append(body[at:at + length])
        at += length
    return out


def send(sock: socket, pairs: Pairs) -> None:
    sock.sendall(encode(pairs))


def _exactly(sock: socket, count: int) -> bytes:
    buf = bytearray(count)
    view = memoryview(buf)
    got = 0
    while got < count:
        n = sock.recv_into(view[got:])
        if not n:
            raise ProtocolError("connection closed")
        got += n
    return bytes(buf)


def receive(sock: socket) -> Message:
    length = int.from_bytes(_exactly(sock, 4), "big")
    if length > MAX_MESSAGE:
        raise ProtocolError("message too large")
    return decode(_exactly(sock, length))


def one(message: Message, key: str, default: bytes = b"") -> bytes:
    values = message.get(key)
    return values[0] if values else default


def text(message: Message, key: str, default: str = "") -> str:
    values = message.get(key)
    return values[0].decode("utf-8", "replace") if values else default


def peer_uid(sock: socket) -> int | None:
    """The uid of the process at the other end of a unix socket, as the kernel saw it
    (SO_PEERCRED on Linux, LOCAL_PEERCRED elsewhere); None if it cannot be told."""
    platform: str = sys.platform  # a plain str: mypy checks every branch, not just this OS's
    try:
        if platform.startswith("linux"):
            cred = sock.getsockopt(1, SO_PEERCRED, 12)  # SOL_SOCKET; struct ucred
            return int.from_bytes(cred[4:8], sys.byteorder)  # pid, *uid*, gid
        if platform == "darwin" or "bsd" in platform:
            cred = sock.getsockopt(SOL_LOCAL, LOCAL_PEERCRED, 76)  # struct xucred
            return int.from_bytes(cred[4:8], sys.byteorder)  # cr_version, *cr_uid*, ...
    except OSError:
        return None
    return None


def peer_pid(sock: socket) -> int:
    """The peer's pid (Linux), for the audit log; 0 where the kernel does not say."""
    platform: str = sys.platform
    try:
        if platform.startswith("linux"):
            return int.from_bytes(sock.getsockopt(1, SO_PEERCRED, 12)[0:4], sys.byteorder)
    except OSError:
        pass
    return 0
