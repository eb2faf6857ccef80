"""`safesm exec` with real processes: exit codes, signals through a real pty, the --mask
supervisor, what the command inherits, and where a value may (not) be seen."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faultproxy import wait_until

from .conftest import ProcessWatcher, files_containing
from .test_session import CODE, PROFILE, no_secret_service, role_profile  # noqa: F401

pytestmark = pytest.mark.e2e

CHILD = [sys.executable, str(Path(__file__).with_name("exec_child.py"))]
MODES = [pytest.param([], id="exec"), pytest.param(["--mask"], id="mask")]


@pytest.fixture
def token(sm, canary):
    sm.create_secret(Name="app/token", SecretString=canary)
    return canary


def run(safesm_bin: str, *args: str, env: dict[str, str] | None = None,
        **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([safesm_bin, *args], capture_output=True, timeout=60, env=env,
                          **kwargs)  # type: ignore[call-overload]


def alive(pid: int) -> bool:
    """Running (a zombie no longer runs)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# exit codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("code", [0, 1, 42])
def test_the_exit_code_is_the_commands(safesm_bin, token, mode, code):
    r = run(safesm_bin, "exec", *mode, "-e", "T=app/token", "--", "sh", "-c", f"exit {code}")
    assert r.returncode == code, r.stderr


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGINT])
def test_killed_by_a_signal_is_128_plus_n(safesm_bin, token, mode, sig):
    script = (f"{safesm_bin} exec {' '.join(mode)} -e T=app/token -- "
              f"sh -c 'kill -{int(sig)} $$'; echo status=$?")
    r = subprocess.run(["sh", "-c", script], capture_output=True, timeout=60)
    assert f"status={128 + sig}".encode() in r.stdout, r.stderr


@pytest.mark.parametrize("mode", MODES)
def test_a_file_the_system_cannot_run_is_126(safesm_bin, token, mode, tmp_path):
    garbage = tmp_path / "not-a-program"
    garbage.write_bytes(b"\x00\x01 no interpreter, no ELF header")
    garbage.chmod(0o755)
    r = run(safesm_bin, "exec", *mode, "-e", "T=app/token", "--", str(garbage))
    assert r.returncode == 126 and b"could not be run" in r.stderr
    assert b"Traceback" not in r.stderr and token.encode() not in r.stderr


# signals through a real terminal ---------------------------------------------------------


def start_waiting(terminal, mode):
    t = terminal("exec", *mode, "-e", "T=app/token", "--", *CHILD, "signals")
    t.child.expect(rb"ready (\d+) (\d+)")
    pid, parent = (int(x) for x in t.child.match.groups())
    if mode:
        assert parent == t.child.pid and pid != t.child.pid  # the supervisor's child
    else:
        assert pid == t.child.pid  # safesm became the command: no wrapper left
    return t, pid


@pytest.mark.parametrize("mode", MODES)
def test_ctrl_c_reaches_the_command(terminal, token, mode):
    t, pid = start_waiting(terminal, mode)
    t.type("\x03")
    t.expect("got SIGINT")
    assert t.finish() == 40 + signal.SIGINT
    assert not alive(pid)


@pytest.mark.parametrize("mode", MODES)
def test_sigterm_reaches_the_command(terminal, token, mode):
    t, pid = start_waiting(terminal, mode)
    os.kill(t.child.pid, signal.SIGTERM)
    t.expect("got SIGTERM")
    assert t.finish() == 40 + signal.SIGTERM
    assert not alive(pid)


def test_mask_forwards_hup_usr1_and_resizes(terminal, token):
    t, pid = start_waiting(terminal, ["--mask"])
    t.child.setwinsize(30, 120)  # the pty of safesm: the supervisor resizes the command's
    t.expect("got SIGWINCH")
    os.kill(t.child.pid, signal.SIGUSR1)
    t.expect("got SIGUSR1")
    assert t.finish() == 40 + signal.SIGUSR1
    t, pid = start_waiting(terminal, ["--mask"])
    os.kill(t.child.pid, signal.SIGHUP)
    t.expect("got SIGHUP")
    assert t.finish() == 40 + signal.SIGHUP


