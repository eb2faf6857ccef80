"""The clipboard under a real X server (Xvfb) with real xclip, and OSC 52 under a real pty."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from .conftest import files_containing, run_watched

pytestmark = pytest.mark.e2e

TIMEOUT = "600"  # seconds: long enough that only clear_now() (SIGTERM) ends the wait
REAL = 2  # the timeouts that are waited out, where the test must see the value first


# --- the rig: our own Xvfb, xclip, and a way to find the clearers we caused ----------


def _display_in_use(n: int) -> bool:
    return Path(f"/tmp/.X{n}-lock").exists() or Path(f"/tmp/.X11-unix/X{n}").exists()


def _start_xvfb() -> tuple[subprocess.Popen, int]:
    """Xvfb on a display nobody uses; -displayfd tells us when it is ready."""
    for _ in range(10):
        n = random.randrange(100, 5000)
        if _display_in_use(n):
            continue
        r, w = os.pipe()
        proc = subprocess.Popen(
            ["Xvfb", f":{n}", "-displayfd", str(w), "-nolisten", "tcp", "-screen", "0",
             "320x240x24"], pass_fds=(w,), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(w)
        with os.fdopen(r, "rb") as ready:
            started = ready.readline().strip() == str(n).encode()
        if started:
            return proc, n
        proc.kill()
        proc.wait()
    raise RuntimeError("could not start Xvfb on a free display")


def clipboard() -> bytes | None:
    """What another application pasting now would get (None: empty or no owner)."""
    proc = subprocess.run(["xclip", "-selection", "clipboard", "-o"], capture_output=True,
                          timeout=10)
    return proc.stdout if proc.returncode == 0 and proc.stdout else None


def user_copies(text: bytes) -> None:
    subprocess.run(["xclip", "-selection", "clipboard", "-i"], input=text, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   start_new_session=True, timeout=10)


def wait_for(check, timeout: float = 10.0, every: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    return check()


def _proc_read(pid: int, part: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{part}").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    stat = _proc_read(pid, "stat")
    return bool(stat) and stat.rsplit(b")", 1)[1].split()[0] != b"Z"


def processes_with(marker: bytes) -> list[int]:
    """Live processes whose environment holds marker (our HOME or DISPLAY)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and marker in _proc_read(int(entry.name), "environ").split(
                b"\0") and _alive(int(entry.name)):
            pids.append(int(entry.name))
    return pids


def clearers() -> list[int]:
    """The clearers this test started (found by the test's own HOME)."""
    marker = f"HOME={os.environ['HOME']}".encode()
    return [pid for pid in processes_with(marker)
            if b"safesm.clipboard.clearer" in _proc_read(pid, "cmdline")]


def no_clearer_left() -> bool:
    return not clearers()


def clear_now() -> bool:
    """Tell this test's clearers the time is up (SIGTERM, as a logout script may) instead
    of waiting out their timeout; True once they have done their clearing and exited."""
    pids = clearers()
    assert pids, "no clearer is waiting"
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    return wait_for(no_clearer_left)


