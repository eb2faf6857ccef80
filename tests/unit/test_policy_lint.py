"""`policy lint` rules over a table of policies: each row names exactly the rules it trips.

Broad access is also cross-checked against policyuniverse (Netflix's independent
"is this internet accessible?" check) for the rows where both define it the same way.
"""

from __future__ import annotations

import json

import pytest

from safesm.arns import principal_arn
from safesm.policy import AllowLists, default_policy, dumps, identity_policy
from safesm.policy_lint import RULES, Context, fails, lint, report, to_dict

HOME, OTHER = "111122223333", "444455556666"
APP = f"arn:aws:iam::{HOME}:role/app"
ALICE = f"arn:aws:iam::{HOME}:user/alice"
CMK = f"arn:aws:kms:us-east-1:{HOME}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
GET = "secretsmanager:GetSecretValue"


def st(effect="Allow", principal=None, action=GET, condition=None, **extra):
    out = {"Effect": effect, "Action": action, "Resource": "*", **extra}
    if principal is not None:
        out["Principal"] = principal
    if condition:
        out["Condition"] = condition
    return out


def doc(*statements, version="2012-10-17"):
    out = {"Statement": list(statements)}
    if version:
        out = {"Version": version, **out}
    return json.dumps(out)


def default(readers, writers, home=HOME):
    return dumps(default_policy(AllowLists(tuple(readers), tuple(writers)), home))


SECRET = f"arn:aws:secretsmanager:us-east-1:{HOME}:secret:app/db-AbC123"
ON_SECRET = Context(HOME, None, SECRET)


def edited(change, readers=(ALICE,), writers=(ALICE,)):
    """safesm's default policy with one edit: change(read_statement, write_statement, doc)."""
    out = default_policy(AllowLists(tuple(readers), tuple(writers)), HOME)
    change(*out["Statement"][:2], out)
    return dumps(out)


def _set(key, value, which=0):
    return lambda read, write, _doc: (read, write)[which].__setitem__(key, value)


def _cond(op, pairs, which=0):
    return lambda read, write, _doc: (read, write)[which]["Condition"].__setitem__(op, pairs)


def _exempt(*patterns):
    return _cond("ArnNotLike", {"aws:PrincipalArn": list(patterns)})


