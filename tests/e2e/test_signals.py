"""Ctrl-C and SIGTERM at the worst moments: no partial file, no half-written secret,
exit 130 (interrupted) or 143 (terminated), one message and never a traceback."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import signal
import subprocess
import threading
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
    """The question comes before the value (issue 17.13): nothing typed, nothing written."""
    sm.create_secret(Name="a", SecretString="old")
    t = terminal("put", "a")
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
#
# Deterministic pause points, with no hook in the product:
# - before any rewrite: scrub reports its findings on stdout before it rewrites anything;
#   stdout is a pipe the test shrinks to one page and does not read, so once a byte
#   arrives the scan is done and safesm is held in the report until the test reads.
# - inside a rewrite: before replacing a file, scrub takes the lock a shell takes to write
#   its history (flock, as fish does). While safesm is held in the report, the test takes
#   that lock on the second file; scrub then replaces the first file, writes the second
#   one's scrubbed copy beside it and waits for the lock.

SECRETS = 150  # findings enough to overflow one page of report


def _history(path: Path) -> bytes:
    lines = []
    for i in range(SECRETS):
        lines += [f"ls -la /srv/dir{i}", f"export DB_PASSWORD=hunter{i}xyz"]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path.read_bytes()


def _scrubbed(safesm_bin: str, original: Path, work: Path) -> bytes:
    """The file as a scrub that nothing interrupted leaves it."""
    reference = work / f"{original.name}.done"
    shutil.copyfile(original, reference)
    done = subprocess.run([safesm_bin, "history", "scrub", "--yes", "--shell", "bash",
                           str(reference)], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    data = reference.read_bytes()
    reference.unlink()
    assert b"hunter" not in data and data != original.read_bytes()
    return data


def _start_scrub(safesm_bin: str, *paths: Path) -> tuple[subprocess.Popen, int]:
    """scrub --yes with stdout on a one-page pipe; returns once the report has begun."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([safesm_bin, "history", "scrub", "--yes", "--shell", "bash",
                             *map(str, paths)], stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], 30)
    assert ready, "scrub never reported its findings"
    return proc, read_end


def _drain(fd: int) -> threading.Thread:
    def read_all() -> None:
        with os.fdopen(fd, "rb") as pipe:
            while pipe.read(65536):
                pass

    thread = threading.Thread(target=read_all, daemon=True)
    thread.start()
    return thread


def _finish(proc: subprocess.Popen, sig: signal.Signals, stdout_fd: int | None) -> bytes:
    proc.send_signal(sig)
    if stdout_fd is not None:
        _drain(stdout_fd)
    _, err = proc.communicate(timeout=30)
    code, word = CODES[sig]
    assert proc.returncode == code, err
    assert word in err and b"Traceback" not in err
    return err


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_before_the_rewrite_changes_nothing(safesm_bin, tmp_path, sig):
    work = tmp_path / "hist"
    work.mkdir(mode=0o700)
    first, second = work / "first_history", work / "second_history"
    originals = (_history(first), _history(second))
    proc, stdout_fd = _start_scrub(safesm_bin, first, second)
    _finish(proc, sig, stdout_fd)
    assert (first.read_bytes(), second.read_bytes()) == originals
    assert sorted(p.name for p in work.iterdir()) == ["first_history", "second_history"]


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_during_a_rewrite_leaves_each_file_old_or_new(safesm_bin, tmp_path, sig):
    """The first file is replaced, the second one's scrubbed copy is written but not yet
    renamed: the signal leaves the first new, the second as it was, and no temporary copy."""
    work = tmp_path / "hist"
    work.mkdir(mode=0o700)
    first, second = work / "first_history", work / "second_history"
    _history(first)
    original_second = _history(second)
    scrubbed = _scrubbed(safesm_bin, first, tmp_path)
    proc, stdout_fd = _start_scrub(safesm_bin, first, second)
    holder = os.open(second, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a shell writing the second file's history
    try:
        _drain(stdout_fd)
        assert wait_until(lambda: any(p.name.startswith(".second_history.")
                                      for p in work.iterdir()), timeout=30), \
            "scrub never wrote the second file's copy"
        assert proc.poll() is None, "safesm finished without waiting for the lock"
        assert first.read_bytes() == scrubbed
        [temp] = [p for p in work.iterdir() if p.name.startswith(".second_history.")]
        assert b"hunter" not in temp.read_bytes()  # the scrubbed copy, not yet renamed
        _finish(proc, sig, None)
    finally:
        os.close(holder)
    assert first.read_bytes() == scrubbed
    assert second.read_bytes() == original_second  # never replaced
    assert sorted(p.name for p in work.iterdir()) == ["first_history", "second_history"]


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
