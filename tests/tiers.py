"""The two test tiers, and what every run promises (hooks and fixtures for conftest.py).

- `make test-fast` (`pytest -m "not e2e"`): unit tests and in-process CLI tests against
  the emulator. They may not start a process: an audit hook refuses it and fails the test.
  `make` runs it on two pytest-xdist workers: each has its own emulator on a port the
  kernel chose (tests/emulator.py) and its own temp dirs, and nothing else is shared.
- `make test`: the fast tier, then the e2e tier (`pytest -m e2e`). Tests marked `e2e`
  (every file in tests/e2e carries the mark) drive processes: the installed safesm, a
  pty, Xvfb, shells, a keyring daemon. They run one after another in one process: they
  time real timeouts and real process starts, so they must not compete for the CPUs.
- A run leaves the checkout as it found it: bytecode and pytest's cache may appear
  (both ignored since the start), nothing else; the run fails, listing what changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Audit events that start a process (os.fork covers pty.spawn and pexpect).
PROCESS_EVENTS = frozenset({"subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn",
                            "os.spawn", "os.exec", "os.system"})


class ProcessGuard:
    """Refuses to start processes while `active` (a fast-tier test runs), and remembers
    the attempts, so a test whose code swallows the error still fails."""

    active = False
    attempts: list[str] = []

    @classmethod
    def audit(cls, event: str, args: tuple[Any, ...]) -> None:
        if cls.active and event in PROCESS_EVENTS and not _in_find_library():
            what = f"{event}({os.path.basename(str(args[0])) if args else ''})"
            cls.attempts.append(what)
            raise RuntimeError(f"{what}: a test outside tests/e2e may not start a process; "
                               "move it to tests/e2e (marked e2e)")


def _in_find_library() -> bool:
    """Run by a library in passing, not a part under test: ctypes.util.find_library runs
    ldconfig or gcc when keyring loads its plugins."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__") == "ctypes.util":
            return True
        frame = frame.f_back
    return False


sys.addaudithook(ProcessGuard.audit)


@pytest.fixture(autouse=True)
def no_processes_outside_e2e(request):
    """Fast-tier tests run in this process: no pty, X, shell, keyring daemon or safesm
    subprocess (session fixtures such as the emulator start before this guard)."""
    if request.node.get_closest_marker("e2e"):
        yield
        return
    ProcessGuard.attempts.clear()
    ProcessGuard.active = True
    try:
        yield
    finally:
        ProcessGuard.active = False
    assert not ProcessGuard.attempts, f"started a process: {ProcessGuard.attempts}"


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps its caches beside pytest's (not in .hypothesis/ in the checkout)."""
    from hypothesis.configuration import set_hypothesis_home_dir

    cache = getattr(config, "cache", None)
    if cache is not None:
        set_hypothesis_home_dir(cache.mkdir("hypothesis"))
    else:  # -p no:cacheprovider
        where = tempfile.mkdtemp(prefix="safesm-hypothesis-")
        config.add_cleanup(lambda: shutil.rmtree(where, ignore_errors=True))
        set_hypothesis_home_dir(where)


def checkout_state() -> set[str] | None:
    """`git status --porcelain --ignored`, less bytecode and pytest's cache (None: not a
    git checkout)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    out = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return None
    return {line for line in out.stdout.splitlines()
            if not line.endswith("__pycache__/") and line != "!! .pytest_cache/"}


_before: set[str] | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _before
    if not hasattr(session.config, "workerinput"):
        _before = checkout_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _before is None or hasattr(session.config, "workerinput"):
        return
    after = checkout_state() or set()
    changed = sorted((after - _before) | {f"(gone) {line}" for line in _before - after})
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.line("")
            reporter.write_sep("=", "the test run changed the checkout", red=True)
            for line in changed:
                reporter.write_line(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