@pytest.fixture
def xserver(tmp_path, monkeypatch):
    """A private X display for one test; its clearers and xclip owners die with it."""
    proc, n = _start_xvfb()
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("DISPLAY", f":{n}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    for var in ("WAYLAND_DISPLAY", "SSH_TTY", "TMUX", "SAFESM_CLIP_TIME"):
        monkeypatch.delenv(var, raising=False)
    yield f":{n}"
    for pid in clearers():
        os.kill(pid, signal.SIGKILL)
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def secret(aws, sm, canary):
    sm.create_secret(Name="db/prod", SecretString=canary)
    return canary.encode()


def get(safesm_bin, *args: str, timeout: str = TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([safesm_bin, "get", *args, "--clip-timeout", timeout],
                          capture_output=True, timeout=30)


# --- copy, restore, leave alone --------------------------------------------------------


@pytest.mark.parametrize("before", [b"text the user had copied", None])
def test_terminal_get_copies_then_restores(xserver, secret, terminal, before):
    if before:
        user_copies(before)
    t = terminal("get", "db/prod", "--clip-timeout", TIMEOUT)
    t.expect("Copied db/prod to the clipboard; clearing in 600 s.")
    assert t.finish() == 0
    assert secret not in t.screen
    assert clipboard() == secret
    assert clear_now()
    assert clipboard() == before  # None: emptied, as it was


def test_the_timeout_restores_on_its_own(xserver, secret, safesm_bin):
    """No signal: the clearer's own clock. REAL seconds leave time to see the value."""
    user_copies(b"before")
    started = time.monotonic()
    assert get(safesm_bin, "db/prod", "--clip", timeout=str(REAL)).returncode == 0
    assert clipboard() == secret
    assert wait_for(lambda: clipboard() == b"before", timeout=REAL + 10, every=0.05)
    assert time.monotonic() - started >= REAL
    assert wait_for(no_clearer_left)


def test_user_copy_before_the_timeout_survives(xserver, secret, safesm_bin):
    user_copies(b"before")
    result = get(safesm_bin, "db/prod", "--clip")
    assert result.returncode == 0 and result.stdout == b""
    assert clipboard() == secret
    user_copies(b"something else")
    assert clear_now()
    assert clipboard() == b"something else"


def test_sigkill_right_after_copying_still_restores(xserver, secret, safesm_bin):
    """The CLI is held right after the copy (its stderr pipe is full) and SIGKILLed."""
    user_copies(b"before")
    r, w = os.pipe()
    fcntl.fcntl(w, fcntl.F_SETFL, os.O_NONBLOCK)
    try:
        while True:
            os.write(w, b"x" * 4096)
    except BlockingIOError:
        pass
    fcntl.fcntl(w, fcntl.F_SETFL, 0)
    proc = subprocess.Popen([safesm_bin, "get", "db/prod", "--clip", "--clip-timeout", TIMEOUT],
                            stdout=subprocess.DEVNULL, stderr=w, start_new_session=True)
    os.close(w)
    try:
        assert wait_for(lambda: clipboard() == secret)
        assert proc.poll() is None  # still there, stuck on its notice
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        os.close(r)
    assert proc.returncode == -signal.SIGKILL
    assert len(clearers()) == 1
    assert clear_now()
    assert clipboard() == b"before"


def test_terminal_closing_does_not_stop_the_clearer(xserver, secret, safesm_bin):
    user_copies(b"before")
    child = pexpect.spawn(safesm_bin, ["get", "db/prod", "--clip-timeout", TIMEOUT],
                          env=dict(os.environ), timeout=20)
    child.expect("Copied db/prod")
    [pid] = clearers()
    child.close(force=True)  # hang up the terminal
    assert clipboard() == secret
    assert clearers() == [pid]  # the hangup did not stop it
    assert clear_now()
    assert clipboard() == b"before"


def test_second_get_replaces_the_pending_clearer(xserver, aws, sm, safesm_bin, canary):
    sm.create_secret(Name="first", SecretString=canary + "-1")
    sm.create_secret(Name="second", SecretString=canary + "-2")
    user_copies(b"before safesm")
    assert get(safesm_bin, "first", "--clip").returncode == 0
    first = clearers()
    assert len(first) == 1
    assert get(safesm_bin, "second", "--clip").returncode == 0
    assert wait_for(lambda: not _alive(first[0]))
    assert len(clearers()) == 1
    assert clipboard() == (canary + "-2").encode()
    assert clear_now()
    assert clipboard() == b"before safesm"


def test_sigterm_makes_the_clearer_clear_now(xserver, secret, safesm_bin):
    user_copies(b"before")
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    [pid] = clearers()
    os.kill(pid, signal.SIGTERM)
    assert wait_for(no_clearer_left, timeout=5)
    assert clipboard() == b"before"


def test_sigterm_before_the_copy_is_reported_is_kept(xserver, safesm_bin, canary):
    """Driven as the CLI drives it (orders, "ready", copy, "copied"): a SIGTERM that comes
    before "copied" neither kills the clearer, which would strand the value, nor is lost."""
    from safesm.clipboard import copying, state

    user_copies(b"before")
    value, salt = canary.encode(), os.urandom(32)
    orders = {"mode": "local", "timeout": 600, "backend": "xclip", "salt": salt.hex(),
              "digest": state.salted_digest(salt, value).hex(),
              "dir": str(state.state_dir(os.environ)), "key": state.clearer_key("xclip", xserver)}
    handle = copying.start_clearer(orders)
    [pid] = clearers()
    os.kill(pid, signal.SIGTERM)
    user_copies(value)  # the copy, as the CLI makes it
    assert _alive(pid)
    handle.confirm()
    assert wait_for(no_clearer_left)
    assert clipboard() == b"before"
    handle.proc.wait(10)


def test_zero_timeout_never_clears(xserver, secret, safesm_bin):
    result = get(safesm_bin, "db/prod", "--clip", timeout="0")
    assert result.returncode == 0
    assert b"will not be cleared" in result.stderr
    assert clearers() == []  # none was started (it would be there before the copy)
    assert clipboard() == secret  # so only the user's next copy replaces it


def test_timeout_from_environment_and_config(xserver, secret, safesm_bin, monkeypatch,
                                             isolated_env):
    config = isolated_env / ".config" / "safesm"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("clip_timeout = 301\n")
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip"], capture_output=True,
                            timeout=30)
    assert b"clearing in 301 s." in result.stderr
    monkeypatch.setenv("SAFESM_CLIP_TIME", "302")
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip"], capture_output=True,
                            timeout=30)
    assert b"clearing in 302 s." in result.stderr
    assert clear_now()


