"""Clipboard backends: which one to use (pure), and running it (I/O).

Backends are tried in a fixed order: Wayland (wl-copy), X11 (xclip, then xsel),
macOS (pbcopy), Windows, WSL (clip.exe). On Wayland and X11 safesm runs the helper
itself, value on stdin, because pyperclip cannot do three things that matter here: it
ignores the helper's exit status (a dead DISPLAY "copies" successfully), it lets
xclip/xsel/wl-copy inherit the caller's stdout/stderr (their forked owner process then
keeps `$(...)` and pipes open until the selection changes), and it cannot mark the copy
as sensitive for clipboard managers (`wl-copy --sensitive`). macOS, Windows and WSL go
through pyperclip, imported only where a copy happens. Its Klipper backend passes the
text on argv, so it is never used.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ClipboardError

HELPER_TIMEOUT = 5.0
ORDER = ("wl-copy", "xclip", "xsel", "pbcopy", "windows", "wsl")


@dataclass(frozen=True)
class Helper:
    """A clipboard helper program: how to copy (stdin), paste (stdout) and clear, and how
    to list the types the clipboard's owner offers (None: it cannot)."""

    copy: tuple[str, ...]
    paste: tuple[str, ...]
    clear: tuple[str, ...] | None
    needs: tuple[str, ...]
    display_var: str
    types: tuple[str, ...] | None = None


HELPERS: dict[str, Helper] = {
    "wl-copy": Helper(("wl-copy",), ("wl-paste", "--no-newline", "--type", "text"),
                      ("wl-copy", "--clear"), ("wl-copy", "wl-paste"), "WAYLAND_DISPLAY",
                      ("wl-paste", "--list-types")),
    "xclip": Helper(("xclip", "-selection", "clipboard", "-in"),
                    ("xclip", "-selection", "clipboard", "-out"), None, ("xclip",), "DISPLAY",
                    ("xclip", "-selection", "clipboard", "-out", "-target", "TARGETS")),
    "xsel": Helper(("xsel", "--clipboard", "--input"), ("xsel", "--clipboard", "--output"),
                   ("xsel", "--clipboard", "--clear"), ("xsel",), "DISPLAY"),
}
# Types a password manager (KeePassXC, 1Password, Bitwarden, KDE, `wl-copy --sensitive`)
# adds to say "this is a secret": X11/Wayland (x-kde-passwordManagerHint, and GTK's text/
# variant), macOS (org.nspasteboard.ConcealedType) and Windows (Qt's names for its
# clipboard-history exclusion formats). Matched case-insensitively, anywhere in a type.
PASSWORD_HINTS = ("passwordmanagerhint", "concealedtype", "concealed-type",
                  "excludeclipboardcontentfrommonitorprocessing", "clipboard viewer ignore")


def marked_secret(types: tuple[str, ...]) -> bool:
    """Does the clipboard's owner mark its content as a password manager's secret?"""
    return any(hint in kind.lower() for kind in types for hint in PASSWORD_HINTS)
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
    osc52 = ("--osc52 copies through your terminal (the value then travels in the terminal "
             "stream, which `script`, tmux logging and screen recorders save)")
    if env.get("SSH_TTY"):
        return ClipboardError(
            "no clipboard: this SSH session has neither DISPLAY nor WAYLAND_DISPLAY, and "
            "safesm never sends a value through the terminal unless asked.",
            f"Use `ssh -X`, or {osc52}, {instead}")
    return ClipboardError(
        "no clipboard: neither DISPLAY nor WAYLAND_DISPLAY is set.",
        f"Run it in a desktop session, {osc52}, {instead}",
    )


# --- backends (I/O) --------------------------------------------------------------------


def _output(argv: tuple[str, ...]) -> bytes | None:
    """What a helper printed, or None when it could not run or failed."""
    try:
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=HELPER_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


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
        return _output(self.helper.paste) or None

    def types(self) -> tuple[str, ...] | None:
        """The types (X11 targets, Wayland MIME types) the clipboard's owner offers; None
        when this helper cannot list them or the listing failed."""
        listed = _output(self.helper.types) if self.helper.types else None
        return None if listed is None else tuple(listed.decode("utf-8", "replace").split("\n"))

    def clear(self) -> None:
        """Empty the clipboard, and check: `wl-copy --clear` exits 0 yet changes nothing
        where the compositor takes a selection only from the focused client (weston);
        then an empty copy replaces the value, as for xclip, which has no clear."""
        if self.helper.clear:
            _run_helper(list(self.helper.clear), None, self.name)
            if self.paste() is None:
                return
        self.copy(b"")


class PyperclipBackend:
    """macOS, Windows and WSL through pyperclip (text only; copies are read back)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _functions(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        import pyperclip  # only where a copy happens: `safesm --help` must not load it

        copy, paste = getattr(pyperclip, PYPERCLIP_INIT[self.name])()
        return copy, paste

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

    def types(self) -> tuple[str, ...] | None:
        """pbpaste, clip.exe and pyperclip cannot list types: unknown."""
        return None

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


def is_wsl() -> bool:
    """Linux under WSL, where clip.exe and powershell.exe reach the Windows clipboard."""
    try:
        return "microsoft" in Path("/proc/version").read_text().lower()
    except OSError:
        return False
