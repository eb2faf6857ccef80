"""An agent for in-process tests: the real service and server on a real unix socket (in
the test's own TMPDIR), served from a thread instead of a detached process. The process
tier (tests/e2e/test_agent*.py) starts real agents with `safesm agent start`."""

from __future__ import annotations

import threading
import time

from safesm import config
from safesm.agent import paths
from safesm.agent.daemon import AgentStore, Forgetful
from safesm.agent.server import AgentServer
from safesm.agent.service import Service


class Clock:
    """A clock the test moves: TTLs pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ThreadAgent:
    def __init__(self, ttl: float = 300, flags: dict | None = None) -> None:
        self.clock = Clock()
        settings = config.load(flags or {})
        self.store = AgentStore(settings, redactor=Forgetful())
        self.service = Service(settings, self.store, ttl, clock=self.clock)
        self.server = AgentServer(self.service, paths.socket_dir(), idle=0)
        self.server.bind()
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()

    @property
    def stats(self) -> dict[str, int]:
        return dict(self.service.stats)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(5)
        self.service.names.wait(10)
        self.server.close()
        time.sleep(0)  # let connection threads finish their close
