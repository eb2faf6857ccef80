"""The agent's value cache: LRU bound, TTL, epochs, invalidation by name or ARN, wiping."""

from __future__ import annotations

import pytest

from safesm.agent.cache import MAX_ENTRIES, Entry, ValueCache

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db/prod-AbCdEf"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def entry(data: bytes = b"v", name: str = "db/prod", arn: str = ARN, version: str = "v1"):
    return Entry(bytearray(data), False, version, name, arn)


def test_fresh_within_ttl_then_due():
    clock = Clock()
    cache = ValueCache(300, clock)
    assert cache.store("db/prod", entry(), cache.epoch)
    assert cache.lookup("db/prod")[1] is True
    clock.now += 299
    assert cache.lookup("db/prod")[1] is True
    clock.now += 2
    found, fresh = cache.lookup("db/prod")
    assert found is not None and fresh is False  # kept, but due for a DescribeSecret check


def test_confirm_trusts_the_entry_for_another_ttl():
    clock = Clock()
    cache = ValueCache(10, clock)
    cache.store("a", entry(), cache.epoch)
    clock.now += 11
    cache.confirm("a", cache.epoch)
    assert cache.lookup("a")[1] is True


def test_ttl_zero_keeps_nothing():
    cache = ValueCache(0, Clock())
    e = entry(b"secret")
    assert not cache.store("a", e, cache.epoch)
    assert len(cache) == 0 and cache.lookup("a") == (None, False)
    assert e.data == bytearray(6)  # what was not kept is overwritten


@pytest.mark.parametrize("ttl", [-1, 3601])
def test_ttl_bounds(ttl):
    with pytest.raises(ValueError):
        ValueCache(ttl, Clock())


def test_least_recently_used_goes_first():
    cache = ValueCache(300, Clock(), max_entries=3)
    made = {k: entry(k.encode(), name=k, arn=f"arn-{k}") for k in "abcd"}
    for k in "abc":
        cache.store(k, made[k], cache.epoch)
    cache.lookup("a")  # a is now the most recently used; b the least
    cache.store("d", made["d"], cache.epoch)
    assert [k for k in "abcd" if cache.lookup(k)[0] is not None] == ["a", "c", "d"]
    assert made["b"].data == bytearray(1)  # the evicted value was overwritten


def test_default_bound_is_1000():
    cache = ValueCache(300, Clock())
    for i in range(MAX_ENTRIES + 5):
        cache.store(f"s/{i}", entry(name=f"s/{i}", arn=f"arn-{i}"), cache.epoch)
    assert len(cache) == MAX_ENTRIES == 1000
    assert cache.lookup("s/0")[0] is None and cache.lookup(f"s/{MAX_ENTRIES + 4}")[0]


def test_a_read_that_started_before_an_invalidation_is_not_kept():
    cache = ValueCache(300, Clock())
    epoch = cache.epoch  # a read starts
    cache.drop(["db/prod"])  # a write lands meanwhile
    assert not cache.store("db/prod", entry(b"old"), epoch)
    assert cache.lookup("db/prod")[0] is None


def test_a_confirm_after_an_invalidation_does_not_extend():
    clock = Clock()
    cache = ValueCache(10, clock)
    cache.store("a", entry(name="a", arn="arn-a"), cache.epoch)
    clock.now += 11
    epoch = cache.epoch
    cache.drop(["other"])
    cache.confirm("a", epoch)
    assert cache.lookup("a")[1] is False


@pytest.mark.parametrize("written", ["db/prod", ARN, ARN[:-7]],
                         ids=["by name", "by full ARN", "by partial ARN"])
@pytest.mark.parametrize("read_as", ["db/prod", ARN], ids=["read by name", "read by ARN"])
def test_drop_matches_name_and_arns(written, read_as):
    cache = ValueCache(300, Clock())
    e = entry(b"value")
    cache.store(read_as, e, cache.epoch)
    cache.store("other", entry(name="other", arn="arn-other"), cache.epoch)
    assert cache.drop([written]) == 1
    assert cache.lookup(read_as)[0] is None and cache.lookup("other")[0] is not None
    assert e.data == bytearray(5)


def test_a_name_is_not_a_prefix_match():
    cache = ValueCache(300, Clock())
    cache.store("db/prod2", entry(name="db/prod2", arn=ARN.replace("prod", "prod2")),
                cache.epoch)
    assert cache.drop(["db/prod"]) == 0


def test_clear_wipes_everything():
    cache = ValueCache(300, Clock())
    held = [entry(b"x" * 8, name=f"n{i}", arn=f"a{i}") for i in range(3)]
    for i, e in enumerate(held):
        cache.store(f"n{i}", e, cache.epoch)
    assert cache.clear() == 3 and len(cache) == 0
    assert all(e.data == bytearray(8) for e in held)
