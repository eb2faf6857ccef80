"""Many safesm processes writing one secret at once: nothing lost, nothing crashes."""

from __future__ import annotations

import json
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.e2e

WRITERS = 8
PUTS_EACH = 25


def _safesm(safesm_bin: str, args: list[str], stdin: bytes) -> subprocess.CompletedProcess:
    return subprocess.run([safesm_bin, *args], input=stdin, capture_output=True,
                          env=dict(os.environ), timeout=120)


def _no_crash(result: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in result.stderr, result.stderr
    assert b"unexpected error" not in result.stderr, result.stderr


def test_concurrent_key_writers_lose_nothing(aws, sm, safesm_bin):
    """8 processes each set a different key of one JSON secret at the same moment."""
    sm.create_secret(Name="app/db", SecretString=json.dumps({"host": "db.internal"}))
    keys = [f"k{i}" for i in range(WRITERS)]
    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(
            lambda k: _safesm(safesm_bin, ["put", "app/db", "--key", k], f"v-{k}".encode()),
            keys))
    for key, result in zip(keys, results, strict=True):
        _no_crash(result)
        assert result.returncode == 0, (key, result.stderr)
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


def _writer(safesm_bin: str, worker: int) -> list[tuple[int, subprocess.CompletedProcess]]:
    out = []
    for n in range(PUTS_EACH):
        result = _safesm(safesm_bin, ["put", "shared", "--force", "--json"],
                         f"value-{worker}-{n}".encode())
        out.append((n, result))
    return out


def test_many_forced_puts_each_land_or_fail_clearly(aws, sm, safesm_bin):
    """8 processes x 25 `put --force` to one secret: each either lands (its version is in
    ListSecretVersionIds) or fails with a one-line message and exit code; no traceback."""
    sm.create_secret(Name="shared", SecretString="initial")
    started = time.monotonic()
    with ThreadPoolExecutor(WRITERS) as pool:
        batches = list(pool.map(lambda w: _writer(safesm_bin, w), range(WRITERS)))
    elapsed = time.monotonic() - started
    listed = all_versions(sm, "shared")
    landed = 0
    for batch in batches:
        for _, result in batch:
            _no_crash(result)
            if result.returncode == 0:
                version = json.loads(result.stdout)["version_id"]
                assert version in listed
                landed += 1
            else:
                assert result.returncode in (5, 6), result.stderr
                assert result.stderr.startswith(b"safesm: error: "), result.stderr
    assert landed == WRITERS * PUTS_EACH, f"{landed} landed"  # the emulator never refuses
    assert len(listed) == WRITERS * PUTS_EACH + 1
    print(f"{WRITERS} x {PUTS_EACH} puts took {elapsed:.1f} s")
