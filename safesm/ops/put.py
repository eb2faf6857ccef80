"""Writing a value: create-or-overwrite of a whole secret, and one field of a JSON secret.

`put` runs in four steps, so that a terminal is asked before the value is typed (like
`pass insert`), and a script's value is checked before any network call:

    prepared = prepare(store, request)     # exists? scheduled for deletion? the policy planned
    confirm_overwrite(prepared, confirm)   # raises NotConfirmed: nothing was written
    value = ...                            # read by the command (safesm/inputs.py)
    outcome = write(store, prepared, value, confirm)

A new secret is made by `create_with_policy`, the one way safesm creates a secret that
holds a value (`import` and `scan --migrate` call it too): CreateSecret *without* a
value, the default policy attached, and only then PutSecretValue. The value never exists
without its policy; an interruption on the way leaves at most an empty secret, and the
error says so and how to finish or remove it.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import (
    ConflictError,
    InterruptedError_,
    NotFoundError,
    SafesmError,
    Terminated,
    TerminatedError,
    UnreachableError,
    UsageError,
)
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
    field: str | None = None  # --key FIELD: one field of a JSON secret
    replicas: tuple[tuple[str, str | None], ...] = ()  # a new secret: (Region, KMS key)


@dataclass(frozen=True)
class Prepared:
    """What `prepare` found out before the value is read."""

    req: PutRequest
    looked: bool = False  # False: `--force` skips DescribeSecret and tries PutSecretValue first
    existing: SecretInfo | None = None
    plan: policy.Plan | None = None  # a new secret's default policy, linted and validated
    question: tuple[str, str] | None = None  # (question, what) to confirm before writing


@dataclass(frozen=True)
class PutOutcome:
    result: WriteResult
    plan: policy.Plan | None = None  # the default policy a new secret was created with
    unprotected: bool = False  # created with --no-default-policy


def refuse_access_flags(name: str) -> UsageError:
    return UsageError(f"--reader/--writer set who can use a new secret, and {name!r} "
                      "exists; nothing was written.",
                      f"Use `safesm policy grant {name} PRINCIPAL_ARN --read` (or --write).")


# the four steps -------------------------------------------------------------------------


def prepare(store: SecretStore, req: PutRequest, before_value: bool = False) -> Prepared:
    """Everything that can be known or refused before the value: whether NAME exists,
    whether it is scheduled for deletion, and a new secret's default policy (planned and
    validated, so a refusal comes before anyone types a value). `before_value`: the value
    is still to be typed, so --key reads the secret now to ask about its field first."""
    if req.field:
        return _prepare_field(store, req, before_value)
    if req.force and not (req.principals_given or req.meta or req.replicas):
        return Prepared(req)  # the common scripted rotation: one PutSecretValue
    existing = store.find(req.name)
    if existing is None:
        return Prepared(req, True, None, plan_for(store, req.access, req.meta))
    _check_overwrite(req, existing)
    question = None
    if existing.versions and not req.force:  # an empty secret has nothing to overwrite
        question = (f"Secret {req.name} already exists. Overwrite it?",
                    f"overwriting secret {req.name!r}")
    return Prepared(req, True, existing, question=question)


def confirm_overwrite(prepared: Prepared, confirm: Confirm) -> None:
    if prepared.question is not None:
        confirm(*prepared.question)


def write(store: SecretStore, prepared: Prepared, value: SecretValue,
          confirm: Confirm) -> PutOutcome:
    """Write the value the way `prepare` planned (call confirm_overwrite first)."""
    req = prepared.req
    if req.field:
        confirmed = req.force or prepared.question is not None
        return PutOutcome(put_field(store, req.name, req.field, value, confirmed, confirm,
                                    req.meta))
    if not prepared.looked:
        result = _update_if_exists(store, req.name, value)
        if result is not None:
            return PutOutcome(result)
        prepared = Prepared(req, True, None, plan_for(store, req.access, req.meta))
    if prepared.existing is None:
        result = create_with_policy(store, req.name, value, req.meta, prepared.plan,
                                    req.replicas)
        return PutOutcome(result, prepared.plan, unprotected=prepared.plan is None)
    store.update_metadata(req.name, req.meta)  # first: a new --kms-key encrypts the value
    return PutOutcome(store.put_value(req.name, value))


# creating -------------------------------------------------------------------------------


def plan_for(store: SecretStore, access: AllowLists | None,
             meta: Metadata = NO_METADATA) -> policy.Plan | None:
    """A new secret's default policy (None: --no-default-policy), checked before any write."""
    return None if access is None else policy.plan_default(store, access, meta.kms_key)


