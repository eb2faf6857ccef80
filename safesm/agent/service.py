"""What the agent does with one request: check the caller's context, answer from the
cache or from Secrets Manager through one warm client, and keep the name list for TAB.

Serving stale values on errors is off: when AWS answers an error, the client is told
so and reads directly (where it gets the same error, reported as without an agent).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import __version__, config, namecache
from ..errors import AuthError, SafesmError
from ..models import VersionedValue
from ..values import SecretValue, check_secret_id, extract_field
from . import protocol
from .cache import Entry, ValueCache
from .client import fingerprint

if TYPE_CHECKING:
    from ..aws.store import SecretStore
    from .protocol import Message, Pairs

CURRENT = "AWSCURRENT"
NAMES_WAIT = 0.5  # seconds a first TAB waits for the agent's first listing
Audit = Callable[[str], None]


def refused(why: str) -> Pairs:
    return [("ok", b"0"), ("why", why.encode())]


class Service:
    """The agent's state and its answers; the server calls `handle` from many threads."""

    def __init__(self, settings: config.Settings, store: SecretStore, ttl: float,
                 audit: Audit | None = None, clock: Callable[[], float] = time.monotonic,
                 env: dict[str, str] | None = None) -> None:
        import os

        self.settings = settings
        self.store = store
        self.cache = ValueCache(ttl, clock)
        self.clock = clock
        self.audit = audit
        self.fingerprint = fingerprint(os.environ if env is None else env)
        self.started = clock()
        self.stats = {"hits": 0, "misses": 0, "revalidated": 0}
        self.info: dict[str, str] = {}  # added by the daemon: memory lock, log, idle exit
        self.lock = threading.Lock()
        self.names = NameList(store, settings)

    # dispatch --------------------------------------------------------------

    def handle(self, msg: Message, pid: int, uid: int) -> Pairs:
        op = protocol.text(msg, "op")
        if op in ("get", "names"):
            why = self.refusal(msg)
            if why:
                self._audit(pid, uid, op, "-", f"refused ({why})")
                return refused(why)
            return self.get(msg, pid, uid) if op == "get" else self.name_list()
        if op == "invalidate":
            ids = [i.decode("utf-8", "replace") for i in msg.get("id", [])]
            with self.lock:
                dropped = self.cache.drop(ids)
            self.names.refresh_soon()
            return [("ok", b"1"), ("dropped", str(dropped).encode())]
        if op == "clear":
            with self.lock:
                dropped = self.cache.clear()
            self._audit(pid, uid, op, "-", f"dropped {dropped}")
            return [("ok", b"1"), ("dropped", str(dropped).encode())]
        if op in ("ping", "status", "stop"):
            return [("ok", b"1"), *self.status()]
        return refused("unknown request")

    def refusal(self, msg: Message) -> str:
        """Why a caller's context is not this agent's ('' when it is)."""
        if protocol.text(msg, "version") != __version__:
            return "another version"
        if protocol.text(msg, "fp") != self.fingerprint:
            return "another credential environment"
        flags = {k[5:]: protocol.text(msg, k) for k in msg if k.startswith("flag.")}
        env = {k[4:]: protocol.text(msg, k) for k in msg if k.startswith("env.")}
        try:
            path = config.config_path(env)
            theirs = config.resolve(flags, env, config.read_config_file(path), path)
        except SafesmError:
            return "settings the CLI would refuse"
        if theirs.warnings:  # the CLI says something about them first
            return "settings the CLI warns about"
        if theirs.agent == "off":
            return "agent = off"
        mine = self.settings
        if (theirs.profile, theirs.region, theirs.endpoint_url) != (
                mine.profile, mine.region, mine.endpoint_url):
            return "another profile, Region or endpoint"
        return ""

    # reads -----------------------------------------------------------------

    def get(self, msg: Message, pid: int, uid: int) -> Pairs:
        ids = [i.decode("utf-8", "surrogateescape") for i in msg.get("id", [])]
        field = protocol.text(msg, "field") if "field" in msg else None
        fresh = protocol.one(msg, "fresh") == b"1"
        try:
            for i in ids:
                check_secret_id(i)
            values = self.values(ids, fresh, lambda i, how: self._audit(pid, uid, "get", i, how))
            if field is not None:
                values = [extract_field(v, field) for v in values]
        except SafesmError as err:
            self._audit(pid, uid, "get", ",".join(ids), f"error ({type(err).__name__})")
            return [*refused("error"), ("error", type(err).__name__.encode())]
        out: Pairs = [("ok", b"1")]
        for value in values:
            out += [("value", value.reveal()), ("binary", b"1" if value.binary else b"0")]
        return out

    def values(self, ids: list[str], fresh: bool,
               note: Callable[[str, str], None]) -> list[SecretValue]:
        if len(ids) == 1:
            return [self.one(ids[0], fresh, note)]
        return self.many(ids, fresh, note)

    def _count(self, what: str) -> None:
        with self.lock:
            self.stats[what] += 1

    def one(self, secret_id: str, fresh: bool, note: Callable[[str, str], None]) -> SecretValue:
        """A cached value within its TTL; after it, the cached value if DescribeSecret says
        AWSCURRENT has not moved; otherwise (or with --fresh) a new read."""
        with self.lock:
            entry, within = self.cache.lookup(secret_id)
            epoch = self.cache.epoch
            copy = _value_of(entry) if entry is not None and not fresh else None
            version = entry.version_id if entry is not None else ""
        if copy is not None and within:
            self._count("hits")
            note(secret_id, "hit")
            return copy
        if copy is not None and self.current_version(secret_id) == version:
            with self.lock:
                still = self.cache.epoch == epoch
                self.cache.confirm(secret_id, epoch)
            if still:
                self._count("revalidated")
                note(secret_id, "revalidated")
                return copy
        self._count("misses")
        note(secret_id, "fresh" if fresh else "miss")
        read = self.store.get_versioned(secret_id)
        self._keep(secret_id, read, epoch)
        return read.value

    def current_version(self, secret_id: str) -> str | None:
        """The version holding AWSCURRENT; None (so: read again) when DescribeSecret is not
        allowed or the secret is scheduled for deletion."""
        try:
            info = self.store.describe(secret_id)
        except AuthError:
            return None
        return None if info.deleted_date else info.version_holding(CURRENT)

    def many(self, ids: list[str], fresh: bool,
             note: Callable[[str, str], None]) -> list[SecretValue]:
        """Fresh entries from the cache; everything else in one batch read (cheaper than a
        DescribeSecret per stale entry)."""
        found: dict[str, SecretValue] = {}
        with self.lock:
            epoch = self.cache.epoch
            for i in ids:
                entry, within = self.cache.lookup(i)
                if entry is not None and within and not fresh:
                    found[i] = _value_of(entry)
        missing = list(dict.fromkeys(i for i in ids if i not in found))
        for i in ids:
            self._count("hits" if i in found else "misses")
            note(i, "hit" if i in found else ("fresh" if fresh else "miss"))
        if missing:
            for secret_id, read in zip(missing, self.store.get_versioned_many(missing),
                                       strict=True):
                self._keep(secret_id, read, epoch)
                found[secret_id] = read.value
        return [found[i] for i in ids]

    def _keep(self, secret_id: str, read: VersionedValue, epoch: int) -> None:
        entry = Entry(bytearray(read.value.reveal()), read.value.binary, read.version_id,
                      read.name, read.arn)
        with self.lock:
            self.cache.store(secret_id, entry, epoch)

    def name_list(self) -> Pairs:
        names = self.names.get()
        if names is None:
            return refused("the name list is not ready")
        return [("ok", b"1"), *[("name", n.encode()) for n in names]]

    # status ----------------------------------------------------------------

    def status(self) -> Pairs:
        import os

        with self.lock:
            facts = {"pid": os.getpid(), "version": __version__,
                     "uptime": int(self.clock() - self.started), "ttl": int(self.cache.ttl),
                     "entries": len(self.cache), "max_entries": self.cache.max_entries,
                     **self.stats, "profile": self.settings.profile or "",
                     "region": self.settings.region or "",
                     "endpoint": self.settings.endpoint_url or "",
                     "fingerprint": self.fingerprint[:12], "names": self.names.count(),
                     **self.info}
        return [(k, str(v).encode()) for k, v in facts.items()]

    def _audit(self, pid: int, uid: int, op: str, secret_id: str, how: str) -> None:
        if self.audit is not None:
            when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self.audit(f"{when} pid={pid} uid={uid} {op} {secret_id} {how}")

    def wipe(self) -> None:
        with self.lock:
            self.cache.clear()


