"""Copy a value to the clipboard and leave a detached clearer behind.

Backends are tried in a fixed order: Wayland (wl-copy), X11 (xclip, then xsel),
macOS (pbcopy), Windows, WSL (clip.exe). On Wayland and X11 safesm runs the helper
itself, value on stdin, because pyperclip cannot do three things that matter here: it
ignores the helper's exit status (a dead DISPLAY "copies" successfully), it lets
xclip/xsel/wl-copy inherit the caller's stdout/stderr (their forked owner process then
keeps `$(...)` and pipes open until the selection changes), and it cannot mark the copy
as sensitive for clipboard managers (`wl-copy --sensitive`). macOS, Windows and WSL go
through pyperclip, imported only where a copy happens. Its Klipper backend passes the
text on argv, so it is never used.

Nothing in this module holds a value longer than the copy: the clearer
(``safesm.clearer``) gets a salted hash, never the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import ClipboardError, InvalidValueError
from .values import SecretValue

HELPER_TIMEOUT = 5.0
ORDER = ("wl-copy", "xclip", "xsel", "pbcopy", "windows", "wsl")


@dataclass(frozen=True)
class Helper:
    """A clipboard helper program: how to copy (stdin), paste (stdout) and clear."""

    copy: tuple[str, ...]
    paste: tuple[str, ...]
    clear: tuple[str, ...] | None
    needs: tuple[str, ...]
    display_var: str


HELPERS: dict[str, Helper] = {
    "wl-copy": Helper(("wl-copy",), ("wl-paste", "--no-newline", "--type", "text"),
                      ("wl-copy", "--clear"), ("wl-copy", "wl-paste"), "WAYLAND_DISPLAY"),
    "xclip": Helper(("xclip", "-selection", "clipboard", "-in"),
                    ("xclip", "-selection", "clipboard", "-out"), None, ("xclip",), "DISPLAY"),
    "xsel": Helper(("xsel", "--clipboard", "--input"), ("xsel", "--clipboard", "--output"),
                   ("xsel", "--clipboard", "--clear"), ("xsel",), "DISPLAY"),
}
PYPERCLIP_INIT = {
    "pbcopy": "init_osx_pbcopy_clipboard",
    "windows": "init_windows_clipboard",
    "wsl": "init_wsl_clipboard",
}


# --- choosing a clipboard (pure) -------------------------------------------------------


def choose_backend(env: Mapping[str, str], have: Callable[[str], bool], platform: str,
                   wsl: bool) -> str | None:
    """The first usable backend in the documented order, or None."""
    for name in ("wl-copy", "xclip", "xsel"):
        helper = HELPERS[name]
        if env.get(helper.display_var) and all(have(prog) for prog in helper.needs):
            return name
    if platform == "darwin" and have("pbcopy") and have("pbpaste"):
        return "pbcopy"
    if platform == "win32":
        return "windows"
    if wsl and have("clip.exe") and have("powershell.exe"):
        return "wsl"
    return None


def no_clipboard(env: Mapping[str, str], name: str) -> ClipboardError:
    """What is missing, and what to do instead, without guessing at the user's desktop."""
    instead = f"or pipe the value (`safesm get {name} | ...`) or pass --print."
    if env.get("WAYLAND_DISPLAY"):
        return ClipboardError("no clipboard: WAYLAND_DISPLAY is set but wl-copy/wl-paste "
                              "are not installed.", f"Install wl-clipboard, {instead}")
    if env.get("DISPLAY"):
        return ClipboardError("no clipboard: DISPLAY is set but neither xclip nor xsel is "
                              "installed.", f"Install xclip (or xsel), {instead}")
    return ClipboardError(
        "no clipboard: neither DISPLAY nor WAYLAND_DISPLAY is set.",
        f"Run it in a desktop session, use --osc52 in a terminal that supports it, {instead}",
    )


def clearer_key(kind: str, where: str) -> str:
    """The name under which one pending clearer per clipboard is found and replaced."""
    return "clearer-" + hashlib.sha256(f"{kind}|{where}".encode()).hexdigest()[:16]


