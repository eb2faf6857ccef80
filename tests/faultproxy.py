"""A fault-injecting HTTP proxy on loopback, between safesm and the emulator.

A test points AWS_ENDPOINT_URL at the proxy and says which faults to inject; every
other request passes through to the emulator unchanged. Faults are bounded: each one
fires a set number of times (or for a set time), and the proxy shuts itself down after
`lifetime` seconds even if a test forgets to stop it, so a failing test never leaves a
thread or a listening socket behind.

    with FaultProxy(moto_url) as proxy:
        proxy.add(Fault("throttle", times=2))              # 400 ThrottlingException twice
        proxy.add(Fault("drop", times=1, operation="PutSecretValue"))
        ...                                                # then run safesm against proxy.url

Kinds of fault:
- ``refuse``: nothing listens on the port any more (ECONNREFUSED); set with
  ``proxy.refuse()``, undone with ``proxy.listen()``.
- ``delay``: hold the request ``seconds`` before forwarding it (past a read timeout).
- ``status``: answer HTTP ``status`` (500, 503, ...) without forwarding.
- ``throttle``: answer a Secrets Manager ThrottlingException (HTTP 400) without forwarding.
- ``drop``: forward the request (the write lands), then close the connection without
  sending the emulator's answer.
- ``race``: call ``hook()`` (e.g. another writer's put) just before forwarding the
  request, so the test decides exactly where a concurrent write lands.
- ``gate``: hold matching requests until ``times`` of them are waiting, then forward them
  all at once (a barrier: concurrent clients really are concurrent at the service). After
  ``seconds`` (default 30) a held request goes on anyway; ``opened`` says whether the gate
  did open with all of them.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-connection", "proxy-authenticate", "proxy-authorization"}


@dataclass
class Fault:
    """One fault: what to do, to which operation (None: any), and how many times."""

    kind: str  # refuse is set with FaultProxy.refuse(); the rest per request
    times: int = 1
    operation: str | None = None
    seconds: float = 0.0  # delay
    status: int = 503  # status
    hook: Callable[[], object] | None = None  # race
    fired: int = field(default=0, init=False)
    opened: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in {"delay", "status", "throttle", "drop", "race", "gate"}:
            raise ValueError(f"unknown fault kind {self.kind!r}")
        if not 1 <= self.times <= 1000:
            raise ValueError("a fault fires between 1 and 1000 times")

    def matches(self, operation: str) -> bool:
        return self.fired < self.times and self.operation in (None, operation)


@dataclass(frozen=True)
class Seen:
    """One request as the proxy saw it, and what it did with it."""

    operation: str
    action: str  # "pass", or the fault kind
    body: bytes
    user_agent: str = ""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # quiet: pytest shows failures, not every request

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", "")
        operation = target.rpartition(".")[2] or self.path
        fault = self.server.proxy._take(operation)
        self.server.proxy._record(Seen(operation, fault.kind if fault else "pass", body,
                                       self.headers.get("User-Agent", "")))
        if fault is not None and fault.kind == "race" and fault.hook is not None:
            fault.hook()
        if fault is not None and fault.kind == "gate":
            fault.opened.wait(fault.seconds or 30)
        if fault is None or fault.kind in ("race", "gate"):
            self._reply(*self._forward(body))
        elif fault.kind == "delay":
            if not self.server.proxy._stopping.wait(fault.seconds):
                answer = self._forward(body)
                self.server.proxy._record_late(operation)
                self._reply(*answer)
        elif fault.kind == "status":
            self._reply(fault.status, [("Content-Type", "text/html")],
                        f"<html><body>{fault.status} from the fault proxy</body></html>".encode())
        elif fault.kind == "throttle":
            error = {"__type": "ThrottlingException", "message": "Rate exceeded"}
            self._reply(400, [("Content-Type", "application/x-amz-json-1.1"),
                              ("x-amzn-ErrorType", "ThrottlingException")],
                        json.dumps(error).encode())
        else:  # drop: the request reached the emulator, its answer never reaches the client
            self._forward(body)
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        up = urlparse(self.server.proxy.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders()
                    if k.lower() not in HOP_BY_HOP | {"content-length"}]
            return resp.status, kept, data
        finally:
            conn.close()

    def _reply(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (read timeout) closed its end: expected here


class FaultProxy:
    """The proxy: `url` for safesm, `add()` faults, `seen` for what happened."""

    def __init__(self, upstream: str, lifetime: float = 120.0) -> None:
        self.upstream = upstream
        self.lifetime = lifetime
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.late: list[str] = []  # delayed requests that did reach the emulator, in order
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self.listen()
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def listen(self) -> None:
        """(Re)open the listening socket, on the same port after a refuse()."""
        with self._lock:
            if self._server is not None or self._stopping.is_set():
                return
            self._server = _Server(("127.0.0.1", self.port), _Handler)
            self._server.proxy = self
            self.port = self._server.server_address[1]
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05}, daemon=True)
            self._thread.start()

    def refuse(self) -> None:
        """Stop listening: connecting now fails with ECONNREFUSED."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def stop(self) -> None:
        self._stopping.set()
        self.refuse()
        if self._timer is not None:
            self._timer.cancel()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()

    def operations(self, action: str | None = None) -> list[str]:
        """Operations seen, in order (only those that met `action`, if given)."""
        with self._lock:
            return [s.operation for s in self.seen if action in (None, s.action)]

    def _take(self, operation: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(operation):
                    fault.fired += 1
                    if fault.kind == "gate" and fault.fired == fault.times:
                        fault.opened.set()  # the last one is here: everyone goes
                    return fault
        return None

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def _record_late(self, operation: str) -> None:
        with self._lock:
            self.late.append(operation)

    def arrived_late(self) -> list[str]:
        """Delayed requests that reached the emulator after their delay (the client may
        have given up on them long before)."""
        with self._lock:
            return list(self.late)


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:  # type: ignore[no-untyped-def]
    """Poll `predicate` until it is true or `timeout` passes (for tests that race a child)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
