"""Pure: local checks of a secret's resource policy, with stable rule ids.

Each finding names its rule (``SM101``), a severity (low < medium < high), the index
of the statement it is about (0-based, None for the whole document) and a fix hint.
Rule ids never change meaning; new checks get new ids. "Broad access" (SM101) is judged
in policy_reach.py: an Allow to a wildcard principal is broad unless a positive condition
pins it to fixed values of a key that identifies the caller or the network path — and a
condition every caller meets (ForAllValues: on a missing key, a key compared with its own
policy variable, IP ranges that hold the internet) pins nothing. Whether safesm's deny
statements still apply to the secret (SM109, SM110) is judged in policy_denies.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import policy_denies
from .arns import account_of
from .policy import MAX_POLICY_CHARS, VERSION, as_list
from .policy_reach import aws_principals, conditions, is_wildcard, open_to_anyone

SEVERITIES = ("low", "medium", "high")
MANAGED_KEY_ALIAS = "alias/aws/secretsmanager"

WILDCARD_ACTIONS = {"*", "secretsmanager:*"}

RULES: dict[str, tuple[str, str]] = {  # id -> (name, severity)
    "SM001": ("invalid-json", "high"),
    "SM002": ("missing-version", "medium"),
    "SM003": ("too-large", "high"),
    "SM004": ("malformed-policy", "high"),
    "SM101": ("broad-access", "high"),
    "SM102": ("allow-with-notprincipal", "high"),
    "SM103": ("wildcard-action", "medium"),
    "SM104": ("cross-account-principal", "medium"),
    "SM105": ("source-ip-condition", "medium"),
    "SM106": ("vpc-condition", "low"),
    "SM107": ("cross-account-managed-key", "medium"),
    "SM108": ("cross-account-key-policy", "low"),
    "SM109": ("safesm-deny-not-applied", "medium"),
    "SM110": ("safesm-deny-weakened", "medium"),
    "SM111": ("rotation-network-condition", "medium"),
}
NETWORK_KEYS = {"aws:sourceip": "aws:SourceIp", "aws:sourcevpc": "aws:SourceVpc",
                "aws:sourcevpce": "aws:SourceVpce"}


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    statement: int | None
    message: str
    fix: str


@dataclass(frozen=True)
class Context:
    """What is known about the secret: its account, its KMS key (None: the AWS managed
    aws/secretsmanager key, which is also what an unknown key is assumed to be), its ARN
    (for whether a Resource names it), and the time (for date conditions; None: now)."""

    home_account: str | None = None
    kms_key: str | None = None
    secret_arn: str | None = None
    now: datetime | None = None
    rotation: bool = False  # rotation is on (or being turned on): a Lambda calls for you


def _finding(rule: str, statement: int | None, message: str, fix: str) -> Finding:
    name, severity = RULES[rule]
    return Finding(rule, name, severity, statement, message, fix)


def rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def fails(findings: list[Finding], fail_on: str) -> bool:
    return any(rank(f.severity) >= rank(fail_on) for f in findings)


# rules --------------------------------------------------------------------------------

def _statement_findings(i: int, st: dict[str, Any], ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    allow = st.get("Effect") == "Allow"
    principals = aws_principals(st.get("Principal"))
    if allow and "NotPrincipal" in st:
        out.append(_finding("SM102", i, "Allow with NotPrincipal grants access to every "
                            "principal not listed, in any AWS account.",
                            "Use Principal with the ARNs that need access instead."))
    elif allow and any(is_wildcard(p) for p in principals) and (why := open_to_anyone(st)):
        out.append(_finding("SM101", i, "Allow to a wildcard principal (\"*\" or {\"AWS\": "
                            f"\"*\"}}) that lets anyone in, from any AWS account: {why}.",
                            "Name the principals (arn:aws:iam::ACCOUNT:role/NAME), or pin it "
                            "with a positive condition on fixed values, such as "
                            "aws:PrincipalOrgID or aws:SourceVpce."))
    actions = {str(a) for a in as_list(st.get("Action"))}
    if allow and (actions & WILDCARD_ACTIONS or "NotAction" in st):
        shown = ", ".join(sorted(actions & WILDCARD_ACTIONS)) or "NotAction"
        out.append(_finding("SM103", i, f"Allow with {shown}: grants every Secrets Manager "
                            "action, including DeleteSecret and PutResourcePolicy.",
                            "List only the actions needed, e.g. "
                            "secretsmanager:GetSecretValue."))
    others = sorted({a for p in principals if (a := account_of(p))} - {ctx.home_account})
    if allow and ctx.home_account and others:
        out.append(_finding("SM104", i, f"grants access to other accounts: {', '.join(others)}.",
                            "Make sure each account is yours or trusted; their principals "
                            "also need an identity policy (`safesm policy iam`)."))
    keys = {key for _, key, _ in conditions(st)}
    if "aws:sourceip" in keys:
        out.append(_finding("SM105", i, "aws:SourceIp condition: AWS services acting for you "
                            "(a rotation Lambda, CloudFormation, other services) call from AWS "
                            "addresses, not yours, and will fail.",
                            "Prefer aws:SourceVpce or aws:PrincipalArn; if you keep it, exempt "
                            "service calls with aws:ViaAWSService."))
    if keys & {"aws:sourcevpc", "aws:sourcevpce"}:
        out.append(_finding("SM106", i, "aws:SourceVpc/aws:SourceVpce condition: requests "
                            "that do not come through your VPC endpoint fail — the console, "
                            "CloudShell, your workstation, and AWS services that call for you "
                            "from outside the VPC (rotation Lambdas not in the VPC, "
                            "CloudFormation, replication).",
                            "Make sure every reader runs in that VPC, or exempt service calls "
                            "with aws:ViaAWSService / aws:PrincipalIsAWSService."))
    if ctx.rotation and keys & set(NETWORK_KEYS):
        named = ", ".join(NETWORK_KEYS[k] for k in sorted(keys & set(NETWORK_KEYS)))
        out.append(_finding("SM111", i, f"rotation is on and this statement restricts by "
                            f"{named}: the rotation Lambda calls Secrets Manager from AWS's "
                            "address space (or its own VPC), so rotation can fail.",
                            "Exempt the rotation role (aws:PrincipalArn) or AWS service calls "
                            "(aws:ViaAWSService) from this condition, or run the Lambda in "
                            "the VPC whose endpoint the policy names."))
    return out


def _structure(i: int, st: Any) -> Finding | None:
    problem = None
    if not isinstance(st, dict):
        problem = "is not a JSON object"
    elif st.get("Effect") not in ("Allow", "Deny"):
        problem = "needs \"Effect\": \"Allow\" or \"Deny\""
    elif "Action" not in st and "NotAction" not in st:
        problem = "has no Action"
    elif "Principal" not in st and "NotPrincipal" not in st:
        problem = "has no Principal (a resource policy needs one)"
    if problem is None:
        return None
    return _finding("SM004", i, f"statement {problem}.", "Fix the statement; see "
                    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html")


def _key_findings(doc: dict[str, Any], ctx: Context) -> list[Finding]:
    if not ctx.home_account:
        return []
    foreign = {a for st in as_list(doc.get("Statement")) if isinstance(st, dict)
               and st.get("Effect") == "Allow" for p in aws_principals(st.get("Principal"))
               if (a := account_of(p)) and a != ctx.home_account}
    if not foreign:
        return []
    key = ctx.kms_key
    if not key or key.endswith(MANAGED_KEY_ALIAS):
        return [_finding("SM107", None, "principals in other accounts cannot decrypt a secret "
                         "encrypted with the aws/secretsmanager AWS managed key; it can't be "
                         "used cross-account.",
                         "Encrypt with a customer managed key (`safesm put NAME --kms-key "
                         "KEY`) and allow them in its key policy (`safesm policy kms`).")]
    return [_finding("SM108", None, f"principals in other accounts also need kms:Decrypt on "
                     f"{key} in its key policy.",
                     "Print the statements with `safesm policy kms NAME --reader "
                     "ARN`.")]


def _deny_findings(doc: dict[str, Any], ctx: Context) -> list[Finding]:
    """safesm's deny statements that no longer (fully) apply to this secret."""
    out = []
    for c in policy_denies.check(doc, ctx.secret_arn, ctx.now):
        if c.state == policy_denies.APPLIES:
            continue
        what = "reading" if c.job == "read" else "writing"
        if c.state == policy_denies.PARTLY:
            rule, how, then = "SM110", "limits only in part", " when it does not apply"
        else:
            rule, how, then = "SM109", "does not limit", ""
        out.append(_finding(rule, c.statement, f"safesm's deny statement {c.sid} {how} {what} "
                            f"to its list: {'; '.join(c.reasons)}. Anyone IAM policies allow "
                            f"can {c.job} the secret{then}.",
                            "Restore it (`safesm policy apply NAME --default`, then `safesm "
                            "policy grant`)."))
    return out


