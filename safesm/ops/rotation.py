"""Rotation: show, set (schedule, window, Lambda), start now and follow, abandon, turn off.

Secrets Manager rotates asynchronously: RotateSecret starts the Lambda, which creates the
new value as version TOKEN labelled AWSPENDING (createSecret), sets and tests it, and
finally moves AWSCURRENT onto it (finishSecret). `wait` follows that through the version's
labels. A rotation that stops half way leaves AWSPENDING on a version that is not
AWSCURRENT; AWS then refuses to start another until the label is removed (`abandon`).
Secrets whose rotation another service manages (OwningService, e.g. RDS) are left alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..errors import ConflictError, SafesmError, UsageError
from ..models import SecretInfo
from ..schedule import Schedule, is_rate
from . import rotator

if TYPE_CHECKING:
    from ..aws.store import SecretStore

CURRENT, PENDING = "AWSCURRENT", "AWSPENDING"
DEFAULT_TIMEOUT = 300


def refuse_managed(info: SecretInfo) -> None:
    if info.owning_service:
        raise ConflictError(
            f"the rotation of {info.name!r} is managed by {info.owning_service}; change it "
            f"there, not in Secrets Manager. Nothing was changed.",
            f"Use {info.owning_service}'s own settings for this secret (for RDS: the "
            "instance's or cluster's managed master user password).")


def refuse_deleted(info: SecretInfo) -> None:
    if info.deleted_date:
        raise ConflictError(f"secret {info.name!r} is scheduled for deletion; nothing was "
                            "changed.", f"Run `safesm restore {info.name}` first.")


def lambda_log_group(lambda_arn: str) -> str:
    """/aws/lambda/NAME, where the function's errors are (CloudWatch Logs)."""
    parts = lambda_arn.split(":")
    name = parts[6] if len(parts) > 6 else lambda_arn
    return f"/aws/lambda/{name}"


# show -------------------------------------------------------------------------------

@dataclass(frozen=True)
class RotationView:
    info: SecretInfo
    role: str | None = None  # the Lambda's execution role
    role_problem: str | None = None  # why the role could not be read
    pending_since: datetime | None = None  # when the unfinished rotation's version was made


def view(store: SecretStore, name: str) -> RotationView:
    info = store.describe(name)
    role = problem = None
    if info.rotation_lambda and not info.owning_service:
        try:
            role = store.function_role(info.rotation_lambda)
        except SafesmError as err:
            problem = err.message
    since = _pending_since(store, info)
    return RotationView(info, role, problem, since)


# set --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SetPlan:
    info: SecretInfo
    schedule: Schedule
    lambda_arn: str
    check: rotator.RotatorCheck


@dataclass(frozen=True)
class SetResult:
    info: SecretInfo  # after the change
    version: str | None  # the version a rotation started with --now will make
    granted: bool  # the Lambda's role was added to the policy
    old_may_fire: bool  # AWS may still run the rotation planned under the old schedule


def plan_set(store: SecretStore, name: str, schedule: Schedule,
             lambda_arn: str | None) -> SetPlan:
    """Everything checked before anything is changed: the secret, its Lambda and role,
    and what its policy would deny that role."""
    info = store.describe(name)
    refuse_managed(info)
    refuse_deleted(info)
    arn = lambda_arn or info.rotation_lambda
    if not arn:
        raise UsageError(f"{name} has no rotation Lambda yet: pass --lambda ARN; nothing was "
                         "changed.")
    return SetPlan(info, schedule, arn, rotator.check(store, info, arn))


def apply_set(store: SecretStore, plan: SetPlan, now: bool, grant: bool) -> SetResult:
    """Grant the role if asked (else refuse when it is denied), then RotateSecret."""
    name = plan.info.name
    if plan.check.denied and not grant:
        raise rotator.refusal(name, plan.check)
    if plan.check.denied:
        rotator.grant(store, name, plan.check.role)
    version = store.rotate(name, plan.lambda_arn, plan.schedule.rules(), immediately=now)
    was = plan.info
    old_may_fire = (not now and was.rotation_enabled and was.next_rotation is not None
                    and is_rate(was.rotation_schedule))
    return SetResult(store.describe(name), version, bool(plan.check.denied), old_may_fire)