def test_mask_leaves_no_supervisor_behind_a_background_process(safesm_bin, token):
    # the command ends at once but leaves a process holding its stdout open for 5 s
    start = time.monotonic()
    r = run(safesm_bin, "exec", "--mask", "-e", "T=app/token", "--", "sh", "-c",
            "sleep 5 & echo done $T")
    assert r.returncode == 0 and r.stdout == b"done ****\n"
    assert time.monotonic() - start < 4


def test_the_command_dies_with_the_supervisor(terminal, token, tmp_path):
    pidfile = tmp_path / "pid"
    t = terminal("exec", "--mask", "-e", "T=app/token", "--", *CHILD, "pid", str(pidfile))
    assert wait_until(lambda: pidfile.exists() and pidfile.read_text(), timeout=20)
    pid = int(pidfile.read_text())
    assert alive(pid)
    os.kill(t.child.pid, signal.SIGKILL)
    assert wait_until(lambda: not alive(pid), timeout=10)


# what --mask shows -----------------------------------------------------------------------


def test_mask_hides_a_printed_value_and_keeps_colours(terminal, token):
    t = terminal("exec", "--mask", "-e", "T=app/token", "--", *CHILD, "colour", "T")
    assert t.finish() == 0
    assert b"\x1b[31m****\x1b[0m tty=True,True" in t.screen
    assert b"on stderr: ****" in t.screen
    assert token.encode() not in t.screen


def test_mask_on_pipes_keeps_stdout_and_stderr_apart(safesm_bin, token):
    r = run(safesm_bin, "exec", "--mask", "-e", "T=app/token", "--", *CHILD, "colour", "T")
    assert r.stdout == b"\x1b[31m****\x1b[0m tty=False,False\n"
    assert r.stderr == b"on stderr: ****\n"


def test_without_mask_the_command_sees_and_prints_the_value(safesm_bin, token):
    r = run(safesm_bin, "exec", "-e", "T=app/token", "--", *CHILD, "colour", "T")
    assert token.encode() in r.stdout  # the control for the two tests above


# what the command inherits ---------------------------------------------------------------