# (id, edit, context, expected rules): safesm's own deny statements, taken apart
_DENY_EDITS = [
    ("deny-intact", lambda *a: None, ON_SECRET, set()),
    ("deny-resource-other-secret",
     _set("Resource", f"arn:aws:secretsmanager:us-east-1:{HOME}:secret:other-XyZ789"),
     ON_SECRET, {"SM109"}),
    ("deny-resource-this-secret",
     _set("Resource", f"arn:aws:secretsmanager:us-east-1:{HOME}:secret:app/db-??????"),
     ON_SECRET, set()),
    ("deny-resource-unknown-secret",
     _set("Resource", f"arn:aws:secretsmanager:us-east-1:{HOME}:secret:app/db-??????"),
     Context(HOME), {"SM110"}),
    ("deny-resource-not-a-secret", _set("Resource", "arn:aws:s3:::bucket/*"), Context(HOME),
     {"SM109"}),
    ("deny-notresource-this-secret", lambda read, w, d: (read.pop("Resource"), read.__setitem__(
        "NotResource", f"arn:aws:secretsmanager:*:{HOME}:secret:app/*")), ON_SECRET, {"SM109"}),
    ("deny-notresource-other-secret", lambda read, w, d: (read.pop("Resource"), read.__setitem__(
        "NotResource", f"arn:aws:secretsmanager:*:{HOME}:secret:other-*")), ON_SECRET, set()),
    ("deny-notresource-unknown-and-everything", lambda read, w, d: (read.pop("Resource"),
        read.__setitem__("NotResource", ["arn:aws:secretsmanager:*:*:secret:x*", "*"])),
     Context(HOME), {"SM109"}),
    ("deny-notresource-unknown", lambda read, w, d: (read.pop("Resource"), read.__setitem__(
        "NotResource", "arn:aws:secretsmanager:*:*:secret:x*")), Context(HOME), {"SM110"}),
    ("deny-null-principalarn", _cond("Null", {"aws:PrincipalArn": "true"}), ON_SECRET,
     {"SM109"}),
    ("deny-without-tls", _cond("Bool", {"aws:SecureTransport": "false"}, 1), ON_SECRET,
     {"SM109"}),
    ("deny-date-passed", _cond("DateLessThan", {"aws:CurrentTime": "2001-01-01T00:00:00Z"}),
     ON_SECRET, {"SM109"}),
    ("deny-date-future", _cond("DateLessThan", {"aws:CurrentTime": "2999-01-01T00:00:00Z"}),
     ON_SECRET, {"SM110"}),
    ("deny-contradiction", _cond("ArnLike", {"aws:PrincipalArn": [ALICE]}), ON_SECRET,
     {"SM109"}),
    ("deny-only-outside-vpce", _cond("StringEquals", {"aws:SourceVpce": "vpce-1a2b3c4d"}),
     ON_SECRET, {"SM110", "SM106"}),
    ("deny-exempts-everyone", _exempt(ALICE, "*"), ON_SECRET, {"SM109"}),
    ("deny-exempts-own-variable", _exempt("${aws:PrincipalArn}"), ON_SECRET, {"SM109"}),
    ("deny-exempts-any-account", _exempt(ALICE, "arn:aws:iam::*:role/app"), ON_SECRET,
     {"SM110"}),
    ("deny-write-action-dropped", _set("Action", ["secretsmanager:PutSecretValue"], 1),
     ON_SECRET, {"SM110"}),
    ("deny-read-action-replaced", _set("Action", "secretsmanager:DescribeSecret"), ON_SECRET,
     {"SM109"}),
    ("deny-notaction-read", lambda read, w, d: (read.pop("Action"), read.__setitem__(
        "NotAction", "secretsmanager:GetSecretValue")), ON_SECRET, {"SM109"}),
    ("deny-wildcard-action-still-applies", _set("Action", "secretsmanager:*"), ON_SECRET, set()),
    ("deny-principal-narrowed", _set("Principal", {"AWS": APP}), ON_SECRET, {"SM110"}),
    ("deny-write-removed", lambda read, write, d: d["Statement"].remove(write), ON_SECRET,
     {"SM109"}),
]
DENY_ROWS = [(name, edited(edit), ctx, rules, True) for name, edit, ctx, rules in _DENY_EDITS]

SSO = principal_arn(f"arn:aws:sts::{HOME}:assumed-role/AWSReservedSSO_Dev_0a1b2c3d/bo")
BIG = doc(*[st(principal={"AWS": f"arn:aws:iam::{HOME}:role/r{i:04d}"}) for i in range(200)])

