"""MFA role sessions: asked once, kept in a real Secret Service, never on disk in plaintext.

A dbus session bus and an unlocked gnome-keyring-daemon are started per test (on their
own socket, with HOME set to the test's temp home) and stopped afterwards; moto serves
both STS AssumeRole and Secrets Manager on loopback.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pexpect
import pytest

from tests.e2e.conftest import files_containing

pytestmark = pytest.mark.e2e

PROFILE = "mfa"
SERIAL = "arn:aws:iam::123456789012:mfa/alice"
SERVICE = "safesm assume-role session"
CODE = "908172"
NOTICE = b"MFA sessions are not cached"
ROLE_CONFIG = f"""
[default]
region = us-east-1

[profile base]
region = us-east-1

[profile {PROFILE}]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = base
mfa_serial = {SERIAL}
region = us-east-1
"""


def _wait_for_name(env: dict[str, str], name: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        out = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
            env=env, capture_output=True, text=True, timeout=5).stdout
        if "boolean true" in out:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{name} did not appear on the session bus")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture
def secret_service(isolated_env, monkeypatch):
    """A private session bus with an unlocked gnome-keyring Secret Service on it."""
    env = {**os.environ, "HOME": str(isolated_env)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    keyring_daemon = None
    try:
        env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
        keyring_daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        keyring_daemon.stdin.write(secrets.token_hex(8).encode())  # the login keyring password
        keyring_daemon.stdin.close()
        _wait_for_name(env, "org.freedesktop.secrets", time.monotonic() + 10)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", env["DBUS_SESSION_BUS_ADDRESS"])
        yield env["DBUS_SESSION_BUS_ADDRESS"]
    finally:
        if keyring_daemon is not None:
            _stop(keyring_daemon)
        _stop(bus)


@pytest.fixture
def role_profile(aws, sm, isolated_env, canary):
    """Profile `mfa` assumes a role with an MFA device; app/db holds the canary."""
    aws_dir = isolated_env / ".aws"
    (aws_dir / "config").write_text(ROLE_CONFIG)
    creds = (aws_dir / "credentials").read_text()
    (aws_dir / "credentials").write_text(creds + creds.replace("[default]", "[base]"))
    sm.create_secret(Name="app/db", SecretString=canary)
    return PROFILE


@pytest.fixture
def no_secret_service(monkeypatch):
    """No session bus at all: keyring finds no back end (keyrings.alt is installed)."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)


def stored_entry(profile: str = PROFILE) -> dict | None:
    """The keyring entry, read back through libsecret's own tool (not through keyring)."""
    out = subprocess.run(["secret-tool", "lookup", "service", SERVICE, "username", profile],
                         capture_output=True, text=True, timeout=10)
    return json.loads(out.stdout) if out.returncode == 0 and out.stdout else None


def secret_keys(entry: dict) -> list[str]:
    return [s["Credentials"]["SecretAccessKey"] for s in entry["sessions"].values()]


def get_with_code(terminal, code: str = CODE):
    """`safesm get` under a pty that expects the MFA prompt and answers it."""
    t = terminal("--profile", PROFILE, "get", "app/db", "--print")
    t.expect(f"MFA code for profile {PROFILE} \\({SERIAL}\\)")
    t.type(code + "\r")
    return t


def get_without_prompt(terminal, canary: str):
    t = terminal("--profile", PROFILE, "get", "app/db", "--print")
    t.expect(canary)
    assert t.finish() == 0
    assert b"MFA code" not in t.screen
    return t


def assert_nowhere_on_disk(home, tmp, needles: list[str]) -> None:
    for needle in needles:
        assert files_containing(home, needle.encode()) == []
        assert files_containing(tmp, needle.encode()) == []
    assert not (home / ".aws" / "cli" / "cache").exists()


