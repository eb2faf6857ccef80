"""`safesm session` through click's CliRunner: usage errors and the no-keyring paths.

Nothing here prompts (a prompt would read the developer's /dev/tty): the MFA prompt,
the Secret Service and the no-terminal exit live in tests/e2e/test_session.py.
"""

from __future__ import annotations

import pytest

ROLE_CONFIG = """
[default]
region = us-east-1

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = default
mfa_serial = arn:aws:iam::123456789012:mfa/alice
"""


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch):
    """No Secret Service (keyrings.alt is installed, and must not be picked instead)."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)


@pytest.fixture
def role_config(aws, isolated_env):
    (isolated_env / ".aws" / "config").write_text(ROLE_CONFIG)


def test_login_needs_a_role_profile(run, role_config):
    result = run("session", "login", "--profile", "default")
    assert result.exit_code == 2
    assert "does not assume a role" in result.stderr


def test_login_without_keyring_exits_4_before_asking(run, role_config):
    result = run("--profile", "mfa", "session", "login")
    assert result.exit_code == 4
    assert "cannot keep an MFA session: no keyring back end" in result.stderr
    assert "MFA code for" not in result.stdout + result.stderr


def test_clear_takes_profile_or_all_not_both(run, role_config):
    result = run("session", "clear", "--all", "--profile", "mfa")
    assert result.exit_code == 2
    assert "either --profile or --all" in result.stderr


@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["clear", "--all"],
                                  ["clear", "--profile", "mfa"]])
def test_without_keyring_nothing_is_cached_and_that_is_said_once(run, role_config, args):
    result = run("session", *args)
    assert result.exit_code == 0
    assert result.stderr.count("no session is cached: no keyring back end") == 1
    assert result.stdout.strip() in ("", "[]")

