"""The name cache and segment-by-segment completion (pure parts and file modes)."""

from __future__ import annotations

import os
import stat
import time

from safesm import namecache
from safesm.config import Settings


def test_segment_completion():
    names = ["db/prod", "db/dev", "db/eu/one", "web/x", "zzz"]
    assert namecache.complete(names, "") == ["db/", "web/", "zzz"]
    assert namecache.complete(names, "db/") == ["db/dev", "db/eu/", "db/prod"]
    assert namecache.complete(names, "db/e") == ["db/eu/"]
    assert namecache.complete(names, "db/eu/") == ["db/eu/one"]
    assert namecache.complete(names, "nope") == []


def test_key_depends_on_profile_region_endpoint():
    a = namecache.cache_key(Settings(profile="p", region="r", endpoint_url="http://x"))
    b = namecache.cache_key(Settings(profile="p", region="r", endpoint_url="http://y"))
    assert a != b and a.startswith("p-r-")
    assert namecache.cache_key(Settings()).startswith("default-default-")


def test_files_are_private(tmp_path):
    path = tmp_path / "cache" / "safesm" / "names" / "k"
    namecache.write_names(path, ["b", "a", "a"])
    assert namecache.read_names(path) == ["a", "b"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


def test_staleness(tmp_path):
    path = tmp_path / "k"
    assert namecache.is_stale(path)
    namecache.write_names(path, [])
    assert not namecache.is_stale(path)
    old = time.time() - namecache.MAX_AGE - 1
    os.utime(path, (old, old))
    assert namecache.is_stale(path)


def test_corrupt_cache_reads_as_empty(tmp_path):
    path = tmp_path / "k"
    path.write_bytes(b"\xff\xfe not text")
    assert namecache.read_names(path) == []


def test_one_name_per_line_and_nothing_else(tmp_path):
    path = tmp_path / "k"
    namecache.write_names(path, ["a/b", "bad\nname", ""])
    assert path.read_text() == "a/b\n"


def test_names_with_control_characters_are_never_cached(tmp_path):
    path = tmp_path / "k"
    namecache.write_names(path, ["ok/one", "evil\x1b]0;t\x07", "cr\rname", "rtl\u202eeman",
                                 "tab\tname", "zero\u200bwidth", "ünïcode/名前"])
    assert namecache.read_names(path) == ["ok/one", "ünïcode/名前"]
