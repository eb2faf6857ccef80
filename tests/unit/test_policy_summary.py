"""`policy show` in plain words: "only X can read" is said only while safesm's deny statement
still applies to the secret; a statement that lets anyone in says so."""

from __future__ import annotations

import json

import pytest

from safesm.policy_summary import summarize, summary_lines

from .test_policy_lint import ALICE, DENY_ROWS, SECRET, TABLE

BROAD_ROWS = [r for r in TABLE if "SM101" in r[3] and not r[0].startswith("deny-")]


def _text(doc, arn=SECRET):
    return "\n".join(summary_lines("app/db", summarize(doc, arn)))


@pytest.mark.parametrize(("text", "ctx", "rules"), [r[1:4] for r in DENY_ROWS],
                         ids=[r[0] for r in DENY_ROWS])
def test_only_is_said_exactly_when_the_deny_applies(text, ctx, rules):
    doc = json.loads(text)
    summary = summarize(doc, ctx.secret_arn)
    words = _text(doc, ctx.secret_arn)
    if rules & {"SM109", "SM110"}:
        assert summary.readers is None or summary.writers is None
        assert "NOT limited to the listed" in words or "only in part" in words
        assert "To restore safesm's statements" in words
    else:
        assert summary.readers == summary.writers == (ALICE,)
        assert "NOT limited" not in words and "only in part" not in words
    for job, label in (("read", "Can read (GetSecretValue)"), ("write", "Can write (")):
        assert (label in words) == (summary.only(job) is not None)


def test_a_resource_naming_another_secret_is_said_plainly():
    doc = json.loads(next(r[1] for r in DENY_ROWS if r[0] == "deny-resource-other-secret"))
    words = _text(doc)
    assert ("Reading is NOT limited to the listed readers: safesm's deny statement #0 "
            "(SafesmDenyReadExceptReaders) never applies to this secret: its Resource names "
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:other-XyZ789, not this "
            "secret. Anyone your IAM policies allow can read it.") in words
    assert f"Listed readers:\n  {ALICE}" in words
    assert "  #0 Deny anyone (*): secretsmanager:GetSecretValue" in words  # shown as it is
    assert f"Can write (PutSecretValue, UpdateSecret, UpdateSecretVersionStage), if their IAM " \
           f"policies allow it, only:\n  {ALICE}" in words


@pytest.mark.parametrize("text", [r[1] for r in BROAD_ROWS], ids=[r[0] for r in BROAD_ROWS])
def test_a_statement_open_to_anyone_says_so(text):
    words = _text(json.loads(text))
    assert "this lets in anyone, in any AWS account: " in words


def test_pinned_statements_do_not_say_anyone():
    for row in TABLE:
        if row[0] in ("org-pinned", "forallvalues-org-required", "variable-resource-org",
                      "ip-private-ranges", "sourcevpce-pinned"):
            assert "lets in anyone" not in _text(json.loads(row[1])), row[0]


def test_notprincipal_allow_says_everyone_not_listed():
    doc = json.loads(next(r[1] for r in TABLE if r[0] == "notprincipal-allow"))
    assert "this lets in every principal not listed, in any AWS account" in _text(doc)
