"""The clipboard: copy a value and leave a detached clearer behind.

Modules, dependencies running one way (each imports only those below it):

    copying   copy(): start the clearer, copy, tell the clearer     (the CLI's side)
    clearer   the detached process that restores the clipboard      (`python -m`)
    targets   where a copy goes (Local / Osc52), the notice text
    backends  choosing a helper (pure), running it (wl-copy, xclip, xsel, pyperclip)
    terminal  OSC 52 bytes, the terminal device, is the session still open
    state     what both sides share: state dir, key, salted digest, State, read_line

`copying` and `clearer` never import each other: the CLI starts the clearer by module
name. The names commands use are re-exported here lazily, so the clearer process (which
imports this package first) loads nothing it does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .copying import copy
    from .targets import Osc52, choose_target, notice_text

__all__ = ["Osc52", "choose_target", "copy", "notice_text"]

_HOME = {"copy": "copying", "Osc52": "targets", "choose_target": "targets",
         "notice_text": "targets"}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value
