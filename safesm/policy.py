"""Pure: least-privilege policies for a secret — the default resource policy, its
reader/writer allow-lists, and identity/KMS policy generators (the plain-language summary
is in policy_summary.py, the checks in policy_lint.py).

The default resource policy only *denies*: reading (GetSecretValue) to everyone whose
``aws:PrincipalArn`` is not on the readers list, and writing (PutSecretValue,
UpdateSecret, UpdateSecretVersionStage) to everyone not on the writers list. It never
denies policy management, so an administrator cannot be locked out, and since it
allows nothing it can never grant broad access. Readers in other accounts also need
an Allow (cross-account access is granted only by a resource policy), which is added
for exactly those principals. Nothing here does I/O.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from .arns import account_of, collapse, parse_arn, principal_patterns

VERSION = "2012-10-17"
MAX_POLICY_CHARS = 20480
READ_ACTIONS = ("secretsmanager:GetSecretValue",)
WRITE_ACTIONS = ("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret",
                 "secretsmanager:UpdateSecretVersionStage")
SID_READERS = "SafesmDenyReadExceptReaders"
SID_WRITERS = "SafesmDenyWriteExceptWriters"
SID_XREAD = "SafesmAllowCrossAccountReaders"
SID_XWRITE = "SafesmAllowCrossAccountWriters"
_SAFESM_SIDS = {SID_READERS, SID_WRITERS, SID_XREAD, SID_XWRITE}
# `policy grant` on a secret that has no policy only adds access: Allow statements, no
# deny lists (README "Least privilege"), so nobody who reads it today is cut off.
SID_ALLOW_READ = "SafesmAllowReaders"
SID_ALLOW_WRITE = "SafesmAllowWriters"


@dataclass(frozen=True)
class AllowLists:
    """Who may read and who may write; principal ARNs (no patterns), in order."""

    readers: tuple[str, ...]
    writers: tuple[str, ...]


def _unique(items: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def as_list(value: Any) -> list[Any]:
    """IAM lets most elements be one item or a list; always a list here."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


# the default resource policy ---------------------------------------------------------

def _deny_except(sid: str, actions: tuple[str, ...], principals: tuple[str, ...]) -> dict[str, Any]:
    patterns = [p for principal in principals for p in principal_patterns(principal)]
    return {
        "Sid": sid,
        "Effect": "Deny",
        "Principal": "*",
        "Action": list(actions) if len(actions) > 1 else actions[0],
        "Resource": "*",
        "Condition": {"ArnNotLike": {"aws:PrincipalArn": patterns}},
    }


def _allow(sid: str, actions: tuple[str, ...], principals: list[str]) -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": principals if len(principals) > 1 else principals[0]},
        "Action": list(actions) if len(actions) > 1 else actions[0],
        "Resource": "*",
    }


def cross_account(principals: tuple[str, ...], home_account: str | None) -> list[str]:
    """Principals outside the secret's account (unknown home: none are)."""
    if not home_account:
        return []
    return [p for p in principals if account_of(p) not in (None, home_account)]


def safesm_statements(lists: AllowLists, home_account: str | None) -> list[dict[str, Any]]:
    if not lists.readers or not lists.writers:
        raise ValueError("the readers and writers lists must not be empty")
    statements = [_deny_except(SID_READERS, READ_ACTIONS, lists.readers),
                  _deny_except(SID_WRITERS, WRITE_ACTIONS, lists.writers)]
    x_readers = cross_account(lists.readers, home_account)
    x_writers = cross_account(lists.writers, home_account)
    if x_readers:
        statements.append(_allow(SID_XREAD, READ_ACTIONS, x_readers))
    if x_writers:
        statements.append(_allow(SID_XWRITE, WRITE_ACTIONS, x_writers))
    return statements


def default_policy(lists: AllowLists, home_account: str | None) -> dict[str, Any]:
    """The policy every secret safesm creates gets (see the module docstring)."""
    return {"Version": VERSION, "Statement": safesm_statements(lists, home_account)}


