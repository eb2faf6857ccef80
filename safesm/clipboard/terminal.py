"""OSC 52: the terminal's clipboard, for sessions without a local one (e.g. over SSH),
used only when asked for with --osc52: the value travels in the terminal stream, which
`script`, tmux logging and screen recorders save.

The escape goes straight to the controlling terminal's device, never to stdout, so a
pipe or `$(...)` never sees the value. safesm cannot read a remote clipboard: the
clearer can only send an empty copy, and only while the session that asked is open.
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path

from ..errors import ClipboardError


def osc52_sequence(data: bytes, tmux: bool = False) -> bytes:
    """OSC 52 "set clipboard"; inside tmux, wrapped in a DCS passthrough (ESC doubled)."""
    seq = b"\x1b]52;c;" + base64.b64encode(data) + b"\x07"
    if tmux:
        seq = b"\x1bPtmux;" + seq.replace(b"\x1b", b"\x1b\x1b") + b"\x1b\\"
    return seq


def terminal_path() -> str:
    """The device of our terminal: a standard stream's, else /dev/tty's."""
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


def session_alive(sid: int, tty: str) -> bool:
    """Is the terminal session that asked for the copy still there, on the same tty?"""
    try:
        rdev = os.stat(tty).st_rdev
    except OSError:
        return False
    if not Path("/proc/self/stat").exists():  # macOS: the session leader's pid must live
        try:
            os.kill(sid, 0)
        except PermissionError:
            return True
        except OSError:
            return False
        return True
    try:
        stat = Path(f"/proc/{sid}/stat").read_text()
    except OSError:
        return False
    tty_nr = int(stat.rsplit(")", 1)[1].split()[4])
    return (os.major(tty_nr), os.minor(tty_nr)) == (os.major(rdev), os.minor(rdev))
