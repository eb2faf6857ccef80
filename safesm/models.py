"""Pure models: what the AWS layer returns and the operations pass around.

Plain frozen dataclasses with no I/O and no botocore types. None of them can hold a
secret value except ``VersionedValue``, whose value is a masked ``SecretValue``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .values import SecretValue, Tag

PENDING_STAGE = "safesm-pending"  # a put --key version until it is made AWSCURRENT


@dataclass(frozen=True)
class SecretSummary:
    name: str
    arn: str = ""
    description: str = ""
    last_changed: datetime | None = None
    last_accessed: datetime | None = None
    rotation_enabled: bool = False
    deleted_date: datetime | None = None
    kms_key_id: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    # rotation (ListSecrets and DescribeSecret both carry these)
    rotation_lambda: str | None = None
    rotation_days: int | None = None  # AutomaticallyAfterDays
    rotation_schedule: str | None = None  # ScheduleExpression: rate(...) or cron(...)
    rotation_window: str | None = None  # Duration, e.g. "2h"
    next_rotation: datetime | None = None
    last_rotated: datetime | None = None
    owning_service: str | None = None  # managed rotation (e.g. "rds"): change it there
    pending_version: str | None = None  # AWSPENDING on a version that is not AWSCURRENT
    primary_region: str | None = None  # set on replicas (and on primaries that have them)

    @property
    def region(self) -> str | None:
        """The Region in the secret's ARN: where this copy of it lives."""
        parts = self.arn.split(":")
        return parts[3] if len(parts) > 3 and parts[3] else None

    @property
    def is_replica(self) -> bool:
        return bool(self.primary_region and self.region not in (None, self.primary_region))


@dataclass(frozen=True)
class SecretVersion:
    version_id: str
    stages: tuple[str, ...]
    created: datetime | None = None


def unfinished_rotation(stages: dict[str, tuple[str, ...]] | dict[str, list[str]]) -> str | None:
    """The version labelled AWSPENDING but not AWSCURRENT: a rotation that is running or
    stuck (AWS refuses to start another one until it finishes or the label is removed)."""
    return next((v for v, s in stages.items() if "AWSPENDING" in s and "AWSCURRENT" not in s),
                None)


@dataclass(frozen=True)
class Replica:
    """One Region of a secret's replication, as DescribeSecret reports it."""

    region: str
    status: str = ""  # InSync, InProgress, Failed (Pending, Detached)
    message: str = ""
    kms_key_id: str | None = None
    last_accessed: datetime | None = None

    @classmethod
    def from_status(cls, d: dict[str, Any]) -> Replica:
        return cls(str(d.get("Region", "")), str(d.get("Status", "")),
                   str(d.get("StatusMessage", "")), d.get("KmsKeyId"), d.get("LastAccessedDate"))


@dataclass(frozen=True)
class SecretInfo(SecretSummary):
    created: datetime | None = None
    replication: tuple[dict[str, Any], ...] = ()  # DescribeSecret's ReplicationStatus, as given
    versions: tuple[SecretVersion, ...] = ()

    @property
    def replicas(self) -> tuple[Replica, ...]:
        return tuple(Replica.from_status(r) for r in self.replication)

    def version_holding(self, stage: str) -> str | None:
        """The version id that carries `stage` (e.g. AWSCURRENT), if any."""
        return next((v.version_id for v in self.versions if stage in v.stages), None)


@dataclass(frozen=True)
class WriteResult:
    name: str
    arn: str
    version_id: str
    created: bool
    retries: int = 0  # attempts resent after network errors (same ClientRequestToken)


@dataclass(frozen=True)
class VersionedValue:
    """A value and the VersionId it was read from (for compare-and-swap writes)."""

    value: SecretValue
    version_id: str


@dataclass(frozen=True)
class Metadata:
    """What a write may change besides the value."""

    description: str | None = None
    kms_key: str | None = None
    tags: tuple[Tag, ...] = ()

    def __bool__(self) -> bool:
        return self.description is not None or bool(self.kms_key) or bool(self.tags)



NO_METADATA = Metadata()


@dataclass(frozen=True)
class KeyFacts:
    """A KMS key as the audit sees it: its ARN, KeyManager (AWS or CUSTOMER), and the key
    policy text of a customer managed key."""

    arn: str
    manager: str
    policy: str | None = None


@dataclass(frozen=True)
class ScanFinding:
    """A hardcoded secret found by `safesm scan`: where and what kind, never the value; the
    fingerprint is a keyed HMAC of it (the key is per repository)."""

    path: str
    line: int
    kind: str
    fingerprint: str
