"""The default resource policy, its allow-lists, the summary, and the generated identity and
key policies (checked against golden files in tests/unit/golden/)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from safesm.arns import arn_like, principal_arn
from safesm.policy import (
    READ_ACTIONS,
    WRITE_ACTIONS,
    AllowLists,
    allow_lists,
    change,
    default_policy,
    dumps,
    identity_policy,
    key_policy_statements,
    secret_arn_pattern,
    with_lists,
)
from safesm.policy_summary import summarize, summary_lines

GOLDEN = Path(__file__).parent / "golden"
ACCT, OTHER = "111122223333", "444455556666"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
APP = f"arn:aws:iam::{ACCT}:role/app"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:app/db-AbC123"
KEY = f"arn:aws:kms:eu-west-1:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
MANAGEMENT = ("secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
              "secretsmanager:GetResourcePolicy", "secretsmanager:DescribeSecret",
              "secretsmanager:ValidateResourcePolicy", "secretsmanager:DeleteSecret",
              "secretsmanager:TagResource")


def denied(doc: dict, principal_arn_value: str, action: str) -> bool:
    """Does an explicit Deny in this (safesm-shaped) policy apply to the request?"""
    for st in doc["Statement"]:
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if st["Effect"] != "Deny" or not any(a in ("*", action) for a in actions):
            continue
        allowed = st["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
        if not any(arn_like(p, principal_arn_value) for p in allowed):
            return True
    return False


def golden(name: str, value: object) -> None:
    """Compare with tests/unit/golden/NAME; SAFESM_UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    text = json.dumps(value, indent=2) + "\n"
    if os.environ.get("SAFESM_UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.read_text() == text, f"{name} differs from the golden file"


def actions_of(doc_statements: list[dict]) -> set[str]:
    out = set()
    for st in doc_statements:
        out |= set(st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    return out


# the default policy --------------------------------------------------------------------

def test_default_policy_reads_only_for_creator_and_readers():
    creator = principal_arn(f"arn:aws:sts::{ACCT}:assumed-role/deploy/ci")
    doc = default_policy(AllowLists((creator, APP), (creator,)), ACCT)
    read, write = READ_ACTIONS[0], WRITE_ACTIONS[0]
    for who in (f"arn:aws:iam::{ACCT}:role/deploy", f"arn:aws:iam::{ACCT}:role/ci/deploy", APP):
        assert not denied(doc, who, read), who
    for who in (ALICE, f"arn:aws:iam::{ACCT}:role/app2", f"arn:aws:iam::{ACCT}:root",
                f"arn:aws:iam::{OTHER}:role/deploy"):
        assert denied(doc, who, read), who
    assert not denied(doc, f"arn:aws:iam::{ACCT}:role/deploy", write)
    assert denied(doc, APP, write)  # a reader is not a writer
    for action in WRITE_ACTIONS:
        assert denied(doc, ALICE, action)


def test_default_policy_never_denies_policy_management_and_allows_nothing():
    doc = default_policy(AllowLists((ALICE,), (ALICE,)), ACCT)
    assert all(st["Effect"] == "Deny" for st in doc["Statement"])
    assert not actions_of(doc["Statement"]) & {*MANAGEMENT, "*", "secretsmanager:*"}
    for action in MANAGEMENT:
        assert not denied(doc, f"arn:aws:iam::{ACCT}:role/admin", action)
    assert doc["Version"] == "2012-10-17"


def test_default_policy_golden():
    doc = default_policy(AllowLists(
        (ALICE, principal_arn(f"arn:aws:sts::{ACCT}:assumed-role/AWSReservedSSO_Dev_0a1b2c3d/bo")),
        (ALICE,)), ACCT)
    golden("default_policy.json", doc)


def test_cross_account_readers_get_an_allow_and_only_they():
    other = f"arn:aws:iam::{OTHER}:role/reporting"
    doc = default_policy(AllowLists((ALICE, other), (ALICE,)), ACCT)
    allows = [st for st in doc["Statement"] if st["Effect"] == "Allow"]
    assert allows == [{"Sid": "SafesmAllowCrossAccountReaders", "Effect": "Allow",
                       "Principal": {"AWS": other}, "Action": "secretsmanager:GetSecretValue",
                       "Resource": "*"}]
    # without knowing the home account nobody is treated as cross-account
    assert all(st["Effect"] == "Deny" for st in default_policy(
        AllowLists((ALICE, other), (ALICE,)), None)["Statement"])


def test_empty_lists_are_refused():
    with pytest.raises(ValueError):
        default_policy(AllowLists((), (ALICE,)), ACCT)


# allow-lists ---------------------------------------------------------------------------

def test_allow_lists_round_trip_through_text():
    role = principal_arn(f"arn:aws:sts::{ACCT}:assumed-role/deploy/ci")
    lists = AllowLists((ALICE, role), (role,))
    doc = json.loads(dumps(default_policy(lists, ACCT)))
    assert allow_lists(doc) == lists


def test_change_is_idempotent_and_keeps_order():
    lists = AllowLists((ALICE,), (ALICE,))
    once = change(lists, APP, read=True, write=False, add=True)
    assert once == AllowLists((ALICE, APP), (ALICE,))
    assert change(once, APP, read=True, write=False, add=True) == once
    assert change(once, APP, read=True, write=True, add=False) == lists
    assert change(lists, APP, read=True, write=True, add=False) == lists


def test_with_lists_keeps_other_statements():
    extra = {"Sid": "Mine", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*",
             "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    doc = default_policy(AllowLists((ALICE,), (ALICE,)), ACCT)
    doc["Statement"].append(extra)
    new = with_lists(doc, AllowLists((ALICE, APP), (ALICE,)), ACCT)
    assert extra in new["Statement"] and len(new["Statement"]) == 3
    assert allow_lists(new).readers == (ALICE, APP)
    assert doc["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalArn"] == [ALICE]


def test_allow_lists_recognises_the_shape_without_sids():
    doc = default_policy(AllowLists((ALICE,), (APP,)), ACCT)
    for st in doc["Statement"]:
        del st["Sid"]
    assert allow_lists(doc) == AllowLists((ALICE,), (APP,))


@pytest.mark.parametrize("doc", [
    {},
    {"Version": "2012-10-17", "Statement": []},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": APP},
                                             "Action": "secretsmanager:GetSecretValue",
                                             "Resource": "*"}]},
])
def test_policies_not_in_safesm_form_have_no_lists(doc):
    assert allow_lists(doc) is None


