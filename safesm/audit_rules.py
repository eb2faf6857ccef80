"""Pure: the checks of `safesm audit`, each with a stable rule id.

Every rule names its severity, the best practice it serves and, where one exists, the
AWS Security Hub control it mirrors, with that control's parameter name, default and
range (so a finding here means what the control would say). Resource-policy findings are
`policy lint`'s own rules (SM0xx/SM1xx), unchanged. Nothing here does I/O; the operation
(safesm/ops/audit.py) gathers the facts, `evaluate` judges them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from . import policy_lint
from .arns import account_of
from .models import KeyFacts, SecretInfo
from .policy import as_list

SEVERITIES = policy_lint.SEVERITIES
PENDING = "AWSPENDING"
CURRENT = "AWSCURRENT"
ROTATION_GRACE = timedelta(days=1)  # a rotation window may run up to a day after its date
STUCK_AFTER = timedelta(hours=1)  # a rotation Lambda runs 4 steps of at most 15 min each
MAX_REQUIRED_TAGS = 6  # Security Hub SecretsManager.5 takes at most 6 requiredTagKeys


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str
    practice: str  # the AWS best practice it serves
    control: str | None  # the Security Hub control it mirrors
    title: str


_RULES = (
    Rule("SMA101", "rotation-disabled", "medium", "rotate secrets", "SecretsManager.1",
         "Secrets should have automatic rotation enabled"),
    Rule("SMA102", "rotation-not-as-scheduled", "medium", "rotate secrets", "SecretsManager.2",
         "Secrets with automatic rotation should rotate successfully"),
    Rule("SMA103", "rotation-stuck", "medium", "rotate secrets", "SecretsManager.2",
         "A rotation should not be left stuck with an AWSPENDING version"),
    Rule("SMA104", "unused", "medium", "delete unused secrets", "SecretsManager.3",
         "Remove unused secrets"),
    Rule("SMA105", "not-rotated", "medium", "rotate secrets", "SecretsManager.4",
         "Secrets should be rotated within a specified number of days"),
    Rule("SMA106", "missing-tags", "low", "least privilege (ABAC by tags)", "SecretsManager.5",
         "Secrets should be tagged"),
    Rule("SMA107", "rotation-blocked-by-network-condition", "high", "rotate secrets", None,
         "The resource policy's network condition would block the rotation function"),
    Rule("SMA301", "key-not-bound-to-secrets-manager", "medium",
         "choose an encryption key", None,
         "A customer managed key should allow decryption only via Secrets Manager"),
    Rule("SMA401", "replica-failed", "medium", "replicate across Regions", None,
         "Replication to a Region should not have failed"),
    Rule("SMA402", "replica-out-of-sync", "low", "replicate across Regions", None,
         "Replicas should be in sync"),
    Rule("SMA501", "scheduled-for-deletion", "low", "delete unused secrets", None,
         "A secret scheduled for deletion is still referenced until it is gone"),
)
RULES: dict[str, Rule] = {r.id: r for r in _RULES}
LINT_PRACTICE = "least privilege; block broad access"


@dataclass(frozen=True)
class Params:
    """The thresholds, named as Security Hub names them (see `control_parameters`)."""

    unused_days: int = 90  # SecretsManager.3 unusedForDays, 1-365
    max_rotation_days: int = 90  # SecretsManager.4 maxDaysSinceRotation, 1-180
    required_tags: tuple[str, ...] = ()  # SecretsManager.5 requiredTagKeys, at most 6
    max_rotation_frequency: int | None = None  # SecretsManager.1, 1-365, no default


def control_parameters(p: Params) -> dict[str, dict[str, Any]]:
    """The Security Hub parameters in force, by control."""
    sm1 = {} if p.max_rotation_frequency is None else {
        "maximumAllowedRotationFrequency": p.max_rotation_frequency}
    return {"SecretsManager.1": sm1, "SecretsManager.2": {},
            "SecretsManager.3": {"unusedForDays": p.unused_days},
            "SecretsManager.4": {"maxDaysSinceRotation": p.max_rotation_days},
            "SecretsManager.5": {"requiredTagKeys": list(p.required_tags)}}


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    secret: str  # the secret's name
    arn: str
    region: str
    reason: str  # one line
    fix: str  # a safesm command
    practice: str
    control: str | None = None


@dataclass(frozen=True)
class Subject:
    """What is known of one secret. `policy` is the resource policy text ('' when it has
    none); None with `unknown` naming why means the checks that need it were not run."""

    info: SecretInfo
    region: str
    policy: str | None = ""
    key: KeyFacts | None = None  # None: the AWS managed key, or unknown (see `unknown`)
    pending_created: datetime | None = None  # when a lone AWSPENDING version was made
    unknown: dict[str, str] = field(default_factory=dict)  # check group -> why not known


def _days(delta: timedelta) -> int:
    return int(delta.total_seconds() // 86400)


def _make(rule_id: str, s: Subject, reason: str, fix: str) -> Finding:
    r = RULES[rule_id]
    return Finding(r.id, r.name, r.severity, s.info.name, s.info.arn, s.region, reason, fix,
                   r.practice, r.control)


# rotation --------------------------------------------------------------------------------

def rotation_period_days(info: SecretInfo) -> int | None:
    """How often the secret rotates, in days (a cron expression: its coarsest field)."""
    if info.rotation_days:
        return int(info.rotation_days)
    expr = (info.rotation_schedule or "").strip()
    rate = re.fullmatch(r"rate\((\d+)\s+(hours?|days?)\)", expr)
    if rate:
        n = int(rate.group(1))
        return max(1, -(-n // 24)) if rate.group(2).startswith("hour") else n
    cron = re.fullmatch(r"cron\((.+)\)", expr)
    if not cron:
        return None
    fields = cron.group(1).split()
    if len(fields) != 6:
        return None
    _, _, dom, month, dow, _ = fields
    if month not in ("*", "?"):
        return 365
    if dom not in ("*", "?"):
        return 31
    return 7 if dow not in ("*", "?") else 1


def _rotation(s: Subject, p: Params, now: datetime) -> list[Finding]:
    info, name = s.info, s.info.name
    if not info.rotation_enabled:
        if info.owning_service:  # rotation is the owning service's to manage
            return []
        return [_make("SMA101", s, "automatic rotation is off.",
                      f"safesm rotation set {name} --every 30d --lambda ARN")]
    out = []
    period = rotation_period_days(info)
    if p.max_rotation_frequency and period and period > p.max_rotation_frequency:
        out.append(_make("SMA101", s, f"rotates every {period} days, less often than the "
                         f"{p.max_rotation_frequency} days allowed.",
                         f"safesm rotation set {name} --every {p.max_rotation_frequency}d"))
    due = info.next_rotation
    if due is None and period:
        due = (info.last_rotated or info.created or now) + timedelta(days=period)
    if due is not None and now - due > ROTATION_GRACE:
        out.append(_make("SMA102", s, f"rotation was due {_days(now - due)} day(s) ago "
                         f"({due:%Y-%m-%d}) and has not happened.",
                         f"safesm rotation show {name}, then safesm rotate {name}"))
    return out


def _stuck(s: Subject, now: datetime) -> list[Finding]:
    lone = [v for v in s.info.versions if PENDING in v.stages and CURRENT not in v.stages]
    if not lone:
        return []
    made = s.pending_created or lone[0].created
    if made is not None and now - made < STUCK_AFTER:
        return []  # a rotation in progress
    since = f" since {made:%Y-%m-%d %H:%M} UTC" if made else ""
    return [_make("SMA103", s, f"a version has been labelled AWSPENDING without AWSCURRENT"
                  f"{since}: a rotation did not finish, and the next one will fail.",
                  f"safesm rotation abandon {s.info.name}")]


def _last_change(info: SecretInfo) -> datetime | None:
    """When the value last changed as AWS Config's rule counts it: the last rotation (a
    rate or cron schedule rotates too) or the last change, e.g. a new value put by hand."""
    found = [d for d in (info.last_rotated, info.last_changed, info.created) if d is not None]
    return max(found) if found else None


def _age(s: Subject, p: Params, now: datetime) -> list[Finding]:
    out = []
    info, name = s.info, s.info.name
    used = info.last_accessed or info.created
    if used is not None and _days(now - used) > p.unused_days:
        when = (f"last read {info.last_accessed:%Y-%m-%d}" if info.last_accessed
                else f"never read since it was created on {used:%Y-%m-%d}")
        out.append(_make("SMA104", s, f"unused for {_days(now - used)} days ({when}; "
                         f"unusedForDays={p.unused_days}).",
                         f"safesm trail {name} --since 90d, then safesm delete {name}"))
    changed = _last_change(info)
    if changed is not None and _days(now - changed) > p.max_rotation_days:
        out.append(_make("SMA105", s, f"not rotated or changed for {_days(now - changed)} days "
                         f"(maxDaysSinceRotation={p.max_rotation_days}).",
                         f"safesm rotate {name}"))
    return out


def _tags(s: Subject, p: Params) -> list[Finding]:
    keys = {k for k in s.info.tags if not k.startswith("aws:")}
    name = s.info.name
    if not p.required_tags:
        return [] if keys else [_make("SMA106", s, "has no tags.",
                                      f"safesm update {name} --tag KEY=VALUE")]
    missing = [k for k in p.required_tags if k not in keys]
    if not missing:
        return []
    return [_make("SMA106", s, f"lacks the required tag key(s) {', '.join(missing)}.",
                  f"safesm update {name} " + " ".join(f"--tag {k}=VALUE" for k in missing))]


# policy, key, replication, deletion ------------------------------------------------------

def _policy(s: Subject) -> list[Finding]:
    if s.policy is None:
        return []
    info = s.info
    if not s.policy:
        lint = [_no_policy(info.name)]
    else:
        ctx = policy_lint.Context(account_of(info.arn), info.kms_key_id)
        lint = policy_lint.lint(s.policy, ctx)
    out = [Finding(f.rule, f.name, f.severity, info.name, info.arn, s.region,
                   _one_line(f.message), lint_fix(f.rule, info.name), LINT_PRACTICE)
           for f in lint]
    network = sorted({f.rule for f in lint if f.rule in ("SM105", "SM106")})
    if info.rotation_enabled and network:
        out.append(_make("SMA107", s, f"rotation is on and the resource policy restricts the "
                         f"network path ({', '.join(network)}): the rotation function calls "
                         "from AWS's addresses and will be denied.",
                         f"safesm policy show {info.name}, then exempt service calls with "
                         "aws:ViaAWSService (safesm policy apply)"))
    return out


_LINT_FIX = {
    "SM005": "safesm policy apply {n} --default",
    "SM101": "safesm policy apply {n} --default",
    "SM102": "safesm policy apply {n} --default",
    "SM103": "safesm policy apply {n} --default",
    "SM104": "safesm policy show {n}, then safesm policy revoke {n} PRINCIPAL_ARN",
    "SM105": "safesm policy show {n}, then safesm policy apply {n} --file FILE",
    "SM106": "safesm policy show {n}, then safesm policy apply {n} --file FILE",
    "SM107": "safesm update {n} --kms-key KEY, then safesm policy kms --secret {n}",
    "SM108": "safesm policy kms --secret {n} --reader ARN",
}


def lint_fix(rule: str, name: str) -> str:
    """The fix for a resource-policy finding, as a safesm command."""
    return _LINT_FIX.get(rule, "safesm policy lint {n}, then safesm policy apply {n} "
                               "--file FILE").format(n=name)


def _no_policy(name: str) -> policy_lint.Finding:
    return policy_lint.Finding("SM005", "no-resource-policy", "low", None,
                               f"{name} has no resource policy: anyone your IAM policies "
                               "allow can read and change it.",
                               f"safesm policy apply {name} --default")


def _one_line(text: str) -> str:
    return " ".join(text.split())


_DECRYPT = {"kms:decrypt", "kms:*", "*"}
_BINDING_KEYS = ("kms:viaservice", "kms:encryptioncontext:secretarn",
                 "kms:encryptioncontextkeys")


def _binds_to_secrets_manager(st: dict[str, Any]) -> bool:
    cond = st.get("Condition")
    if not isinstance(cond, dict):
        return False
    for pairs in cond.values():
        if not isinstance(pairs, dict):
            continue
        for key, vals in pairs.items():
            k = str(key).lower()
            if k == "kms:viaservice" and any("secretsmanager." in str(v)
                                             for v in as_list(vals)):
                return True
            if k.startswith(_BINDING_KEYS[1:]):
                return True
    return False


def key_is_bound(policy_text: str) -> bool:
    """Whether some statement allowing decryption is tied to Secrets Manager by
    kms:ViaService (secretsmanager.REGION.amazonaws.com) or an encryption-context key."""
    try:
        doc = json.loads(policy_text)
    except ValueError:
        return False
    statements = as_list(doc.get("Statement")) if isinstance(doc, dict) else []
    return any(isinstance(st, dict) and st.get("Effect") == "Allow"
               and {str(a).lower() for a in as_list(st.get("Action"))} & _DECRYPT
               and _binds_to_secrets_manager(st) for st in statements)


def _key(s: Subject) -> list[Finding]:
    key = s.key
    if key is None or key.manager != "CUSTOMER" or key.policy is None:
        return []
    if key_is_bound(key.policy):
        return []
    return [_make("SMA301", s, f"customer managed key {key.arn} lets principals decrypt "
                  "outside Secrets Manager: no kms:ViaService or encryption-context "
                  "condition on its Decrypt grants.",
                  f"safesm policy kms --secret {s.info.name}")]


def _replication(s: Subject) -> list[Finding]:
    out = []
    name = s.info.name
    for replica in s.info.replication:
        region, status = replica.get("Region", "?"), str(replica.get("Status", ""))
        why = _one_line(str(replica.get("StatusMessage") or ""))
        if status == "Failed":
            out.append(_make("SMA401", s, f"replication to {region} failed"
                             + (f": {why}" if why else "."),
                             f"safesm replication show {name}"))
        elif status and status != "InSync":
            out.append(_make("SMA402", s, f"the replica in {region} is not in sync "
                             f"({status}).", f"safesm replication show {name}"))
    return out


def evaluate(s: Subject, p: Params, now: datetime | None = None) -> list[Finding]:
    """Every finding for one secret. A secret scheduled for deletion gets only that
    finding: rotation, use and tags no longer matter for it."""
    now = now or datetime.now(timezone.utc)
    if s.info.deleted_date is not None:
        return [_make("SMA501", s, f"scheduled for deletion on {s.info.deleted_date:%Y-%m-%d}: "
                      "anything still reading it will fail then.",
                      f"safesm restore {s.info.name} (if it is still needed)")]
    return [*_rotation(s, p, now), *_stuck(s, now), *_age(s, p, now), *_tags(s, p),
            *_policy(s), *_key(s), *_replication(s)]


def at_or_above(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    return [f for f in findings if policy_lint.rank(f.severity) >= policy_lint.rank(fail_on)]


def all_rules() -> list[tuple[str, str, str, str, str | None]]:
    """(id, name, severity, practice, control) of every rule audit can report, with the
    resource-policy rules of `policy lint`."""
    own = [(r.id, r.name, r.severity, r.practice, r.control) for r in _RULES]
    lint = [(rid, name, sev, LINT_PRACTICE, None)
            for rid, (name, sev) in sorted({**policy_lint.RULES,
                                            "SM005": ("no-resource-policy", "low")}.items())]
    return own + lint
