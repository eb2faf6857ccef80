"""The agent process, and starting one in the background.

`python -m safesm.agent` is the agent; `safesm agent start` starts it detached and waits
for the one line it writes on --ready-fd (`--foreground` runs it in place instead). The
process:

- holds no value on its command line or in its environment (it reads them from AWS on
  request), and never writes one anywhere: not to disk, not to its log;
- is non-dumpable with core dumps off, and locks its memory (mlockall) where the kernel
  permits, saying in `agent status` when it could not;
- makes every AWS call with the user agent `safesm/VERSION safesm-agent/VERSION`, so
  CloudTrail shows which reads came through an agent;
- writes a log only when asked (--log PATH, or - for stderr): one line per request with
  the time, the peer's pid and uid, the secret name and hit/miss, never a value.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import Any

from .. import __version__, config
from ..aws.store import SecretStore
from ..errors import SafesmError
from ..protect import lock_memory, protect_process
from ..redact import Redactor
from ..values import SecretValue
from . import paths
from .cache import MAX_TTL
from .server import AgentServer, AlreadyRunning
from .service import Service

DEFAULT_TTL = 300
DEFAULT_IDLE_MINUTES = 15
START_TIMEOUT = 60.0  # seconds `agent start` waits for the agent to say it is ready


class AgentStore(SecretStore):
    """The agent's one store: its calls say safesm-agent, and it remembers no values for a
    debug log filter (the agent has no debug log; the cache is the only copy it keeps)."""

    user_agent = f"safesm/{__version__} safesm-agent/{__version__}"


class Forgetful(Redactor):
    def remember(self, value: SecretValue) -> SecretValue:
        return value


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m safesm.agent")
    ap.add_argument("--ttl", type=float, default=DEFAULT_TTL)
    ap.add_argument("--idle", type=float, default=DEFAULT_IDLE_MINUTES * 60.0,
                    help="seconds without a request before exiting (0: never)")
    ap.add_argument("--log")
    ap.add_argument("--ready-fd", type=int)
    ap.add_argument("--foreground", action="store_true")
    for flag in ("--profile", "--region", "--endpoint-url"):
        ap.add_argument(flag)
    args = ap.parse_args(argv)
    if not 0 <= args.ttl <= MAX_TTL or args.idle < 0:
        ap.error(f"--ttl takes 0 to {MAX_TTL} seconds and --idle 0 or more")
    return args


class Log:
    """The optional log: one line per event, 0600, appended; a no-op when not asked."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._fd = -1
        if path == "-":
            self._fd = 2
        elif path:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
                               | os.O_CLOEXEC, 0o600)

    def __call__(self, line: str) -> None:
        if self._fd < 0:
            return
        with self._lock:
            try:
                os.write(self._fd, (line + "\n").encode("utf-8", "replace"))
            except OSError:
                pass


class Ready:
    """The one line `agent start` waits for (JSON on --ready-fd); in the foreground, words
    on stderr instead."""

    def __init__(self, fd: int | None, foreground: bool) -> None:
        self.fd = fd
        self.foreground = foreground

    def say(self, **facts: Any) -> None:
        if self.foreground:
            sys.stderr.write(_words(facts) + "\n")
            sys.stderr.flush()
        if self.fd is None:
            return
        import json

        try:
            os.write(self.fd, (json.dumps(facts) + "\n").encode())
            os.close(self.fd)
        except OSError:  # nobody waits (auto-start): fine
            pass
        self.fd = None


def _words(facts: dict[str, Any]) -> str:
    if facts.get("state") == "ok":
        return (f"safesm agent: serving on {facts['socket']} (pid {facts['pid']}); Ctrl-C "
                "stops it.")
    if facts.get("state") == "running":
        return "safesm agent: an agent is already running for this user."
    return f"safesm agent: error: {facts.get('message', 'it did not start')}"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    os.umask(0o077)
    protect_process()
    memory = lock_memory()
    ready = Ready(args.ready_fd, args.foreground)
    try:
        log = Log(args.log)
        server = _server(args, memory, log)
    except AlreadyRunning:
        ready.say(state="running")
        return 0
    except SafesmError as exc:
        ready.say(state="error", message=exc.message, code=int(exc.exit_code))
        return 1
    except paths.UnsafePath as exc:
        ready.say(state="error", message=str(exc), code=5)
        return 1
    except OSError as exc:  # the log file
        ready.say(state="error", message=f"{exc.filename}: {exc.strerror}", code=2)
        return 1
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: server.stop())
    ready.say(state="ok", pid=os.getpid(), memory=memory, socket=os.path.join(
        server.directory, paths.SOCKET))
    log(f"started: pid {os.getpid()}, version {__version__}")
    server.service.names.refresh_soon()
    try:
        server.serve()
    finally:
        server.close()
        log("stopped: cache wiped")
    return 0


def _server(args: argparse.Namespace, memory: str, log: Log) -> AgentServer:
    settings = config.load({"profile": args.profile, "region": args.region,
                            "endpoint_url": args.endpoint_url})
    store = AgentStore(settings, redactor=Forgetful(), notify=log)
    service = Service(settings, store, args.ttl, audit=log if args.log else None)
    service.info.update(memory="locked" if not memory else f"not locked: {memory}",
                        log=args.log or "off", idle=str(int(args.idle)))
    server = AgentServer(service, paths.socket_dir(), args.idle, log)
    server.bind()  # first: a second agent learns it is one before loading botocore
    try:
        store.client  # noqa: B018 (warm: the session, credential chain and client, once)
    except BaseException:
        server.close()
        raise
    return server


def command_line(settings: config.Settings, ttl: float, idle_seconds: float,
                 log: str | None) -> list[str]:
    """The agent's argv: the context and the limits; never a value."""
    argv = [sys.executable, "-m", "safesm.agent", "--ttl", f"{ttl:g}",
            "--idle", f"{idle_seconds:g}"]
    for flag, value in (("--profile", settings.profile), ("--region", settings.region),
                        ("--endpoint-url", settings.endpoint_url), ("--log", log)):
        if value:
            argv += [flag, value]
    return argv


def start(argv: list[str], wait: bool = True) -> dict[str, Any]:
    """Start the agent detached (its own session, no terminal, stdio on /dev/null) and,
    if `wait`, return what it said once ready: {"state": "ok" | "running" | "error", ...}."""
    import subprocess

    read_end, write_end = os.pipe()
    try:
        subprocess.Popen([*argv, "--ready-fd", str(write_end)], pass_fds=(write_end,),
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    finally:
        os.close(write_end)
    if not wait:
        os.close(read_end)
        return {}
    return _ready_line(read_end)


def _ready_line(fd: int) -> dict[str, Any]:
    import json
    import select
    import time

    deadline = time.monotonic() + START_TIMEOUT
    data = b""
    with os.fdopen(fd, "rb", buffering=0) as fh:
        while b"\n" not in data and time.monotonic() < deadline:
            ready, _, _ = select.select([fh], [], [], deadline - time.monotonic())
            chunk = fh.read(4096) if ready else b""
            if not chunk:
                break
            data += chunk
    try:
        facts: dict[str, Any] = json.loads(data.split(b"\n")[0])
        return facts
    except ValueError:
        return {"state": "error", "message": "the agent ended before it was ready"}
