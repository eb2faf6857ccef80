"""The installed safesm started by a shell with stdin or stdout closed: a usage error."""

from __future__ import annotations

import os
import subprocess

import pytest

pytestmark = pytest.mark.e2e


def secret_names(sm) -> list[str]:
    return [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]]


def test_closed_stdin_is_a_usage_error(aws, sm, safesm_bin):
    proc = subprocess.run(f"{safesm_bin} put a <&-", shell=True, capture_output=True,
                          text=True, env=dict(os.environ), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "stdin is closed" in proc.stderr
    assert secret_names(sm) == []


def test_closed_stdout_is_a_usage_error(aws, sm, safesm_bin):
    sm.create_secret(Name="a", SecretString="v")
    proc = subprocess.run(f"{safesm_bin} get a >&-", shell=True, capture_output=True,
                          text=True, env=dict(os.environ), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "stdout is closed" in proc.stderr
