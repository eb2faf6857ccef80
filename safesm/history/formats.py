"""Pure: the history file formats of bash, zsh and fish.

Parsers take bytes and return entries with byte offsets, so that ``history scrub`` can
rewrite a file keeping every other byte as it was; ``decode`` gives the command as the
shell sees it, with the raw offset of each of its bytes. A parser also says how far its
entries are complete, so that a file can be read block by block (``final=False``: the
last entry may go on in the next block).

Where an entry ends is known for zsh (a backslash before the newline), fish (``- cmd:``)
and bash with ``HISTTIMEFORMAT`` (timestamp lines). Plain bash files only hold lines: a
command typed over several lines (a quoted PEM key, a here-document, a loop with
``lithist``) looks like several commands. ``bash_lexer`` reads them the way bash would
and groups a line with the lines that continue it; a group that is still open after
``MAX_GROUP`` lines is not trusted, and its first line stands alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from .bash_lexer import CLOSED, line_state

MAX_GROUP = 200  # lines a multi-line bash command may span before grouping gives up


@dataclass(frozen=True)
class Entry:
    """One history entry: its raw byte span, and the spans of its command line(s).

    ``parts``: what removing the entry may delete, each a raw span with its newline. A
    bash group between two timestamps may hold several commands (a session without
    ``HISTTIMEFORMAT`` appended to the file), each a part; elsewhere one part, the entry.
    """

    start: int
    end: int
    lines: tuple[tuple[int, int], ...]  # raw (start, end) of each command line, no newline
    cmd_start: int  # where the command text starts (after a zsh/fish prefix)
    parts: tuple[tuple[int, int], ...] = ()

    def removable(self) -> tuple[tuple[int, int], ...]:
        return self.parts or ((self.start, self.end),)


Line = tuple[int, int, int]  # start, end without newline, end with newline

_BASH_TS = re.compile(rb"#\d+")
_ZSH_EXT = re.compile(rb": *\d+:\d+;")
_FISH_CMD = b"- cmd: "


def split_lines(data: bytes) -> list[Line]:
    """(start, end without newline, end with newline) of every line."""
    out, pos, size = [], 0, len(data)
    while pos < size:
        nl = data.find(b"\n", pos)
        stop = size if nl < 0 else nl
        out.append((pos, stop, size if nl < 0 else nl + 1))
        pos = stop + 1
    return out


def entry_of(group: list[Line], start: int | None = None, cmd_start: int | None = None,
           parts: tuple[tuple[int, int], ...] = ()) -> Entry:
    return Entry(group[0][0] if start is None else start, group[-1][2],
                 tuple((s, e) for s, e, _ in group),
                 group[0][0] if cmd_start is None else cmd_start, parts)


def bash_groups(data: bytes, lines: list[Line], final: bool = True) -> list[list[Line]]:
    """Lines grouped into commands the way bash reads them (see the module docstring).

    A group still open at the end of the file is not trusted either (``final``); in a
    block that more of the file follows, it is kept open for the next block to decide.
    """
    groups, i = [], 0
    while i < len(lines):
        state = line_state(data, lines[i][0], lines[i][1], CLOSED)
        j = i
        while state != CLOSED and j + 1 < len(lines) and j - i < MAX_GROUP:
            j += 1
            state = line_state(data, lines[j][0], lines[j][1], state)
        if state != CLOSED and (j + 1 < len(lines) or final):
            j = i  # still open after MAX_GROUP lines: not a command we can trust
        groups.append(lines[i:j + 1])
        i = j + 1
    return groups


def bash_entries(data: bytes, ts: int | None, seg: list[Line], final: bool) -> list[Entry]:
    """The entries of the lines after one timestamp (or of untimed lines, ``ts`` None)."""
    parts = bash_groups(data, seg, final)
    if ts is None:
        return [entry_of(p) for p in parts]
    if len(parts) == 1:
        return [entry_of(parts[0], start=ts)]
    if len(seg) > MAX_GROUP:  # one timestamp, then a long untimed history
        return [entry_of(parts[0], start=ts)] + [entry_of(p) for p in parts[1:]]
    spans = tuple((p[0][0], p[-1][2]) for p in parts)
    return [entry_of(seg, start=ts, cmd_start=seg[0][0], parts=spans)]


def parse_bash(data: bytes, final: bool = True) -> tuple[list[Entry], int]:
    """Entries and how far they are complete. A `#1700000000` line starts a timed entry
    that runs to the next one; untimed lines are grouped by ``bash_groups``."""
    segments: list[tuple[int | None, list[Line]]] = [(None, [])]
    for line in split_lines(data):
        if _BASH_TS.fullmatch(data, line[0], line[1]):
            segments.append((line[0], []))
        else:
            segments[-1][1].append(line)
    entries = [e for ts, seg in segments if seg for e in bash_entries(data, ts, seg, final)]
    if final:
        return entries, len(data)
    last_ts = segments[-1][0]
    if last_ts is not None and not segments[-1][1]:
        return entries, last_ts  # ends with a timestamp: its command comes next
    if not entries:
        return entries, 0
    last = entries.pop()  # may go on in the next block
    return entries, last.start


def parse_zsh(data: bytes, final: bool = True) -> tuple[list[Entry], int]:
    """`: 1700000000:0;cmd` (or plain) lines; a line ending in a backslash continues."""
    entries: list[Entry] = []
    group: list[Line] = []

    def close() -> None:
        prefix = _ZSH_EXT.match(data, group[0][0], group[0][1])
        entries.append(entry_of(group, cmd_start=prefix.end() if prefix else group[0][0]))

    for line in split_lines(data):
        group.append(line)
        if line[1] > line[0] and data[line[1] - 1] == 0x5C and line[2] > line[1]:
            continue
        close()
        group = []
    if group and final:
        close()
        group = []
    return entries, group[0][0] if group else len(data)


def parse_fish(data: bytes, final: bool = True) -> tuple[list[Entry], int]:
    """`- cmd: ...` lines followed by indented `when:`/`paths:` lines."""
    entries: list[Entry] = []
    current: Line | None = None
    end = 0

    def close() -> None:
        assert current is not None
        entries.append(Entry(current[0], end, ((current[0], current[1]),), current[2]))

    for start, stop, after in split_lines(data):
        if data.startswith(_FISH_CMD, start) or data[start:stop] == _FISH_CMD.rstrip():
            if current:
                close()
            current = (start, stop, min(start + len(_FISH_CMD), stop))
            end = after
        elif current and data.startswith(b" ", start):
            end = after
        elif current:
            close()
            current = None
    if current and final:
        close()
        current = None
    return entries, current[0] if current else len(data)


PARSERS = {"bash": parse_bash, "zsh": parse_zsh, "fish": parse_fish}


def line_numbers(text: bytes, points: list[int]) -> list[int]:
    """The line (0-based) of each point, in sorted order, counting newlines once."""
    out, line, last = [], 0, 0
    for point in sorted(points):
        line += text.count(b"\n", last, point)
        last = point
        out.append(line)
    return out


class ParsedIndex:
    """The entries of one block, each found from a line in it (for zsh and fish; bash
    has the lazy ``bash_index.BashIndex`` with the same two members)."""

    def __init__(self, data: bytes, shell: str, final: bool) -> None:
        self.data = data
        self.entries, self.consumed = PARSERS[shell](data, final)

    @cached_property
    def _lines(self) -> tuple[list[int], list[int]]:
        """The first and last line of every entry."""
        return (line_numbers(self.data, [e.start for e in self.entries]),
                line_numbers(self.data, [max(e.start, e.end - 1) for e in self.entries]))

    def entry_at(self, line: int) -> tuple[Entry, int] | None:
        """The entry that holds ``line``, and its first line."""
        firsts, lasts = self._lines
        i = bisect_right(firsts, line) - 1
        return (self.entries[i], firsts[i]) if i >= 0 and lasts[i] >= line else None


def parse(data: bytes, shell: str) -> list[Entry]:
    """Every entry of a whole file."""
    return PARSERS[shell](data, True)[0]


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
    if shell == "bash" or (shell == "zsh" and data.find(b"\x83", pos, stop) < 0) or (
            shell == "fish" and data.find(b"\\", pos, stop) < 0):
        out += data[pos:stop]
        offsets.extend(range(pos, stop))
        return
    while pos < stop:
        byte, step = data[pos], 1
        if shell == "zsh" and byte == 0x83 and pos + 1 < stop:
            byte, step = data[pos + 1] ^ 0x20, 2
        elif shell == "fish" and byte == 0x5C and pos + 1 < stop and data[pos + 1] in b"n\\":
            byte, step = (0x0A if data[pos + 1] == ord("n") else 0x5C), 2
        out.append(byte)
        offsets.append(pos)
        pos += step


def detect_shell(name: str, head: bytes) -> str:
    """The format of a history file, from its name, else from its first bytes."""
    lowered = name.lower()
    for shell in ("fish", "zsh", "bash"):
        if shell in lowered:
            return shell
    if lowered.endswith(".zhistory"):
        return "zsh"
    head = head[:65536]
    if head.startswith(_FISH_CMD) or b"\n" + _FISH_CMD in head:
        return "fish"
    if _ZSH_EXT.match(head) or re.search(rb"\n: *\d+:\d+;", head):
        return "zsh"
    return "bash"
