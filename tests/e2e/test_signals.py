"""Ctrl-C and SIGTERM at the worst moments: no partial file, no half-written secret,
exit 130 (interrupted) or 143 (terminated), one message and never a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.faultproxy import Fault, FaultProxy, wait_until

from .conftest import files_containing

pytestmark = pytest.mark.e2e

CODES = {signal.SIGINT: (130, b"interrupted"), signal.SIGTERM: (143, b"terminated")}
SIGNALS = [pytest.param(signal.SIGINT, id="ctrl-c"), pytest.param(signal.SIGTERM, id="sigterm")]


def secret_names(sm) -> list[str]:
    return [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]]


def versions(sm, name: str) -> set[str]:
    page = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)
    return {v["VersionId"] for v in page["Versions"]}


def leftovers(*roots: Path) -> list[Path]:
    """Temporary or partial files safesm might have left behind."""
    return [p for root in roots for p in root.rglob("*")
            if p.is_file() and (p.name.endswith((".safesm", ".tmp")) or ".tmp" in p.name)]


# at the hidden prompt ------------------------------------------------------------------


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_at_the_value_prompt_writes_nothing(aws, sm, terminal, canary, sig):
    t = terminal("put", "typed")
    t.expect("Value for")
    t.type(canary[:10])  # half-typed: must go nowhere
    time.sleep(0.2)
    if sig == signal.SIGINT:
        t.type("\x03")  # the terminal's Ctrl-C
    else:
        t.child.kill(sig)
    code, word = CODES[sig]
    assert t.finish() == code
    assert (b"nothing was written" if sig == signal.SIGINT else word) in t.screen
    assert b"Traceback" not in t.screen
    assert canary[:10].encode() not in t.screen
    assert "typed" not in secret_names(sm)
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    assert files_containing(home, canary[:10].encode()) == []
    assert files_containing(tmp, canary[:10].encode()) == []


def test_sigterm_at_the_overwrite_confirmation_keeps_the_old_value(aws, sm, terminal):
    sm.create_secret(Name="a", SecretString="old")
    t = terminal("put", "a")
    for prompt in ("Value for", "Again"):
        t.expect(prompt)
        t.type("new-value\r")
    t.expect("Overwrite")
    t.child.kill(signal.SIGTERM)
    assert t.finish() == 143
    assert b"Traceback" not in t.screen
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"
    assert len(versions(sm, "a")) == 1


# during a network call (a proxy holds the request) --------------------------------------


@pytest.fixture
def stalling(aws):
    with FaultProxy(aws, lifetime=60) as proxy:
        yield proxy


def _start(safesm_bin: str, args: list[str], endpoint: str, stdin: bytes | None = None):
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "SAFESM_READ_TIMEOUT": "30"}
    proc = subprocess.Popen([safesm_bin, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    proc.stdin = None  # written and closed: communicate() only reads
    return proc


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_during_a_read_exits_with_one_line(aws, sm, safesm_bin, stalling, sig):
    sm.create_secret(Name="a", SecretString="value")
    stalling.add(Fault("delay", times=5, seconds=20, operation="GetSecretValue"))
    proc = _start(safesm_bin, ["get", "a"], stalling.url)
    assert wait_until(lambda: stalling.operations("delay"), timeout=20)
    started = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=10)
    code, word = CODES[sig]
    assert proc.returncode == code, err
    assert time.monotonic() - started < 3  # promptly, not after the stalled read
    assert out == b""
    # one line, no traceback (click adds a newline first on Ctrl-C, to end the ^C line)
    assert err.lstrip(b"\n") == b"safesm: " + word + b".\n"


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_during_a_write_leaves_the_secret_whole(aws, sm, safesm_bin, stalling, sig):
    sm.create_secret(Name="a", SecretString="old")
    before = versions(sm, "a")
    stalling.add(Fault("delay", times=5, seconds=20, operation="PutSecretValue"))
    proc = _start(safesm_bin, ["put", "a", "--force"], stalling.url, stdin=b"new")
    assert wait_until(lambda: stalling.operations("delay"), timeout=20)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=10)
    code, word = CODES[sig]
    assert proc.returncode == code, err
    assert b"Traceback" not in err
    assert word + b" while writing 'a'" in err
    assert b"safesm versions a" in err  # the truth: how to tell whether it landed
    stalling.stop()  # the held request is dropped, never forwarded
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"
    assert versions(sm, "a") == before


# during history scrub ------------------------------------------------------------------


def _history(path: Path) -> bytes:
    lines = []
    for i in range(120_000):
        lines.append(f"ls -la /srv/dir{i}")
        if i % 2000 == 0:
            lines.append(f"export DB_PASSWORD=hunter{i}xyz")
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path.read_bytes()


def test_sigterm_during_history_scrub_leaves_old_or_new_file(safesm_bin, tmp_path):
    """SIGTERM at many points of a scrub: each time the history file is either the old
    one or the fully scrubbed one, and no temporary copy is left beside it."""
    work = tmp_path / "hist"
    work.mkdir(mode=0o700)
    original = _history(work / "ref_history")
    reference = work / "done_history"
    shutil.copyfile(work / "ref_history", reference)
    done = subprocess.run([safesm_bin, "history", "scrub", "--yes", "--shell", "bash",
                           str(reference)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    scrubbed = reference.read_bytes()
    assert scrubbed != original and b"hunter" not in scrubbed
    target = work / "bash_history"
    outcomes = []
    for delay in (0.3, 0.5, 0.7, 0.9, 1.1, 1.3, 1.6, 2.0):
        target.write_bytes(original)
        proc = subprocess.Popen([safesm_bin, "history", "scrub", "--yes", "--shell", "bash",
                                 str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode in (0, 143), err
        assert b"Traceback" not in err
        assert target.read_bytes() in (original, scrubbed)
        if proc.returncode == 143:
            assert target.read_bytes() == original
        outcomes.append(proc.returncode)
        assert sorted(p.name for p in work.iterdir()) == [
            "bash_history", "done_history", "ref_history"]  # no temporary copy left
    assert 143 in outcomes  # the signal did land mid-scrub at least once


def test_ctrl_c_at_the_scrub_confirmation_changes_nothing(terminal, tmp_path):
    path = tmp_path / "bash_history"
    path.write_text("ls\nexport API_TOKEN=abcd1234efgh5678\n")
    path.chmod(0o600)
    before = path.read_bytes()
    t = terminal("history", "scrub", "--shell", "bash", str(path))
    t.expect(r"\?")
    t.type("\x03")
    assert t.finish() == 130
    assert b"Traceback" not in t.screen
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []
