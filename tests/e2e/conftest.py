"""Helpers for driving the installed `safesm` as a user would: pty, pipes, /proc."""

from __future__ import annotations

import io
import os
import subprocess
import threading
import time
from pathlib import Path

import pexpect
import pytest

from .agent_helpers import agents  # noqa: F401 (a fixture: real agents, stopped after the test)


class Terminal:
    """The installed safesm under a real pty; `screen` is everything it drew."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.log = io.BytesIO()
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(24, 100),
                                   timeout=20)
        self.child.logfile_read = self.log

    def expect(self, pattern: str) -> None:
        self.child.expect(pattern)

    def type(self, text: str) -> None:
        self.child.send(text)

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else (
            128 + (self.child.signalstatus or 0))

    @property
    def screen(self) -> bytes:
        return self.log.getvalue()


@pytest.fixture
def terminal(safesm_bin):
    made: list[Terminal] = []

    def start(*args: str) -> Terminal:
        env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
        t = Terminal([safesm_bin, *args], env)
        made.append(t)
        return t

    yield start
    for t in made:
        if t.child.isalive():
            t.child.terminate(force=True)


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = {root}, [root]
    while todo:
        for kid in children.get(todo.pop(), []):
            if kid not in out:
                out.add(kid)
                todo.append(kid)
    return out


class ProcessWatcher:
    """Samples argv and environment of a process tree, per pid, while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.argv: dict[int, bytes] = {}
        self.environ: dict[int, bytes] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in descendants(self.pid):
                for part, seen in (("cmdline", self.argv), ("environ", self.environ)):
                    try:
                        seen[pid] = seen.get(pid, b"") + Path(f"/proc/{pid}/{part}").read_bytes()
                    except OSError:
                        continue
            time.sleep(0.005)

    def stop(self) -> dict[int, bytes]:
        """Stop sampling; what was seen of each pid, argv and environment together."""
        self._stop.set()
        self._thread.join()
        return {pid: self.argv.get(pid, b"") + self.environ.get(pid, b"")
                for pid in self.argv.keys() | self.environ.keys()}


def run_watched(argv: list[str], input: bytes | None = None,
                env: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    watcher = ProcessWatcher(proc.pid)
    out, err = proc.communicate(input, timeout=60)
    seen = watcher.stop()
    return subprocess.CompletedProcess(argv, proc.returncode, out, err), seen


def files_containing(root: Path, needle: bytes) -> list[Path]:
    hits = []
    for path in root.rglob("*"):
        try:
            if path.is_file() and needle in path.read_bytes():
                hits.append(path)
        except OSError:
            continue
    return hits
