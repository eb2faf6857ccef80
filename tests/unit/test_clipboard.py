"""Pure clipboard rules: backend order, messages, OSC 52 bytes, hashes, clearer state."""

from __future__ import annotations

import base64
import os

import pytest

from safesm import clearer, clipboard
from safesm.errors import ClipboardError, ExitCode, InvalidValueError
from safesm.values import SecretValue

EVERYTHING = {"wl-copy", "wl-paste", "xclip", "xsel", "pbcopy", "pbpaste", "clip.exe",
              "powershell.exe"}


def choose(env, have=EVERYTHING, platform="linux", wsl=False):
    return clipboard.choose_backend(env, lambda prog: prog in have, platform, wsl)


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
    none = clipboard.no_clipboard({}, "db/prod")
    assert none.exit_code == ExitCode.CLIPBOARD == 9
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in none.message
    assert "--print" in none.hint and "--osc52" in none.hint
    assert "safesm get db/prod |" in none.hint
    x11 = clipboard.no_clipboard({"DISPLAY": ":0"}, "n")
    assert "Install xclip" in x11.hint
    wayland = clipboard.no_clipboard({"WAYLAND_DISPLAY": "w", "DISPLAY": ":0"}, "n")
    assert "Install wl-clipboard" in wayland.hint


def test_osc52_sequence():
    assert clipboard.osc52_sequence(b"hunter2") == b"\x1b]52;c;aHVudGVyMg==\x07"
    assert clipboard.osc52_sequence(b"") == b"\x1b]52;c;\x07"
    wrapped = clipboard.osc52_sequence(b"hunter2", tmux=True)
    assert wrapped == b"\x1bPtmux;\x1b\x1b]52;c;aHVudGVyMg==\x07\x1b\\"


def test_osc52_sequence_carries_any_text_unbroken():
    value = "päss\nwörd ✓".encode()
    seq = clipboard.osc52_sequence(value)
    assert base64.b64decode(seq[len(b"\x1b]52;c;"):-1]) == value
    assert b"\n" not in seq


def test_notice_names_the_secret_and_the_timeout():
    assert clipboard.notice_text("db/prod", 45) == (
        "Copied db/prod to the clipboard; clearing in 45 s.")
    assert "will not be cleared" in clipboard.notice_text("db/prod", 0)
    remote = clipboard.notice_text("db/prod", 45, osc52=True)
    assert "OSC 52" in remote and "cannot read or restore a remote clipboard" in remote


def test_clearer_key_is_per_clipboard_and_stable():
    a = clipboard.clearer_key("xclip", ":0")
    assert a == clipboard.clearer_key("xclip", ":0")
    assert a != clipboard.clearer_key("xclip", ":1")
    assert a != clipboard.clearer_key("osc52", "/dev/pts/1")
    assert a.startswith("clearer-") and "/" not in a and ":" not in a


def test_state_matches_only_its_own_values():
    salt = os.urandom(32)
    state = clearer.State([(salt, clipboard.salted_digest(salt, b"secret"))], b"before")
    assert state.holds(b"secret")
    assert not state.holds(b"secret ")
    assert not state.holds(b"")
    assert not state.holds(None)


def test_state_survives_a_handover_without_the_value():
    salt = os.urandom(32)
    state = clearer.State([(salt, clipboard.salted_digest(salt, b"secret"))], b"before")
    wire = state.export()
    assert b"secret" not in wire
    again = clearer.State.load(wire)
    assert again.holds(b"secret") and again.restore == b"before"
    assert clearer.State.load(clearer.State().export()).restore is None


def test_salt_changes_the_digest():
    assert clipboard.salted_digest(b"a" * 32, b"v") != clipboard.salted_digest(b"b" * 32, b"v")


def test_binary_values_are_not_clipboard_text():
    assert clipboard.clipboard_text(SecretValue("wört".encode())) == "wört".encode()
    with pytest.raises(InvalidValueError):
        clipboard.clipboard_text(SecretValue(b"\xff\x00", binary=True))


def test_state_dir_prefers_runtime_dir_and_is_private(tmp_path):
    runtime = tmp_path / "run"
    runtime.mkdir()
    path = clearer.state_dir({"XDG_RUNTIME_DIR": str(runtime), "HOME": str(tmp_path)})
    assert path == runtime / "safesm"
    assert path.stat().st_mode & 0o777 == 0o700
    home = clearer.state_dir({"HOME": str(tmp_path)})
    assert home == tmp_path / ".cache" / "safesm"
    loose = tmp_path / "loose"
    (loose / "safesm").mkdir(parents=True, mode=0o755)
    (loose / "safesm").chmod(0o755)
    assert clearer.state_dir({"XDG_CACHE_HOME": str(loose)}).stat().st_mode & 0o777 == 0o700


def test_state_dir_refuses_a_directory_it_cannot_make(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ClipboardError):
        clearer.state_dir({"XDG_CACHE_HOME": str(blocker)})