def test_code_asked_once_then_session_from_keyring(secret_service, role_profile, terminal,
                                                   canary, isolated_env, tmp_path):
    first = get_with_code(terminal)
    first.expect(canary)
    assert first.finish() == 0
    assert CODE.encode() not in first.screen  # the code is typed hidden

    entry = stored_entry()
    assert entry is not None, "the session is not in the Secret Service"
    keys = secret_keys(entry)
    assert len(keys) == 1
    second = get_without_prompt(terminal, canary)
    assert keys[0].encode() not in first.screen + second.screen
    assert_nowhere_on_disk(isolated_env, tmp_path / "tmp", keys)


def test_expired_session_asks_again(secret_service, role_profile, terminal, canary):
    first = get_with_code(terminal)
    first.expect(canary)
    assert first.finish() == 0
    from keyring.backends.SecretService import Keyring

    entry = stored_entry()
    past = (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat()
    for session in entry["sessions"].values():
        session["Credentials"]["Expiration"] = past
    Keyring().set_password(SERVICE, PROFILE, json.dumps(entry))

    again = get_with_code(terminal, "654321")
    again.expect(canary)
    assert again.finish() == 0
    renewed = stored_entry()
    assert secret_keys(renewed) != secret_keys(entry)
    get_without_prompt(terminal, canary)


def test_session_clear_forces_a_prompt(secret_service, role_profile, terminal, canary,
                                       safesm_bin):
    first = get_with_code(terminal)
    first.expect(canary)
    assert first.finish() == 0
    proc = subprocess.run([safesm_bin, "--profile", PROFILE, "session", "clear"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert f"Cleared the cached session of {PROFILE}" in proc.stderr
    assert stored_entry() is None
    again = get_with_code(terminal)
    again.expect(canary)
    assert again.finish() == 0


def test_login_then_status_then_no_prompt(secret_service, role_profile, terminal, canary,
                                          safesm_bin, isolated_env, tmp_path):
    t = terminal("session", "login", "--profile", PROFILE)
    t.expect(f"MFA code for profile {PROFILE}")
    t.type(CODE + "\r")
    t.expect("cached in the keyring")
    assert t.finish() == 0
    keys = secret_keys(stored_entry())

    status = subprocess.run([safesm_bin, "session", "status"], capture_output=True, text=True,
                            timeout=30)
    assert status.returncode == 0, status.stderr
    row = next(line for line in status.stdout.splitlines() if line.startswith(PROFILE))
    assert "assumed-role/admin" in row
    assert row.endswith(" min") and int(row.split()[-2]) in range(55, 61)
    for key in keys:
        assert key not in status.stdout + status.stderr
    listed = json.loads(subprocess.run([safesm_bin, "session", "status", "--json"],
                                       capture_output=True, text=True, timeout=30).stdout)
    assert [s["profile"] for s in listed] == [PROFILE]
    assert set(listed[0]) == {"profile", "role", "expires", "minutes_left"}

    get_without_prompt(terminal, canary)
    cleared = subprocess.run([safesm_bin, "session", "clear", "--all", "--json"],
                             capture_output=True, text=True, timeout=30)
    assert cleared.returncode == 0 and stored_entry() is None
    done = json.loads(cleared.stdout)  # --json on every command that changes something
    assert done["action"] == "session-clear" and done["changed"] is True
    assert done["profiles"] == [PROFILE]
    for key in keys:
        assert key not in cleared.stdout
    assert_nowhere_on_disk(isolated_env, tmp_path / "tmp", keys)


def test_prompt_uses_the_terminal_when_stdin_and_stdout_are_pipes(
        secret_service, role_profile, safesm_bin, canary):
    """Like aws-vault: the code is read from /dev/tty, the value still goes down the pipe."""
    script = f"printf '' | {safesm_bin} --profile {PROFILE} get app/db | od -c | head -1"
    child = pexpect.spawn("sh", ["-c", script], env={**os.environ, "TERM": "xterm"},
                          timeout=20)
    child.expect(f"MFA code for profile {PROFILE}")
    child.send(CODE + "\r")
    child.expect("0000000")  # od's output: the value came through the pipe
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert stored_entry() is not None


def test_ctrl_c_at_the_mfa_prompt_exits_130(secret_service, role_profile, terminal, canary):
    t = terminal("--profile", PROFILE, "get", "app/db", "--print")
    t.expect("MFA code for profile")
    t.type("12\x03")
    assert t.finish() == 130
    assert canary.encode() not in t.screen
    assert stored_entry() is None


@pytest.mark.parametrize("keyring_running", [True, False])
def test_script_without_terminal_exits_4(request, role_profile, safesm_bin, canary,
                                         keyring_running):
    request.getfixturevalue("secret_service" if keyring_running else "no_secret_service")
    proc = subprocess.run([safesm_bin, "--profile", PROFILE, "get", "app/db"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                          start_new_session=True)  # no controlling terminal, like cron
    assert proc.returncode == 4
    assert f"safesm session login --profile {PROFILE}".encode() in proc.stderr
    assert canary.encode() not in proc.stdout + proc.stderr


def test_script_uses_a_cached_session(secret_service, role_profile, terminal, safesm_bin,
                                      canary):
    t = get_with_code(terminal)
    t.expect(canary)
    assert t.finish() == 0
    proc = subprocess.run([safesm_bin, "--profile", PROFILE, "get", "app/db"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=30,
                          start_new_session=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == canary.encode()


def test_no_keyring_still_prompts_with_one_notice(no_secret_service, role_profile, terminal,
                                                  canary, isolated_env, tmp_path):
    for _ in range(2):  # nothing is cached: every run asks
        t = get_with_code(terminal)
        t.expect(canary)
        assert t.finish() == 0
        assert t.screen.count(NOTICE) == 1
        assert b"no keyring back end" in t.screen
    assert not (isolated_env / ".local" / "share" / "python_keyring").exists()


def test_plaintext_backend_is_refused_even_when_configured(no_secret_service, role_profile,
                                                           terminal, canary, monkeypatch,
                                                           isolated_env, tmp_path):
    """keyrings.alt's PlaintextKeyring, named explicitly, is still never used."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    t = get_with_code(terminal)
    t.expect(canary)
    assert t.finish() == 0
    assert t.screen.count(NOTICE) == 1
    assert b"keyrings.alt.file.PlaintextKeyring keeps secrets in a file" in t.screen
    assert files_containing(isolated_env, b"SecretAccessKey") == []
    assert files_containing(tmp_path / "tmp", b"SecretAccessKey") == []


def test_login_without_keyring_exits_4_before_asking(no_secret_service, role_profile,
                                                     terminal):
    t = terminal("session", "login", "--profile", PROFILE)
    assert t.finish() == 4
    assert b"cannot keep an MFA session" in t.screen
    assert b"MFA code for" not in t.screen


# import cost: plain credentials never load keyring ---------------------------

PROBE = """
import sys
from safesm.cli import cli
try:
    cli.main(sys.argv[1:])
except SystemExit as exit:
    sys.stderr.write("exit=%s " % exit.code)
sys.stderr.write("keyring=%s" % ("keyring" in sys.modules))
"""


@pytest.mark.parametrize("profile, loaded", [("default", False), (PROFILE, True)])
def test_keyring_is_imported_only_for_role_profiles(no_secret_service, role_profile, profile,
                                                    loaded):
    proc = subprocess.run([sys.executable, "-c", PROBE, "--profile", profile, "get", "app/db"],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30,
                          start_new_session=True)
    expected_exit = 0 if profile == "default" else 4  # no terminal for the MFA code
    assert proc.stderr.endswith(f"exit={expected_exit} keyring={loaded}"), proc.stderr


def test_debug_log_never_shows_the_temporary_credentials(secret_service, role_profile,
                                                         terminal, canary):
    t = terminal("--debug", "--profile", PROFILE, "get", "app/db", "--print")
    t.expect(f"MFA code for profile {PROFILE}")
    t.type(CODE + "\r")
    t.expect(canary)
    assert t.finish() == 0
    assert b"AssumeRole" in t.screen  # the STS exchange was logged...
    session = next(iter(stored_entry()["sessions"].values()))["Credentials"]
    for field in ("SecretAccessKey", "SessionToken"):  # ...without the credentials
        assert session[field].encode() not in t.screen, field
    assert CODE.encode() not in t.screen
