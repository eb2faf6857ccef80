"""Pure: the bash entries of a block, found only where they are needed.

``formats.parse_bash`` builds every entry of a block; a 50 MB history holds about two
million lines, and building an object for each takes longer than finding the few that
carry a secret. ``BashIndex`` gives the same entries lazily: line offsets come from one
``bytes.split``, the lines that may open a multi-line command from ``bytes.find``, and the
bash reader (``bash_lexer``) runs only from those lines. An entry is
built only for a line the scanner asks about. A unit test keeps it equal to
``parse_bash`` on every line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property
from itertools import accumulate

from .bash_lexer import CLOSED, line_state, maybe_open_lines, plain_closed
from .formats import MAX_GROUP, Entry, Line, bash_entries, entry_of, line_numbers

_TIMESTAMP = re.compile(rb"^#\d+$", re.M)


class BashIndex:
    """The entries of one block of a bash history file (see ``formats.parse_bash``)."""

    def __init__(self, data: bytes, final: bool) -> None:
        self.data, self.final = data, final
        lengths = [len(part) + 1 for part in data.split(b"\n")]
        if data.endswith(b"\n") or not data:
            lengths.pop()  # the empty text after the last newline is not a line
        self.starts = [0, *accumulate(lengths)]
        self.starts[-1] = min(self.starts[-1], len(data))
        self.stamps = [self.line_of(m.start()) for m in _TIMESTAMP.finditer(data)]
        self._segments: dict[int, list[Entry]] = {}
        self._timed_starts: dict[int, list[int]] = {}

    @property
    def count(self) -> int:
        return len(self.starts) - 1

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line(self, i: int) -> Line:
        start, after = self.starts[i], self.starts[i + 1]
        stop = after - 1 if after > start and self.data[after - 1] == 0x0A else after
        return start, stop, after

    @cached_property
    def _untimed(self) -> tuple[list[int], list[int]]:
        """First and last line of every multi-line group before the first timestamp."""
        hi = self.stamps[0] if self.stamps else self.count
        chars, words = maybe_open_lines(self.data, self.starts[hi])
        keyword_lines = set(line_numbers(self.data, words))
        firsts: list[int] = []
        lasts: list[int] = []
        done = 0  # lines before this one belong to a group already
        for i in sorted(keyword_lines.union(line_numbers(self.data, chars))):
            if i < done or plain_closed(self.data, *self.line(i)[:2], i in keyword_lines):
                continue
            j = self._group_end(i, hi)
            if j > i:
                firsts.append(i)
                lasts.append(j)
            done = j + 1
        return firsts, lasts

    def _group_end(self, i: int, hi: int) -> int:
        """The last line of the command that starts at line ``i`` (as ``bash_groups``)."""
        state = line_state(self.data, *self.line(i)[:2], CLOSED)
        j = i
        while state != CLOSED and j + 1 < hi and j - i < MAX_GROUP:
            j += 1
            state = line_state(self.data, *self.line(j)[:2], state)
        if state != CLOSED and (j + 1 < hi or self.final):
            return i  # still open after MAX_GROUP lines: not a command we can trust
        return j

    def _timed(self, k: int) -> list[Entry]:
        """The entries of the lines after timestamp ``k``."""
        if k not in self._segments:
            hi = self.stamps[k + 1] if k + 1 < len(self.stamps) else self.count
            lines = [self.line(i) for i in range(self.stamps[k] + 1, hi)]
            ts = self.starts[self.stamps[k]]
            self._segments[k] = bash_entries(self.data, ts, lines, self.final) if lines else []
            self._timed_starts[k] = [entry.start for entry in self._segments[k]]
        return self._segments[k]

    def _entry(self, i: int) -> Entry | None:
        """The entry that holds line ``i`` (None for a timestamp with no command)."""
        k = bisect_right(self.stamps, i) - 1
        if k < 0:
            firsts, lasts = self._untimed
            g = bisect_right(firsts, i) - 1
            if g >= 0 and lasts[g] >= i:
                return entry_of([self.line(n) for n in range(firsts[g], lasts[g] + 1)])
            return entry_of([self.line(i)])
        entries, offset = self._timed(k), self.starts[i]
        e = bisect_right(self._timed_starts[k], offset) - 1
        return entries[e] if e >= 0 and offset < entries[e].end else None

    def entry_at(self, i: int) -> tuple[Entry, int] | None:
        """The entry that holds line ``i``, and its first line (as ``ParsedIndex``)."""
        entry = self._entry(i)
        return (entry, self.line_of(entry.start)) if entry else None

    @cached_property
    def consumed(self) -> int:
        """How far the block's entries are complete (``len(data)`` when final)."""
        if self.final:
            return len(self.data)
        if self.stamps:
            last = self._timed(len(self.stamps) - 1)
            return last[-1].start if last else self.starts[self.stamps[-1]]
        if not self.count:
            return 0
        entry = self._entry(self.count - 1)
        return entry.start if entry else 0
