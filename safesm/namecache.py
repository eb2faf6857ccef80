"""A local cache of secret names (never values) so TAB completion never waits on AWS.

One file per profile, region and endpoint under ~/.cache/safesm/names/, 0600 inside
0700 directories, one name per line (a name cannot hold a newline). Reading it imports
nothing beyond os (no json, pathlib or hashlib: this runs on every TAB); refreshing it
happens in a detached process (`python -m safesm.namecache`) so the shell never blocks.
"""

from __future__ import annotations

import binascii
import os
import sys
import time

from .target import xdg_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # not imported at run time: the lean TAB path reads this module
    from collections.abc import Iterable, Mapping

    from .config import Settings
    from .target import Target

MAX_AGE = 300  # seconds before completion asks for a refresh
REFRESH_TIMEOUT = 5  # seconds the background ListSecrets may take, in all
REFRESH_BACKOFF = 30  # seconds between refresh attempts for one cache file


def cache_dir(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return os.path.join(xdg_dir(env, "XDG_CACHE_HOME", ".cache"), "safesm", "names")


def cache_key(settings: Settings | Target) -> str:
    endpoint = binascii.crc32((settings.endpoint_url or "").encode())
    return f"{settings.profile or 'default'}-{settings.region or 'default'}-{endpoint:08x}"


def cache_file(settings: Settings | Target, env: Mapping[str, str] | None = None) -> str:
    return os.path.join(cache_dir(env), cache_key(settings))


def read_names(path: str | os.PathLike[str]) -> list[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            return [line for line in fh.read().split("\n") if line]
    except (OSError, UnicodeDecodeError):
        return []


def is_stale(path: str | os.PathLike[str], now: float | None = None) -> bool:
    try:
        return (now or time.time()) - os.stat(path).st_mtime > MAX_AGE
    except OSError:
        return True


def write_names(path: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Atomic replace; the directory chain is made 0700 and the file 0600."""
    path = os.fspath(path)
    folder = os.path.dirname(path)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    for parent in (folder, os.path.dirname(folder)):
        os.chmod(parent, 0o700)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(f"{n}\n" for n in sorted(set(names)) if n and "\n" not in n))
        os.replace(tmp, path)
    except BaseException:  # an error or a signal: leave no partial copy behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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


def names_for(settings: Settings | Target, ask_agent: bool) -> list[str]:
    """Names for TAB: from a running agent of this context, else this cache (a refresh is
    started in the background when it is stale). The lean TAB path and click's share it."""
    if ask_agent:
        from .agent import client

        served = client.names({"profile": settings.profile, "region": settings.region,
                               "endpoint_url": settings.endpoint_url})
        if served is not None:
            return served
    path = cache_file(settings)
    if is_stale(path):
        request_refresh(settings)
    return read_names(path)


def request_refresh(settings: Settings | Target) -> None:
    """Start a detached refresher unless one was started recently; never raise."""
    try:
        path = cache_file(settings)
        marker = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.refresh")
        try:
            if time.time() - os.stat(marker).st_mtime < REFRESH_BACKOFF:
                return
        except OSError:
            pass
        import subprocess

        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        os.close(os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600))
        os.utime(marker)
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
    from . import config
    from .aws.store import SecretStore

    flags = dict(zip(argv[::2], argv[1::2], strict=False))
    settings = config.load({"profile": flags.get("--profile"), "region": flags.get("--region"),
                            "endpoint_url": flags.get("--endpoint-url")})
    store = SecretStore(settings, connect_timeout=2, read_timeout=3, max_attempts=1)
    try:
        names = [s.name for s in store.list_secrets()]
    except Exception:  # a refresher has nobody to tell; the old cache stays
        return 1
    replace_all(settings, names)
    return 0


if __name__ == "__main__":
    sys.exit(_refresh(sys.argv[1:]))