def salted_digest(salt: bytes, data: bytes) -> bytes:
    return hmac.new(salt, data, hashlib.sha256).digest()


def osc52_sequence(data: bytes, tmux: bool = False) -> bytes:
    """OSC 52 "set clipboard"; inside tmux, wrapped in a DCS passthrough (ESC doubled)."""
    seq = b"\x1b]52;c;" + base64.b64encode(data) + b"\x07"
    if tmux:
        seq = b"\x1bPtmux;" + seq.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    return seq


def notice_text(label: str, timeout: int, osc52: bool = False) -> str:
    """The one line on stderr after a copy; it names the secret, never the value."""
    if osc52:
        where = "the terminal's clipboard (OSC 52)"
        if timeout == 0:
            return f"Copied {label} to {where}; it will not be cleared (--clip-timeout 0)."
        return (f"Copied {label} to {where}; clearing in {timeout} s if the terminal allows "
                "it (safesm cannot read or restore a remote clipboard).")
    if timeout == 0:
        return f"Copied {label} to the clipboard; it will not be cleared (--clip-timeout 0)."
    return f"Copied {label} to the clipboard; clearing in {timeout} s."


# --- backends (I/O) --------------------------------------------------------------------


class HelperBackend:
    """wl-copy/xclip/xsel, run with the data on stdin and in a session of their own."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.helper = HELPERS[name]

    def copy(self, data: bytes, sensitive: bool = False) -> None:
        argv = list(self.helper.copy)
        if sensitive and self.name == "wl-copy" and _wl_copy_knows_sensitive():
            argv.append("--sensitive")
        _run_helper(argv, data, self.name)

    def paste(self) -> bytes | None:
        """The clipboard's text, or None when it is empty or unreadable."""
        try:
            proc = subprocess.run(self.helper.paste, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  timeout=HELPER_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode != 0:
            return None
        return proc.stdout or None

    def clear(self) -> None:
        if self.helper.clear:
            _run_helper(list(self.helper.clear), None, self.name)
        else:
            self.copy(b"")


class PyperclipBackend:
    """macOS, Windows and WSL through pyperclip (text only; copies are read back)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _functions(self) -> tuple[Callable, Callable]:
        import pyperclip  # only where a copy happens: `safesm --help` must not load it

        return getattr(pyperclip, PYPERCLIP_INIT[self.name])()

    def copy(self, data: bytes, sensitive: bool = False) -> None:
        copy, paste = self._functions()
        text = data.decode("utf-8")
        try:
            copy(text)
            ok = paste() == text
        except Exception as exc:  # pyperclip raises bare Exceptions; never show their text
            raise ClipboardError(f"{self.name} could not copy ({type(exc).__name__}).") from None
        if not ok:  # pyperclip ignores pbcopy's exit status: check that the copy landed
            raise ClipboardError(f"{self.name} did not take the copy.")

    def paste(self) -> bytes | None:
        try:
            text = self._functions()[1]()
        except Exception:
            return None
        if not isinstance(text, str) or not text:
            return None
        return text.encode("utf-8")

    def clear(self) -> None:
        self._functions()[0]("")


Backend = HelperBackend | PyperclipBackend


def backend(name: str) -> Backend:
    return HelperBackend(name) if name in HELPERS else PyperclipBackend(name)


def _run_helper(argv: list[str], data: bytes | None, name: str) -> None:
    """Run a helper with data on stdin; its forked owner must not hold our stdout/stderr."""
    try:
        proc = subprocess.run(argv, input=data or b"", stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True,
                              timeout=HELPER_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ClipboardError(f"{name} did not finish within {HELPER_TIMEOUT:.0f} s.") from None
    except OSError as exc:
        raise ClipboardError(f"could not run {name}: {exc.strerror}.") from None
    if proc.returncode != 0:
        raise ClipboardError(
            f"{name} could not copy to the clipboard (exit {proc.returncode}).",
            "Check that the display is reachable, or pipe the value or pass --print.",
        )


def _wl_copy_knows_sensitive() -> bool:
    """wl-clipboard 2.3+ offers x-kde-passwordManagerHint alongside the text."""
    try:
        out = subprocess.run(["wl-copy", "--help"], capture_output=True, timeout=HELPER_TIMEOUT,
                             check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return b"--sensitive" in out.stdout + out.stderr


def _is_wsl() -> bool:
    try:
        return "microsoft" in Path("/proc/version").read_text().lower()
    except OSError:
        return False


# --- targets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Local:
    backend: str
    where: str  # the display it copies to, for the clearer's key


@dataclass(frozen=True)
class Osc52:
    tty: str
    tmux: bool


Target = Local | Osc52


def choose_target(osc52: bool, name: str, env: Mapping[str, str] | None = None) -> Target:
    """Where a copy goes; raises exit 9 before any network call when nowhere works."""
    env = os.environ if env is None else env
    if osc52:
        return Osc52(_terminal_path(), bool(env.get("TMUX")))
    found = choose_backend(env, lambda prog: shutil.which(prog) is not None, sys.platform,
                           _is_wsl())
    if found:
        where = env.get(HELPERS[found].display_var, "") if found in HELPERS else ""
        return Local(found, where)
    if env.get("SSH_TTY"):
        return Osc52(_terminal_path(), bool(env.get("TMUX")))
    raise no_clipboard(env, name)


def _terminal_path() -> str:
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        try:
            if stream is not None and stream.isatty():
                return os.ttyname(stream.fileno())
        except (OSError, ValueError):
            continue
    try:
        fd = os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError:
        raise ClipboardError("OSC 52 needs a terminal, and there is none.",
                             "Pipe the value or redirect it to a file instead.") from None
    try:
        return os.ttyname(fd)
    finally:
        os.close(fd)


def write_to_terminal(tty: str, data: bytes) -> None:
    fd = os.open(tty, os.O_WRONLY | os.O_NOCTTY)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


# --- the copy --------------------------------------------------------------------------


def clipboard_text(value: SecretValue) -> bytes:
    """Clipboards carry text: a binary secret goes to a file instead."""
    try:
        value.reveal_text()
    except UnicodeDecodeError:
        raise InvalidValueError(
            "the secret is binary (not UTF-8 text), so it cannot go to the clipboard.",
            "Redirect it to a file instead: `safesm get NAME > FILE`.",
        ) from None
    return value.reveal()


def copy(value: SecretValue, target: Target, timeout: int) -> None:
    """Copy, with a clearer already waiting (so a SIGKILL right after cannot strand it)."""
    from . import clearer

    data = clipboard_text(value)
    if timeout > 0 and os.name == "nt":
        raise ClipboardError(
            "safesm cannot clear the clipboard later on native Windows yet; nothing was copied.",
            "Use WSL, pipe the value, or pass --clip-timeout 0 and clear it yourself.",
        )
    handle = clearer.start(_orders(target, data, timeout)) if timeout > 0 else None
    try:
        if isinstance(target, Osc52):
            write_to_terminal(target.tty, osc52_sequence(data, target.tmux))
        else:
            backend(target.backend).copy(data, sensitive=True)
    except (ClipboardError, OSError) as exc:
        if handle:
            handle.abort()
        if isinstance(exc, OSError):
            raise ClipboardError(f"could not write to the terminal: {exc.strerror}.") from None
        raise
    if handle:
        handle.confirm()


def _orders(target: Target, data: bytes, timeout: int) -> dict:
    """What the clearer needs to know: a salted hash of the value, never the value."""
    from .clearer import state_dir

    if isinstance(target, Osc52):
        return {"mode": "osc52", "timeout": timeout, "tty": target.tty, "tmux": target.tmux,
                "sid": os.getsid(0), "dir": str(state_dir(os.environ)),
                "key": clearer_key("osc52", target.tty)}
    salt = os.urandom(32)
    return {"mode": "local", "timeout": timeout, "backend": target.backend,
            "salt": salt.hex(), "digest": salted_digest(salt, data).hex(),
            "dir": str(state_dir(os.environ)),
            "key": clearer_key(target.backend, target.where)}
