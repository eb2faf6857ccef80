"""A local cache of secret names (never values) so TAB completion never waits on AWS.

One file per profile, region and endpoint under ~/.cache/safesm/names/, one name per
line; a name with a newline or any other unprintable character (which AWS never allows
in a name) is not cached, so completion never offers it. Both directories must be the
user's own and 0700 (private_files.py: anything else is refused, and completion then
offers no names); files are replaced from a random O_EXCL temporary file and never
reached through a symbolic link. Reading it imports nothing beyond os (no json, pathlib
or hashlib: this runs on every TAB); refreshing it happens in a detached process
(`python -m safesm.namecache`) so the shell never blocks.
"""

from __future__ import annotations

import binascii
import os
import sys
import time
from collections.abc import Iterable, Mapping

from . import private_files
from .config import Settings, xdg_dir

MAX_AGE = 300  # seconds before completion asks for a refresh
REFRESH_TIMEOUT = 5  # seconds the background ListSecrets may take, in all
REFRESH_BACKOFF = 30  # seconds between refresh attempts for one cache file
DELETED = ".deleted"  # suffix of the file of names scheduled for deletion
DEPTH = 2  # safesm/names: the directories of a cache file that are safesm's own


def cache_dir(env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return os.path.join(xdg_dir(env, "XDG_CACHE_HOME", ".cache"), "safesm", "names")


def cache_key(settings: Settings) -> str:
    endpoint = binascii.crc32((settings.endpoint_url or "").encode())
    return f"{settings.profile or 'default'}-{settings.region or 'default'}-{endpoint:08x}"


def cache_file(settings: Settings, env: Mapping[str, str] | None = None) -> str:
    return os.path.join(cache_dir(env), cache_key(settings))


def deleted_file(settings: Settings, env: Mapping[str, str] | None = None) -> str:
    """Beside the cache of live names: the names scheduled for deletion (`restore <TAB>`)."""
    return cache_file(settings, env) + DELETED


def read_names(path: str | os.PathLike[str]) -> list[str]:
    """The cached names; none when the file or a private directory is missing or unsafe."""
    path = os.fspath(path)
    try:
        fd = private_files.open_dir(os.path.dirname(path), DEPTH, create=False)
        try:
            text = private_files.read(fd, os.path.basename(path)).decode("utf-8")
        finally:
            os.close(fd)
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.split("\n") if line]


def is_stale(path: str | os.PathLike[str], now: float | None = None) -> bool:
    try:
        return (now or time.time()) - os.lstat(path).st_mtime > MAX_AGE
    except OSError:
        return True


def write_names(path: str | os.PathLike[str], names: Iterable[str]) -> None:
    """Atomic replace (private_files.replace); the directories are made 0700 if missing and
    refused (UnsafeDirectory, an OSError) if they are not the user's own and 0700."""
    path = os.fspath(path)
    data = "".join(f"{n}\n" for n in sorted(set(names)) if n and n.isprintable())
    fd = private_files.open_dir(os.path.dirname(path), DEPTH)
    try:
        private_files.replace(fd, os.path.basename(path), data.encode("utf-8"))
    finally:
        os.close(fd)


def update(settings: Settings, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
    """Best effort: a cache problem must never fail the command that changed a secret."""
    try:
        path = cache_file(settings)
        names = set(read_names(path)) | set(add)
        names -= set(remove)
        write_names(path, names)
    except OSError:
        pass


def _edit(path: str, add: Iterable[str], remove: Iterable[str]) -> None:
    names = set(read_names(path)) | set(add)
    write_names(path, names - set(remove))


def mark_deleted(settings: Settings, names: Iterable[str]) -> None:
    """`delete`: the names leave the live list and join the scheduled-for-deletion one."""
    names = list(names)
    try:
        _edit(cache_file(settings), (), names)
        _edit(deleted_file(settings), names, ())
    except OSError:
        pass


def mark_restored(settings: Settings, names: Iterable[str]) -> None:
    """`restore`: back from the scheduled-for-deletion list to the live one."""
    names = list(names)
    try:
        _edit(deleted_file(settings), (), names)
        _edit(cache_file(settings), names, ())
    except OSError:
        pass


def _replace(path: str, names: Iterable[str], prefix: str | None) -> None:
    kept = [n for n in read_names(path) if prefix and not n.startswith(prefix)]
    write_names(path, [*kept, *names])


def replace_all(settings: Settings, names: Iterable[str], prefix: str | None = None,
                deleted: Iterable[str] | None = None) -> None:
    """After a full listing: the listing is the truth (for the prefix it covered); with
    `deleted` (a listing that included them), for the scheduled-for-deletion names too."""
    try:
        _replace(cache_file(settings), names, prefix)
        if deleted is not None:
            _replace(deleted_file(settings), deleted, prefix)
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


def _claim_refresh(path: str) -> bool:
    """Touch the file's refresh marker unless it was touched within REFRESH_BACKOFF."""
    fd = private_files.open_dir(os.path.dirname(path), DEPTH)
    try:
        marker = f".{os.path.basename(path)}.refresh"
        last = private_files.mtime(fd, marker)
        if last is not None and time.time() - last < REFRESH_BACKOFF:
            return False
        private_files.touch(fd, marker)
        return True
    finally:
        os.close(fd)


def request_refresh(settings: Settings) -> None:
    """Start a detached refresher unless one was started recently; never raise."""
    try:
        path = cache_file(settings)
        if not _claim_refresh(path):
            return
        import subprocess

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
        found = store.list_secrets(include_deleted=True)
    except Exception:  # a refresher has nobody to tell; the old cache stays
        return 1
    replace_all(settings, [s.name for s in found if not s.deleted_date],
                deleted=[s.name for s in found if s.deleted_date])
    return 0


if __name__ == "__main__":
    sys.exit(_refresh(sys.argv[1:]))
