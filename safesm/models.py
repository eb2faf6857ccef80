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


@dataclass(frozen=True)
class SecretVersion:
    version_id: str
    stages: tuple[str, ...]
    created: datetime | None = None


@dataclass(frozen=True)
class SecretInfo(SecretSummary):
    created: datetime | None = None
    rotation_lambda: str | None = None
    rotation_days: int | None = None
    next_rotation: datetime | None = None
    replication: tuple[dict[str, Any], ...] = ()
    primary_region: str | None = None
    versions: tuple[SecretVersion, ...] = ()

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
    name: str = ""  # the secret's name and ARN as the service reported them (the agent
    arn: str = ""  # drops a cached value by either)


@dataclass(frozen=True)
class Metadata:
    """What a write may change besides the value."""

    description: str | None = None
    kms_key: str | None = None
    tags: tuple[Tag, ...] = ()

    def __bool__(self) -> bool:
        return self.description is not None or bool(self.kms_key) or bool(self.tags)



NO_METADATA = Metadata()
