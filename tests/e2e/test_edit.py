"""`safesm edit` in a real pty with a scripted $EDITOR: the private tmpfs file (0700 dir,
0600 file) is gone after success, Ctrl-C and an editor that exits 1; the write is a
compare-and-swap against the version opened; JSON is checked; the value reaches no argv or
environment. Also `put --generate`'s value: in no output, argv, environment or file."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import ProcessWatcher, files_containing, run_watched

pytestmark = pytest.mark.e2e

EDITOR_SCRIPT = r'''
import json, os, stat, sys, time
mode, report, arg, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[-1]
info = os.stat(os.path.dirname(path))
with open(report, "w") as fh:
    json.dump({"path": path, "dir_mode": stat.S_IMODE(info.st_mode),
               "file_mode": stat.S_IMODE(os.stat(path).st_mode)}, fh)
if mode == "fail":
    sys.exit(1)
if mode == "hang":
    time.sleep(60)
if mode == "wait":
    while not os.path.exists(arg + ".go"):
        time.sleep(0.05)
if mode == "twice":  # bad JSON the first time, the good file the second
    counter = arg + ".count"
    if not os.path.exists(counter):
        open(counter, "w").close()
        open(path, "w").write("{not json")
        sys.exit(0)
if mode in ("write", "wait", "twice", "field"):
    data = open(arg, "rb").read()
    if mode == "field":
        data = open(path, "rb").read() + data
    open(path, "wb").write(data)
'''


@pytest.fixture
def runtime_dir():
    """XDG_RUNTIME_DIR on a tmpfs (/dev/shm), so what is left in it can be checked."""
    path = Path(tempfile.mkdtemp(prefix="safesm-test-xdg-", dir="/dev/shm"))
    path.chmod(0o700)
    yield path
    for child in sorted(path.rglob("*"), reverse=True):
        child.unlink() if child.is_file() else child.rmdir()
    path.rmdir()


@pytest.fixture
def editor(tmp_path, runtime_dir, monkeypatch):
    """set(mode, content=None): $EDITOR runs the script in `mode`; returns the report path."""
    script = tmp_path / "editor.py"
    script.write_text(EDITOR_SCRIPT)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))
    monkeypatch.delenv("VISUAL", raising=False)

    def use(mode: str, content: bytes = b"") -> tuple[Path, Path]:
        new = tmp_path / f"new-{mode}"
        new.write_bytes(content)
        report = tmp_path / f"report-{mode}.json"
        monkeypatch.setenv("EDITOR", f"{sys.executable} {script} {mode} {report} {new}")
        return report, new

    return use


def value(sm, name="a"):
    return sm.get_secret_value(SecretId=name)["SecretString"]


def wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_edit_writes_and_leaves_no_file(sm, terminal, editor, runtime_dir, canary):
    sm.create_secret(Name="a", SecretString=canary)
    new = f"new-{canary[::-1]}"
    report, _ = editor("write", new.encode() + b"\n")  # editors add a final newline
    t = terminal("edit", "a")
    watcher = ProcessWatcher(t.child.pid)
    code = t.finish()
    seen = watcher.stop()
    assert code == 0, t.screen
    assert value(sm) == new  # the editor's newline dropped: the value had none
    opened = json.loads(report.read_text())
    assert opened["path"].startswith(str(runtime_dir) + "/")
    assert opened["dir_mode"] == 0o700 and opened["file_mode"] == 0o600
    assert list(runtime_dir.iterdir()) == []
    assert b"Updated a" in t.screen
    for needle in (canary.encode(), new.encode()):
        assert needle not in t.screen
        for pid, data in seen.items():
            assert needle not in data, pid
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    assert files_containing(home, canary.encode()) == []
    assert files_containing(tmp, canary.encode()) == []


def test_ctrl_c_in_the_editor_leaves_no_file_and_changes_nothing(sm, terminal, editor,
                                                                 runtime_dir):
    sm.create_secret(Name="a", SecretString="before")
    report, _ = editor("hang")
    t = terminal("edit", "a")
    wait_for(report)
    t.type("\x03")
    assert t.finish() == 130
    assert b"interrupted" in t.screen
    assert list(runtime_dir.iterdir()) == []
    assert value(sm) == "before"


def test_an_editor_that_exits_1_leaves_no_file_and_changes_nothing(sm, terminal, editor,
                                                                   runtime_dir):
    sm.create_secret(Name="a", SecretString="before")
    editor("fail")
    t = terminal("edit", "a")
    assert t.finish() == 5
    assert b"the editor exited with status 1; nothing was written" in t.screen
    assert list(runtime_dir.iterdir()) == []
    assert value(sm) == "before"


def test_a_concurrent_write_wins_and_the_edit_is_refused(sm, terminal, editor, runtime_dir):
    sm.create_secret(Name="a", SecretString="before")
    report, new = editor("wait", b"mine")
    t = terminal("edit", "a")
    wait_for(report)
    sm.put_secret_value(SecretId="a", SecretString="theirs")
    Path(str(new) + ".go").touch()
    assert t.finish() == 5
    assert b"changed while you were editing it" in t.screen
    assert value(sm) == "theirs"
    assert list(runtime_dir.iterdir()) == []


def test_bad_json_asks_again_on_a_terminal(sm, terminal, editor, runtime_dir):
    sm.create_secret(Name="a", SecretString='{"user": "u", "password": "p"}')
    _, _ = editor("twice", b'{"user": "u", "password": "q"}')
    t = terminal("edit", "a")
    t.expect("not valid JSON")
    t.expect("Edit it again")
    t.type("y\r")
    assert t.finish() == 0, t.screen
    assert json.loads(value(sm)) == {"user": "u", "password": "q"}
    assert list(runtime_dir.iterdir()) == []


def test_bad_json_declined_exits_7_and_writes_nothing(sm, terminal, editor, runtime_dir):
    sm.create_secret(Name="a", SecretString='{"user": "u"}')
    editor("twice", b"{}")
    t = terminal("edit", "a")
    t.expect("Edit it again")
    t.type("n\r")
    assert t.finish() == 7
    assert json.loads(value(sm)) == {"user": "u"}
    assert list(runtime_dir.iterdir()) == []


def test_no_change_writes_nothing(sm, terminal, editor, runtime_dir):
    sm.create_secret(Name="a", SecretString="same")
    before = sm.describe_secret(SecretId="a")["VersionIdsToStages"]
    editor("noop")
    t = terminal("edit", "a")
    assert t.finish() == 0 and b"No change to a" in t.screen
    assert sm.describe_secret(SecretId="a")["VersionIdsToStages"] == before


def test_edit_one_field(sm, terminal, editor, runtime_dir):
    sm.create_secret(Name="a", SecretString='{"user": "app", "password": "old"}')
    editor("field", b"-and-more")
    t = terminal("edit", "a", "--field", "password")
    assert t.finish() == 0, t.screen
    assert json.loads(value(sm)) == {"user": "app", "password": "old-and-more"}


def test_put_generate_value_is_nowhere_but_the_store(sm, safesm_bin, tmp_path):
    result, seen = run_watched([safesm_bin, "--debug", "put", "g", "--generate", "--json"])
    assert result.returncode == 0, result.stderr
    needle = value(sm, "g").encode()
    assert len(needle) == 32
    assert needle not in result.stdout + result.stderr
    assert b"[DEBUG]" in result.stderr
    for pid, data in seen.items():
        assert needle not in data, pid
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    assert files_containing(home, needle) == [] and files_containing(tmp, needle) == []
    assert stat.S_IMODE(os.stat(home).st_mode) == 0o700
