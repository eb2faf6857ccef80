"""The rig itself: a moto that lacks a patch target stops the emulator at start, saying
why; a test run that leaves something in the checkout is caught (git runs: e2e)."""

from __future__ import annotations

import secrets
import shutil

import pytest

from tests import emulator
from tests.tiers import ROOT, checkout_state

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


def test_something_left_in_the_checkout_is_noticed():
    """The check behind "a run leaves the checkout as it found it", on what a careless
    test would leave: an untracked file, and an ignored build directory."""
    before = checkout_state()
    if before is None:
        pytest.skip("not a git checkout: the run cannot be checked")
    token = secrets.token_hex(4)
    stray, build = ROOT / f"stray-{token}.txt", ROOT / f"probe-{token}.egg-info"
    try:
        stray.write_text("left behind")
        build.mkdir()
        (build / "PKG-INFO").write_text("left behind")
        assert checkout_state() - before == {f"?? {stray.name}", f"!! {build.name}/"}
    finally:
        stray.unlink(missing_ok=True)
        shutil.rmtree(build, ignore_errors=True)
    assert checkout_state() == before