def test_field_goes_to_the_clipboard(xserver, aws, sm, safesm_bin, canary):
    sm.create_secret(Name="j", SecretString=json.dumps({"user": "u", "password": canary}))
    result = get(safesm_bin, "j", "--field", "password", "--clip")
    assert result.returncode == 0
    assert result.stderr.decode().startswith("Copied the password field of j to the clipboard")
    assert clipboard() == canary.encode()
    assert clear_now()


# --- never put a secret back (issue 17, item 4) ----------------------------------------

OWNER = Path(__file__).resolve().parent.parent / "x_selection_owner.py"


@pytest.fixture
def owner():
    """Start an X clipboard owner serving text plus extra targets, as a password manager
    does (xclip serves one target only); it exits when safesm takes the selection."""
    started: list[subprocess.Popen] = []

    def start(text: bytes, *targets: str) -> None:
        proc = subprocess.Popen([sys.executable, str(OWNER), *targets], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        started.append(proc)
        proc.stdin.write(text)
        proc.stdin.close()
        assert proc.stdout.readline() == b"owned\n"
        types = subprocess.run(["xclip", "-selection", "clipboard", "-o", "-t", "TARGETS"],
                               capture_output=True, timeout=10).stdout.decode().split()
        assert all(t.partition("=")[0] in types for t in targets), types

    yield start
    for proc in started:
        proc.kill()
        proc.wait(10)


def test_a_password_managers_entry_is_cleared_not_restored(xserver, secret, safesm_bin,
                                                           owner, canary):
    """KeePassXC, 1Password, Bitwarden mark what they copy with x-kde-passwordManagerHint
    (and clear it themselves later); safesm must not bring that secret back."""
    theirs = f"their-secret-{canary}".encode()
    owner(theirs, "x-kde-passwordManagerHint=secret")
    assert clipboard() == theirs
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    assert clipboard() == secret
    assert clear_now()
    assert clipboard() is None  # cleared: neither our value nor theirs


def test_text_with_several_targets_but_no_hint_is_restored(xserver, secret, safesm_bin, owner):
    """The same kind of owner without the hint: restored, so the test above fails only for
    the hint."""
    owner(b"an ordinary copy", "text/html=<b>an ordinary copy</b>")
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    assert clear_now()
    assert clipboard() == b"an ordinary copy"


def test_a_value_safesm_copied_is_never_put_back(xserver, aws, sm, safesm_bin, canary):
    """`--clip-timeout 0` leaves a value on the clipboard with no clearer; a later get's
    clearer must clear, not restore that first secret."""
    sm.create_secret(Name="first", SecretString=canary + "-1")
    sm.create_secret(Name="second", SecretString=canary + "-2")
    user_copies(b"before safesm")
    assert get(safesm_bin, "first", "--clip", timeout="0").returncode == 0
    assert clipboard() == (canary + "-1").encode()
    assert get(safesm_bin, "second", "--clip").returncode == 0
    assert clear_now()
    assert clipboard() is None


def test_without_a_way_to_list_types_the_clipboard_is_cleared(xserver, secret, safesm_bin,
                                                             tmp_path):
    """xsel cannot list the owner's targets, so a hint could not be seen: clear."""
    only_xsel = tmp_path / "bin"
    only_xsel.mkdir()
    (only_xsel / "xsel").symlink_to(subprocess.run(["sh", "-c", "command -v xsel"],
                                                   capture_output=True, text=True,
                                                   check=True).stdout.strip())
    user_copies(b"plain text")
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip", "--clip-timeout", TIMEOUT],
                            capture_output=True, timeout=30,
                            env={**os.environ, "PATH": str(only_xsel)})
    assert result.returncode == 0, result.stderr
    assert clipboard() == secret
    assert clear_now()
    assert clipboard() is None