# (id, policy text, context, expected rules, policyuniverse agrees on broad access)
TABLE = [
    ("public-star", doc(st(principal="*")), Context(HOME), {"SM101"}, True),
    ("aws-star", doc(st(principal={"AWS": "*"})), Context(HOME), {"SM101"}, True),
    ("aws-list-with-star", doc(st(principal={"AWS": [APP, "*"]})), Context(HOME), {"SM101"},
     True),
    ("any-account-root", doc(st(principal={"AWS": "arn:aws:iam::*:root"})), Context(HOME),
     {"SM101"}, True),
    ("notprincipal-allow", doc(st(NotPrincipal={"AWS": APP})), Context(HOME), {"SM102"}, True),
    ("notprincipal-deny", doc(st("Deny", NotPrincipal={"AWS": APP}, action="*")), Context(HOME),
     set(), True),
    ("action-star", doc(st(principal={"AWS": APP}, action="*")), Context(HOME), {"SM103"}, True),
    ("action-sm-star", doc(st(principal={"AWS": APP}, action="secretsmanager:*")), Context(HOME),
     {"SM103"}, True),
    ("notaction-allow", doc({"Effect": "Allow", "Principal": {"AWS": APP},
                             "NotAction": "secretsmanager:DeleteSecret", "Resource": "*"}),
     Context(HOME), {"SM103"}, True),
    ("public-and-wildcard-action", doc(st(principal="*", action="*")), Context(HOME),
     {"SM101", "SM103"}, True),
    ("sourceip-pinned", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/48"]}})), Context(HOME),
     {"SM105"}, True),
    ("sourceip-everywhere", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})), Context(HOME), {"SM101", "SM105"}, True),
    ("sourceip-deny", doc(st("Deny", principal="*", action="*", condition={
        "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})), Context(HOME), {"SM105"}, True),
    ("sourcevpce-pinned", doc(st(principal="*", condition={
        "StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})), Context(HOME), {"SM106"}, True),
    ("sourcevpc-deny", doc(st("Deny", principal="*", action="*", condition={
        "StringNotEquals": {"aws:sourcevpc": "vpc-1a2b3c4d"}})), Context(HOME), {"SM106"}, True),
    ("org-pinned", doc(st(principal="*", condition={
        "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})), Context(HOME), set(), True),
    ("org-wildcard", doc(st(principal="*", condition={
        "StringLike": {"aws:PrincipalOrgID": "o-*"}})), Context(HOME), {"SM101"}, True),
    ("negated-account", doc(st(principal="*", condition={
        "StringNotEquals": {"aws:PrincipalAccount": OTHER}})), Context(HOME), {"SM101"}, False),
    ("ifexists-vpce", doc(st(principal="*", condition={
        "StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}})), Context(HOME),
     {"SM101", "SM106"}, False),
    ("securetransport-only", doc(st(principal="*", condition={
        "Bool": {"aws:SecureTransport": "true"}})), Context(HOME), {"SM101"}, True),
    ("principalarn-pinned", doc(st(principal="*", condition={
        "ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{HOME}:role/app-*"}})), Context(HOME),
     set(), True),
    ("principalarn-any-account", doc(st(principal="*", condition={
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app"}})), Context(HOME),
     {"SM101"}, True),
    ("userid-role-sessions", doc(st(principal="*", condition={
        "StringLike": {"aws:userid": "AROAEXAMPLEID:*"}})), Context(HOME), set(), True),
    ("cross-account-managed-key", doc(st(principal={"AWS": f"arn:aws:iam::{OTHER}:role/r"})),
     Context(HOME), {"SM104", "SM107"}, True),
    ("cross-account-cmk", doc(st(principal={"AWS": f"arn:aws:iam::{OTHER}:role/r"})),
     Context(HOME, CMK), {"SM104", "SM108"}, True),
    ("cross-account-alias-managed", doc(st(principal={"AWS": OTHER})),
     Context(HOME, "alias/aws/secretsmanager"), {"SM104", "SM107"}, True),
    ("cross-account-unknown-home", doc(st(principal={"AWS": f"arn:aws:iam::{OTHER}:role/r"})),
     Context(), set(), True),
    ("same-account-least-privilege", doc(st(principal={"AWS": [APP, ALICE]})), Context(HOME),
     set(), True),
    ("service-principal-pinned", doc(st(principal={"Service": "lambda.amazonaws.com"},
                                        condition={"ArnEquals": {"aws:SourceArn":
                                                   f"arn:aws:lambda:us-east-1:{HOME}:function:rot"}}
                                        )), Context(HOME), set(), True),
    ("default-policy", default([ALICE, SSO], [ALICE]), Context(HOME), set(), True),
    ("default-policy-cross-account-cmk", default([ALICE, f"arn:aws:iam::{OTHER}:role/r"], [ALICE]),
     Context(HOME, CMK), {"SM104", "SM108"}, True),
    ("rotation-behind-vpce", doc(st("Deny", principal="*", action="secretsmanager:*",
                                    condition={"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})),
     Context(HOME, rotation=True), {"SM106", "SM111"}, True),
    ("aws-docs-deny-unless-role", doc(st("Deny", principal="*", action=GET, condition={
        "ArnNotEquals": {"aws:PrincipalArn": APP}})), Context(HOME), set(), True),
    ("missing-version", doc(st(principal={"AWS": APP}), version=None), Context(HOME),
     {"SM002"}, True),
    ("old-version", doc(st(principal={"AWS": APP}), version="2008-10-17"), Context(HOME),
     {"SM002"}, True),
    ("invalid-json", '{"Version": "2012-10-17", "Statement": [', Context(HOME), {"SM001"}, None),
    ("too-large", BIG, Context(HOME), {"SM003"}, True),
    ("no-statement", '{"Version": "2012-10-17"}', Context(HOME), {"SM004"}, None),
    ("not-an-object", '["Statement"]', Context(HOME), {"SM004"}, None),
    ("statement-without-principal", doc(st()), Context(HOME), {"SM004"}, None),
    ("statement-bad-effect", doc(st("Permit", principal="*")), Context(HOME), {"SM004"}, None),
    ("statement-not-object", doc("oops"), Context(HOME), {"SM004"}, None),
    ("single-statement-object", json.dumps({"Version": "2012-10-17",
                                            "Statement": st(principal="*")}), Context(HOME),
     {"SM101"}, True),
    # conditions every caller meets (policyuniverse takes them as restricting)
    ("forallvalues-org", doc(st(principal="*", condition={
        "ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})), Context(HOME),
     {"SM101"}, False),
    ("forallvalues-vpce", doc(st(principal="*", condition={
        "ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}})), Context(HOME),
     {"SM101", "SM106"}, False),
    ("forallvalues-org-required", doc(st(principal="*", condition={
        "ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
        "Null": {"aws:PrincipalOrgID": "false"}})), Context(HOME), set(), True),
    ("variable-own-account", doc(st(principal="*", condition={
        "StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalAccount}"}})), Context(HOME),
     {"SM101"}, False),
    ("variable-own-org", doc(st(principal="*", condition={
        "StringEquals": {"aws:PrincipalOrgID": "${aws:PrincipalOrgID}"}})), Context(HOME),
     {"SM101"}, False),
    ("variable-own-userid", doc(st(principal="*", condition={
        "StringLike": {"aws:userid": "${aws:userid}"}})), Context(HOME), {"SM101"}, False),
    ("variable-in-arn-account", doc(st(principal="*", condition={
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/app"}})),
     Context(HOME), {"SM101"}, False),
    ("variable-resource-org", doc(st(principal="*", condition={
        "StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}})), Context(HOME), set(),
     True),
    ("ip-two-halves", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}})), Context(HOME),
     {"SM101", "SM105"}, False),
    ("ip-every-slash-8", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": [f"{i}.0.0.0/8" for i in range(256)]}})), Context(HOME),
     {"SM101", "SM105"}, False),
    ("ip-two-public-slash-8s", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": ["3.0.0.0/8", "4.0.0.0/8"]}})), Context(HOME),
     {"SM101", "SM105"}, False),
    ("ip-one-public-slash-8", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": ["3.0.0.0/8", "3.1.0.0/16"]}})), Context(HOME),
     {"SM105"}, True),
    ("ip-private-ranges", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}})),
     Context(HOME), {"SM105"}, True),
    ("ipv6-two-halves", doc(st(principal="*", condition={
        "IpAddress": {"aws:SourceIp": ["::/1", "8000::/1"]}})), Context(HOME),
     {"SM101", "SM105"}, False),
    *DENY_ROWS,
]


def test_table_is_big_enough_and_covers_every_rule():
    assert len(TABLE) >= 25
    assert {r for row in TABLE for r in row[3]} == set(RULES)


@pytest.mark.parametrize(("text", "ctx", "expected"), [row[1:4] for row in TABLE],
                         ids=[row[0] for row in TABLE])
def test_lint_table(text, ctx, expected):
    findings = lint(text, ctx)
    assert {f.rule for f in findings} == expected
    for f in findings:
        assert (f.name, f.severity) == RULES[f.rule]
        assert f.message and f.fix


@pytest.mark.parametrize("text", [row[1] for row in TABLE if row[4]],
                         ids=[row[0] for row in TABLE if row[4]])
def test_broad_access_agrees_with_policyuniverse(text):
    from policyuniverse.policy import Policy

    broad = bool({f.rule for f in lint(text, Context(HOME))} & {"SM101", "SM102"})
    assert broad == Policy(json.loads(text)).is_internet_accessible()


def test_findings_name_the_statement():
    text = doc(st(principal={"AWS": APP}), st(principal="*"),
               st(principal={"AWS": APP}, condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    assert [(f.rule, f.statement) for f in lint(text, Context(HOME))] == [
        ("SM101", 1), ("SM105", 2)]


def test_invalid_json_says_where():
    (finding,) = lint('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}')
    assert finding.rule == "SM001" and "line 3" in finding.message


def test_fail_on_thresholds():
    medium_only = lint(doc(st(principal={"AWS": APP}, condition={
        "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})), Context(HOME))
    assert [f.severity for f in medium_only] == ["medium"]
    assert not fails(medium_only, "high")
    assert fails(medium_only, "medium") and fails(medium_only, "low")
    assert not fails([], "low")


def test_identity_policies_lint_clean_apart_from_principal():
    """Generated identity policies are valid JSON; only 'no Principal' (they are not
    resource policies) is reported, nothing about breadth."""
    text = dumps(identity_policy(f"arn:aws:secretsmanager:us-east-1:{HOME}:secret:a-AbC123",
                                 {"read", "write", "manage"}, CMK, "team"))
    assert {f.rule for f in lint(text, Context(HOME))} == {"SM004"}


def test_report_and_json_shapes():
    findings = lint(doc(st(principal="*")), Context(HOME))
    assert to_dict(findings[0]) == {
        "rule": "SM101", "name": "broad-access", "severity": "high", "statement": 0,
        "message": findings[0].message, "fix": findings[0].fix}
    text = report(findings)
    assert text.startswith("high    SM101 broad-access  (statement 0): ")
    assert "\n        fix: " in text


@pytest.mark.parametrize(("row", "says"), [
    ("forallvalues-org", "is true when the request has no aws:PrincipalOrgID, so a caller in "
                         "no organization passes"),
    ("forallvalues-vpce", "a request not sent through a VPC endpoint passes"),
    ("variable-own-account", "compares it with ${aws:PrincipalAccount}, a value the caller "
                             "brings along, so every caller matches"),
    ("ip-two-halves", "(100% of the internet)"),
    ("ip-two-public-slash-8s", "33,554,432 public IPv4 addresses"),
    ("ipv6-two-halves", "more public IPv6 addresses than one /32"),
    ("deny-resource-other-secret", "SafesmDenyReadExceptReaders does not limit reading to its "
                                   "list: its Resource names arn:aws:secretsmanager:us-east-1:"
                                   f"{HOME}:secret:other-XyZ789, not this secret"),
    ("deny-date-passed", "it requires aws:CurrentTime before 2001-01-01T00:00:00Z, which has "
                         "passed"),
    ("deny-without-tls", "Secrets Manager accepts only HTTPS"),
    ("deny-only-outside-vpce", "SafesmDenyReadExceptReaders limits only in part reading to its "
                               "list: it applies only when aws:SourceVpce StringEquals "
                               "vpce-1a2b3c4d. Anyone IAM policies allow can read the secret "
                               "when it does not apply."),
    ("deny-write-action-dropped", "it does not deny UpdateSecret, UpdateSecretVersionStage"),
    ("deny-exempts-any-account", "arn:aws:iam::*:role/app, which matches principals in any "
                                 "AWS account"),
    ("deny-write-removed", "the policy has no SafesmDenyWriteExceptWriters statement"),
])
def test_findings_say_why_in_plain_words(row, says):
    (text, ctx) = next((r[1], r[2]) for r in TABLE if r[0] == row)
    assert says in report(lint(text, ctx))


def test_new_broad_access_is_high_and_refused_by_the_default_threshold():
    for row in TABLE:
        if row[0].startswith(("forallvalues-org", "variable-own", "ip-two")) \
                and row[0] != "forallvalues-org-required":
            assert fails(lint(row[1], row[2]), "high"), row[0]
@pytest.mark.parametrize("condition, named", [
    ({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "aws:SourceIp"),
    ({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}, "aws:SourceVpce"),
    ({"StringNotEquals": {"aws:SourceVpc": "vpc-1", "aws:SourceIp": "10.0.0.0/8"}},
     "aws:SourceIp, aws:SourceVpc"),
])
def test_network_conditions_warn_when_rotation_is_on(condition, named):
    text = doc(st("Deny", principal="*", action="secretsmanager:*", condition=condition))
    on = [f for f in lint(text, Context(HOME, rotation=True)) if f.rule == "SM111"]
    assert len(on) == 1 and named in on[0].message and on[0].severity == "medium"
    assert not [f for f in lint(text, Context(HOME)) if f.rule == "SM111"]