def _is_deny_except(st: dict[str, Any], action: str) -> bool:
    cond = st.get("Condition", {}) if isinstance(st.get("Condition"), dict) else {}
    return (st.get("Effect") == "Deny" and st.get("Principal") in ("*", {"AWS": "*"})
            and action in as_list(st.get("Action"))
            and "aws:PrincipalArn" in (cond.get("ArnNotLike") or {}))


def _is_safesm(st: Any) -> bool:
    return isinstance(st, dict) and isinstance(st.get("Sid"), str) and st["Sid"] in _SAFESM_SIDS


def find_statement(doc: dict[str, Any], sid: str, action: str) -> dict[str, Any] | None:
    """safesm's deny statement for `action`: the one with its Sid, else one of its shape."""
    statements = [s for s in as_list(doc.get("Statement")) if isinstance(s, dict)]
    by_sid = [s for s in statements if s.get("Sid") == sid]
    found = by_sid or [s for s in statements if _is_deny_except(s, action)]
    return found[0] if found else None


def safesm_sids_in(doc: dict[str, Any]) -> set[str]:
    """The safesm Sids a policy holds."""
    return {str(s.get("Sid")) for s in as_list(doc.get("Statement")) if _is_safesm(s)}


def exempted(st: dict[str, Any]) -> tuple[str, ...] | None:
    """The principals a deny-except statement exempts (its ArnNotLike aws:PrincipalArn)."""
    cond = st.get("Condition")
    pairs = cond.get("ArnNotLike") if isinstance(cond, dict) else None
    if not isinstance(pairs, dict) or "aws:PrincipalArn" not in pairs:
        return None
    return tuple(collapse([str(p) for p in as_list(pairs["aws:PrincipalArn"])]))


def allow_lists(doc: dict[str, Any]) -> AllowLists | None:
    """The readers and writers of a policy in safesm's form, else None."""
    read = find_statement(doc, SID_READERS, READ_ACTIONS[0])
    write = find_statement(doc, SID_WRITERS, WRITE_ACTIONS[0])
    if not read or not write or not _is_deny_except(read, READ_ACTIONS[0]) \
            or not _is_deny_except(write, WRITE_ACTIONS[0]):
        return None
    return AllowLists(exempted(read) or (), exempted(write) or ())


def with_lists(doc: dict[str, Any], lists: AllowLists, home_account: str | None) -> dict[str, Any]:
    """``doc`` with its safesm statements rebuilt from ``lists``; other statements kept."""
    out = copy.deepcopy(doc) if isinstance(doc, dict) else {}
    read = find_statement(out, SID_READERS, READ_ACTIONS[0])
    write = find_statement(out, SID_WRITERS, WRITE_ACTIONS[0])
    others = [s for s in as_list(out.get("Statement"))
              if not _is_safesm(s) and s is not read and s is not write]
    out["Version"] = VERSION
    out["Statement"] = safesm_statements(lists, home_account) + others
    return out


def change(lists: AllowLists, principal: str, read: bool, write: bool,
           add: bool) -> AllowLists:
    """Add (or remove) one principal on the chosen lists; order kept, duplicates dropped."""
    def edit(current: tuple[str, ...], chosen: bool) -> tuple[str, ...]:
        if not chosen:
            return current
        if add:
            return _unique([*current, principal])
        gone = set(principal_patterns(principal)) | {principal}
        return tuple(p for p in current if p not in gone)

    return AllowLists(edit(lists.readers, read), edit(lists.writers, write))


# allow-only: what grant adds to a secret without a policy --------------------------

def _allowed(st: Any, sid: str) -> tuple[str, ...] | None:
    """The principals of one of safesm's allow-only statements, else None."""
    principal = st.get("Principal") if isinstance(st, dict) else None
    if not isinstance(principal, dict) or set(principal) != {"AWS"} or st.get("Sid") != sid \
            or st.get("Effect") != "Allow" or "Condition" in st:
        return None
    return tuple(str(p) for p in as_list(principal["AWS"]))