# --- where the value must never be -----------------------------------------------------


def test_value_never_in_argv_environ_or_stderr(xserver, secret, safesm_bin, isolated_env):
    user_copies(b"before")
    result, seen = run_watched([safesm_bin, "--debug", "get", "db/prod", "--clip",
                                "--clip-timeout", TIMEOUT], env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert secret not in result.stderr
    assert b"GetSecretValue" in result.stderr  # the debug log ran, redacted
    for pid, data in seen.items():
        assert secret not in data, pid
    # Everything on our display now (the clearer, xclip owning the selection): argv and
    # environment, read from /proc while they hold the clipboard.
    marker = f"DISPLAY={xserver}".encode()
    around = [pid for pid in processes_with(marker) if pid != os.getpid()]
    names = {pid: _proc_read(pid, "cmdline") for pid in around}
    assert any(b"safesm.clipboard.clearer" in c for c in names.values()), names
    assert any(c.startswith(b"xclip") for c in names.values()), names
    for pid in around:
        environ = _proc_read(pid, "environ")
        # Unreadable only where the clearer made itself non-dumpable and we are not root.
        assert environ or os.geteuid() != 0, f"{pid} environ unreadable"
        assert secret not in names[pid] + environ, names[pid]
    assert clear_now()
    home, tmp = Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])
    run = Path(os.environ["XDG_RUNTIME_DIR"])
    assert files_containing(home, secret) == files_containing(tmp, secret) == []
    assert files_containing(run, secret) == []
    assert (run / "safesm").stat().st_mode & 0o777 == 0o700


def test_state_files_hold_neither_value_nor_old_clipboard(xserver, secret, safesm_bin):
    user_copies(b"old-clipboard-text")
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    run = Path(os.environ["XDG_RUNTIME_DIR"]) / "safesm"
    names = sorted(p.name for p in run.iterdir())
    assert [n for n in names if not n.startswith("clearer-")] == ["copied", "copied.key"]
    assert sorted(Path(n).suffix for n in names if n.startswith("clearer-")) == [".lock", ".sock"]
    assert files_containing(run, b"old-clipboard-text") == []
    assert files_containing(run, secret) == []
    # the record of copied values: keyed hashes, one per line, private to the user
    assert len((run / "copied.key").read_bytes()) == 32
    assert all(len(line) == 64 for line in (run / "copied").read_text().splitlines())
    assert all((run / f).stat().st_mode & 0o777 == 0o600 for f in ("copied", "copied.key"))
    assert clear_now()
    assert sorted(Path(p.name).suffix for p in run.iterdir()
                  if p.name.startswith("clearer-")) == [".lock"]  # the socket is gone


@pytest.mark.parametrize("mode", [0o755, 0o777])
def test_a_state_dir_open_to_others_is_refused_and_nothing_is_copied(xserver, secret,
                                                                     safesm_bin, mode):
    run = Path(os.environ["XDG_RUNTIME_DIR"]) / "safesm"
    run.mkdir()
    run.chmod(mode)
    user_copies(b"before")
    result = get(safesm_bin, "db/prod", "--clip")
    assert result.returncode == 9
    assert b"is open to other users" in result.stderr and b"nothing was copied" in result.stderr
    assert secret not in result.stderr + result.stdout
    assert clipboard() == b"before"
    assert clearers() == [] and list(run.iterdir()) == []
    assert run.stat().st_mode & 0o777 == mode  # refused, not repaired


# --- no clipboard ----------------------------------------------------------------------


