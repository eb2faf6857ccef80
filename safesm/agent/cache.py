"""The agent's value cache: least recently used, at most MAX_ENTRIES, each entry trusted
for `ttl` seconds after it was last read or confirmed. Pure: the clock is passed in, the
caller holds the lock.

After the TTL an entry is not thrown away but *due*: the agent asks DescribeSecret which
version holds AWSCURRENT and re-reads the value only if it moved (what AWS's own caching
libraries do). Every invalidation moves the `epoch`; a read that started before an
invalidation does not store what it read, so a write is never hidden by a slow read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MAX_ENTRIES = 1000
MAX_TTL = 3600


@dataclass
class Entry:
    """One cached value. `data` is a bytearray so that dropping the entry can overwrite it."""

    data: bytearray
    binary: bool
    version_id: str
    name: str
    arn: str
    checked: float = 0.0

    def wipe(self) -> None:
        self.data[:] = bytes(len(self.data))


class ValueCache:
    def __init__(self, ttl: float, clock: Callable[[], float],
                 max_entries: int = MAX_ENTRIES) -> None:
        if not 0 <= ttl <= MAX_TTL:
            raise ValueError(f"ttl must be 0 to {MAX_TTL} seconds")
        self.ttl = ttl
        self.clock = clock
        self.max_entries = max_entries
        self.epoch = 0
        self._entries: OrderedDict[str, Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def enabled(self) -> bool:
        """TTL 0: warm clients only, nothing is kept."""
        return self.ttl > 0

    def lookup(self, key: str) -> tuple[Entry | None, bool]:
        """(entry, fresh): fresh within the TTL; a stale entry is still returned, to be
        confirmed. A lookup makes the entry the most recently used."""
        entry = self._entries.get(key)
        if entry is None:
            return None, False
        self._entries.move_to_end(key)
        return entry, self.clock() - entry.checked < self.ttl

    def store(self, key: str, entry: Entry, epoch: int) -> bool:
        """Keep `entry` unless caching is off or an invalidation came since `epoch`."""
        if not self.enabled or epoch != self.epoch:
            entry.wipe()
            return False
        entry.checked = self.clock()
        old = self._entries.pop(key, None)
        if old is not None and old is not entry:
            old.wipe()
        self._entries[key] = entry
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)[1].wipe()
        return True

    def confirm(self, key: str, epoch: int) -> None:
        """DescribeSecret says AWSCURRENT has not moved: trust the entry for another TTL."""
        entry = self._entries.get(key)
        if entry is not None and epoch == self.epoch:
            entry.checked = self.clock()

    def drop(self, ids: Iterable[str]) -> int:
        """Forget every entry a write to any of `ids` may have changed: matched by the id
        it was read with, its name, its ARN, or a partial ARN (without the random suffix)."""
        wanted = set(ids)
        self.epoch += 1
        gone = [key for key, e in self._entries.items() if _matches(key, e, wanted)]
        for key in gone:
            self._entries.pop(key).wipe()
        return len(gone)

    def clear(self) -> int:
        self.epoch += 1
        count = len(self._entries)
        for entry in self._entries.values():
            entry.wipe()
        self._entries.clear()
        return count


def _matches(key: str, entry: Entry, wanted: set[str]) -> bool:
    if key in wanted or entry.name in wanted or entry.arn in wanted:
        return True
    return any(w.startswith("arn:") and (entry.arn.startswith(w + "-") or key.startswith(w))
               for w in wanted)