def _value_of(entry: Entry) -> SecretValue:
    return SecretValue(bytes(entry.data), entry.binary)


class NameList:
    """Secret names for TAB (never values): listed in the background, at start, when older
    than the name cache's MAX_AGE, and after every invalidation; written through to the
    name cache file that completion reads when no agent runs."""

    def __init__(self, store: SecretStore, settings: config.Settings) -> None:
        self.store = store
        self.settings = settings
        self._names: list[str] | None = None
        self._listed = 0.0
        self._running: threading.Thread | None = None
        self._again = False
        self._lock = threading.Lock()

    def count(self) -> int:
        return len(self._names or ())

    def get(self) -> list[str] | None:
        if self._names is None or time.monotonic() - self._listed > namecache.MAX_AGE:
            self.refresh_soon()
        thread = self._running
        if self._names is None and thread is not None:
            thread.join(NAMES_WAIT)
        return self._names

    def wait(self, timeout: float) -> None:
        """Until the listing under way (if any) is done."""
        thread = self._running
        if thread is not None:
            thread.join(timeout)

    def refresh_soon(self) -> None:
        """List again; if a listing is under way, once more after it (it may have started
        before the write that asked for this)."""
        with self._lock:
            if self._running is not None:
                self._again = True
                return
            self._running = threading.Thread(target=self._refresh, daemon=True)
            self._running.start()

    def _refresh(self) -> None:
        while True:
            with self._lock:
                self._again = False
            try:
                names = [s.name for s in self.store.list_secrets()]
                self._names, self._listed = names, time.monotonic()
                namecache.replace_all(self.settings, names)
            except SafesmError:  # not allowed to list, or unreachable: TAB reads the file
                pass
            with self._lock:
                if not self._again:
                    self._running = None
                    return
