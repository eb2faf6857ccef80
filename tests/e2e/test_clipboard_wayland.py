"""The clipboard under a real Wayland compositor (weston) with real wl-clipboard (issue 17.19).

The same promises as the X11 tests in test_clipboard.py: a copy lands, the clearer puts
back what was there (or empties it), newer content is left alone, and the value is never
in the argv or environment of any process nor left in a file afterwards.

The rig: weston 10's headless back end has no seat, and wl-copy/wl-paste need one (they
print "Missing a seat"), so weston runs with its X11 back end on a private Xvfb — a
headless display all the same. safesm sees only WAYLAND_DISPLAY (DISPLAY is unset for it),
so it is the Wayland path, wl-copy and wl-paste, that is tested.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import files_containing, run_watched
from .test_clipboard import (
    REAL,
    TIMEOUT,
    _proc_read,
    _start_xvfb,
    clear_now,
    clearers,
    no_clearer_left,
    processes_with,
    wait_for,
)

pytestmark = pytest.mark.e2e


def wl_clipboard() -> bytes | None:
    """What a Wayland application pasting now would get (None: empty or no owner)."""
    proc = subprocess.run(["wl-paste", "--no-newline"], capture_output=True, timeout=10)
    return proc.stdout if proc.returncode == 0 and proc.stdout else None


def wl_user_copies(text: bytes) -> None:
    subprocess.run(["wl-copy"], input=text, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, start_new_session=True, timeout=10)


def _start_weston(display: int, runtime: Path) -> tuple[subprocess.Popen, str]:
    socket = f"safesm-test-{random.randrange(10**6)}"
    log = open(runtime / "weston.log", "wb")  # noqa: SIM115 - weston writes it until stopped
    proc = subprocess.Popen(
        ["weston", "--backend=x11-backend.so", "--use-pixman", f"--socket={socket}",
         "--idle-time=0", "--width=320", "--height=240"],
        env={**os.environ, "DISPLAY": f":{display}", "XDG_RUNTIME_DIR": str(runtime)},
        stdout=log, stderr=log, start_new_session=True)
    log.close()
    return proc, socket


def _ready() -> bool:
    """wl-paste can talk to the compositor (exit 1 with "No selection" counts)."""
    proc = subprocess.run(["wl-paste", "--list-types"], capture_output=True, timeout=10)
    return b"seat" not in proc.stderr and b"connect" not in proc.stderr.lower()


@pytest.fixture
def wayland(tmp_path, monkeypatch):
    """A private Wayland display for one test; its clearers and wl-copy owners go with it."""
    wl_copy = shutil.which("wl-copy")  # the test may empty PATH; the teardown needs it
    xvfb, n = _start_xvfb()
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    weston, socket = _start_weston(n, runtime)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("WAYLAND_DISPLAY", socket)
    for var in ("DISPLAY", "SSH_TTY", "TMUX", "SAFESM_CLIP_TIME"):
        monkeypatch.delenv(var, raising=False)
    try:
        assert wait_for(lambda: (runtime / socket).exists(), timeout=20), \
            (runtime / "weston.log").read_text(errors="replace")
        assert wait_for(_ready, timeout=20), "wl-paste cannot reach weston"
        yield socket
    finally:
        for pid in clearers():
            os.kill(pid, signal.SIGKILL)
        # Replace the selection so its wl-copy owner exits the clean way (removing its
        # buffer file), then stop the compositor and its display.
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            subprocess.run([wl_copy or "wl-copy", "--clear"], capture_output=True,
                           timeout=10, check=False)
        for proc in (weston, xvfb):
            proc.terminate()
            proc.wait(10)


@pytest.fixture
def secret(aws, sm, canary):
    sm.create_secret(Name="db/prod", SecretString=canary)
    return canary.encode()


def get(safesm_bin, *args: str, timeout: str = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([safesm_bin, "get", *args, "--clip-timeout", timeout],
                          capture_output=True, timeout=30)


def wl_copy_buffers(needle: bytes) -> list[Path]:
    """wl-copy (2.1) keeps what it serves in /tmp/wl-copy-buffer-XXXXXX/ (whatever TMPDIR
    says) while it owns the clipboard: the files there that hold `needle`."""
    return [hit for folder in Path("/tmp").glob("wl-copy-buffer-*")
            for hit in files_containing(folder, needle)]


# --- copy, restore, leave alone ----------------------------------------------------------


@pytest.mark.parametrize("before", [b"text the user had copied", None])
def test_terminal_get_copies_then_restores(wayland, secret, terminal, before):
    if before:
        wl_user_copies(before)
    t = terminal("get", "db/prod", "--clip-timeout", TIMEOUT)
    t.expect("Copied db/prod to the clipboard; clearing in 600 s.")
    assert t.finish() == 0
    assert secret not in t.screen
    assert wl_clipboard() == secret
    assert clear_now()
    assert wl_clipboard() == before  # None: emptied, as it was


def test_the_timeout_restores_on_its_own(wayland, secret, safesm_bin):
    wl_user_copies(b"before")
    started = time.monotonic()
    assert get(safesm_bin, "db/prod", "--clip", timeout=str(REAL)).returncode == 0
    assert wl_clipboard() == secret
    assert wait_for(lambda: wl_clipboard() == b"before", timeout=REAL + 10, every=0.05)
    assert time.monotonic() - started >= REAL
    assert wait_for(no_clearer_left)


def test_newer_content_is_left_alone(wayland, secret, safesm_bin):
    wl_user_copies(b"before")
    result = get(safesm_bin, "db/prod", "--clip")
    assert result.returncode == 0 and result.stdout == b""
    assert wl_clipboard() == secret
    wl_user_copies(b"something else")
    assert clear_now()
    assert wl_clipboard() == b"something else"


def test_second_get_restores_what_was_there_before_the_first(wayland, aws, sm, safesm_bin,
                                                              canary):
    sm.create_secret(Name="first", SecretString=canary + "-1")
    sm.create_secret(Name="second", SecretString=canary + "-2")
    wl_user_copies(b"before safesm")
    assert get(safesm_bin, "first", "--clip").returncode == 0
    assert get(safesm_bin, "second", "--clip").returncode == 0
    assert wait_for(lambda: len(clearers()) == 1)
    assert wl_clipboard() == (canary + "-2").encode()
    assert clear_now()
    assert wl_clipboard() == b"before safesm"


# --- where the value must never be ---------------------------------------------------------


def test_value_never_in_argv_or_environ_and_gone_from_disk_after(wayland, secret,
                                                                  safesm_bin):
    wl_user_copies(b"before")
    result, seen = run_watched([safesm_bin, "--debug", "get", "db/prod", "--clip",
                                "--clip-timeout", TIMEOUT], env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert secret not in result.stdout + result.stderr
    for pid, data in seen.items():
        assert secret not in data, pid
    # Everything on this Wayland display now (the clearer, wl-copy owning the selection):
    # argv and environment, read from /proc while they hold the clipboard.
    around = [pid for pid in processes_with(f"WAYLAND_DISPLAY={wayland}".encode())
              if pid != os.getpid()]
    names = {pid: _proc_read(pid, "cmdline") for pid in around}
    assert any(b"safesm.clipboard.clearer" in c for c in names.values()), names
    assert any(c.startswith(b"wl-copy") for c in names.values()), names
    for pid in around:
        assert secret not in names[pid] + _proc_read(pid, "environ"), names[pid]
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    assert files_containing(home, secret) == [] and files_containing(tmp, secret) == []
    assert wl_copy_buffers(secret)  # wl-copy's own buffer, the documented limit
    assert clear_now()
    assert wl_clipboard() == b"before"
    assert wait_for(lambda: not wl_copy_buffers(secret))  # and gone once it is replaced


def test_binary_secret_is_not_copied(wayland, aws, sm, safesm_bin):
    sm.create_secret(Name="bin", SecretBinary=b"\xff\x00\xfe")
    wl_user_copies(b"before")
    result = get(safesm_bin, "bin", "--clip")
    assert result.returncode == 7
    assert wl_clipboard() == b"before"
    assert clearers() == []


def test_wayland_without_wl_clipboard_names_what_to_install(wayland, secret, safesm_bin,
                                                            monkeypatch, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = get(safesm_bin, "db/prod", "--clip")
    assert result.returncode == 9 and result.stdout == b""
    assert b"Install wl-clipboard" in result.stderr
