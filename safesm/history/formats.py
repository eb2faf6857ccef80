"""Pure: the history file formats of bash, zsh and fish.

Parsers take bytes and return entries with byte offsets, so that ``history scrub`` can
rewrite a file keeping every other byte as it was; ``decode`` gives the command as the
shell sees it, with the raw offset of each of its bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One history entry: its raw byte span, and the spans of its command line(s)."""

    start: int
    end: int
    lines: tuple[tuple[int, int], ...]  # raw (start, end) of each command line, no newline
    cmd_start: int  # where the command text starts (after a zsh/fish prefix)


_BASH_TS = re.compile(rb"#\d+")
_ZSH_EXT = re.compile(rb": *\d+:\d+;")
_FISH_CMD = b"- cmd: "


def _split_lines(data: bytes) -> list[tuple[int, int, int]]:
    """(start, end without newline, end with newline) of every line."""
    out, pos, size = [], 0, len(data)
    while pos < size:
        nl = data.find(b"\n", pos)
        stop = size if nl < 0 else nl
        out.append((pos, stop, size if nl < 0 else nl + 1))
        pos = stop + 1
    return out


def parse_bash(data: bytes) -> list[Entry]:
    """Lines; a `#1700000000` timestamp line starts an entry that runs to the next one."""
    entries: list[Entry] = []
    group: list[tuple[int, int, int]] = []
    ts_start: int | None = None

    def close() -> None:
        if group:
            start = group[0][0] if ts_start is None else ts_start
            entries.append(Entry(start, group[-1][2], tuple((s, e) for s, e, _ in group),
                                 group[0][0]))

    for line in _split_lines(data):
        if _BASH_TS.fullmatch(data, line[0], line[1]):
            close()
            group, ts_start = [], line[0]
        elif ts_start is None:
            group = [line]
            close()
            group = []
        else:
            group.append(line)
    close()
    return entries


def parse_zsh(data: bytes) -> list[Entry]:
    """`: 1700000000:0;cmd` (or plain) lines; a line ending in a backslash continues."""
    entries: list[Entry] = []
    group: list[tuple[int, int, int]] = []

    def close() -> None:
        prefix = _ZSH_EXT.match(data, group[0][0], group[0][1])
        entries.append(Entry(group[0][0], group[-1][2], tuple((s, e) for s, e, _ in group),
                             prefix.end() if prefix else group[0][0]))

    for line in _split_lines(data):
        group.append(line)
        if line[1] > line[0] and data[line[1] - 1] == 0x5C and line[2] > line[1]:
            continue
        close()
        group = []
    if group:
        close()
    return entries


def parse_fish(data: bytes) -> list[Entry]:
    """`- cmd: ...` lines followed by indented `when:`/`paths:` lines."""
    entries: list[Entry] = []
    current: tuple[int, int, int] | None = None
    end = 0
    for start, stop, after in _split_lines(data):
        if data.startswith(_FISH_CMD, start) or data[start:stop] == _FISH_CMD.rstrip():
            if current:
                entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))
            current = (start, stop, min(start + len(_FISH_CMD), stop))
            end = after
        elif current and data.startswith(b" ", start):
            end = after
        elif current:
            entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))
            current = None
    if current:
        entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))
    return entries


PARSERS = {"bash": parse_bash, "zsh": parse_zsh, "fish": parse_fish}


def decode(data: bytes, entry: Entry, shell: str) -> tuple[bytes, list[int]]:
    """The command as the shell sees it, and the raw offset of each of its bytes.

    zsh: a backslash-newline is a newline, and 0x83 ("Meta") means: next byte XOR 0x20.
    fish: `\\n` is a newline and `\\\\` a backslash. bash: the lines joined by newlines.
    """
    out = bytearray()
    offsets: list[int] = []
    for index, (start, stop) in enumerate(entry.lines):
        pos = entry.cmd_start if index == 0 else start
        if index + 1 < len(entry.lines):
            if shell == "zsh" and stop > pos and data[stop - 1] == 0x5C:
                stop -= 1  # the continuation backslash: it and the newline make one newline
        _decode_line(data, pos, stop, shell, out, offsets)
        if index + 1 < len(entry.lines):
            out.append(0x0A)
            offsets.append(stop)
    offsets.append(entry.lines[-1][1] if entry.lines else entry.end)
    return bytes(out), offsets


def _decode_line(data: bytes, pos: int, stop: int, shell: str, out: bytearray,
                 offsets: list[int]) -> None:
    while pos < stop:
        byte, step = data[pos], 1
        if shell == "zsh" and byte == 0x83 and pos + 1 < stop:
            byte, step = data[pos + 1] ^ 0x20, 2
        elif shell == "fish" and byte == 0x5C and pos + 1 < stop and data[pos + 1] in b"n\\":
            byte, step = (0x0A if data[pos + 1] == ord("n") else 0x5C), 2
        out.append(byte)
        offsets.append(pos)
        pos += step


def detect_shell(name: str, data: bytes) -> str:
    """The format of a history file, from its name, else from its first entries."""
    lowered = name.lower()
    for shell in ("fish", "zsh", "bash"):
        if shell in lowered:
            return shell
    if lowered.endswith(".zhistory"):
        return "zsh"
    head = data[:65536]
    if head.startswith(_FISH_CMD) or b"\n" + _FISH_CMD in head:
        return "fish"
    if _ZSH_EXT.match(head) or re.search(rb"\n: *\d+:\d+;", head):
        return "zsh"
    return "bash"
