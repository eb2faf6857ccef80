"""Replication: which Regions hold a replica, adding and removing them, promoting one.

Every Region named is checked against botocore's list before any call; the secret is
read first so that a replica (not a primary), the primary's own Region, a Region that
already has a replica (add) or has none (remove, promote) is refused with nothing changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..errors import ConflictError, NotFoundError, UsageError
from ..models import Replica, SecretInfo, SecretSummary
from ..regions import is_known

if TYPE_CHECKING:
    from ..aws.store import SecretStore

MANAGED_KEY = "alias/aws/secretsmanager"
SETTLED = {"InSync", "Failed", "Detached"}
Target = tuple[str, "str | None"]  # (Region, KMS key for the replica, or None)


def check_region(region: str, where: str) -> str:
    if not is_known(region):
        raise UsageError(f"{where} is not an AWS Region name (the text given is not shown).",
                         "Regions look like eu-west-1; TAB completes them.")
    return region


def parse_targets(items: Sequence[str]) -> list[Target]:
    """REGION[=KMS_KEY] arguments, checked before any call."""
    out: list[Target] = []
    for i, item in enumerate(items, 1):
        region, sep, key = item.partition("=")
        check_region(region, f"REGION #{i}")
        if sep and not key:
            raise UsageError(f"REGION #{i} has '=' but no KMS key after it.",
                             "Write REGION=KEY (a key id, ARN or alias in that Region).")
        if region in {r for r, _ in out}:
            raise UsageError(f"REGION #{i} is named twice.")
        out.append((region, key or None))
    return out


def _primary(store: SecretStore, name: str) -> SecretInfo:
    info = store.describe(name)
    if info.is_replica:
        raise UsageError(f"{name} in this Region is a replica; its replication is managed from "
                         f"its primary Region, {info.primary_region}; nothing was changed.",
                         f"Run it there: `safesm --region {info.primary_region} replication ...`.")
    return info


def plan_add(store: SecretStore, name: str, targets: list[Target]) -> SecretInfo:
    info = _primary(store, name)
    have = {r.region for r in info.replicas}
    for i, (region, _) in enumerate(targets, 1):
        if region == info.region:
            raise UsageError(f"REGION #{i} is the secret's own (primary) Region; nothing was "
                             "changed.")
        if region in have:
            raise UsageError(f"REGION #{i} already holds a replica of {name}; nothing was "
                             "changed.", "`safesm replication show NAME` lists them.")
    return info


def key_fallbacks(info: SecretInfo, targets: list[Target]) -> list[str]:
    """Replica Regions that fall back to their own aws/secretsmanager key although the
    primary uses a customer managed key."""
    key = info.kms_key_id
    if not key or key.endswith(MANAGED_KEY):
        return []
    return [region for region, replica_key in targets if not replica_key]


def add(store: SecretStore, name: str, targets: list[Target],
        overwrite: bool) -> tuple[Replica, ...]:
    return store.replicate(name, targets, overwrite)


def failures(replicas: Sequence[Replica], regions: Sequence[str]) -> ConflictError | None:
    failed = [r for r in replicas if r.region in regions and r.status == "Failed"]
    if not failed:
        return None
    detail = "; ".join(f"{r.region}: {r.message or 'failed'}" for r in failed)
    return ConflictError(f"replication failed in {len(failed)} Region(s) ({detail}).",
                         "If a secret of that name already exists there, pass "
                         "--overwrite-replica to replace it (or remove it first).")


def wait(store: SecretStore, name: str, regions: Sequence[str], timeout: float,
         sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> tuple[Replica, ...]:
    """Poll until every Region in `regions` is InSync or Failed, or `timeout` passes."""
    start, pause = clock(), 0.25
    while True:
        replicas = store.describe(name).replicas
        mine = [r for r in replicas if r.region in regions]
        if all(r.status in SETTLED for r in mine) or clock() - start >= timeout:
            return replicas
        sleep(min(pause, max(timeout - (clock() - start), 0)))
        pause = min(pause * 2, 5.0)


def plan_remove(store: SecretStore, name: str, regions: Sequence[str]) -> SecretInfo:
    info = _primary(store, name)
    have = {r.region for r in info.replicas}
    for i, region in enumerate(regions, 1):
        if region not in have:
            raise NotFoundError(f"REGION #{i} holds no replica of {name}; nothing was changed.",
                                "`safesm replication show NAME` lists them.")
    return info


def plan_promote(store: SecretStore, name: str, region: str) -> SecretInfo:
    """The replica in `region` must exist (seen from the primary, or be this Region's)."""
    info = store.describe(name)
    here = info.region
    if info.is_replica and here == region:
        return info
    if info.is_replica or region not in {r.region for r in info.replicas}:
        raise NotFoundError(f"the Region given to --region holds no replica of {name}; "
                            "nothing was changed.", "`safesm replication show NAME` lists them.")
    return info


def describe_all(store: SecretStore, secrets: Sequence[SecretSummary]) -> list[SecretInfo]:
    """DescribeSecret for each (ListSecrets has no replica status), a few at a time."""
    from concurrent.futures import ThreadPoolExecutor

    store.client  # noqa: B018 (made once here, before the threads share it)
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda s: store.describe(s.arn or s.name), secrets))