def child_env(safesm_bin: str, *args: str, env: dict[str, str] | None = None) -> dict:
    r = run(safesm_bin, "exec", *args, "--", *CHILD, "env", env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_parent_aws_credentials_are_not_passed_on(safesm_bin, token):
    creds = {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "parent-key",
             "AWS_SESSION_TOKEN": "parent-session"}
    env = {**os.environ, **creds}
    got = child_env(safesm_bin, "-e", "T=app/token", env=env)
    assert got["T"] == token and got["SAFESM_EXEC"] == "1"
    assert not set(creds) & set(got)
    got = child_env(safesm_bin, "--keep-aws-credentials", "-e", "T=app/token", env=env)
    assert {k: got[k] for k in creds} == creds


def test_more_than_20_secrets_in_one_exec(safesm_bin, sm):
    for i in range(27):
        sm.create_secret(Name=f"many/s{i:02d}", SecretString=f"value-{i}")
    args = [a for i in range(27) for a in ("-e", f"V{i:02d}=many/s{i:02d}")]
    got = child_env(safesm_bin, *args)
    assert {k: v for k, v in got.items() if k.startswith("V")} == {
        f"V{i:02d}": f"value-{i}" for i in range(27)}
    got = child_env(safesm_bin, "--prefix", "many/")
    assert got["S26"] == "value-26"


def test_pristine(safesm_bin, token):
    env = {**os.environ, "UNRELATED": "x", "LC_ALL": "C"}
    got = child_env(safesm_bin, "--pristine", "-e", "T=app/token", env=env)
    assert set(got) <= {"PATH", "HOME", "LC_ALL", "T", "SAFESM_EXEC", "TMPDIR", "LANG", "USER",
                        "LOGNAME", "SHELL", "TERM", "TZ", "LANGUAGE"}
    assert got["T"] == token and "UNRELATED" not in got and "AWS_REGION" not in got


def test_nested_exec_needs_nested(safesm_bin, sm):
    sm.create_secret(Name="a", SecretString="outer-value")
    sm.create_secret(Name="b", SecretString="inner-value")
    inner = [safesm_bin, "exec", "-e", "B=b", "--", *CHILD, "env"]
    r = run(safesm_bin, "exec", "-e", "A=a", "--", *inner)
    assert r.returncode == 2 and b"--nested" in r.stderr and r.stdout == b""
    got = json.loads(run(safesm_bin, "exec", "-e", "A=a", "--", inner[0], "exec", "--nested",
                         *inner[2:]).stdout)
    assert got["A"] == "outer-value" and got["B"] == "inner-value"


def sig_ignored(status: str) -> int:
    return int(re.search(r"SigIgn:\s*([0-9a-f]+)", status).group(1), 16)


def test_what_safesm_changed_in_itself_is_given_back(safesm_bin, token):
    """umask 077, no core dumps and an ignored SIGPIPE are safesm's, not the command's."""
    probe = ["sh", "-c", "umask; ulimit -c; grep SigIgn /proc/self/status"]
    direct = subprocess.run(probe, capture_output=True, umask=0o022, timeout=30).stdout
    for mode in ([], ["--mask"]):
        got = run(safesm_bin, "exec", *mode, "-e", "T=app/token", "--", *probe,
                  umask=0o022).stdout
        assert got.splitlines()[:2] == direct.splitlines()[:2]  # 0022, the core limit
        pipe = 1 << (signal.SIGPIPE - 1)
        assert not sig_ignored(got.decode()) & pipe
        assert sig_ignored(got.decode()) == sig_ignored(direct.decode())


# where the value may be seen -------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_the_value_is_only_in_the_commands_environment(safesm_bin, token, mode, isolated_env,
                                                       tmp_path):
    argv = [safesm_bin, "--debug", "exec", *mode, "-v", "-e", "T=app/token", "--", "sh", "-c",
            "sleep 0.6; echo ok"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    sampler = ProcessWatcher(proc.pid)
    out, err = proc.communicate(timeout=60)
    sampler.stop()
    needle = token.encode()
    assert proc.returncode == 0 and out == b"ok\n"
    assert needle not in err and b"T <- app/token (-e)" in err  # -v: names, never values
    assert not [pid for pid, argv_seen in sampler.argv.items() if needle in argv_seen]
    holders = {pid for pid, env in sampler.environ.items() if needle in env}
    assert holders, "the sampler never saw the command's environment"
    if mode:
        assert proc.pid not in holders  # the supervisor holds it in memory, not its environ
    assert files_containing(tmp_path, needle) == []


# the MFA prompt comes before the supervisor's signal handling -------------------------


@pytest.mark.usefixtures("no_secret_service", "role_profile")
def test_ctrl_c_at_the_mfa_prompt_stops_safesm_not_a_command(terminal, canary):
    t = terminal("--profile", PROFILE, "exec", "--mask", "-e", "T=app/db", "--", *CHILD,
                 "colour", "T")
    t.expect("MFA code for profile")
    t.type("12\x03")
    assert t.finish() == 130
    assert b"cancelled" in t.screen and b"tty=" not in t.screen  # nothing ran
    assert canary.encode() not in t.screen


@pytest.mark.usefixtures("no_secret_service", "role_profile")
def test_mfa_then_masked_command(terminal, canary):
    t = terminal("--profile", PROFILE, "exec", "--mask", "-e", "T=app/db", "--", *CHILD,
                 "colour", "T")
    t.expect("MFA code for profile")
    t.type(CODE + "\r")
    t.expect("tty=True")
    assert t.finish() == 0
    assert b"\x1b[31m****\x1b[0m" in t.screen and canary.encode() not in t.screen