def test_no_display_exits_9_and_prints_nothing(aws, sm, canary, safesm_bin, monkeypatch,
                                               terminal):
    sm.create_secret(Name="db/prod", SecretString=canary)
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SSH_TTY"):
        monkeypatch.delenv(var, raising=False)
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip"], capture_output=True,
                            timeout=30)
    assert result.returncode == 9
    assert result.stdout == b""
    assert b"neither DISPLAY nor WAYLAND_DISPLAY" in result.stderr
    assert b"--print" in result.stderr
    assert canary.encode() not in result.stderr
    t = terminal("get", "db/prod")  # the default on a terminal: same answer
    assert t.finish() == 9
    assert canary.encode() not in t.screen


def test_display_without_helpers_names_what_to_install(xserver, secret, safesm_bin,
                                                       monkeypatch, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip"], capture_output=True,
                            timeout=30)
    assert result.returncode == 9
    assert result.stdout == b""
    assert b"Install xclip" in result.stderr


def test_dead_display_is_an_error_not_a_success(secret, safesm_bin, monkeypatch, tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    n = next(n for n in range(6000, 7000) if not _display_in_use(n))
    monkeypatch.setenv("DISPLAY", f":{n}")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    result = get(safesm_bin, "db/prod", "--clip")
    assert result.returncode == 9
    assert b"xclip could not copy" in result.stderr
    assert secret not in result.stderr + result.stdout
    assert wait_for(no_clearer_left)


def test_binary_secret_is_not_copied(xserver, aws, sm, safesm_bin):
    sm.create_secret(Name="bin", SecretBinary=b"\xff\x00\xfe")
    user_copies(b"before")
    result = get(safesm_bin, "bin", "--clip")
    assert result.returncode == 7
    assert b"binary" in result.stderr
    assert clipboard() == b"before"
    assert clearers() == []


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [(["--clip-timeout", "-1"], {}, b"'--clip-timeout' (a whole number from 0)"),
     (["--clip-timeout", "soon"], {}, b"'--clip-timeout' (a whole number from 0)"),
     ([], {"SAFESM_CLIP_TIME": "soon"}, b"whole number of seconds"),
     ([], {"SAFESM_CLIP_TIME": "-5"}, b"0 or more")],
)
def test_bad_timeouts_are_refused_before_anything_happens(xserver, secret, safesm_bin, args,
                                                          env, says):
    user_copies(b"before")
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip", *args],
                            capture_output=True, timeout=30, env={**os.environ, **env})
    assert result.returncode == 2
    assert says in result.stderr
    assert result.stdout == b""
    assert clipboard() == b"before"
    assert clearers() == []


def test_osc52_without_a_terminal_exits_9(aws, sm, canary, safesm_bin):
    sm.create_secret(Name="db/prod", SecretString=canary)
    result = subprocess.run([safesm_bin, "get", "db/prod", "--osc52"], capture_output=True,
                            stdin=subprocess.DEVNULL, timeout=30, start_new_session=True)
    assert result.returncode == 9
    assert b"OSC 52 needs a terminal" in result.stderr
    assert result.stdout == b""


def test_print_and_clip_conflict(aws, safesm_bin):
    result = subprocess.run([safesm_bin, "get", "db/prod", "--clip", "--print"],
                            capture_output=True, timeout=30)
    assert result.returncode == 2
    assert b"cannot be combined" in result.stderr


# --- KDE Klipper: absent on this session bus --------------------------------------------


@pytest.fixture
def session_bus(monkeypatch):
    proc = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    assert proc.stdout is not None
    address = proc.stdout.readline().decode().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    proc.terminate()
    proc.wait(10)


def test_restores_on_a_session_bus_without_klipper(xserver, session_bus, secret, safesm_bin):
    user_copies(b"before")
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    assert clipboard() == secret
    assert clear_now()
    assert clipboard() == b"before"


# A stand-in for Klipper's D-Bus interface (org.kde.klipper /klipper), on a real bus: it
# serves a history read from stdin and records calls to clearClipboardHistory.
KLIPPER = """
import sys
from jeepney import MessageType, HeaderFields, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
history = sys.stdin.read().split("\\0")
conn = open_dbus_connection(bus="SESSION")
conn.send_and_get_reply(message_bus.RequestName("org.kde.klipper"))
print("ready", flush=True)
while True:
    msg = conn.receive()
    if msg.header.message_type != MessageType.method_call:
        continue
    member = msg.header.fields.get(HeaderFields.member)
    if member == "getClipboardHistoryMenu":
        conn.send(new_method_return(msg, "as", (history,)))
    elif member == "clearClipboardHistory":
        history = []
        print("cleared", flush=True)
        conn.send(new_method_return(msg))
"""


