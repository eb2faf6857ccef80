"""What safesm asks a running agent, in the standard library only (no json, no socket
module's enums): the lean entry point loads this before click on a plain `get` or TAB.

Every function answers None (with the reason, for --debug) when there is no agent, it
is dead or stale, of another version or another credential context, or it answered
anything but a clean reply: the caller then goes direct, exactly as without an agent.

The context a request carries: the profile, Region and endpoint given as flags, the
environment variables config.resolve reads (names and values, none of them secret),
and a fingerprint (SHA-256) of every AWS_* variable and HOME, which may hold keys. The
agent resolves the same settings from them and serves only when they equal its own.
"""

from __future__ import annotations

import os

from .. import __version__
from . import paths, protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    from _socket import socket
    from collections.abc import Iterable, Mapping
    from typing import Any

    from .protocol import Message, Pairs

CONNECT_TIMEOUT = 1.0
GET_TIMEOUT = 60.0  # the agent may be reading from AWS, with its own timeouts and retries
NAMES_TIMEOUT = 1.0  # TAB must not hang: the name cache file answers instead
CONTROL_TIMEOUT = 5.0
CLEAR_ENV = ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
             "AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_MAX_ATTEMPTS", "HOME", "XDG_CONFIG_HOME")
Values = list[tuple[bytes, bool]]


def fingerprint(env: Mapping[str, str]) -> str:
    """SHA-256 of the credential-relevant environment: every AWS_* variable, and HOME
    (where ~/.aws lives). Only the digest leaves the process."""
    data = "\0".join(f"{k}={v}" for k, v in sorted(env.items())
                     if k.startswith("AWS_") or k == "HOME").encode("utf-8", "surrogateescape")
    for module in ("_sha256", "_sha2", "hashlib"):  # the builtin hash first: no OpenSSL load
        try:
            digest: str = __import__(module).sha256(data).hexdigest()
            return digest
        except (ImportError, AttributeError):
            continue
    raise RuntimeError("no SHA-256 available")


def context_pairs(flags: Mapping[str, str | None], env: Mapping[str, str]) -> Pairs:
    pairs: Pairs = [("version", __version__.encode()), ("fp", fingerprint(env).encode())]
    pairs += [(f"flag.{k}", v.encode()) for k, v in flags.items() if v]
    pairs += [(f"env.{k}", v.encode("utf-8", "surrogateescape")) for k, v in env.items()
              if k in CLEAR_ENV or k.startswith("SAFESM_")]
    return pairs


def connect(env: Mapping[str, str] | None = None,
            timeout: float = CONNECT_TIMEOUT) -> tuple[socket | None, str]:
    """A connection to this user's agent, its owner checked; or (None, why not)."""
    env = os.environ if env is None else env
    directory = paths.socket_dir(env)
    try:
        fd = paths.open_dir(directory, create=False)
    except paths.UnsafePath as exc:
        return None, str(exc)
    if fd is None:
        return None, "no agent is running"
    try:
        return _connect_in(directory, fd, timeout)
    finally:
        os.close(fd)


def _connect_in(directory: str, fd: int, timeout: float) -> tuple[socket | None, str]:
    state = paths.socket_state(fd)
    if state != "socket":
        why = "no agent is running" if state == "missing" else f"{paths.SOCKET} is {state}"
        return None, why
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(paths.socket_path(directory, fd))
    except (OSError, paths.UnsafePath):
        sock.close()
        return None, "the agent's socket is stale (no agent answers)"
    if protocol.peer_uid(sock) != os.getuid():
        sock.close()
        return None, "the process on the agent's socket is another user's"
    return sock, ""


def ask(pairs: Pairs, timeout: float, env: Mapping[str, str] | None = None
        ) -> tuple[Message | None, str]:
    """One request, one reply; (None, why) on any failure (the caller goes direct)."""
    sock, why = connect(env)
    if sock is None:
        return None, why
    try:
        sock.settimeout(timeout)
        protocol.send(sock, pairs)
        reply = protocol.receive(sock)
    except OSError:  # died mid-request, timed out, or sent garbage (ProtocolError)
        return None, "the agent did not answer"
    except (ValueError, IndexError, UnicodeError):
        return None, "the agent's answer was not understood"
    finally:
        sock.close()
    if protocol.one(reply, "ok") != b"1":
        return None, "the agent did not serve this: " + protocol.text(reply, "why", "?")
    return reply, ""


def fetch(flags: Mapping[str, str | None], ids: Iterable[str], field: str | None = None,
          fresh: bool = False, env: Mapping[str, str] | None = None
          ) -> tuple[Values | None, str]:
    """The values of `ids` (after `field`) as (bytes, is_binary), from an agent serving
    this context; (None, why) otherwise."""
    env = os.environ if env is None else env
    wanted = list(ids)
    pairs = [("op", b"get"), *context_pairs(flags, env)]
    pairs += [("id", i.encode("utf-8", "surrogateescape")) for i in wanted]
    if field is not None:
        pairs.append(("field", field.encode("utf-8", "surrogateescape")))
    if fresh:
        pairs.append(("fresh", b"1"))
    reply, why = ask(pairs, GET_TIMEOUT, env)
    if reply is None:
        return None, why
    values = reply.get("value", [])
    kinds = reply.get("binary", [])
    if not len(values) == len(kinds) == len(wanted):
        return None, "the agent's answer was not understood"
    return [(v, k == b"1") for v, k in zip(values, kinds, strict=True)], ""


def names(flags: Mapping[str, str | None], env: Mapping[str, str] | None = None
          ) -> list[str] | None:
    """Every secret name the agent knows for this context (TAB), or None."""
    env = os.environ if env is None else env
    reply, _ = ask([("op", b"names"), *context_pairs(flags, env)], NAMES_TIMEOUT, env)
    if reply is None:
        return None
    return [n.decode("utf-8", "replace") for n in reply.get("name", [])]


def invalidate(settings: Any, ids: Iterable[str]) -> None:
    """Tell a running agent to forget `ids` (a write changed them). Every agent of this
    user is told, whatever its context; never raises, costs one stat without an agent.
    `settings` is accepted for callers' convenience; invalidation needs none of it."""
    wanted = [i for i in ids if i]
    if not wanted:
        return
    try:
        ask([("op", b"invalidate"), *[("id", i.encode("utf-8", "surrogateescape"))
                                       for i in wanted]], CONTROL_TIMEOUT)
    except Exception:  # noqa: BLE001 (a cache hint must never fail the write it follows)
        pass


def control(op: str, env: Mapping[str, str] | None = None) -> tuple[Message | None, str]:
    """status, clear, stop, ping: answered by an agent of any version."""
    return ask([("op", op.encode()), ("version", __version__.encode())], CONTROL_TIMEOUT, env)