def allow_only(doc: dict[str, Any] | None) -> AllowLists | None:
    """Who an allow-only policy lets read and write (no policy: nobody yet); None when
    `doc` is anything else (safesm's deny lists, or a policy written by hand)."""
    if doc is None:
        return AllowLists((), ())
    found: dict[str, tuple[str, ...]] = {SID_ALLOW_READ: (), SID_ALLOW_WRITE: ()}
    statements = as_list(doc.get("Statement"))
    for st in statements:
        sid = st.get("Sid") if isinstance(st, dict) else None
        if not isinstance(sid, str) or found.get(sid) != ():  # unknown, or seen twice
            return None
        who = _allowed(st, sid)
        if not who:
            return None
        found[sid] = who
    return AllowLists(found[SID_ALLOW_READ], found[SID_ALLOW_WRITE]) if statements else None


def allow_only_policy(grants: AllowLists) -> dict[str, Any] | None:
    """The allow-only policy for `grants`; None when it would allow nobody."""
    statements = [_allow(sid, actions, list(who)) for sid, actions, who in (
        (SID_ALLOW_READ, READ_ACTIONS, grants.readers),
        (SID_ALLOW_WRITE, WRITE_ACTIONS, grants.writers)) if who]
    return {"Version": VERSION, "Statement": statements} if statements else None


# identity and key policies ----------------------------------------------------------

IAM_READ = ("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret")
# UpdateSecretVersionStage: `put --key` makes its version current only if nobody wrote
# in between (a compare-and-swap on the AWSCURRENT label). `put --key` also reads.
IAM_WRITE = ("secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret",
             "secretsmanager:UpdateSecretVersionStage")
IAM_MANAGE = ("secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
              "secretsmanager:ValidateResourcePolicy")
# --guard: what lets a principal get around the resource policy, denied in its identity
# policy. Changing or removing the policy, and deleting the secret to create it again
# under the same name without one (or with a value of its own).
GUARD_POLICY = ("secretsmanager:DeleteResourcePolicy", "secretsmanager:PutResourcePolicy")
GUARD_SECRET = ("secretsmanager:CreateSecret", "secretsmanager:DeleteSecret")
GUARD_TAGS = ("secretsmanager:TagResource", "secretsmanager:UntagResource")
KMS_READ = ("kms:Decrypt",)
KMS_WRITE = ("kms:Decrypt", "kms:GenerateDataKey")
_SUFFIX_RE = re.compile(r"-[A-Za-z0-9]{6}$")


def secret_arn_pattern(secret_arn: str) -> str:
    """The secret's ARN with its random 6-character suffix as ``-??????``."""
    return _SUFFIX_RE.sub("-??????", secret_arn)


def _dns_suffix(partition: str) -> str:
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def kms_conditions(secret_arn: str, resource_pattern: str) -> dict[str, Any]:
    """KMS used only through Secrets Manager, and only for this secret (or pattern)."""
    arn = parse_arn(secret_arn)
    assert arn is not None, secret_arn
    via = f"secretsmanager.{arn.region}.{_dns_suffix(arn.partition)}"
    return {"StringEquals": {"kms:ViaService": via},
            "StringLike": {"kms:EncryptionContext:SecretARN": resource_pattern}}


def _actions(jobs: set[str], table: dict[str, tuple[str, ...]]) -> list[str]:
    return sorted({a for job in jobs for a in table.get(job, ())})


