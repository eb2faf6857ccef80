"""Many safesm processes writing one secret at once: nothing lost, nothing crashes.

"At once" is made sure of rather than hoped for: a fault-proxy gate holds the requests
until every writer has sent its own, then lets them all through together, so a handful of
processes meets the same worst case that hundreds of loosely overlapping ones might.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faultproxy import Fault, FaultProxy

pytestmark = pytest.mark.e2e

WRITERS = 8
ROUNDS = 2


@pytest.fixture
def proxy(aws, monkeypatch):
    with FaultProxy(aws, lifetime=120) as p:
        monkeypatch.setenv("AWS_ENDPOINT_URL", p.url)
        yield p


def _safesm(safesm_bin: str, args: list[str], stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([safesm_bin, *args], input=stdin, capture_output=True,
                          env=dict(os.environ), timeout=120)


def _no_crash(result: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in result.stderr, result.stderr
    assert b"unexpected error" not in result.stderr, result.stderr


def test_concurrent_key_writers_lose_nothing(aws, sm, safesm_bin, proxy):
    """8 processes each set a different key of one JSON secret, all having read the same
    version: every one but the first must notice and redo its change."""
    sm.create_secret(Name="app/db", SecretString=json.dumps({"host": "db.internal"}))
    gate = proxy.add(Fault("gate", times=WRITERS, operation="GetSecretValue"))
    keys = [f"k{i}" for i in range(WRITERS)]
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(
            lambda k: _safesm(safesm_bin, ["put", "app/db", "--key", k], f"v-{k}".encode()),
            keys))
    for key, result in zip(keys, results, strict=True):
        _no_crash(result)
        assert result.returncode == 0, (key, result.stderr)
    assert gate.opened.is_set()  # all eight reads were in flight together
    doc = json.loads(sm.get_secret_value(SecretId="app/db")["SecretString"])
    assert doc == {"host": "db.internal", **{k: f"v-{k}" for k in keys}}
    stages = sm.describe_secret(SecretId="app/db")["VersionIdsToStages"]
    assert sum("AWSCURRENT" in s for s in stages.values()) == 1
    assert not any("safesm-pending" in s for s in stages.values())  # no leftover labels


def all_versions(sm, name: str) -> set[str]:
    """Every VersionId ListSecretVersionIds knows, deprecated ones included, all pages."""
    found: set[str] = set()
    kwargs = {"SecretId": name, "IncludeDeprecated": True, "MaxResults": 100}
    while True:
        page = sm.list_secret_version_ids(**kwargs)
        found |= {v["VersionId"] for v in page["Versions"]}
        if not page.get("NextToken"):
            return found
        kwargs["NextToken"] = page["NextToken"]


def _forced_put(safesm_bin: str, value: str) -> subprocess.CompletedProcess:
    return _safesm(safesm_bin, ["put", "shared", "--force", "--json"], value.encode())


def test_many_forced_puts_each_land_or_fail_clearly(aws, sm, safesm_bin, proxy):
    """Rounds of 8 processes whose `put --force` writes reach one secret together: each
    either lands (its version is in ListSecretVersionIds) or fails with a one-line message
    and exit code; never a traceback, never a lost version."""
    sm.create_secret(Name="shared", SecretString="initial")
    started = time.monotonic()
    results = []
    for round_ in range(ROUNDS):
        gate = proxy.add(Fault("gate", times=WRITERS, operation="PutSecretValue"))
        with ThreadPoolExecutor(WRITERS) as pool:
            results += pool.map(lambda w, r=round_: _forced_put(safesm_bin, f"value-{r}-{w}"),
                                range(WRITERS))
        assert gate.opened.is_set(), "the writes did not all meet at the gate"
    elapsed = time.monotonic() - started
    listed = all_versions(sm, "shared")
    landed = 0
    for result in results:
        _no_crash(result)
        if result.returncode == 0:
            version = json.loads(result.stdout)["version_id"]
            assert version in listed
            landed += 1
        else:
            assert result.returncode in (5, 6), result.stderr
            assert result.stderr.startswith(b"safesm: error: "), result.stderr
    assert landed == WRITERS * ROUNDS, f"{landed} landed"  # the emulator never refuses
    assert len(listed) == WRITERS * ROUNDS + 1
    print(f"{ROUNDS} rounds of {WRITERS} concurrent puts took {elapsed:.1f} s")
