"""Deleting and restoring secrets."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from .. import render
from ..errors import ConflictError, SafesmError
from ..models import SecretInfo

if TYPE_CHECKING:
    from ..aws.store import SecretStore


def deletable(store: SecretStore, name: str, force_without_recovery: bool) -> SecretInfo:
    """The secret about to be deleted; refused when it is already scheduled (unless it is
    to go at once)."""
    info = store.describe(name)
    if info.deleted_date and not force_without_recovery:
        raise ConflictError(f"secret {name!r} is already scheduled for deletion on "
                            f"{render.when(info.deleted_date)}.",
                            f"Run `safesm restore {name}` to keep it.")
    return info


def delete(store: SecretStore, name: str, days: int,
           force_without_recovery: bool) -> datetime | None:
    return store.delete(name, None if force_without_recovery else days, force_without_recovery)


def describe(store: SecretStore, name: str) -> SecretInfo:
    """DescribeSecret, with each version's creation date (from ListSecretVersionIds, which
    DescribeSecret lacks). Best effort: without that permission, the dates stay empty."""
    info = store.describe(name)
    try:
        dated = {v.version_id: v.created for v in store.versions(name)}
    except SafesmError:
        return info
    return replace(info, versions=tuple(replace(v, created=dated.get(v.version_id))
                                        for v in info.versions))


def restore(store: SecretStore, name: str) -> bool:
    """Cancel NAME's scheduled deletion; False (and nothing changed) when none was scheduled."""
    if not store.describe(name).deleted_date:
        return False
    store.restore(name)
    return True