def lint(text: str, ctx: Context | None = None) -> list[Finding]:
    """Every finding for a policy document given as text."""
    ctx = ctx or Context()
    out: list[Finding] = []
    if len(text) > MAX_POLICY_CHARS:
        out.append(_finding("SM003", None, f"the policy is {len(text)} characters; Secrets "
                            f"Manager accepts at most {MAX_POLICY_CHARS}.",
                            "Remove statements or whitespace."))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return out + [_finding("SM001", None, f"not valid JSON: {exc.msg} (line {exc.lineno}, "
                               f"column {exc.colno}).", "Fix the JSON syntax.")]
    if not isinstance(doc, dict) or "Statement" not in doc:
        return out + [_finding("SM004", None, "the policy needs a JSON object with a "
                               "\"Statement\".", "Start from `safesm policy show NAME --json`.")]
    if doc.get("Version") != VERSION:
        what = "has no Version" if "Version" not in doc else f"has Version {doc['Version']!r}"
        out.append(_finding("SM002", None, f"the policy {what}: policy variables such as "
                            "${aws:PrincipalTag/...} are not substituted.",
                            f"Add \"Version\": \"{VERSION}\"."))
    for i, st in enumerate(as_list(doc["Statement"])):
        problem = _structure(i, st)
        out.extend([problem] if problem else _statement_findings(i, st, ctx))
    out.extend(_key_findings(doc, ctx))
    out.extend(_deny_findings(doc, ctx))
    return out


def to_dict(f: Finding) -> dict[str, Any]:
    return {"rule": f.rule, "name": f.name, "severity": f.severity, "statement": f.statement,
            "message": f.message, "fix": f.fix}


def report(findings: list[Finding]) -> str:
    """One block per finding: severity, rule, where, what; then the fix, indented. The
    same finding about several statements is shown once, naming them all."""
    where: dict[tuple[str, str, str], list[int | None]] = {}
    first: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        key = (f.rule, f.message, f.fix)
        first.setdefault(key, f)
        where.setdefault(key, []).append(f.statement)
    lines = []
    for key, f in first.items():
        lines.append(f"{f.severity:<6}  {f.rule} {f.name}  ({_where(where[key])}): {f.message}")
        lines.append(f"        fix: {f.fix}")
    return "\n".join(lines)


def _where(statements: list[int | None]) -> str:
    numbers = sorted({i for i in statements if i is not None})
    if not numbers:
        return "policy"
    return f"statement{'s' * (len(numbers) > 1)} {', '.join(map(str, numbers))}"
