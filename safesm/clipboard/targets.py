"""Where a copy goes (a local clipboard or the terminal's, by OSC 52), and what is said."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from .backends import HELPERS, choose_backend, is_wsl, no_clipboard
from .terminal import terminal_path


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
    """Where a copy goes: OSC 52 only when asked (--osc52), else a local clipboard; raises
    exit 9 before any network call when there is none."""
    env = os.environ if env is None else env
    if osc52:
        return Osc52(terminal_path(), bool(env.get("TMUX")))
    found = choose_backend(env, lambda prog: shutil.which(prog) is not None, sys.platform,
                           is_wsl())
    if found:
        where = env.get(HELPERS[found].display_var, "") if found in HELPERS else ""
        return Local(found, where)
    raise no_clipboard(env, name)  # never OSC 52 unasked: terminal streams get recorded


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
