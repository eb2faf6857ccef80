"""A slow endpoint, as a user meets it: the installed safesm under a real pty says once
that it is still waiting (after safesm.aws.progress.SLOW_AFTER seconds), and says
nothing of the kind when stderr is a pipe (issue 17, item 10)."""

from __future__ import annotations

import os
import subprocess

import pytest

from safesm.aws.progress import SLOW_AFTER
from tests.faultproxy import Fault, FaultProxy

pytestmark = pytest.mark.e2e

DELAY = SLOW_AFTER + 1.5


@pytest.fixture
def slow_proxy(aws, monkeypatch):
    with FaultProxy(aws, lifetime=60) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        yield proxy


def test_on_a_terminal_one_line_says_safesm_is_still_waiting(slow_proxy, sm, terminal):
    sm.create_secret(Name="db/prod", SecretString="v")
    slow_proxy.add(Fault("delay", seconds=DELAY, operation="ListSecrets"))
    t = terminal("list")
    assert t.finish() == 0
    screen = t.screen.decode()
    line = f"safesm: still waiting for {slow_proxy.url}; Ctrl-C stops."
    assert screen.count("still waiting") == 1 and line in screen
    assert screen.index(line) < screen.index("db/prod")  # said while waiting, not after


def test_on_a_pipe_nothing_is_said(slow_proxy, sm, safesm_bin):
    sm.create_secret(Name="db/prod", SecretString="v")
    slow_proxy.add(Fault("delay", seconds=DELAY, operation="GetSecretValue"))
    result = subprocess.run([safesm_bin, "get", "db/prod"], capture_output=True,
                            env=dict(os.environ), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"v"
    assert b"still waiting" not in result.stderr
