"""Pure: a streaming filter that replaces every injected value in a byte stream with a
fixed marker, even when a value arrives split across reads.

Bytes that could be the start of a value are held back until the next read shows
whether they are one; `flush` (at the end, or after a quiet moment so that a prompt is
not held) lets them through. On a pty the terminal turns "\\n" into "\\r\\n", so a
multi-line value is looked for in both forms. Values shorter than MIN_LENGTH are not
masked: they would mask ordinary text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MARKER = b"****"
MIN_LENGTH = 4


def needles(values: Iterable[bytes]) -> list[bytes]:
    found = set()
    for value in values:
        if len(value) >= MIN_LENGTH:
            found.add(value)
            found.add(value.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return sorted(found, key=len, reverse=True)  # the longest first wins at a position


class Masker:
    def __init__(self, values: Iterable[bytes], marker: bytes = MARKER) -> None:
        self.needles = needles(values)
        self.marker = marker
        self.pending = b""
        self._pattern = (re.compile(b"|".join(re.escape(n) for n in self.needles))
                         if self.needles else None)
        self._firsts = {n[0] for n in self.needles}
        self._longest = max((len(n) for n in self.needles), default=0)

    def __repr__(self) -> str:
        return f"Masker({len(self.needles)} values)"

    def feed(self, data: bytes) -> bytes:
        """What can be shown now of everything seen so far."""
        if self._pattern is None:
            return data
        buf, out, pos = self.pending + data, [], 0
        while True:
            hold = self._held_from(buf, pos)
            match = self._pattern.search(buf, pos)
            if match is not None and match.start() < hold:
                out += [buf[pos:match.start()], self.marker]
                pos = match.end()
                continue
            out.append(buf[pos:hold])
            self.pending = buf[hold:]
            return b"".join(out)

    def flush(self) -> bytes:
        """Let held bytes through: the start of a value stays as it is, but a whole
        value held because it might have been the start of a longer one is masked."""
        out, self.pending = self.pending, b""
        return self._pattern.sub(self.marker, out) if self._pattern is not None else out

    def _held_from(self, buf: bytes, pos: int) -> int:
        """Where the longest tail of buf[pos:] that is a proper prefix of a value starts."""
        for i in range(max(pos, len(buf) - self._longest + 1), len(buf)):
            if buf[i] in self._firsts:
                tail = buf[i:]
                if any(len(n) > len(tail) and n.startswith(tail) for n in self.needles):
                    return i
        return len(buf)
