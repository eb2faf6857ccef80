"""Pure clipboard rules: backend order, messages, OSC 52 bytes, hashes, clearer state."""

from __future__ import annotations

import ast
import base64
import importlib
import os
from pathlib import Path

import pytest

from safesm import clipboard
from safesm.clipboard import backends, copying, state, targets, terminal
from safesm.errors import ClipboardError, ExitCode, InvalidValueError
from safesm.values import SecretValue

EVERYTHING = {"wl-copy", "wl-paste", "xclip", "xsel", "pbcopy", "pbpaste", "clip.exe",
              "powershell.exe"}


def choose(env, have=EVERYTHING, platform="linux", wsl=False):
    return backends.choose_backend(env, lambda prog: prog in have, platform, wsl)


@pytest.mark.parametrize(
    ("env", "have", "platform", "wsl", "expected"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, EVERYTHING, "linux", False,
         "wl-copy"),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, {"wl-copy", "xclip"}, "linux",
         False, "xclip"),  # wl-copy without wl-paste cannot check or restore
        ({"DISPLAY": ":0"}, EVERYTHING, "linux", False, "xclip"),
        ({"DISPLAY": ":0"}, {"xsel"}, "linux", False, "xsel"),
        ({}, EVERYTHING, "linux", False, None),  # helpers but no display
        ({"DISPLAY": ":0"}, set(), "linux", False, None),
        ({}, EVERYTHING, "darwin", False, "pbcopy"),
        ({"DISPLAY": "/private/tmp/xquartz:0"}, EVERYTHING, "darwin", False, "xclip"),
        ({}, set(), "win32", False, "windows"),
        ({}, EVERYTHING, "linux", True, "wsl"),
        ({"DISPLAY": ":0"}, EVERYTHING, "linux", True, "xclip"),  # WSLg: X11 comes first
        ({}, {"clip.exe"}, "linux", True, None),  # no way to read back for the clearer
    ],
)
def test_backend_order(env, have, platform, wsl, expected):
    assert choose(env, have, platform, wsl) == expected


