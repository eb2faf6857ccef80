"""`safesm audit`: gather every secret's facts (never its value), judge them with the pure
rules of safesm/audit_rules.py, and report findings and what could not be evaluated.

Calls: ListSecrets (100 a page) per Region; then, per secret, GetResourcePolicy, and only
where needed DescribeSecret (replication status) and ListSecretVersionIds (a lone
AWSPENDING version's age); per customer managed key, DescribeKey and GetKeyPolicy once.
GetSecretValue is never called: it would reset LastAccessedDate and falsify the unused
check. Per-secret calls run on a bounded pool of threads; a call the service throttles is
tried again after an exponential, jittered pause.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, TypeVar

from .. import audit_rules
from ..audit_rules import Finding, Params, Subject
from ..errors import (
    AuthError,
    ExitCode,
    NotFoundError,
    SafesmError,
    ThrottledError,
    UnreachableError,
)
from ..models import KeyFacts, SecretInfo
from ..policy_lint import MANAGED_KEY_ALIAS

if TYPE_CHECKING:
    from ..aws.store import SecretStore

T = TypeVar("T")
Progress = Callable[[int, int], None]
WORKERS = 8  # below botocore's connection pool (10), and gentle on the service's rate
THROTTLE_RETRIES = 5


@dataclass(frozen=True)
class NotEvaluated:
    """Checks that did not run for a secret, and why: never reported as passed."""

    secret: str
    region: str
    checks: str
    reason: str
    exit_code: int


@dataclass(frozen=True)
class AuditReport:
    regions: tuple[str, ...]
    secrets: int
    findings: tuple[Finding, ...]
    not_evaluated: tuple[NotEvaluated, ...]
    params: Params


def with_backoff(call: Callable[[], T], sleep: Callable[[float], None] = time.sleep,
                 retries: int = THROTTLE_RETRIES) -> T:
    """`call()`, tried again when the service still throttles after botocore's own
    retries: 0.5 s, 1 s, 2 s ... (jittered), then the ThrottledError stands."""
    for attempt in range(retries + 1):
        try:
            return call()
        except ThrottledError:
            if attempt == retries:
                raise
            sleep(min(8.0, 0.5 * 2 ** attempt) * random.uniform(0.5, 1.0))
    raise AssertionError("unreachable")  # pragma: no cover


def _is_managed(key_id: str | None) -> bool:
    return not key_id or key_id.endswith(MANAGED_KEY_ALIAS)


def _keys(store: SecretStore, secrets: Sequence[SecretInfo]
          ) -> dict[str, KeyFacts | SafesmError]:
    """Each distinct customer managed key once: its facts, or the error that hid them."""
    out: dict[str, KeyFacts | SafesmError] = {}
    for key_id in sorted({str(s.kms_key_id) for s in secrets if not _is_managed(s.kms_key_id)}):
        try:
            out[key_id] = with_backoff(lambda: store.key_facts(key_id))  # noqa: B023
        except SafesmError as err:
            out[key_id] = err
    return out


def _lone_pending(info: SecretInfo) -> bool:
    return any(audit_rules.PENDING in v.stages and audit_rules.CURRENT not in v.stages
               for v in info.versions)


def _gather(store: SecretStore, info: SecretInfo, region: str,
            keys: dict[str, KeyFacts | SafesmError]) -> tuple[Subject, dict[str, SafesmError]]:
    """The facts of one secret; a call that fails leaves its checks unknown, not passed."""
    unknown: dict[str, SafesmError] = {}
    policy: str | None = None
    try:
        policy = with_backoff(lambda: store.get_policy(info.name)) or ""
    except SafesmError as err:
        unknown["resource policy"] = err
    if info.primary_region and not info.replication and info.deleted_date is None:
        try:
            described = with_backoff(lambda: store.describe(info.arn or info.name))
            info = replace(info, replication=described.replication)
        except SafesmError as err:
            unknown["replication"] = err
    pending_created = None
    if _lone_pending(info):
        try:
            versions = with_backoff(lambda: store.versions(info.arn or info.name))
            pending_created = next((v.created for v in versions
                                    if audit_rules.PENDING in v.stages), None)
        except SafesmError as err:
            unknown["stuck rotation"] = err
    key = keys.get(str(info.kms_key_id)) if not _is_managed(info.kms_key_id) else None
    if isinstance(key, SafesmError):
        unknown["KMS key policy"] = key
        key = None
    why = {check: err.message for check, err in unknown.items()}
    return Subject(info, region, policy, key, pending_created, why), unknown


def _audit_region(store: SecretStore, region: str, prefix: str | None, params: Params,
                  now: datetime, progress: Progress | None, workers: int
                  ) -> tuple[int, list[Finding], list[NotEvaluated]]:
    secrets = with_backoff(lambda: store.inventory(prefix))
    keys = _keys(store, secrets)
    findings: list[Finding] = []
    missing: list[NotEvaluated] = []
    done = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_gather, store, info, region, keys) for info in secrets]
        for future in as_completed(futures):
            subject, unknown = future.result()
            findings.extend(audit_rules.evaluate(subject, params, now))
            missing.extend(NotEvaluated(subject.info.name, region, checks, err.message,
                                        int(err.exit_code))
                           for checks, err in sorted(unknown.items()))
            done += 1
            if progress:
                progress(done, len(secrets))
    return len(secrets), findings, missing


def audit(stores: Sequence[tuple[str, SecretStore]], prefix: str | None, params: Params,
          progress: Progress | None = None, workers: int = WORKERS,
          now: datetime | None = None) -> AuditReport:
    """Audit every secret (under `prefix`) in each (region, store). A Region whose listing
    fails fails the audit (its error is raised); a check that fails for one secret is
    reported as not evaluated."""
    now = now or datetime.now(timezone.utc)
    total, findings, missing = 0, [], []
    for region, store in stores:
        count, found, lost = _audit_region(store, region, prefix, params, now, progress,
                                           workers)
        total += count
        findings.extend(found)
        missing.extend(lost)
    order = {s: i for i, s in enumerate(reversed(audit_rules.SEVERITIES))}
    findings.sort(key=lambda f: (order[f.severity], f.region, f.secret, f.rule))
    missing.sort(key=lambda m: (m.region, m.secret, m.checks))
    return AuditReport(tuple(r for r, _ in stores), total, tuple(findings), tuple(missing),
                       params)


_BY_CODE: dict[int, type[SafesmError]] = {int(ExitCode.AUTH): AuthError,
                                          int(ExitCode.UNREACHABLE): UnreachableError,
                                          int(ExitCode.NOT_FOUND): NotFoundError}


def incomplete(report: AuditReport) -> SafesmError | None:
    """What to raise when checks were not evaluated (and no finding failed the audit): the
    error class of the first of them, so the exit code says why (4 access denied, 6
    throttled or unreachable, ...)."""
    if not report.not_evaluated:
        return None
    first = report.not_evaluated[0]
    cls = _BY_CODE.get(first.exit_code, SafesmError)
    secrets = len({(m.region, m.secret) for m in report.not_evaluated})
    return cls(f"{len(report.not_evaluated)} check(s) on {secrets} secret(s) could not be "
               f"evaluated (first: {first.secret}: {first.checks}: {first.reason}); they are "
               "not counted as passed.",
               "Grant the audit read access to them (secretsmanager:ListSecrets, "
               "DescribeSecret, GetResourcePolicy, ListSecretVersionIds; kms:DescribeKey, "
               "kms:GetKeyPolicy) and run it again.")