# rotate now -------------------------------------------------------------------------

def unfinished(name: str, version: str, since: datetime | None = None) -> ConflictError:
    when = f" (started {since:%Y-%m-%d %H:%M} UTC)" if since else ""
    return ConflictError(
        f"a previous rotation of {name!r} has not finished: version {version} is still "
        f"AWSPENDING{when}; AWS starts no new rotation until it finishes.",
        f"If it is not still running, remove the label with `safesm rotation abandon {name}`, "
        "then rotate again.")


def plan_rotate(store: SecretStore, name: str) -> SecretInfo:
    info = store.describe(name)
    refuse_managed(info)
    refuse_deleted(info)
    if not info.rotation_lambda:
        raise UsageError(f"rotation is not set up for {name}; nothing was changed.",
                         f"Set it up with `safesm rotation set {name} --every 30d --lambda ARN`.")
    if info.pending_version:
        raise unfinished(name, info.pending_version)
    return info


@dataclass(frozen=True)
class Waited:
    state: str  # "current": done; "pending": AWSPENDING, not finished; "absent": not created
    seconds: float


def wait(store: SecretStore, name: str, version: str, timeout: float,
         report: Callable[[str], None], sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> Waited:
    """Follow `version` until it holds AWSCURRENT or `timeout` passes; `report` hears each
    new state ("absent", "pending", "current")."""
    start, last, pause = clock(), "", 0.25
    while True:
        stages = store.stages(name).get(version, ())
        state = "current" if CURRENT in stages else "pending" if PENDING in stages else "absent"
        if state != last:
            report(state)
            last = state
        left = timeout - (clock() - start)
        if state == "current" or left <= 0:
            return Waited(state, clock() - start)
        sleep(min(pause, left))
        pause = min(pause * 2, 5.0)


def failed(info: SecretInfo, version: str, waited: Waited) -> ConflictError:
    """What is known when a rotation did not finish in time, and what to do next."""
    name, arn = info.name, info.rotation_lambda or "?"
    if waited.state == "pending":
        what = (f"version {version} holds the new value but is still AWSPENDING: the Lambda "
                "failed (or is still busy) at setSecret, testSecret or finishSecret")
        step = (f"Fix the Lambda, then `safesm rotation abandon {name}` and `safesm rotate "
                f"{name}`.")
    else:
        what = (f"no version {version} was created: the Lambda has not run, or failed at "
                "createSecret")
        step = (f"Check that Secrets Manager may invoke it (its resource policy) and that its "
                f"role may read and write {name}, then `safesm rotate {name}`.")
    return ConflictError(
        f"the rotation of {name!r} did not finish within {waited.seconds:.0f} s: {what}. "
        f"AWSCURRENT was left as it was. Lambda: {arn}; its errors are in the CloudWatch Logs "
        f"group {lambda_log_group(arn)}.", step)


# abandon, off ------------------------------------------------------------------------

def unfinished_rotation(store: SecretStore, name: str) -> tuple[SecretInfo, datetime | None]:
    """The secret, and when its unfinished rotation's version was made (if it has one)."""
    info = store.describe(name)
    refuse_managed(info)
    return info, _pending_since(store, info)


def _pending_since(store: SecretStore, info: SecretInfo) -> datetime | None:
    if not info.pending_version:
        return None
    return next((v.created for v in store.versions(info.name)
                 if v.version_id == info.pending_version), None)


def start(store: SecretStore, name: str) -> str:
    """RotateSecret now with the configuration the secret has; the new version's id."""
    version = store.rotate(name)
    assert version is not None
    return version


def abandon(store: SecretStore, name: str, version: str) -> None:
    """Remove AWSPENDING from the unfinished rotation's version (the value stays stored)."""
    store.move_stage(name, PENDING, None, version)


def turn_off(store: SecretStore, name: str) -> SecretInfo:
    """CancelRotateSecret, unless rotation is already off; the secret as it was before."""
    info = store.describe(name)
    refuse_managed(info)
    if info.rotation_enabled:
        store.cancel_rotation(name)
    return info
