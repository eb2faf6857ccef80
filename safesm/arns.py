"""Pure: principal ARNs — parsing, the caller's ARN as a policy principal, ArnLike patterns.

STS tells us who the caller is as a *session* ARN
(``arn:aws:sts::111122223333:assumed-role/deploy/alice``), but a resource policy's
``aws:PrincipalArn`` holds the *role* ARN, with the role's path
(``arn:aws:iam::111122223333:role/team/deploy``) — and the session ARN does not show
the path. Role names are unique within an account, so the pair of ArnLike patterns
``role/NAME`` and ``role/*/NAME`` matches exactly that role wherever its path is;
IAM Identity Center roles live under ``aws-reserved/sso.amazonaws.com/`` (plus a
region segment outside us-east-1), which the same trick covers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UsageError

_PARTITION = r"aws(?:-[a-z]+)*"
_ACCOUNT = r"\d{12}"
_NAME = r"[\w+=,.@-]{1,128}"
_PATH = r"(?:/[\w+=,.@-]+)*/"  # "/", or "/a/b/"; no wildcards
SSO_PATH = "aws-reserved/sso.amazonaws.com/"

_IAM_RE = re.compile(rf"^arn:({_PARTITION}):iam::({_ACCOUNT}):(root|user{_PATH}{_NAME}|"
                     rf"role{_PATH}{_NAME})$", re.ASCII)
_ASSUMED_RE = re.compile(rf"^arn:({_PARTITION}):sts::({_ACCOUNT}):assumed-role/({_NAME})/"
                         rf"({_NAME})$", re.ASCII)
_FEDERATED_RE = re.compile(rf"^arn:({_PARTITION}):sts::({_ACCOUNT}):federated-user/{_NAME}$",
                           re.ASCII)
_ANY_ARN_RE = re.compile(r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.+)$")
_COMPANION_RE = re.compile(r"^(arn:[^:]+:iam::\d{12}:role(?:/.*)?)/\*/([^/*?]+)$")

PRINCIPAL_HINT = (
    "Use an IAM user or role ARN (arn:aws:iam::ACCOUNT:role/NAME), an assumed-role ARN "
    "(converted to its role), or arn:aws:iam::ACCOUNT:root."
)


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str


def parse_arn(text: str) -> Arn | None:
    """Split any ARN into its six parts, or None when it is not shaped like one."""
    m = _ANY_ARN_RE.match(text.strip())
    return Arn(*m.groups()) if m else None


def account_of(text: str) -> str | None:
    """The 12-digit account of an ARN (or a bare account id), else None."""
    text = text.strip()
    if re.fullmatch(_ACCOUNT, text):
        return text
    arn = parse_arn(text)
    return arn.account if arn and re.fullmatch(_ACCOUNT, arn.account) else None


def principal_arn(text: str) -> str:
    """The ARN that ``aws:PrincipalArn`` holds for this caller or principal.

    Accepts IAM users and roles (with paths), the account root, federated users, and
    STS assumed-role session ARNs, which become their role's ARN (Identity Center
    roles under aws-reserved/sso.amazonaws.com/). Anything else is a usage error.
    """
    text = text.strip()
    if _IAM_RE.match(text) or _FEDERATED_RE.match(text):
        return text
    m = _ASSUMED_RE.match(text)
    if m:
        partition, account, role, _session = m.groups()
        path = SSO_PATH if role.startswith("AWSReservedSSO_") else ""
        return f"arn:{partition}:iam::{account}:role/{path}{role}"
    what = "wildcards are not allowed in a principal" if any(c in text for c in "*?") else (
        "a group cannot be a principal" if ":group/" in text else "not a principal ARN")
    raise UsageError(f"{what} (the text given is not shown).", PRINCIPAL_HINT)


def principal_patterns(principal: str) -> list[str]:
    """ArnLike patterns matching exactly this principal, wherever a role's path is.

    A role ARN without a path (what a session ARN converts to) also gets
    ``role/*/NAME``: role names are unique in an account, so this matches the same role
    if it has a path. An Identity Center role gets its regional path the same way.
    """
    arn = parse_arn(principal)
    if not arn or arn.service != "iam" or not arn.resource.startswith("role/"):
        return [principal]
    head, _, name = principal.rpartition("/")
    rest = arn.resource[len("role/"):]
    if "/" not in rest or rest == SSO_PATH + name:
        return [principal, f"{head}/*/{name}"]
    return [principal]


def collapse(patterns: list[str]) -> list[str]:
    """The principals behind patterns: drop each ``P/*/NAME`` whose ``P/NAME`` is listed."""
    present = set(patterns)
    out: list[str] = []
    for p in patterns:
        m = _COMPANION_RE.match(p)
        if m and f"{m.group(1)}/{m.group(2)}" in present:
            continue
        if p not in out:
            out.append(p)
    return out


def _segment_like(pattern: str, value: str) -> bool:
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, flags=re.DOTALL) is not None


def arn_like(pattern: str, arn: str) -> bool:
    """IAM's ArnLike: each of the six colon-separated parts matched with * and ?."""
    p, a = pattern.split(":", 5), arn.split(":", 5)
    if len(p) != 6 or len(a) != 6:
        return False
    return all(_segment_like(x, y) for x, y in zip(p, a, strict=True))


def is_root(principal: str) -> bool:
    arn = parse_arn(principal)
    return bool(arn and arn.service == "iam" and arn.resource == "root")
