"""The test rig: a real moto server on loopback, and an isolated AWS environment.

No test reaches a real AWS endpoint: every test runs with AWS_ENDPOINT_URL pointing
at 127.0.0.1, fake credentials in a temp HOME, and instance metadata disabled.

The two tiers, the process guard of the fast one and the clean-checkout check: tiers.py.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
from pathlib import Path

import pytest

from . import emulator
from .tiers import (  # noqa: F401 (pytest finds hooks and fixtures by name)
    no_processes_outside_e2e,
    pytest_configure,
    pytest_sessionfinish,
    pytest_sessionstart,
)

REGION = "us-east-1"
AWS_ENV_VARS = [v for v in os.environ if v.startswith("AWS_")] + [
    "SAFESM_CLIP_TIME", "SAFESM_CONNECT_TIMEOUT", "SAFESM_READ_TIMEOUT", "SAFESM_MAX_ATTEMPTS",
    "SAFESM_AGENT"]


@pytest.fixture(scope="session", autouse=True)
def shared_botocore_data():
    """In-process runs (CliRunner) share one botocore data loader across sessions.

    safesm builds a fresh botocore session per command, as a process does once; each one
    would parse the same service models and endpoint rules again (~50 ms of JSON per
    session, most of the time of an in-process CLI test). botocore treats loaded models
    as read-only and shares them between the clients of one session already, so sharing
    the loader across sessions changes nothing that a test observes. Subprocesses (the
    e2e tier) are untouched: they load their data as a user's process does.
    """
    import functools

    import botocore.session

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(botocore.session, "create_loader",
                   functools.lru_cache(maxsize=None)(botocore.session.create_loader))
        yield


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory):
    """One emulator per session, as a real HTTP endpoint on 127.0.0.1."""
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as fh:
        proc, url = emulator.start(fh)
    yield url
    emulator.stop(proc)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Every test: a temp HOME, no real AWS settings, and no way to reach real AWS."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    tmp = tmp_path / "tmp"
    tmp.mkdir(mode=0o700)
    for var in AWS_ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    # XDG_RUNTIME_DIR too: a test's agent socket lives under its own TMPDIR, never beside
    # the developer's agent.
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "HISTFILE"):
        monkeypatch.delenv(var, raising=False)
    # Nor the developer's keyring: keyring tests bring their own bus and Secret Service.
    for var in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND"):
        monkeypatch.delenv(var, raising=False)
    # No test touches the developer's real clipboard: clipboard tests bring their own Xvfb.
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_TTY", "TMUX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # A closed port: anything that forgets the emulator fails fast instead of reaching AWS.
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{emulator.free_port()}")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("PROMPT_TOOLKIT_NO_CPR", "1")
    return home


@pytest.fixture
def aws(moto_endpoint, isolated_env, monkeypatch):
    """Fake credentials and the emulator's endpoint, freshly reset."""
    emulator.reset(moto_endpoint)
    aws_dir = isolated_env / ".aws"
    aws_dir.mkdir(mode=0o700)
    (aws_dir / "credentials").write_text(
        "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    (aws_dir / "config").write_text(f"[default]\nregion = {REGION}\n")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    return moto_endpoint


@pytest.fixture
def sm(aws):
    """A direct boto3 client to the emulator, to check what safesm did (or did not) write."""
    import boto3

    return boto3.client(
        "secretsmanager", region_name=REGION, endpoint_url=aws,
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x",
    )


@pytest.fixture
def canary() -> str:
    """A unique value that must never show up where it does not belong."""
    return f"canary-{secrets.token_hex(12)}"


@pytest.fixture(scope="session")
def safesm_bin() -> str:
    """The installed console script, as a user runs it."""
    path = Path(sys.executable).parent / "safesm"
    found = str(path) if path.exists() else shutil.which("safesm")
    assert found, "safesm is not installed in this environment (pip install -e .)"
    return found
