"""Writing a value: create-or-overwrite of a whole secret, and one field of a JSON secret.

The caller has read and checked the value (safesm/inputs.py) and passes a `confirm`
callback that returns when the user agreed and raises NotConfirmed otherwise. A write
that is refused changes nothing: metadata is updated only after the confirmation.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConflictError, NotFoundError, UsageError
from ..models import NO_METADATA, Metadata, SecretInfo, WriteResult
from ..policy import AllowLists
from ..values import SecretValue, has_field, set_field
from . import policy, swap

if TYPE_CHECKING:
    from ..aws.store import SecretStore

Confirm = Callable[[str, str], None]  # (question, what needs confirming); raises NotConfirmed
FIELD_ATTEMPTS = 10  # each lost race means another writer won: enough for 8 at once


@dataclass(frozen=True)
class PutRequest:
    name: str
    meta: Metadata = Metadata()
    access: AllowLists | None = AllowLists((), ())  # None: --no-default-policy
    principals_given: bool = False  # --reader/--writer on the command line
    force: bool = False
    replicas: tuple[tuple[str, str | None], ...] = ()  # a new secret: (Region, KMS key)


@dataclass(frozen=True)
class PutOutcome:
    result: WriteResult
    plan: policy.Plan | None = None  # the default policy still to attach (a new secret)
    unprotected: bool = False  # created with --no-default-policy


def refuse_access_flags(name: str) -> UsageError:
    return UsageError(f"--reader/--writer set who can use a new secret, and {name!r} "
                      "exists; nothing was written.",
                      f"Use `safesm policy grant {name} PRINCIPAL_ARN --read` (or --write).")


def put_whole(store: SecretStore, req: PutRequest, value: SecretValue,
              confirm: Confirm) -> PutOutcome:
    """Create NAME (with the default policy still to attach) or overwrite it."""
    if req.force and not (req.principals_given or req.meta or req.replicas):
        result = _update_if_exists(store, req.name, value)
        if result is not None:
            return PutOutcome(result)
    existing = store.find(req.name)
    if existing is None:
        return _create(store, req, value)
    _check_overwrite(req, existing)
    if not req.force:
        confirm(f"Secret {req.name} already exists. Overwrite it?",
                f"overwriting secret {req.name!r}")
    store.update_metadata(req.name, req.meta)  # first: a new --kms-key encrypts the value
    return PutOutcome(store.put_value(req.name, value))


def _create(store: SecretStore, req: PutRequest, value: SecretValue) -> PutOutcome:
    plan = None if req.access is None else policy.plan_default(store, req.access,
                                                                req.meta.kms_key)
    result = store.create(req.name, value, req.meta, req.replicas)
    return PutOutcome(result, plan, unprotected=plan is None)


def _check_overwrite(req: PutRequest, existing: SecretInfo) -> None:
    if req.principals_given:
        raise refuse_access_flags(req.name)
    if req.replicas:
        raise UsageError(f"--replicate-to applies to a new secret, and {req.name!r} exists; "
                         "nothing was written.",
                         f"Use `safesm replication add {req.name} REGION`.")
    if existing.deleted_date:
        raise ConflictError(f"secret {req.name!r} is scheduled for deletion; nothing was "
                            "written.", f"Run `safesm restore {req.name}` first.")


def _update_if_exists(store: SecretStore, name: str, value: SecretValue) -> WriteResult | None:
    """`put --force` without metadata: one PutSecretValue, no DescribeSecret first (the
    common scripted rotation). None when the secret does not exist, so the caller creates it
    with the default policy; a secret scheduled for deletion is refused by the service."""
    try:
        return store.put_value(name, value)
    except NotFoundError:
        return None


def put_field(store: SecretStore, name: str, field: str, value: SecretValue, force: bool,
              confirm: Confirm, meta: Metadata = NO_METADATA) -> WriteResult:
    """Set one field without losing another writer's change: read the current version,
    apply the field on top, and make the result current only if the version read still
    is (ops.swap); otherwise re-read and re-apply on top of their value. Bounded: then
    exit 5 with their value left current."""
    confirmed = force
    for attempt in range(FIELD_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, 0.05 * attempt))  # let the winner's readers settle
        current = store.get_versioned(name)
        if not confirmed and has_field(current.value, field):
            confirm(f"Field {field!r} of {name} already exists. Overwrite it?",
                    f"overwriting field {field!r} of {name!r}")
        if not attempt and meta:
            store.update_metadata(name, meta)  # first: a new --kms-key encrypts the value
        confirmed = True
        merged = store.redactor.remember(set_field(current.value, field, value))
        result = swap.put_if_current(store, name, merged, current.version_id)
        if result is not None:
            return result
    raise ConflictError(f"secret {name!r} changed concurrently {FIELD_ATTEMPTS} times while "
                        f"field {field!r} was being set; this command left the current value "
                        "as it was.",
                        "Another writer's value is current: try again when it is quiet.")