# summary -------------------------------------------------------------------------------

def test_summary_says_who_can_read_and_write():
    other = f"arn:aws:iam::{OTHER}:role/reporting"
    doc = default_policy(AllowLists((ALICE, other), (ALICE,)), ACCT)
    summary = summarize(doc)
    assert summary.readers == (ALICE, other) and summary.writers == (ALICE,)
    text = "\n".join(summary_lines("app/db", summary))
    assert "Can read (GetSecretValue)" in text and f"  {other}" in text
    assert f"#2 Allow {other}: secretsmanager:GetSecretValue" in text


def test_summary_of_a_foreign_policy_lists_statements_and_conditions():
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue",
         "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c"}}}]}
    summary = summarize(doc)
    assert summary.readers is None
    text = "\n".join(summary_lines("x", summary))
    assert "not in safesm's form" in text
    assert ("#0 Allow anyone (*): secretsmanager:GetSecretValue when aws:SourceVpce "
            "StringEquals vpce-1a2b3c") in text


def test_summary_without_a_policy():
    assert "has no resource policy" in summary_lines("x", None)[0]


# identity and key policies -------------------------------------------------------------

def test_secret_arn_pattern():
    expected = f"arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:app/db-??????"
    assert secret_arn_pattern(SECRET) == expected


