"""A grant only adds access (issue 17, item 1).

On a secret created outside safesm (no resource policy), safesm's default policy would
deny reading and writing to everyone not listed, cutting off every application that
reads the secret through its IAM policy. So `policy grant` there adds Allow statements
only; `--start-from-default` and `policy apply --default` install the default only
after saying who loses access (a terminal is asked; a script needs --yes; "no" and a
script without --yes both exit 5 with nothing changed).

The emulator stores resource policies but does not evaluate them for access, so these
tests check what matters in the stored document: an allow-only policy has no Deny
statement, and under AWS's evaluation rules a policy without one cannot take access away.
"""

from __future__ import annotations

import json

import pytest

from .test_policy import ACCT, APP, CREATOR, OTHER, lists_of, policy_of

ALLOW_READ, ALLOW_WRITE = "SafesmAllowReaders", "SafesmAllowWriters"
LOSES = "every other user, role and application loses that access"


def allowed(sm, name) -> dict[str, list[str]]:
    """Sid -> principals of an allow-only policy (and no statement of any other kind)."""
    doc = policy_of(sm, name)
    assert all(st["Effect"] == "Allow" for st in doc["Statement"]), doc
    out = {}
    for st in doc["Statement"]:
        who = st["Principal"]["AWS"]
        out[st["Sid"]] = who if isinstance(who, list) else [who]
    return out


@pytest.fixture
def outside(sm):
    """A secret as the AWS CLI or Terraform makes it: no resource policy."""
    sm.create_secret(Name="db/prod", SecretString="v")
    return "db/prod"


def test_grant_on_a_secret_without_a_policy_only_adds_an_allow(run, sm, outside):
    r = run("policy", "grant", outside, "--read", APP)
    assert r.exit_code == 0, r.stderr
    assert allowed(sm, outside) == {ALLOW_READ: [APP]}  # no Deny: nobody is cut off
    assert "db/prod had no resource policy: safesm added one that only allows" in r.stderr
    assert "everyone your IAM policies let in keeps access" in r.stderr
    assert "started from safesm's default" not in r.stderr
    shown = run("policy", "show", outside)
    assert "This policy only adds access" in shown.stdout and APP in shown.stdout


def test_later_grants_and_revokes_edit_the_allows_and_the_last_revoke_removes_it(run, sm,
                                                                                 outside):
    assert run("policy", "grant", outside, "--read", APP).exit_code == 0
    assert run("policy", "grant", outside, "--read", "--write", OTHER).exit_code == 0
    assert allowed(sm, outside) == {ALLOW_READ: [APP, OTHER], ALLOW_WRITE: [OTHER]}
    before = policy_of(sm, outside)
    again = run("policy", "grant", outside, "--read", APP)
    assert again.exit_code == 0 and "Nothing changed: already granted" in again.stderr
    assert policy_of(sm, outside) == before
    assert run("policy", "revoke", outside, OTHER).exit_code == 0
    assert allowed(sm, outside) == {ALLOW_READ: [APP]}
    r = run("policy", "revoke", outside, APP)
    assert r.exit_code == 0, r.stderr
    assert "its policy allowed nobody else, so it was removed" in r.stderr
    assert policy_of(sm, outside) is None  # back to how it was made: IAM decides


def test_start_from_default_in_a_script_without_yes_changes_nothing(run, sm, outside):
    r = run("policy", "grant", outside, "--read", APP, "--start-from-default")
    assert r.exit_code == 5, r.stderr
    assert ("db/prod has no resource policy: today anyone your account's IAM policies allow "
            "can read and change it.") in r.stderr
    assert f"only {CREATOR}, {APP} can read it, and only {CREATOR} can write it" in r.stderr
    assert LOSES in r.stderr
    assert "needs confirmation; nothing was changed" in r.stderr and "--yes" in r.stderr
    assert policy_of(sm, outside) is None


def test_start_from_default_with_yes_installs_the_default(run, sm, outside):
    r = run("policy", "grant", outside, "--read", APP, "--start-from-default", "--yes")
    assert r.exit_code == 0, r.stderr
    assert lists_of(sm, outside) == ([CREATOR, APP, f"arn:aws:iam::{ACCT}:role/*/app"],
                                     [CREATOR])
    assert LOSES in r.stderr  # said, even though not asked


def test_start_from_default_on_a_secret_with_a_policy_is_refused(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", "grant", "a", "--read", APP, "--start-from-default", "--yes")
    assert r.exit_code == 2
    assert "already has a resource policy; --start-from-default is only for a secret " \
           "without one" in r.stderr
    assert policy_of(sm, "a") == before


def test_apply_default_on_a_secret_made_outside_safesm_asks_first(run, sm, outside):
    r = run("policy", "apply", outside, "--default")
    assert r.exit_code == 5, r.stderr
    assert "db/prod has no resource policy" in r.stderr and LOSES in r.stderr
    assert policy_of(sm, outside) is None
    assert run("policy", "apply", outside, "--default", "--yes").exit_code == 0
    assert lists_of(sm, outside) == ([CREATOR], [CREATOR])


def test_apply_default_over_a_hand_written_policy_asks_first(run, sm, outside):
    custom = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": APP}, "Action": "secretsmanager:GetSecretValue",
         "Resource": "*"}]})
    sm.put_resource_policy(SecretId=outside, ResourcePolicy=custom)
    r = run("policy", "apply", outside, "--default")
    assert r.exit_code == 5
    assert "db/prod's policy is not in safesm's form; its 1 statement(s) will be replaced." \
        in r.stderr
    assert sm.get_resource_policy(SecretId=outside)["ResourcePolicy"] == custom


def test_apply_default_that_drops_a_granted_reader_names_them(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    assert run("policy", "grant", "a", "--read", APP).exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", "apply", "a", "--default")
    assert r.exit_code == 5
    assert f"{APP} would no longer be allowed to read a." in r.stderr
    assert policy_of(sm, "a") == before


def test_apply_default_where_nobody_loses_access_does_not_ask(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    r = run("policy", "apply", "a", "--default")
    assert r.exit_code == 0, r.stderr
    assert "Applied the policy to a." in r.stderr


def test_revoke_on_safesms_lists_still_removes_from_them(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    assert run("policy", "grant", "a", "--read", APP).exit_code == 0
    r = run("policy", "revoke", "a", APP)
    assert r.exit_code == 0 and "Revoked on a." in r.stderr
    assert lists_of(sm, "a") == ([CREATOR], [CREATOR])
