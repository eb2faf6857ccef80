"""A moto that lacks a patch target stops the emulator at start, and the rig says why."""

from __future__ import annotations

import pytest

from tests import emulator

pytestmark = pytest.mark.e2e

# Loaded by the emulator's interpreter at start (site imports sitecustomize from PYTHONPATH):
# a moto release in which one patched method is gone.
GONE = """
from moto.secretsmanager.models import SecretsManagerBackend
del SecretsManagerBackend.update_secret_version_stage
"""


def test_start_fails_fast_naming_the_missing_target(tmp_path, monkeypatch):
    (tmp_path / "sitecustomize.py").write_text(GONE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with open(tmp_path / "moto.log", "wb") as log, pytest.raises(RuntimeError) as err:
        proc, _ = emulator.start(log, timeout=20)
        emulator.stop(proc)  # only reached if the check failed to stop it
    assert "exited early" in str(err.value)
    assert "SecretsManagerBackend.update_secret_version_stage" in str(err.value)
    assert "pyproject.toml" in str(err.value)