@pytest.fixture
def klipper(session_bus):
    started: list[subprocess.Popen] = []

    def start(history: list[bytes]) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", KLIPPER], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=False)
        started.append(proc)
        proc.stdin.write(b"\0".join(history))
        proc.stdin.close()
        assert proc.stdout.readline() == b"ready\n"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait(10)


def test_klipper_history_holding_the_value_is_cleared(xserver, klipper, secret, safesm_bin):
    service = klipper([b"older entry", secret])
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    assert clear_now()
    service.kill()
    assert service.stdout.read() == b"cleared\n"


def test_klipper_history_without_the_value_is_left_alone(xserver, klipper, secret,
                                                         safesm_bin):
    service = klipper([b"older entry", b"another"])
    assert get(safesm_bin, "db/prod", "--clip").returncode == 0
    assert clear_now()
    service.kill()
    assert service.stdout.read() == b""


# --- OSC 52 ----------------------------------------------------------------------------


@pytest.fixture
def remote(monkeypatch, tmp_path):
    """An SSH-like session: no display, SSH_TTY set."""
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SSH_TTY", "/dev/pts/0")
    yield
    for pid in clearers():
        os.kill(pid, signal.SIGKILL)


def osc52(data: bytes) -> bytes:
    return b"\x1b]52;c;" + base64.b64encode(data) + b"\x07"


def test_osc52_writes_only_the_escape(remote, secret, terminal):
    t = terminal("--quiet", "get", "db/prod", "--osc52", "--clip-timeout", "0")
    assert t.finish() == 0
    assert t.screen == osc52(secret)


def test_osc52_notice_follows_the_escape_and_holds_no_value(remote, secret, terminal):
    t = terminal("get", "db/prod", "--osc52", "--clip-timeout", "0")
    assert t.finish() == 0
    assert t.screen.startswith(osc52(secret))
    rest = t.screen[len(osc52(secret)):]
    assert secret not in rest
    assert base64.b64encode(secret) not in rest
    assert rest.startswith(b"Copied db/prod to the terminal's clipboard (OSC 52)")


@pytest.mark.parametrize("tmux", [False, True])
def test_osc52_is_never_chosen_unasked_over_ssh(remote, secret, terminal, monkeypatch, tmux,
                                                canary):
    """Over SSH (and in tmux) without a local clipboard, a terminal `get` refuses (exit 9)
    rather than send the value through a terminal stream that may be recorded."""
    if tmux:
        monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    t = terminal("get", "db/prod", "--clip-timeout", "0")
    assert t.finish() == 9
    assert b"\x1b]52" not in t.screen and b"\x1bPtmux" not in t.screen
    assert secret not in t.screen and base64.b64encode(secret) not in t.screen
    assert b"safesm never sends a value through the terminal unless asked" in t.screen
    assert b"--osc52" in t.screen
    assert clearers() == []


def test_osc52_inside_tmux_uses_passthrough(remote, secret, terminal, monkeypatch):
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    t = terminal("-q", "get", "db/prod", "--osc52", "--clip-timeout", "0")
    assert t.finish() == 0
    assert t.screen == (b"\x1bPtmux;" + osc52(secret).replace(b"\x1b", b"\x1b\x1b")
                        + b"\x1b\\")


def test_osc52_sends_an_empty_copy_after_the_timeout(remote, secret, safesm_bin):
    """The session (a shell) lives on after get: the clearer empties the remote clipboard
    on its own clock. The pty keeps the order, so the shortest timeout (1 s) is safe."""
    script = f"'{safesm_bin}' get db/prod --osc52 --clip-timeout 1; sleep 8"
    started = time.monotonic()
    shell = pexpect.spawn("bash", ["--norc", "-c", script], env=dict(os.environ), timeout=20)
    try:
        shell.expect_exact(osc52(secret))
        shell.expect_exact("clearing in 1 s")
        shell.expect_exact(osc52(b""))
        assert time.monotonic() - started >= 1.0
        assert wait_for(no_clearer_left)
    finally:
        shell.close(force=True)
