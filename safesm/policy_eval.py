"""Pure: would a secret's resource policy deny one principal one action?

Used before rotation is turned on: the rotation Lambda calls Secrets Manager as its
execution role, and a deny-based policy (safesm's default denies reading and writing to
everyone not listed) breaks rotation unless that role is listed. Only Deny statements
are evaluated; identity policies are out of sight. A condition this module cannot judge
from the principal's ARN alone (aws:SourceIp, tags, ...) makes the answer "unknown"
rather than a guess.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from .arns import account_of, arn_like
from .policy import as_list

ROTATOR_ACTIONS = ("secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                   "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret")
DENIED, UNKNOWN, NOT_DENIED = "denied", "unknown", "not denied"


@dataclass(frozen=True)
class Verdict:
    action: str
    outcome: str  # DENIED, UNKNOWN or NOT_DENIED
    statement: int | None = None  # the statement that denies (or may deny)


def _principal_matches(entries: list[Any], principal: str) -> bool:
    account = account_of(principal)
    for entry in entries:
        text = str(entry)
        if text == "*" or text == principal or (account and text in (
                account, f"arn:aws:iam::{account}:root")):
            return True
        if text.endswith(":root") and account_of(text) == account:
            return True
    return False


def _applies_to(st: dict[str, Any], principal: str) -> bool:
    if "NotPrincipal" in st:
        value = st["NotPrincipal"]
        entries = as_list(value.get("AWS")) if isinstance(value, dict) else as_list(value)
        return not _principal_matches(entries, principal)
    value = st.get("Principal")
    if value == "*":
        return True
    return isinstance(value, dict) and _principal_matches(as_list(value.get("AWS")), principal)


def _action_matches(st: dict[str, Any], action: str) -> bool:
    def hit(patterns: Any) -> bool:
        return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in as_list(patterns))

    return hit(st["Action"]) if "Action" in st else not hit(st.get("NotAction"))


def _compare(op: str, pattern: str, value: str) -> bool:
    if op.startswith("Arn"):
        return arn_like(pattern, value)
    if op.endswith("IgnoreCase"):
        return pattern.lower() == value.lower()
    if op.startswith("StringLike") or op.startswith("StringNotLike"):
        return fnmatch.fnmatchcase(value, pattern)
    return pattern == value


def _condition(op: str, key: str, values: list[Any], principal: str) -> bool | None:
    """One condition: True/False, or None when it depends on more than the ARN."""
    key = key.lower()
    known = {"aws:principalarn": principal, "aws:principalaccount": account_of(principal) or ""}
    base = op.split(":")[-1].removesuffix("IfExists")
    if key not in known or ":" in op and not op.startswith("ForAnyValue:"):
        return None
    if base == "Null":
        return any(str(v).lower() == "false" for v in values)
    if not (base.startswith("Arn") or base.startswith("String")):
        return None
    negated = "Not" in base
    hit = any(_compare(base.replace("Not", ""), str(v), known[key]) for v in values)
    return hit != negated


def _conditions(st: dict[str, Any], principal: str) -> bool | None:
    cond = st.get("Condition")
    if not isinstance(cond, dict):
        return True
    results = [_condition(op, key, as_list(vals), principal)
               for op, pairs in cond.items() if isinstance(pairs, dict)
               for key, vals in pairs.items()]
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def verdict(doc: dict[str, Any] | None, principal: str, action: str) -> Verdict:
    """Whether `doc` denies `principal` the `action` (the first statement that does)."""
    maybe: int | None = None
    for i, st in enumerate(as_list((doc or {}).get("Statement"))):
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        if not (_applies_to(st, principal) and _action_matches(st, action)):
            continue
        holds = _conditions(st, principal)
        if holds:
            return Verdict(action, DENIED, i)
        if holds is None and maybe is None:
            maybe = i
    return Verdict(action, UNKNOWN, maybe) if maybe is not None else Verdict(action, NOT_DENIED)


def rotator_verdicts(doc: dict[str, Any] | None, role: str) -> list[Verdict]:
    """What the rotation Lambda's role meets for each call a rotation makes."""
    return [verdict(doc, role, action) for action in ROTATOR_ACTIONS]
