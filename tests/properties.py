"""Shared hypothesis settings and strategies for the property-based tests.

Repeatable in CI: derandomized (the same examples every run, chosen from the test's
name), no example database on disk, no per-example deadline (a loaded CI machine is
not a bug). Example counts stay modest so the suite stays fast.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

UNIT = settings(max_examples=100, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
CLI = settings(max_examples=30, derandomize=True, database=None, deadline=None,
               suppress_health_check=[HealthCheck.too_slow,
                                      HealthCheck.function_scoped_fixture])

# The name rule (README, "How values go in"; safesm(1)): 1-512 characters from
# A-Z a-z 0-9 / _ + = . @ -
NAME_CHARS = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+=.@-")


def name_oracle(name: str) -> bool:
    """The documented name rule, written out independently of safesm's regex."""
    return 1 <= len(name) <= 512 and all(ch in NAME_CHARS for ch in name)


names = st.one_of(
    st.text(alphabet=NAME_CHARS, max_size=20),
    st.text(max_size=20),  # any unicode: spaces, newlines, NUL, accents, emoji
    st.text(alphabet=NAME_CHARS + " :*?\n\t\\'\"é\x00", max_size=20),
    st.text(alphabet=NAME_CHARS, min_size=510, max_size=514),  # the length boundary
)

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                | st.text(max_size=12))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12,
)

_ARNS = ["*", "arn:aws:iam::123456789012:root", "123456789012",
         "arn:aws:iam::111122223333:role/app", "arn:aws:sts::123456789012:assumed-role/r/s",
         "secretsmanager.amazonaws.com", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"]
_ACTIONS = ["*", "secretsmanager:*", "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue", "secretsmanager:Get*", "kms:Decrypt", "s3:*"]
_COND_KEYS = ["aws:SourceIp", "aws:SourceVpce", "aws:PrincipalOrgID", "aws:PrincipalArn",
              "aws:SourceAccount", "secretsmanager:ResourceTag/team", "kms:ViaService"]
_OPERATORS = ["StringEquals", "StringLike", "IpAddress", "NotIpAddress", "ArnLike", "Bool",
              "ForAnyValue:StringEquals", "StringEqualsIfExists", "Null"]


def _one_or_many(elements):  # type: ignore[no-untyped-def]
    return st.one_of(elements, st.lists(elements, max_size=3), json_values)


_principals = st.one_of(
    st.just("*"),
    st.dictionaries(st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser"]),
                    _one_or_many(st.sampled_from(_ARNS)), max_size=2),
    json_values,
)
_conditions = st.one_of(
    st.dictionaries(st.sampled_from(_OPERATORS),
                    st.dictionaries(st.sampled_from(_COND_KEYS),
                                    _one_or_many(st.sampled_from(
                                        ["10.0.0.0/8", "0.0.0.0/0", "o-abc", "vpce-1", "true",
                                         "123456789012", "*"])), max_size=2), max_size=2),
    json_values,
)
statements = st.fixed_dictionaries({}, optional={
    "Sid": st.text(max_size=6) | json_values,
    "Effect": st.sampled_from(["Allow", "Deny"]) | json_values,
    "Principal": _principals,
    "NotPrincipal": _principals,
    "Action": _one_or_many(st.sampled_from(_ACTIONS)),
    "NotAction": _one_or_many(st.sampled_from(_ACTIONS)),
    "Resource": _one_or_many(st.sampled_from(["*", "arn:aws:secretsmanager:*:*:secret:*"])),
    "Condition": _conditions,
})
policies = st.one_of(
    st.fixed_dictionaries(
        {"Statement": st.one_of(statements, st.lists(statements | json_values, max_size=3))},
        optional={"Version": st.sampled_from(["2012-10-17", "2008-10-17"]) | json_values}),
    json_values,  # any JSON document at all
)

# Shell history: lines built from the pieces the parsers and leak rules care about.
_PIECES = ["export ", "PASSWORD=", "DB_PASSWORD=", "API_TOKEN=", "hunter2x", "aws ",
           "secretsmanager ", "create-secret ", "--secret-string ", "--password=", "-p",
           "mysql ", "curl -u user:", "Authorization: Bearer ", "AKIAIOSFODNN7EXAMPLE",
           "'", '"', "\\", "\\\n", " ", "\t", "=", ";", "|", "$(", ")", "`", "{", "}", "#",
           ": 1700000000:0;", "- cmd: ", "  when: 1700000000\n", "ls -la", "\n", "\r\n",
           "\x00", "é", "${", "<<EOF\n", "EOF\n"]
_RAW = [b"\x83", b"\x80", b"\xff", b"\xc3", b"\x83\xa0"]  # zsh metafied bytes, broken UTF-8
history_text = st.lists(st.sampled_from([p.encode() for p in _PIECES] + _RAW)
                        | st.text(max_size=6).map(str.encode), max_size=40).map(b"".join)
history_bytes = st.one_of(history_text, st.binary(max_size=300))
