"""Pure: does an Allow to a wildcard principal reach anyone, and why?

"Broad access" follows the meaning of "public" that AWS documents for Block Public
Access: an Allow to a wildcard principal is broad unless a positive condition pins it to
fixed values of a key that identifies the caller or the network path (aws:PrincipalOrgID,
aws:SourceVpce, ...). A condition that every caller meets does not pin anything down:

- ``ForAllValues:`` on a key the request lacks is true (there is no value to fail), so it
  restricts only when the statement also requires the key (``"Null": {key: "false"}``);
- a policy variable that stands for the caller's own value (``aws:PrincipalAccount =
  ${aws:PrincipalAccount}``) always matches; only the resource's own keys
  (``${aws:ResourceAccount}``, ``${aws:ResourceOrgID}``) are fixed;
- ``aws:SourceIp`` ranges that together hold more public addresses than one /8 (IPv4) or
  one /32 (IPv6) are the internet, not a network of yours. Private and reserved ranges
  are not counted: such addresses never reach a public endpoint as ``aws:SourceIp``.

Also the condition plumbing the other policy modules share.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from .arns import account_of, parse_arn
from .policy import as_list

# Condition keys that pin a wildcard principal down, when compared to fixed values.
KEY_NAMES = {k.lower(): k for k in (
    "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceOwner",
    "aws:SourceAccount", "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths", "aws:userid", "aws:SourceIp", "aws:CurrentTime",
    "aws:EpochTime", "aws:SecureTransport", "aws:PrincipalType", "aws:RequestedRegion")}
RESTRICTING_KEYS = set(KEY_NAMES) - {"aws:currenttime", "aws:epochtime",
                                     "aws:securetransport", "aws:principaltype",
                                     "aws:requestedregion"}
_WITHOUT = {"aws:principalorgid": "a caller in no organization",
            "aws:principalorgpaths": "a caller in no organization",
            "aws:sourcevpce": "a request not sent through a VPC endpoint",
            "aws:sourcevpc": "a request not sent through a VPC endpoint"}
ARN_KEYS = {"aws:sourcearn", "aws:principalarn"}
# Policy variables the caller cannot choose: they stand for the resource's own account or
# organization.
RESOURCE_VARIABLES = {"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_ESCAPES = {"*", "?", "$"}  # ${*} ${?} ${$}: literal characters, not variables

_V4_LIMIT = 2 ** 24  # one /8
_V6_LIMIT = 2 ** 96  # one /32
_NOT_PUBLIC_V4 = [ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3")]
_PUBLIC_V6 = ipaddress.IPv6Network("2000::/3")

Condition = tuple[str, str, list[Any]]


# the plumbing ---------------------------------------------------------------------------

def conditions(st: dict[str, Any]) -> list[Condition]:
    """(operator, lower-case key, values) for every condition in a statement."""
    cond = st.get("Condition")
    if not isinstance(cond, dict):
        return []
    return [(str(op), str(key).lower(), as_list(vals))
            for op, pairs in cond.items() if isinstance(pairs, dict)
            for key, vals in pairs.items()]


def condition_text(cond: Any) -> str:
    """``when aws:SourceVpce StringEquals vpce-1; and ...`` (or '')."""
    if not isinstance(cond, dict) or not cond:
        return ""
    parts = []
    for op, pairs in cond.items():
        for key, vals in (pairs.items() if isinstance(pairs, dict) else []):
            parts.append(f"{key} {op} {', '.join(str(v) for v in as_list(vals))}")
    return "when " + "; and ".join(parts) if parts else ""


def shown(key: str) -> str:
    """A lower-case condition key as AWS documents it (aws:principalorgid -> aws:PrincipalOrgID)."""
    return KEY_NAMES.get(key, key)


def base_operator(op: str) -> str:
    """``ForAnyValue:StringEqualsIfExists`` -> ``StringEqualsIfExists``."""
    return op.split(":")[-1]


def positive(op: str) -> bool:
    """Operators that hold only when the key is present and matches (not Not*, not IfExists)."""
    base = base_operator(op)
    return "Not" not in base and not base.endswith("IfExists") and base != "Null"


def for_all_values(op: str) -> bool:
    return op.lower().startswith("forallvalues:")


def requires_key(st: dict[str, Any], key: str) -> bool:
    """Does the statement also say ``"Null": {key: "false"}`` (the key must be present)?"""
    return any(op == "Null" and k == key and vals and all(str(v).lower() == "false"
                                                          for v in vals)
               for op, k, vals in conditions(st))


def caller_variables(text: str) -> list[str]:
    """The policy variables in ``text`` whose value the caller brings with the request."""
    names = [m.split(",")[0].strip() for m in _VARIABLE.findall(text)]
    return [n for n in names if n not in _ESCAPES and n.lower() not in RESOURCE_VARIABLES]


def fixed(key: str, value: Any) -> bool:
    """Is this one value a fixed, wildcard-free identity of a caller or network?"""
    text = str(value)
    if caller_variables(text):
        return False
    text = _VARIABLE.sub("X", text)
    if key == "aws:sourceip":
        return _network(text) is not None
    if key in ARN_KEYS:
        account = text.split(":")[4] if text.count(":") >= 5 else ""
        return bool(account) and not any(c in account for c in "*?")
    if key == "aws:userid" and text.endswith(":*"):
        text = text[:-2]
    if key == "aws:principalorgpaths" and text.endswith("/*"):
        text = text[:-2]
    return bool(text) and not any(c in text for c in "*?")


# IP ranges --------------------------------------------------------------------------------

def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _public_v4(net: ipaddress.IPv4Network) -> int:
    count = net.num_addresses
    for other in _NOT_PUBLIC_V4:
        if other.subnet_of(net):
            count -= other.num_addresses
        elif net.subnet_of(other):
            return 0
    return count


def _public_v6(net: ipaddress.IPv6Network) -> int:
    if net.subnet_of(_PUBLIC_V6):
        return net.num_addresses
    return _PUBLIC_V6.num_addresses if _PUBLIC_V6.subnet_of(net) else 0


def public_addresses(values: list[Any]) -> tuple[int, int]:
    """How many public IPv4 and IPv6 addresses the ranges hold together (overlaps once)."""
    nets = [n for v in values if (n := _network(str(v))) is not None]
    v4 = ipaddress.collapse_addresses([n for n in nets if isinstance(n, ipaddress.IPv4Network)])
    v6 = ipaddress.collapse_addresses([n for n in nets if isinstance(n, ipaddress.IPv6Network)])
    return sum(map(_public_v4, v4)), sum(map(_public_v6, v6))


def _ip_reason(values: list[Any]) -> str | None:
    v4, v6 = public_addresses(values)
    if v4 > _V4_LIMIT:
        share = v4 / _public_v4(ipaddress.IPv4Network("0.0.0.0/0"))
        return (f"the aws:SourceIp ranges together hold {v4:,} public IPv4 addresses "
                f"({share:.0%} of the internet), more than one /8")
    if v6 > _V6_LIMIT:
        return "the aws:SourceIp ranges together hold more public IPv6 addresses than one /32"
    return None


# the judgement ------------------------------------------------------------------------------

def _why_open(st: dict[str, Any], op: str, key: str, vals: list[Any]) -> str | None:
    """None when this condition pins the caller down; else why it lets anyone through."""
    name = f"{op} on {shown(key)}"
    if not positive(op):
        return f"{name} is also true for every caller not named (or without the key)"
    if for_all_values(op) and not requires_key(st, key):
        return (f"{name} is true when the request has no {shown(key)}, so "
                f"{_WITHOUT.get(key, 'a caller without it')} passes")
    variables = sorted({v for val in vals for v in caller_variables(str(val))})
    if variables:
        return (f"{name} compares it with {', '.join('${' + v + '}' for v in variables)}, "
                "a value the caller brings along, so every caller matches")
    if key == "aws:sourceip":
        return _ip_reason(vals) or (None if all(fixed(key, v) for v in vals)
                                    else f"{name} has a value that is not an IP range")
    if not all(fixed(key, v) for v in vals):
        return f"{name} matches any value (a wildcard)"
    return None


def open_to_anyone(st: dict[str, Any]) -> str | None:
    """For an Allow to a wildcard principal: None when a condition pins the caller down,
    else the reason, in plain words, why anyone can call it."""
    reasons = []
    for op, key, vals in conditions(st):
        if key not in RESTRICTING_KEYS or not vals:
            continue
        why = _why_open(st, op, key, vals)
        if why is None:
            return None
        reasons.append(why)
    if not reasons:
        return ("no condition pins the caller to an organization, account, principal ARN, "
                "VPC endpoint or network")
    return "; ".join(dict.fromkeys(reasons))


# principals -------------------------------------------------------------------------------

def aws_principals(value: Any) -> list[str]:
    """The AWS principals of a Principal element ("*" for the bare wildcard)."""
    if value == "*":
        return ["*"]
    if isinstance(value, dict):
        return [str(v) for v in as_list(value.get("AWS"))]
    return []


def is_wildcard(principal: str) -> bool:
    """"*", or an ARN whose account is a wildcard (arn:aws:iam::*:root)."""
    if principal == "*":
        return True
    if ":" in principal and account_of(principal):
        return False
    arn = parse_arn(principal)
    return bool(arn and any(c in arn.account for c in "*?"))


def anyone_note(st: dict[str, Any]) -> str | None:
    """For an Allow: who it lets in beyond named principals, in plain words (None: nobody)."""
    if st.get("Effect") != "Allow":
        return None
    if "NotPrincipal" in st:
        return "this lets in every principal not listed, in any AWS account"
    if not any(is_wildcard(p) for p in aws_principals(st.get("Principal"))):
        return None
    why = open_to_anyone(st)
    return f"this lets in anyone, in any AWS account: {why}" if why else None
