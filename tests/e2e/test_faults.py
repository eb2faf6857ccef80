"""The installed safesm against a dead or silent endpoint: exit 6, named, in bounded time,
with timeouts set the ways a user sets them (defaults, environment, config file)."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests import emulator
from tests.faultproxy import Fault, FaultProxy

pytestmark = pytest.mark.e2e


def _run(safesm_bin: str, *args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess,
                                                                      float]:
    started = time.monotonic()
    result = subprocess.run([safesm_bin, *args], capture_output=True, env=env, timeout=120)
    return result, time.monotonic() - started


def test_nothing_listening_exits_6_within_seconds_with_defaults(aws, safesm_bin):
    endpoint = f"http://127.0.0.1:{emulator.free_port()}"
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint}
    result, elapsed = _run(safesm_bin, "get", "db/prod", env=env)
    assert result.returncode == 6, result.stderr
    assert endpoint.encode() in result.stderr
    assert b"4 attempt(s)" in result.stderr  # the documented default
    assert b"Traceback" not in result.stderr and result.stdout == b""
    assert elapsed < 5, elapsed


def test_silent_endpoint_gives_up_within_the_configured_bound(aws, safesm_bin):
    """read_timeout and max_attempts from the config file: 2 x 1 s, plus startup."""
    config = Path(os.environ["HOME"]) / ".config" / "safesm" / "config.toml"
    config.parent.mkdir(parents=True, mode=0o700)
    config.write_text("read_timeout = 1\nmax_attempts = 2\n")
    with FaultProxy(aws, lifetime=60) as proxy:
        proxy.add(Fault("delay", times=10, seconds=30))
        env = {**os.environ, "AWS_ENDPOINT_URL": proxy.url}
        result, elapsed = _run(safesm_bin, "list", env=env)
        assert result.returncode == 6, result.stderr
        assert proxy.url.encode() in result.stderr and b"ReadTimeoutError" in result.stderr
        assert proxy.operations("delay") == ["ListSecrets", "ListSecrets"]
        assert 2 <= elapsed < 2 * 1 + 3, elapsed
        # the environment beats the file
        env["SAFESM_MAX_ATTEMPTS"] = "1"
        result, elapsed = _run(safesm_bin, "list", env=env)
        assert result.returncode == 6 and elapsed < 1 + 3, (result.stderr, elapsed)
        assert proxy.operations("delay").count("ListSecrets") == 3