@pytest.mark.parametrize(("name", "jobs", "kms_key", "abac", "expected"), [
    ("iam_read.json", {"read"}, None, None,
     {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
      "secretsmanager:BatchGetSecretValue"}),
    ("iam_write_kms.json", {"write"}, KEY, None,
     {"secretsmanager:PutSecretValue", "secretsmanager:DescribeSecret",
      "secretsmanager:UpdateSecretVersionStage", "kms:Decrypt", "kms:GenerateDataKey"}),
    ("iam_read_kms_abac.json", {"read"}, KEY, "team",
     {"secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret",
      "secretsmanager:BatchGetSecretValue", "kms:Decrypt"}),
    ("iam_manage.json", {"manage"}, KEY, None,
     {"secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
      "secretsmanager:ValidateResourcePolicy", "secretsmanager:PutResourcePolicy"}),
])
def test_identity_policies(name, jobs, kms_key, abac, expected):
    doc = json.loads(dumps(identity_policy(SECRET, jobs, kms_key, abac)))  # valid JSON
    assert actions_of(doc["Statement"]) == expected
    assert all(st["Effect"] == "Allow" for st in doc["Statement"])
    assert not any("*" in a for a in actions_of(doc["Statement"]))
    for st in doc["Statement"]:
        acts = actions_of([st])
        if "secretsmanager:PutResourcePolicy" in acts:
            assert st["Condition"]["Bool"] == {"secretsmanager:BlockPublicPolicy": "true"}
        if all(a.startswith("kms:") for a in acts):
            assert st["Resource"] == KEY
            assert st["Condition"]["StringEquals"] == {
                "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}
            assert "kms:EncryptionContext:SecretARN" in st["Condition"]["StringLike"]
    golden(name, doc)


def test_guard_denies_every_path_around_the_resource_policy():
    doc = json.loads(dumps(identity_policy(SECRET, {"read", "guard"})))
    denies = [st for st in doc["Statement"] if st["Effect"] == "Deny"]
    assert actions_of(denies) == {
        "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteResourcePolicy",
        "secretsmanager:DeleteSecret", "secretsmanager:CreateSecret"}
    assert {st["Resource"] for st in denies} == {secret_arn_pattern(SECRET)}
    assert not any("Condition" in st for st in denies)
    golden("iam_read_guard.json", doc)
    only = identity_policy(SECRET, {"guard"})["Statement"]
    assert [st["Effect"] for st in only] == ["Deny", "Deny"]


def test_guard_with_abac_also_denies_retagging_into_access():
    doc = identity_policy(SECRET, {"read", "guard"}, None, "team")
    (retag,) = [st for st in doc["Statement"] if st["Sid"] == "SafesmDenyRetaggingIntoAccess"]
    assert retag["Effect"] == "Deny"
    assert set(retag["Action"]) == {"secretsmanager:TagResource",
                                    "secretsmanager:UntagResource"}
    assert retag["Resource"] == f"arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:*"
    assert retag["Condition"] == {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}


def test_abac_scopes_to_the_tag_not_the_name():
    doc = identity_policy(SECRET, {"read"}, None, "team")
    st = doc["Statement"][0]
    assert st["Resource"] == f"arn:aws:secretsmanager:eu-west-1:{ACCT}:secret:*"
    assert st["Condition"] == {"StringEquals": {
        "secretsmanager:ResourceTag/team": "${aws:PrincipalTag/team}"}}


def test_key_policy_statements():
    other = f"arn:aws:iam::{OTHER}:role/reporting"
    sso = principal_arn(f"arn:aws:sts::{ACCT}:assumed-role/AWSReservedSSO_Dev_0a1b2c3d/bo")
    statements = json.loads(json.dumps(key_policy_statements(SECRET, (ALICE, other, sso),
                                                             (ALICE,))))
    assert actions_of(statements) == {"kms:Decrypt", "kms:GenerateDataKey"}
    reader = statements[0]
    assert reader["Principal"] == {"AWS": [f"arn:aws:iam::{ACCT}:root",
                                           f"arn:aws:iam::{OTHER}:root"]}
    assert reader["Condition"]["StringEquals"]["kms:ViaService"] == (
        "secretsmanager.eu-west-1.amazonaws.com")
    golden("kms_key_policy.json", statements)


# allow-only: what grant adds to a secret without a policy (issue 17, item 1) ------------

def test_allow_only_round_trip_and_what_it_is_not():
    from safesm.policy import AllowLists, allow_only, allow_only_policy, default_policy

    app, ci = "arn:aws:iam::111122223333:role/app", "arn:aws:iam::111122223333:role/ci"
    assert allow_only(None) == AllowLists((), ())
    doc = allow_only_policy(AllowLists((app, ci), (ci,)))
    assert [st["Effect"] for st in doc["Statement"]] == ["Allow", "Allow"]
    assert allow_only(doc) == AllowLists((app, ci), (ci,))
    assert allow_only_policy(AllowLists((), ())) is None
    assert allow_only(default_policy(AllowLists((app,), (app,)), "111122223333")) is None
    with_condition = allow_only_policy(AllowLists((app,), ()))
    with_condition["Statement"][0]["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    assert allow_only(with_condition) is None  # hand-edited: not safesm's to rewrite
    twice = {"Statement": doc["Statement"] + doc["Statement"][:1]}
    assert allow_only(twice) is None
    assert allow_only({"Statement": []}) is None


def test_losses_say_who_loses_access_in_plain_words():
    from safesm.ops.policy import losses
    from safesm.policy import AllowLists, default_policy

    me, app = "arn:aws:iam::111122223333:user/me", "arn:aws:iam::111122223333:role/app"
    new = AllowLists((me,), (me,))
    none = losses("db/prod", None, new)
    assert none[0].startswith("db/prod has no resource policy: today anyone")
    assert "every other user, role and application loses that access" in none[1]
    ours = default_policy(AllowLists((me, app), (me,)), "111122223333")
    assert losses("db/prod", ours, new) == [f"{app} would no longer be allowed to read db/prod."]
    assert losses("db/prod", default_policy(new, "111122223333"), new) == []