def test_no_clipboard_messages_say_what_to_do():
    none = backends.no_clipboard({}, "db/prod")
    assert none.exit_code == ExitCode.CLIPBOARD == 9
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in none.message
    assert "--print" in none.hint and "--osc52" in none.hint
    assert "safesm get db/prod |" in none.hint
    ssh = backends.no_clipboard({"SSH_TTY": "/dev/pts/3"}, "n")
    assert "this SSH session" in ssh.message and "--osc52" in ssh.hint
    assert "tmux logging" in ssh.hint and "ssh -X" in ssh.hint
    x11 = backends.no_clipboard({"DISPLAY": ":0"}, "n")
    assert "Install xclip" in x11.hint
    wayland = backends.no_clipboard({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, "n")
    assert "Install wl-clipboard" in wayland.hint


@pytest.mark.parametrize("env", [{"SSH_TTY": "/dev/pts/3"},
                                 {"SSH_TTY": "/dev/pts/3", "TMUX": "/tmp/tmux-0/default,1,0"},
                                 {"SSH_CONNECTION": "10.0.0.1 22 10.0.0.2 5000"}, {}])
def test_osc52_is_never_chosen_without_the_flag(env, monkeypatch):
    monkeypatch.setattr(targets.shutil, "which", lambda prog: None)
    monkeypatch.setattr(targets.sys, "platform", "linux")
    monkeypatch.setattr(targets, "is_wsl", lambda: False)
    with pytest.raises(ClipboardError) as exc:
        targets.choose_target(False, "db/prod", env)
    assert exc.value.exit_code == 9


def test_osc52_sequence():
    assert terminal.osc52_sequence(b"hunter2") == b"\x1b]52;c;aHVudGVyMg==\x07"
    assert terminal.osc52_sequence(b"") == b"\x1b]52;c;\x07"
    wrapped = terminal.osc52_sequence(b"hunter2", tmux=True)
    assert wrapped == b"\x1bPtmux;\x1b\x1b]52;c;aHVudGVyMg==\x07\x1b\\"


def test_osc52_sequence_carries_any_text_unbroken():
    value = "päss\nwörd ✓".encode()
    seq = terminal.osc52_sequence(value)
    assert base64.b64decode(seq[len(b"\x1b]52;c;"):-1]) == value
    assert b"\n" not in seq


def test_notice_names_the_secret_and_the_timeout():
    assert targets.notice_text("db/prod", 45) == (
        "Copied db/prod to the clipboard; clearing in 45 s.")
    assert "will not be cleared" in targets.notice_text("db/prod", 0)
    remote = targets.notice_text("db/prod", 45, osc52=True)
    assert "OSC 52" in remote and "cannot read or restore a remote clipboard" in remote


def test_clearer_key_is_per_clipboard_and_stable():
    a = state.clearer_key("xclip", ":0")
    assert a == state.clearer_key("xclip", ":0")
    assert a != state.clearer_key("xclip", ":1")
    assert a != state.clearer_key("osc52", "/dev/pts/1")
    assert a.startswith("clearer-") and "/" not in a and ":" not in a


def test_state_matches_only_its_own_values():
    salt = os.urandom(32)
    held = state.State([(salt, state.salted_digest(salt, b"secret"))], b"before")
    assert held.holds(b"secret")
    assert not held.holds(b"secret ")
    assert not held.holds(b"")
    assert not held.holds(None)


def test_state_survives_a_handover_without_the_value():
    salt = os.urandom(32)
    held = state.State([(salt, state.salted_digest(salt, b"secret"))], b"before")
    wire = held.export()
    assert b"secret" not in wire
    again = state.State.load(wire)
    assert again.holds(b"secret") and again.restore == b"before"
    assert state.State.load(state.State().export()).restore is None


def test_salt_changes_the_digest():
    assert state.salted_digest(b"a" * 32, b"v") != state.salted_digest(b"b" * 32, b"v")


def test_binary_values_are_not_clipboard_text():
    assert copying.clipboard_text(SecretValue("wört".encode())) == "wört".encode()
    with pytest.raises(InvalidValueError):
        copying.clipboard_text(SecretValue(b"\xff\x00", binary=True))


def test_state_dir_prefers_runtime_dir_and_is_private(tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir()
    path = state.state_dir({"XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)})
    assert path == runtime / "safesm"
    assert path.stat().st_mode & 0o777 == 0o700
    home = state.state_dir({"HOME": str(tmp_path)})
    assert home == tmp_path / ".cache" / "safesm"


def test_state_dir_refuses_a_directory_it_cannot_make(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ClipboardError):
        state.state_dir({"XDG_CACHE_HOME": str(blocker)})


def test_the_names_commands_use_are_the_real_ones():
    assert clipboard.copy is copying.copy
    assert clipboard.choose_target is targets.choose_target
    assert clipboard.notice_text is targets.notice_text
    assert clipboard.Osc52 is targets.Osc52
    assert clipboard.copy is copying.copy  # still the function once cached
    with pytest.raises(AttributeError):
        _ = clipboard.no_such_name


def test_the_clearer_is_started_by_a_module_that_exists():
    module = importlib.import_module(copying.CLEARER)
    assert callable(module.main)
    assert module.__file__ and module.__file__.endswith("clipboard/clearer.py")


LAYERS = ["copying", "clearer", "targets", "backends", "terminal", "state"]


@pytest.mark.parametrize("name", LAYERS)
def test_dependencies_run_one_way(name):
    """Each module imports only modules below it in LAYERS: no cycle, and copying and
    the clearer never import each other (the clearer is started by module name)."""
    path = Path(clipboard.__file__).parent / f"{name}.py"
    siblings = {node.module for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.ImportFrom) and node.level == 1}
    assert siblings <= set(LAYERS[LAYERS.index(name) + 1:]), siblings
    assert {p.stem for p in path.parent.glob("*.py")} == {*LAYERS, "__init__"}


# never put a secret back (issue 17, item 4) ---------------------------------------------

@pytest.mark.parametrize("types, marked", [
    (("TARGETS", "UTF8_STRING", "x-kde-passwordManagerHint"), True),
    (("text/plain", "text/x-kde-passwordManagerHint"), True),  # GTK's spelling
    (("public.utf8-plain-text", "org.nspasteboard.ConcealedType"), True),
    (('application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"',),
     True),
    (("TARGETS", "UTF8_STRING", "text/html", ""), False),
    ((), False),
])
def test_password_manager_hints_are_recognised(types, marked):
    from safesm.clipboard.backends import marked_secret

    assert marked_secret(types) is marked


def test_the_record_of_copied_values_holds_keyed_hashes_only(tmp_path):
    from safesm.clipboard import state

    assert not state.was_copied(tmp_path, b"anything")  # no record yet
    for i in range(state.RECORD_KEEP * 5):
        state.remember_copied(tmp_path, f"value-{i}".encode())
    last = f"value-{state.RECORD_KEEP * 5 - 1}".encode()
    assert state.was_copied(tmp_path, last)
    assert not state.was_copied(tmp_path, b"value-0")  # only the last RECORD_KEEP count
    assert not state.was_copied(tmp_path, b"never copied") and not state.was_copied(tmp_path, None)
    record = (tmp_path / "copied").read_bytes()
    assert b"value-" not in record
    assert len(record.splitlines()) <= 4 * state.RECORD_KEEP
    for name in ("copied", "copied.key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def test_the_record_lives_only_in_the_runtime_directory(tmp_path):
    from safesm.clipboard import state

    assert state.record_dir({"HOME": str(tmp_path)}) is None  # never under ~/.cache
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    assert state.record_dir({"XDG_RUNTIME_DIR": str(runtime)}) == runtime / "safesm"