def create_with_policy(store: SecretStore, name: str, value: SecretValue,
                       meta: Metadata = NO_METADATA, plan: policy.Plan | None = None,
                       replicas: tuple[tuple[str, str | None], ...] = ()) -> WriteResult:
    """Create NAME holding `value`, protected by `plan` (from `plan_for`; None: no policy),
    replicated to `replicas` ((Region, KMS key or None)).

    CreateSecret without a value, PutResourcePolicy, then PutSecretValue with a
    ClientRequestToken of our own: the value is never stored without its policy. An
    interruption or failure on the way raises an error that says what was left (at most
    an empty secret) and how to finish or remove it.
    """
    token = str(uuid.uuid4())
    step = "create"
    try:
        created = store.create_empty(name, meta, replicas)
        step = "policy"
        if plan is not None:
            store.put_policy(name, plan.text, validated=True)
        step = "value"
        result = store.put_value(name, value, token=token)
    except (KeyboardInterrupt, InterruptedError_):
        raise InterruptedError_(f"interrupted {_left(name, step, token)}",
                                _finish(name, step, plan)) from None
    except (Terminated, TerminatedError):
        raise TerminatedError(f"terminated {_left(name, step, token)}",
                              _finish(name, step, plan)) from None
    except SafesmError as err:
        raise _failed(err, name, step, token, plan) from None
    return WriteResult(result.name, result.arn, token, True, created.retries + result.retries)


def _left(name: str, step: str, token: str) -> str:
    """What an interrupted create left behind, in words (after 'interrupted ')."""
    if step == "create":
        return (f"while creating {name!r}: no value was stored; the secret may exist now, "
                "empty and without its policy.")
    if step == "policy":
        return (f"after creating {name!r} without a value: no value was stored, and its "
                "policy may not be attached.")
    return (f"while writing the value of the new secret {name!r}: if `safesm versions {name}` "
            f"lists version {token}, the value landed (once, with its policy); otherwise the "
            "secret is empty.")


def _finish(name: str, step: str, plan: policy.Plan | None) -> str:
    remove = f"or remove it with `safesm delete {name} --force-without-recovery --yes`."
    if step == "value" or plan is None:
        return f"Finish with `safesm put {name}`, {remove}"
    return (f"Finish with `safesm policy apply {name} --default --yes`, then `safesm put "
            f"{name}`; {remove}")


def _failed(err: SafesmError, name: str, step: str, token: str,
            plan: policy.Plan | None) -> SafesmError:
    """A failure after (or maybe after) CreateSecret: say what exists and what to do."""
    unsure = isinstance(err, UnreachableError)  # the request may have landed
    if step == "create":
        if not unsure:
            return err
        what = (f"If the request reached Secrets Manager, {name!r} exists now, empty and "
                "without its policy; no value was sent.")
        step = "policy"
    elif step == "policy":
        return type(err)(f"created secret {name!r} without a value, but could not attach its "
                         f"default policy: {err.message} No value was stored.",
                         _finish(name, step, plan))
    elif unsure:
        what = (f"The new secret {name!r} has its policy: if `safesm versions {name}` lists "
                f"version {token}, the value landed (once); otherwise the secret is empty.")
    else:
        what = f"The new secret {name!r} has its policy, and no value was stored."
    return type(err)(f"{err.message} {what}", _finish(name, step, plan))


# overwriting ------------------------------------------------------------------------------


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


# one field --------------------------------------------------------------------------------


def _prepare_field(store: SecretStore, req: PutRequest, before_value: bool) -> Prepared:
    """--key before the value is typed: read the secret once to know whether the field
    exists, so a terminal is asked first. (The write re-reads: put_field asks if the field
    appeared meanwhile; a value already read needs no early look: put_field asks.)"""
    if req.principals_given:
        raise refuse_access_flags(req.name)
    if req.force or not before_value:
        return Prepared(req)
    current = store.get_versioned(req.name)
    if not has_field(current.value, req.field or ""):
        return Prepared(req, looked=True)
    return Prepared(req, looked=True, question=_field_question(req.name, req.field or ""))


def _field_question(name: str, field: str) -> tuple[str, str]:
    return (f"Field {field!r} of {name} already exists. Overwrite it?",
            f"overwriting field {field!r} of {name!r}")


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
            confirm(*_field_question(name, field))
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
