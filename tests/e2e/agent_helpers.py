"""Driving real agents from tests: start/stop through the installed safesm, find the
agent processes a test started (by its TMPDIR), and run code as another uid."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from safesm.agent import paths

NOBODY = 65534


def safesm(safesm_bin: str, *args: str, input: bytes | None = None,
           env: dict[str, str] | None = None, timeout: float = 60
           ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([safesm_bin, *args], input=input, capture_output=True,
                          env=env if env is not None else dict(os.environ), timeout=timeout)


def _state(pid: str) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def agent_pids(tmpdir: str | None = None) -> list[int]:
    """Live agent processes whose TMPDIR is this test's (each test has its own)."""
    mine = f"TMPDIR={tmpdir or os.environ['TMPDIR']}".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if b"safesm.agent" not in (proc / "cmdline").read_bytes():
                continue
            if mine in (proc / "environ").read_bytes().split(b"\0") and _state(
                    proc.name) != "Z":
                found.append(int(proc.name))
        except (OSError, IndexError):
            continue
    return found


def socket_file() -> Path:
    return Path(paths.socket_dir()) / paths.SOCKET


def status(safesm_bin: str) -> dict:
    return json.loads(safesm(safesm_bin, "agent", "status", "--json").stdout)


@pytest.fixture
def agents(aws, safesm_bin):
    """`start(*args)` runs `safesm agent start`; every agent the test left is stopped."""
    def start(*args: str, env: dict[str, str] | None = None
              ) -> subprocess.CompletedProcess[bytes]:
        return safesm(safesm_bin, "agent", "start", *args, env=env)

    yield start
    safesm(safesm_bin, "agent", "stop")
    for pid in agent_pids():
        os.kill(pid, signal.SIGKILL)


def as_nobody(work: Callable[[], bytes]) -> bytes:
    """Run `work` in a forked child that has dropped to uid/gid 65534 (no groups), and
    return what it returned (the child never execs: no interpreter path to reach)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child)
        try:
            os.close(read_end)
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            out = work()
        except BaseException as exc:  # noqa: BLE001
            out = f"raised {type(exc).__name__}: {exc}".encode()
        os.write(write_end, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    return data
