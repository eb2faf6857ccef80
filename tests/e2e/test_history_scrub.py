"""`history scrub` on a real terminal, and against shells writing to the file meanwhile."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.faultproxy import wait_until

pytestmark = pytest.mark.e2e


def history_file(home: Path, canary: str) -> tuple[Path, bytes]:
    data = (b"#1700000000\nls\n#1700000001\nexport DB_PASSWORD=" + canary.encode()
            + b"\n#1700000002\npwd\n")
    path = home / ".bash_history"
    path.write_bytes(data)
    path.chmod(0o600)
    return path, data


def test_scrub_asks_on_a_terminal(terminal, isolated_env, canary):
    path, _ = history_file(isolated_env, canary)
    t = terminal("history", "scrub")
    t.expect("Remove 1 history entry")
    t.type("y\r")
    assert t.finish() == 0
    assert path.read_bytes() == b"#1700000000\nls\n#1700000002\npwd\n"
    assert canary.encode() not in t.screen
    assert b"history -c; history -r" in t.screen


def test_scrub_declined_changes_nothing(terminal, isolated_env, canary):
    path, data = history_file(isolated_env, canary)
    t = terminal("history", "scrub")
    t.expect("Remove 1 history entry")
    t.type("n\r")
    assert t.finish() == 5  # the one confirmation rule
    assert path.read_bytes() == data
    assert b"nothing was changed" in t.screen


def test_scrub_refuses_when_the_file_changes_meanwhile(terminal, isolated_env, canary):
    """A shell appends while the user reads the question: nothing is lost, nothing changes."""
    path, data = history_file(isolated_env, canary)
    t = terminal("history", "scrub")
    t.expect("Remove 1 history entry")
    with open(path, "ab") as fh:
        fh.write(b"#1700000003\necho written-meanwhile\n")
    t.type("y\r")
    assert t.finish() == 5
    assert path.read_bytes() == data + b"#1700000003\necho written-meanwhile\n"
    assert b"changed while" in t.screen and b"Run the command again" in t.screen
    assert sorted(os.listdir(isolated_env)) == [".bash_history"]  # no temp file left




HOLDERS = ["fish-flock", "zsh-fcntl", "zsh-lockfile"]


def _hold(kind: str, path: Path) -> tuple[int, object]:
    """Open the file to append as a shell does, and take the lock that shell takes."""
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    if kind == "fish-flock":
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, lambda: fcntl.flock(fd, fcntl.LOCK_UN)
    if kind == "zsh-fcntl":
        fcntl.lockf(fd, fcntl.LOCK_EX)
        return fd, lambda: fcntl.lockf(fd, fcntl.LOCK_UN)
    lock = Path(f"{path}.LOCK")
    os.symlink(f"/pid-{os.getpid()}/host-test", lock)
    return fd, lock.unlink


@pytest.mark.parametrize("kind", HOLDERS)
def test_scrub_waits_for_a_shell_that_holds_the_lock_and_loses_nothing(safesm_bin, tmp_path,
                                                                       canary, kind):
    """A shell is writing its history (and holds its lock) while scrub is about to replace
    the file: scrub waits, sees the new entry, and changes nothing; the entry is kept."""
    work = tmp_path / "hist"
    work.mkdir()
    path = work / ("zsh_history" if kind.startswith("zsh") else "fish_history")
    entry = (b": 1700000002:0;echo written-meanwhile\n" if kind.startswith("zsh")
             else b"- cmd: echo written-meanwhile\n  when: 1700000002\n")
    before = (b": 1700000000:0;ls\n: 1700000001:0;export DB_PASSWORD=" + canary.encode()
              + b"\n") if kind.startswith("zsh") else (
        b"- cmd: ls\n  when: 1700000000\n- cmd: set -gx GH_TOKEN " + canary.encode()
        + b"\n  when: 1700000001\n")
    path.write_bytes(before)
    fd, release = _hold(kind, path)
    try:
        proc = subprocess.Popen([safesm_bin, "history", "scrub", "--yes", str(path)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert wait_until(lambda: any(p.name.endswith(".safesm") for p in work.iterdir()),
                          timeout=30), "scrub never wrote its copy"
        time.sleep(0.3)  # scrub is at the lock now (and would have renamed without it)
        assert proc.poll() is None, proc.communicate()
        os.write(fd, entry)  # the shell's append, under its lock
    finally:
        release()  # type: ignore[operator]
        os.close(fd)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 5, err
    assert b"changed while safesm was scrubbing it" in err
    assert path.read_bytes() == before + entry
    assert sorted(p.name for p in work.iterdir()) == [path.name]


def test_a_stale_zsh_lockfile_is_taken_over(safesm_bin, tmp_path, canary):
    """zsh treats a FILE.LOCK older than ten seconds as left behind by a dead shell."""
    path = tmp_path / "zsh_history"
    path.write_bytes(b": 1:0;ls\n: 2:0;export DB_PASSWORD=" + canary.encode() + b"\n")
    lock = Path(f"{path}.LOCK")
    os.symlink("/pid-1/host-gone", lock)
    old = time.time() - 60
    os.utime(lock, (old, old), follow_symlinks=False)
    done = subprocess.run([safesm_bin, "history", "scrub", "--yes", str(path)],
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == b": 1:0;ls\n"
    assert not os.path.lexists(lock)
