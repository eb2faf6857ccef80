"""A local cache of secret names (never values) so TAB completion never waits on AWS.

One file per profile, region and endpoint under ~/.cache/safesm/names/, 0600 inside
0700 directories. Reading it imports nothing heavy; refreshing it happens in a
detached process (`python -m safesm.namecache`) so the shell never blocks.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .config import Settings

MAX_AGE = 300  # seconds before completion asks for a refresh
REFRESH_TIMEOUT = 5  # seconds the background ListSecrets may take, in all
REFRESH_BACKOFF = 30  # seconds between refresh attempts for one cache file


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".cache")
    return Path(base) / "safesm" / "names"


def cache_key(settings: Settings) -> str:
    endpoint = hashlib.sha256((settings.endpoint_url or "").encode()).hexdigest()[:12]
    return f"{settings.profile or 'default'}-{settings.region or 'default'}-{endpoint}"


def cache_file(settings: Settings, env: Mapping[str, str] | None = None) -> Path:
    return cache_dir(env) / cache_key(settings)


def read_names(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text("utf-8"))
        return [n for n in data.get("names", []) if isinstance(n, str)]
    except (OSError, ValueError, AttributeError):
        return []


def is_stale(path: Path, now: float | None = None) -> bool:
    try:
        return (now or time.time()) - path.stat().st_mtime > MAX_AGE
    except OSError:
        return True


def write_names(path: Path, names: Iterable[str]) -> None:
    """Atomic replace; the directory chain is made 0700 and the file 0600."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    for parent in (path.parent, path.parent.parent):
        os.chmod(parent, 0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"names": sorted(set(names))}, fh)
    os.replace(tmp, path)


def update(settings: Settings, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    """Best effort: a cache problem must never fail the command that changed a secret."""
    try:
        path = cache_file(settings)
        names = set(read_names(path)) | set(add)
        names -= set(remove)
        write_names(path, names)
    except OSError:
        pass


def replace_all(settings: Settings, names: Iterable[str], prefix: str | None = None) -> None:
    """After a full listing: the listing is the truth (for the prefix it covered)."""
    try:
        path = cache_file(settings)
        kept = [n for n in read_names(path) if prefix and not n.startswith(prefix)]
        write_names(path, [*kept, *names])
    except OSError:
        pass


def complete(names: Iterable[str], incomplete: str) -> list[str]:
    """Segment by segment like paths: 'db/' offers 'db/prod', '' offers 'db/'."""
    out: dict[str, None] = {}
    for name in sorted(names):
        if not name.startswith(incomplete):
            continue
        cut = name.find("/", len(incomplete))
        out[name if cut == -1 else name[: cut + 1]] = None
    return list(out)


def request_refresh(settings: Settings) -> None:
    """Start a detached refresher unless one was started recently; never raise."""
    try:
        path = cache_file(settings)
        marker = path.with_name(f".{path.name}.refresh")
        try:
            if time.time() - marker.stat().st_mtime < REFRESH_BACKOFF:
                return
        except OSError:
            pass
        import subprocess

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        marker.touch(mode=0o600)
        args = [sys.executable, "-m", "safesm.namecache"]
        for flag, value in (("--profile", settings.profile), ("--region", settings.region),
                            ("--endpoint-url", settings.endpoint_url)):
            if value:
                args += [flag, value]
        subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
    except OSError:
        pass


def _refresh(argv: list[str]) -> int:
    """The detached refresher: one short ListSecrets sweep, then write the cache."""
    from . import aws, config

    flags = dict(zip(argv[::2], argv[1::2], strict=False))
    settings = config.load({"profile": flags.get("--profile"), "region": flags.get("--region"),
                            "endpoint_url": flags.get("--endpoint-url")})
    store = aws.SecretStore(settings, connect_timeout=2, read_timeout=3, max_attempts=1)
    try:
        names = [s.name for s in store.list()]
    except Exception:  # a refresher has nobody to tell; the old cache stays
        return 1
    replace_all(settings, names)
    return 0


if __name__ == "__main__":
    sys.exit(_refresh(sys.argv[1:]))
