"""Metadata without a new value: description, KMS key, tags. No new version is made and
the value is never read.

Changing the KMS key: Secrets Manager re-encrypts the versions labelled AWSCURRENT,
AWSPENDING and AWSPREVIOUS with the new key; every other version stays encrypted with
the old key (readable only while that key is usable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConflictError, UsageError
from ..models import Metadata

if TYPE_CHECKING:
    from ..aws.store import SecretStore

REENCRYPTED_STAGES = ("AWSCURRENT", "AWSPENDING", "AWSPREVIOUS")


@dataclass(frozen=True)
class KeyChange:
    old_key: str | None  # None: the aws/secretsmanager AWS managed key
    new_key: str
    reencrypted: tuple[tuple[str, str], ...]  # (stage, version id)
    left_on_old_key: int  # versions without those labels


def check_request(meta: Metadata, untag: tuple[str, ...]) -> None:
    """Before any call: something to change, and no key both set and removed."""
    if not meta and not untag:
        raise UsageError("say what to change: --description, --kms-key, --tag or --untag.")
    both = {t.key for t in meta.tags} & set(untag)
    if both:
        raise UsageError("a tag key is given to both --tag and --untag; nothing was changed.")


def update(store: SecretStore, name: str, meta: Metadata,
           untag: tuple[str, ...]) -> KeyChange | None:
    info = store.describe(name)
    if info.deleted_date:
        raise ConflictError(f"secret {name!r} is scheduled for deletion; nothing was changed.",
                            f"Run `safesm restore {name}` first.")
    change = None
    if meta.kms_key and meta.kms_key != info.kms_key_id:
        versions = store.versions(name)
        labelled = tuple((stage, v.version_id) for stage in REENCRYPTED_STAGES
                         for v in versions if stage in v.stages)
        left = sum(1 for v in versions if not set(v.stages) & set(REENCRYPTED_STAGES))
        change = KeyChange(info.kms_key_id, meta.kms_key, labelled, left)
    store.update_metadata(info.name, meta)
    if untag:
        store.untag(info.name, list(untag))
    return change