def identity_policy(secret_arn: str, jobs: set[str], kms_key: str | None = None,
                    abac_tag: str | None = None) -> dict[str, Any]:
    """Least-privilege identity policy for a role whose jobs are read/write/manage, and
    with "guard" the Deny statements that keep it from getting around NAME's resource
    policy (never with "manage": a role that manages the policy can always change it)."""
    arn = parse_arn(secret_arn)
    assert arn is not None, secret_arn
    resource = (f"arn:{arn.partition}:secretsmanager:{arn.region}:{arn.account}:secret:*"
                if abac_tag else secret_arn_pattern(secret_arn))
    tag_cond = ({"StringEquals": {f"secretsmanager:ResourceTag/{abac_tag}":
                                  f"${{aws:PrincipalTag/{abac_tag}}}"}} if abac_tag else None)
    sm_actions = _actions(jobs, {"read": IAM_READ, "write": IAM_WRITE, "manage": IAM_MANAGE})
    statements: list[dict[str, Any]] = [
        _identity_statement("SecretAccess", sm_actions, resource, tag_cond)] if sm_actions else []
    if "read" in jobs:  # `safesm get A B`: the batch call is authorised on "*", and still
        # needs GetSecretValue on every secret it returns (granted above, scoped)
        statements.append(_identity_statement(
            "BatchReadNeedsGetSecretValueToo", ["secretsmanager:BatchGetSecretValue"], "*", None))
    if "manage" in jobs:
        cond = {"Bool": {"secretsmanager:BlockPublicPolicy": "true"}, **(tag_cond or {})}
        statements.append(_identity_statement(
            "PutPolicyOnlyIfNotPublic", ["secretsmanager:PutResourcePolicy"], resource, cond))
    if "guard" in jobs:
        statements += guard_statements(secret_arn, abac_tag)
    kms_actions = _actions(jobs, {"read": KMS_READ, "write": KMS_WRITE})
    if kms_key and kms_actions:
        statements.append(_identity_statement(
            "DecryptOnlyThroughSecretsManager", kms_actions, kms_key,
            kms_conditions(secret_arn, resource)))
    return {"Version": VERSION, "Statement": statements}


def guard_statements(secret_arn: str, abac_tag: str | None = None) -> list[dict[str, Any]]:
    """Deny changing or removing the secret's policy, and deleting or re-creating the
    secret; with ABAC also deny setting or removing that tag key on any secret."""
    pattern = secret_arn_pattern(secret_arn)
    out = [_identity_statement("SafesmDenyChangingThePolicy", list(GUARD_POLICY), pattern,
                               None, "Deny"),
           _identity_statement("SafesmDenyDeletingOrRecreating", list(GUARD_SECRET), pattern,
                               None, "Deny")]
    if abac_tag:
        arn = parse_arn(secret_arn)
        assert arn is not None, secret_arn
        everywhere = f"arn:{arn.partition}:secretsmanager:{arn.region}:{arn.account}:secret:*"
        out.append(_identity_statement(
            "SafesmDenyRetaggingIntoAccess", list(GUARD_TAGS), everywhere,
            {"ForAnyValue:StringEquals": {"aws:TagKeys": [abac_tag]}}, "Deny"))
    return out


def _identity_statement(sid: str, actions: list[str], resource: str,
                        condition: dict[str, Any] | None,
                        effect: str = "Allow") -> dict[str, Any]:
    st: dict[str, Any] = {"Sid": sid, "Effect": effect,
                          "Action": actions if len(actions) > 1 else actions[0],
                          "Resource": resource}
    if condition:
        st["Condition"] = condition
    return st


def key_policy_statements(secret_arn: str, readers: tuple[str, ...],
                          writers: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Statements for a customer managed key's policy: Decrypt (and GenerateDataKey for
    writers) for exactly these principals, only through Secrets Manager, only for this secret.

    The principal is each account (a key policy cannot hold wildcards, and a role's path
    may be unknown); ``aws:PrincipalArn`` then narrows it to the listed principals.
    """
    out = []
    for sid, who, actions in (("SafesmDecryptForSecretReaders", readers, KMS_READ),
                              ("SafesmEncryptForSecretWriters", writers, KMS_WRITE)):
        if not who:
            continue
        accounts = sorted({a for a in map(account_of, who) if a})
        parse = parse_arn(who[0])
        partition = parse.partition if parse else "aws"
        roots = [f"arn:{partition}:iam::{a}:root" for a in accounts]
        cond = kms_conditions(secret_arn, secret_arn_pattern(secret_arn))
        cond["ArnLike"] = {"aws:PrincipalArn": [p for x in who for p in principal_patterns(x)]}
        out.append({"Sid": sid, "Effect": "Allow",
                    "Principal": {"AWS": roots if len(roots) > 1 else roots[0]},
                    "Action": list(actions) if len(actions) > 1 else actions[0],
                    "Resource": "*", "Condition": cond})
    return out
