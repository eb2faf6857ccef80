"""Commands keep the name cache current; completion answers from it."""

from __future__ import annotations

import os
from pathlib import Path

from safesm import config, namecache


def cached() -> list[str]:
    return namecache.read_names(namecache.cache_file(config.load({})))


def test_put_delete_restore_list_update_the_cache(run, sm):
    assert run("put", "db/a", input=b"v").exit_code == 0
    assert cached() == ["db/a"]
    sm.create_secret(Name="db/b", SecretString="v")  # made elsewhere
    assert cached() == ["db/a"]
    assert run("list").exit_code == 0
    assert cached() == ["db/a", "db/b"]
    assert run("delete", "db/a", "--yes").exit_code == 0
    assert cached() == ["db/b"]
    assert run("restore", "db/a").exit_code == 0
    assert cached() == ["db/a", "db/b"]


def test_list_with_prefix_keeps_other_names(run, sm):
    sm.create_secret(Name="db/a", SecretString="v")
    sm.create_secret(Name="web/a", SecretString="v")
    run("list")
    sm.delete_secret(SecretId="db/a", ForceDeleteWithoutRecovery=True)
    run("list", "--prefix", "db/")
    assert cached() == ["web/a"]


def test_cache_never_holds_values(run, sm, canary):
    run("put", "x", input=canary.encode())
    run("list")
    root = Path(namecache.cache_dir())
    for path in root.rglob("*"):
        if path.is_file():
            assert canary not in path.read_text()


def test_home_is_where_the_cache_is(run):
    assert str(namecache.cache_dir()).startswith(os.environ["HOME"])
