"""Pure: does each of safesm's deny statements still apply to this secret?

safesm's default policy says "only the readers can read" with one Deny to everyone whose
``aws:PrincipalArn`` is not on the list (and the same for writers). An edit can keep the
list and the Sid while taking the teeth out: a ``Resource`` naming another secret, a
condition that can never hold, an action dropped, an exemption that matches every
account. Before saying "only X can read", `policy show` (and `policy lint`) check that the
statement still denies every one of its actions on this secret, to every principal not
listed, whatever else the request carries.

Each check ends in one of: APPLIES; NEVER (it cannot deny anything on this secret);
PARTLY (it denies only some of its actions, or only under a further condition, or exempts
principals of any account); MISSING (the policy has one of safesm's deny statements but
not this one).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .arns import arn_like, parse_arn
from .policy import (
    READ_ACTIONS,
    SID_READERS,
    SID_WRITERS,
    WRITE_ACTIONS,
    as_list,
    find_statement,
    safesm_sids_in,
)
from .policy_reach import (
    Condition,
    base_operator,
    caller_variables,
    condition_text,
    conditions,
    shown,
)

APPLIES, NEVER, PARTLY, MISSING = "applies", "never", "partly", "missing"
JOBS = (("read", SID_READERS, READ_ACTIONS), ("write", SID_WRITERS, WRITE_ACTIONS))
_BASE = ("ArnNotLike", "aws:principalarn")  # safesm's own condition: the exemption list
# Keys every signed request carries (Secrets Manager takes no anonymous requests).
ALWAYS_PRESENT = {"aws:principalarn", "aws:principalaccount", "aws:principaltype",
                  "aws:userid", "aws:currenttime", "aws:epochtime", "aws:securetransport",
                  "aws:requestedregion"}
_NEGATIONS = {"StringEquals": "StringNotEquals", "StringLike": "StringNotLike",
              "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
              "ArnEquals": "ArnNotEquals", "ArnLike": "ArnNotLike",
              "IpAddress": "NotIpAddress", "NumericEquals": "NumericNotEquals",
              "DateEquals": "DateNotEquals"}


@dataclass(frozen=True)
class DenyCheck:
    job: str  # "read" or "write"
    sid: str
    statement: int | None  # its index in the policy; None when MISSING
    state: str  # APPLIES, NEVER, PARTLY, MISSING
    reasons: tuple[str, ...] = ()


# actions and resources ------------------------------------------------------------------

def _action_matches(pattern: Any, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), str(pattern).lower())


def _uncovered(st: dict[str, Any], actions: tuple[str, ...]) -> list[str]:
    if "NotAction" in st:
        excluded = as_list(st["NotAction"])
        return [a for a in actions if any(_action_matches(p, a) for p in excluded)]
    listed = as_list(st.get("Action"))
    return [a for a in actions if not any(_action_matches(p, a) for p in listed)]


def _resource_matches(pattern: Any, arn: str | None) -> bool | None:
    """Does a Resource pattern cover the secret? None: unknown (no ARN to compare)."""
    text = str(pattern)
    if text == "*":
        return True
    parsed = parse_arn(text)
    if parsed is None or parsed.service not in ("secretsmanager", "*"):
        return False  # not a secret's ARN at all: it never names this one
    return None if arn is None else arn_like(text, arn)


def _resource_reason(st: dict[str, Any], arn: str | None) -> tuple[str, str] | None:
    """(NEVER or PARTLY, why) when the Resource does not plainly cover this secret."""
    key = "NotResource" if "NotResource" in st else "Resource"
    if key not in st:
        return None  # no Resource: the policy's own secret
    patterns = as_list(st.get(key))
    shown = ", ".join(map(str, patterns)) or "nothing"
    hits = [_resource_matches(p, arn) for p in patterns]
    if key == "NotResource" and True in hits:
        return NEVER, f"its NotResource ({shown}) exempts this secret"
    if (key == "Resource" and True in hits) or (key == "NotResource" and None not in hits):
        return None
    if None in hits:
        return PARTLY, (f"its {key} is {shown}: it applies only to the secrets that match "
                        "(safesm writes \"Resource\": \"*\")")
    return NEVER, f"its Resource names {shown}, not this secret"


# conditions -------------------------------------------------------------------------------

def _parse_time(value: Any) -> datetime | None:
    text = str(value).strip()
    try:
        if text.replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(text), timezone.utc)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _in_the_past(op: str, key: str, vals: list[Any], now: datetime) -> str | None:
    base = base_operator(op)
    if key not in ("aws:currenttime", "aws:epochtime") or base not in (
            "DateLessThan", "DateLessThanEquals", "NumericLessThan", "NumericLessThanEquals"):
        return None
    times = [_parse_time(v) for v in vals]
    if not times or any(t is None or t >= now for t in times):
        return None
    return f"it requires {shown(key)} before {', '.join(map(str, vals))}, which has passed"


def _never(op: str, key: str, vals: list[Any], now: datetime) -> str | None:
    """Why this one condition can never hold again, or None."""
    words = {str(v).lower() for v in vals}
    if op == "Null" and key in ALWAYS_PRESENT and words == {"true"}:
        return f"it requires {shown(key)} to be missing, and every signed request has it"
    if base_operator(op) == "Bool" and key == "aws:securetransport" and words == {"false"}:
        return ("it requires a request without TLS, and Secrets Manager accepts only HTTPS "
                "requests")
    return _in_the_past(op, key, vals, now)


def _contradiction(conds: list[Condition]) -> str | None:
    """A key required to match values it is also required not to match."""
    by = {(op, key): {str(v) for v in vals} for op, key, vals in conds}
    for (op, key), vals in by.items():
        negated = by.get((_NEGATIONS.get(op, ""), key))
        if vals and negated is not None and vals <= negated:
            return (f"it requires {shown(key)} both to match and not to match "
                    f"{', '.join(sorted(vals))}")
    return None


def _exemptions(patterns: list[Any]) -> tuple[str, str] | None:
    """The exemption list itself: a pattern matching every caller, or those of any account."""
    texts = [str(p).strip() for p in patterns]
    if any(t == "*" or t.lower() == "${aws:principalarn}" for t in texts):
        return NEVER, ("its exemption list (aws:PrincipalArn) holds a pattern that every "
                       "caller matches")
    brought = [t for t in texts if caller_variables(t)]
    if brought:
        return PARTLY, (f"its exemption list (aws:PrincipalArn) holds {', '.join(brought)}, "
                        "with a value the caller brings along")
    wide = [str(p) for p in patterns if (a := parse_arn(str(p))) is None
            or any(c in a.account for c in "*?")]
    if wide:
        return PARTLY, (f"its exemption list (aws:PrincipalArn) holds {', '.join(wide)}, "
                        "which matches principals in any AWS account")
    return None


def _condition_reasons(st: dict[str, Any], now: datetime) -> list[tuple[str, str]]:
    conds = conditions(st)
    out: list[tuple[str, str]] = []
    never = [r for op, key, vals in conds if (r := _never(op, key, vals, now))]
    never += [r for r in [_contradiction(conds)] if r]
    out += [(NEVER, r) for r in never]
    for op, key, vals in conds:
        if (op, key) == _BASE:
            out += [x for x in [_exemptions(vals)] if x]
        elif not never:
            out.append((PARTLY, "it applies only " + condition_text({op: {shown(key): vals}})))
    return out


# the checks ---------------------------------------------------------------------------------

def _shape_reasons(st: dict[str, Any], actions: tuple[str, ...]) -> list[tuple[str, str]]:
    if st.get("Effect") != "Deny":
        return [(NEVER, f"its Effect is {st.get('Effect')!r}, not \"Deny\"")]
    out: list[tuple[str, str]] = []
    principal = st.get("Principal")
    aws = as_list(principal.get("AWS")) if isinstance(principal, dict) else []
    if "NotPrincipal" in st or not (principal == "*" or "*" in aws):
        out.append((PARTLY, "it does not name every principal (\"Principal\": \"*\")"))
    missed = _uncovered(st, actions)
    if missed:
        short = ", ".join(a.split(":")[-1] for a in missed)
        out.append((NEVER if len(missed) == len(actions) else PARTLY,
                    f"it does not deny {short}"))
    return out


def check_statement(st: dict[str, Any], actions: tuple[str, ...], secret_arn: str | None,
                    now: datetime) -> tuple[str, tuple[str, ...]]:
    """(state, reasons) for one deny statement and the actions it is there to deny."""
    found = _shape_reasons(st, actions)
    found += [x for x in [_resource_reason(st, secret_arn)] if x]
    found += _condition_reasons(st, now)
    if not found:
        return APPLIES, ()
    state = NEVER if any(s == NEVER for s, _ in found) else PARTLY
    return state, tuple(r for s, r in found if s == state)


def check(doc: Any, secret_arn: str | None = None,
          now: datetime | None = None) -> list[DenyCheck]:
    """One check per safesm deny statement; [] when the policy has none of safesm's
    statements (it is not in safesm's form, and claims nothing)."""
    if not isinstance(doc, dict):
        return []
    now = now or datetime.now(timezone.utc)
    statements = as_list(doc.get("Statement"))
    found = {job: find_statement(doc, sid, actions[0]) for job, sid, actions in JOBS}
    if not any(found.values()) and not safesm_sids_in(doc):
        return []
    out = []
    for job, sid, actions in JOBS:
        st = found[job]
        if st is None:
            out.append(DenyCheck(job, sid, None, MISSING, (f"the policy has no {sid} "
                                                           "statement",)))
            continue
        index = next(i for i, s in enumerate(statements) if s is st)
        state, reasons = check_statement(st, actions, secret_arn, now)
        out.append(DenyCheck(job, str(st.get("Sid") or sid), index, state, reasons))
    return out
