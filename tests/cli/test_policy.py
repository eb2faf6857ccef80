"""Least privilege by default, against the emulator: the default policy on create, grant and
revoke, apply/lint (exit 8, nothing changed), show, and the identity/KMS generators."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import REGION

from .conftest import names
from .iam_users import ACCT, client, use_credentials

CREATOR = f"arn:aws:iam::{ACCT}:user/moto"  # moto's caller for unknown keys (see emulator.py)
APP = f"arn:aws:iam::{ACCT}:role/app"
OTHER = "arn:aws:iam::444455556666:role/reporting"
GOLDEN = Path(__file__).resolve().parent.parent / "unit" / "golden"
PUBLIC = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue",
     "Resource": "*"}]})


def policy_of(sm, name) -> dict | None:
    text = sm.get_resource_policy(SecretId=name).get("ResourcePolicy")
    return json.loads(text) if text else None


def lists_of(sm, name) -> tuple[list[str], list[str]]:
    """Reader and writer patterns, straight from the stored policy."""
    doc = policy_of(sm, name)
    by_sid = {st["Sid"]: st for st in doc["Statement"]}
    return tuple(by_sid[sid]["Condition"]["ArnNotLike"]["aws:PrincipalArn"]
                 for sid in ("SafesmDenyReadExceptReaders", "SafesmDenyWriteExceptWriters"))


def write_config(text: str) -> None:
    path = Path(os.environ["HOME"]) / ".config" / "safesm" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


# the default policy on create -----------------------------------------------------------

def test_new_secret_gets_the_default_policy_with_the_creator_in_both_lists(run, sm):
    r = run("put", "db/prod", input=b"v")
    assert r.exit_code == 0, r.stderr
    assert lists_of(sm, "db/prod") == ([CREATOR], [CREATOR])
    doc = policy_of(sm, "db/prod")
    assert {st["Effect"] for st in doc["Statement"]} == {"Deny"}
    assert f"only {CREATOR} can read" in r.stderr


def test_assumed_sso_role_becomes_the_role_arn(run, sm, aws, monkeypatch):
    role = (f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/"
            "AWSReservedSSO_Admin_0123456789abcdef")
    creds = client("sts", aws).assume_role(RoleArn=role, RoleSessionName="alice@example.com")
    c = creds["Credentials"]
    use_credentials(monkeypatch, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
    assert run("put", "a", input=b"v").exit_code == 0
    base = f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/"
    expected = [base + "AWSReservedSSO_Admin_0123456789abcdef",
                base + "*/AWSReservedSSO_Admin_0123456789abcdef"]
    assert lists_of(sm, "a") == (expected, expected)


def test_assumed_role_with_a_path(run, sm, aws, monkeypatch):
    creds = client("sts", aws).assume_role(RoleArn=f"arn:aws:iam::{ACCT}:role/team/deploy",
                                           RoleSessionName="ci")["Credentials"]
    use_credentials(monkeypatch, creds["AccessKeyId"], creds["SecretAccessKey"],
                    creds["SessionToken"])
    assert run("put", "a", input=b"v").exit_code == 0
    readers, _ = lists_of(sm, "a")
    assert readers == [f"arn:aws:iam::{ACCT}:role/deploy", f"arn:aws:iam::{ACCT}:role/*/deploy"]


def test_reader_writer_flags_and_config_add_to_the_lists(run, sm):
    write_config(f'readers = ["{OTHER}"]\nwriters = ["arn:aws:iam::{ACCT}:user/ci"]\n')
    r = run("put", "a", "--reader", APP, "--writer",
            f"arn:aws:sts::{ACCT}:assumed-role/deployer/s", input=b"v")
    assert r.exit_code == 0, r.stderr
    readers, writers = lists_of(sm, "a")
    assert readers == [CREATOR, OTHER, "arn:aws:iam::444455556666:role/*/reporting", APP,
                       f"arn:aws:iam::{ACCT}:role/*/app"]
    assert writers == [CREATOR, f"arn:aws:iam::{ACCT}:user/ci",
                       f"arn:aws:iam::{ACCT}:role/deployer",
                       f"arn:aws:iam::{ACCT}:role/*/deployer"]
    allow = [st for st in policy_of(sm, "a")["Statement"] if st["Effect"] == "Allow"]
    assert allow[0]["Principal"] == {"AWS": OTHER}  # cross-account needs an explicit Allow


@pytest.mark.parametrize("args", [
    ["--reader", f"arn:aws:iam::{ACCT}:group/admins"],
    ["--reader", "*"],
    ["--writer", "alice"],
    ["--reader", APP, "--no-default-policy"],
])
def test_bad_reader_or_writer_refused_before_anything_is_written(run, sm, args):
    r = run("put", "a", *args, input=b"v")
    assert r.exit_code == 2
    assert "safesm: error:" in r.stderr
    assert names(sm) == []


def test_bad_config_reader_refused(run, sm):
    write_config('readers = ["arn:aws:iam::123456789012:role/*"]\n')
    r = run("put", "a", input=b"v")
    assert r.exit_code == 2
    assert "`readers` in the config file" in r.stderr and "wildcards" in r.stderr
    assert names(sm) == []
    write_config("readers = 5\n")
    assert run("put", "a", input=b"v").exit_code == 2
    assert names(sm) == []


def test_no_default_policy_leaves_none_and_warns(run, sm):
    r = run("-q", "put", "a", "--no-default-policy", input=b"v")
    assert r.exit_code == 0
    assert "warning: created without a resource policy" in r.stderr
    assert policy_of(sm, "a") is None


def test_reader_on_an_existing_secret_is_refused_and_nothing_changes(run, sm):
    sm.create_secret(Name="a", SecretString="old")
    r = run("put", "a", "--force", "--reader", APP, input=b"new")
    assert r.exit_code == 2
    assert "safesm policy grant a PRINCIPAL_ARN --read" in r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"
    assert policy_of(sm, "a") is None


def test_updating_an_existing_secret_leaves_its_policy_alone(run, sm):
    sm.create_secret(Name="a", SecretString="old")
    assert run("put", "a", "--force", input=b"new").exit_code == 0
    assert policy_of(sm, "a") is None


# IAM enforced in the emulator: real AccessDenied answers -----------------------------------

def test_user_with_a_path_is_the_creator(run, sm, iam_user):
    arn = iam_user("alice", ["iam:DeleteUser"], path="/division/")
    assert run("put", "a", input=b"v").exit_code == 0
    assert json.loads(run("policy", "show", "a", "--json").stdout)["readers"] == [arn]


def test_policy_that_cannot_be_attached_leaves_an_empty_secret_and_says_so(run, sm, iam_user,
                                                                            canary):
    """The value is written only after the policy is attached (issue 18.5): a refused
    PutResourcePolicy leaves an empty secret, no value, and a message saying how to finish."""
    iam_user("bob", ["secretsmanager:PutResourcePolicy"])
    r = run("put", "a", input=canary)
    assert r.exit_code == 4
    assert "created secret 'a' without a value, but could not attach its default policy" \
        in r.stderr
    assert "No value was stored" in r.stderr
    assert "`safesm policy apply a --default --yes`, then `safesm put a`" in r.stderr
    assert "safesm delete a --force-without-recovery --yes" in r.stderr
    assert "Created" not in r.stderr and canary not in r.stderr + r.stdout
    iam_user.off()
    assert names(sm) == ["a"] and policy_of(sm, "a") is None
    assert sm.list_secret_version_ids(SecretId="a")["Versions"] == []  # no value anywhere
    # the way it names works once the permission is there
    assert run("policy", "apply", "a", "--default", "--yes").exit_code == 0
    assert lists_of(sm, "a") == ([CREATOR], [CREATOR])
    r = run("put", "a", input=canary)  # an empty secret has nothing to overwrite: no --force
    assert r.exit_code == 0, r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == canary


def test_no_permission_to_validate_writes_nothing(run, sm, iam_user):
    iam_user("carol", ["secretsmanager:ValidateResourcePolicy"])
    r = run("put", "a", input=b"v")
    assert r.exit_code == 4 and "access denied" in r.stderr
    iam_user.off()
    assert names(sm) == []


# grant and revoke ------------------------------------------------------------------------

def test_grant_revoke_round_trip(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    original = policy_of(sm, "a")
    r = run("policy", "grant", "a", "--read", APP)
    assert r.exit_code == 0, r.stderr
    assert lists_of(sm, "a")[0] == [CREATOR, APP, f"arn:aws:iam::{ACCT}:role/*/app"]
    assert lists_of(sm, "a")[1] == [CREATOR]
    again = run("policy", "grant", "a", "--read", APP)
    assert again.exit_code == 0 and "Nothing changed" in again.stderr
    r = run("policy", "grant", "a", "--read", "--write", OTHER)
    assert r.exit_code == 0
    assert OTHER in lists_of(sm, "a")[1]
    assert run("policy", "revoke", "a", APP, OTHER).exit_code == 0
    assert policy_of(sm, "a") == original
    gone = run("policy", "revoke", "a", APP)
    assert gone.exit_code == 0 and "Nothing changed" in gone.stderr


def test_revoke_only_one_list(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    assert run("policy", "grant", "a", "--read", "--write", APP).exit_code == 0
    assert run("policy", "revoke", "a", "--write", APP).exit_code == 0
    readers, writers = lists_of(sm, "a")
    assert APP in readers and APP not in writers


@pytest.mark.parametrize(("args", "code", "says"), [
    (["grant", "a", APP], 2, "--read, --write, or both"),
    (["grant", "a", "--read", f"arn:aws:iam::{ACCT}:group/g"], 2, "group"),
    (["grant", "a", "--read", f"arn:aws:iam::{ACCT}:role/*"], 2, "wildcards"),
    (["grant", "a", "--read"], 2, "PRINCIPAL_ARN"),
    (["revoke", "a", CREATOR], 2, "no reader"),
    (["revoke", "a", "--write", CREATOR], 2, "no writer"),
    (["grant", "missing", "--read", APP], 3, "not found"),
])
def test_bad_grants_and_revokes_change_nothing(run, sm, args, code, says):
    assert run("put", "a", input=b"v").exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", *args)
    assert r.exit_code == code, r.stderr
    assert says in r.stderr
    assert policy_of(sm, "a") == before


def test_grant_with_start_from_default_on_a_secret_without_a_policy(run, sm):
    """(A plain grant there only adds: tests/cli/test_policy_access.py.)"""
    sm.create_secret(Name="a", SecretString="v")
    r = run("policy", "grant", "a", "--read", APP, "--start-from-default", "--yes")
    assert r.exit_code == 0, r.stderr
    assert "a has no resource policy" in r.stderr
    assert lists_of(sm, "a") == ([CREATOR, APP, f"arn:aws:iam::{ACCT}:role/*/app"], [CREATOR])


def test_grant_refuses_a_policy_not_in_safesm_form(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    custom = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": APP}, "Action": "secretsmanager:GetSecretValue",
         "Resource": "*"}]})
    sm.put_resource_policy(SecretId="a", ResourcePolicy=custom)
    r = run("policy", "grant", "a", "--read", CREATOR)
    assert r.exit_code == 2 and "not in safesm's form" in r.stderr
    assert sm.get_resource_policy(SecretId="a")["ResourcePolicy"] == custom


# apply -----------------------------------------------------------------------------------

def test_apply_public_policy_exits_8_and_keeps_the_old_one(run, sm, tmp_path):
    assert run("put", "a", input=b"v").exit_code == 0
    before = sm.get_resource_policy(SecretId="a")["ResourcePolicy"]
    f = tmp_path / "p.json"
    f.write_text(PUBLIC)
    r = run("policy", "apply", "a", "--file", str(f))
    assert r.exit_code == 8
    assert "SM101 broad-access" in r.stderr and "nothing was changed" in r.stderr
    assert sm.get_resource_policy(SecretId="a")["ResourcePolicy"] == before
    # no --fail-on lets it through: even "low" only makes it stricter
    assert run("policy", "apply", "a", "--file", str(f), "--fail-on", "low").exit_code == 8
    assert sm.get_resource_policy(SecretId="a")["ResourcePolicy"] == before


@pytest.mark.parametrize(("text", "code", "says"), [
    ("{not json", 8, "SM001 invalid-json"),
    (json.dumps({"Version": "2012-10-17"}), 8, "SM004"),
    (json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "NotPrincipal": {"AWS": APP}, "Action": "*", "Resource": "*"}]}),
     8, "SM102"),
])
def test_apply_bad_policies_change_nothing(run, sm, text, code, says):
    assert run("put", "a", input=b"v").exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", "apply", "a", "--file", "-", input=text)
    assert r.exit_code == code and says in r.stderr
    assert policy_of(sm, "a") == before


def test_apply_usage_errors(run, sm, tmp_path):
    assert run("put", "a", input=b"v").exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", "apply", "a", "--file", str(tmp_path / "missing.json"))
    assert r.exit_code == 2 and "cannot read" in r.stderr
    assert run("policy", "apply", "a").exit_code == 2
    assert run("policy", "apply", "a", "--default", "--file", "-", input="{}").exit_code == 2
    assert policy_of(sm, "a") == before


def test_apply_from_stdin_and_default(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    good = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": APP}, "Action": "secretsmanager:GetSecretValue",
         "Resource": "*"}]}
    r = run("policy", "apply", "a", "--file", "-", input=json.dumps(good))
    assert r.exit_code == 0, r.stderr
    assert policy_of(sm, "a") == good
    assert run("policy", "apply", "a", "--default", "--yes").exit_code == 0
    assert lists_of(sm, "a") == ([CREATOR], [CREATOR])


def test_service_validation_and_block_public_policy_are_enforced_by_the_store(aws, sm):
    """Below the lint: the store validates first, and puts with BlockPublicPolicy."""
    from safesm.aws.store import SecretStore
    from safesm.config import load
    from safesm.errors import PolicyError

    sm.create_secret(Name="a", SecretString="v")
    store = SecretStore(load({}))
    with pytest.raises(PolicyError) as exc:
        store.put_policy("a", PUBLIC)
    assert "BROAD_ACCESS" in exc.value.message and exc.value.exit_code == 8
    with pytest.raises(PolicyError) as exc:  # skipping validation still can't go public
        store.put_policy("a", PUBLIC, validated=True)
    assert "PublicPolicyException" in exc.value.message
    assert policy_of(sm, "a") is None


# lint ------------------------------------------------------------------------------------

def test_lint_default_policy_is_clean(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    r = run("policy", "lint", "a")
    assert r.exit_code == 0 and r.stdout == "" and "No findings." in r.stderr


def test_lint_file_json_and_exit_8(run, sm):
    r = run("policy", "lint", "--file", "-", "--json", input=PUBLIC)
    assert r.exit_code == 8
    out = json.loads(r.stdout)
    assert out["passed"] is False and out["fail_on"] == "high"
    assert [(f["rule"], f["severity"], f["statement"]) for f in out["findings"]] == [
        ("SM101", "high", 0)]


def test_lint_fail_on(run, sm):
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": APP}, "Action": "secretsmanager:GetSecretValue",
         "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]})
    r = run("policy", "lint", "--file", "-", input=text)
    assert r.exit_code == 0 and "SM105 source-ip-condition" in r.stdout
    assert run("policy", "lint", "--file", "-", "--fail-on", "medium", input=text).exit_code == 8


def test_lint_secret_without_policy_and_cross_account(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    r = run("policy", "lint", "a")
    assert r.exit_code == 0 and "SM005 no-resource-policy" in r.stdout
    assert run("policy", "lint", "a", "--fail-on", "low").exit_code == 8
    assert run("policy", "grant", "a", "--read", OTHER).exit_code == 0
    r = run("policy", "lint", "a")
    assert "SM104" in r.stdout and "SM107" in r.stdout and "aws/secretsmanager" in r.stdout


@pytest.mark.parametrize("args", [
    [], ["a", "--file", "-"], ["--file", "-", "--account", "12345"],
    ["--file", "/nonexistent/p.json"],
])
def test_lint_usage_errors(run, sm, args):
    assert run("policy", "lint", *args, input="{}").exit_code == 2


def test_lint_missing_secret(run, sm):
    assert run("policy", "lint", "nope").exit_code == 3


# show ------------------------------------------------------------------------------------

def test_show(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    assert run("policy", "grant", "a", "--read", APP).exit_code == 0
    r = run("policy", "show", "a")
    assert r.exit_code == 0
    assert "Can read (GetSecretValue), if their IAM policies allow it, only:" in r.stdout
    assert f"  {APP}\n" in r.stdout
    out = json.loads(run("policy", "show", "a", "--json").stdout)
    assert out["readers"] == [CREATOR, APP] and out["writers"] == [CREATOR]
    assert out["policy"] == policy_of(sm, "a")


def test_show_without_policy_and_missing(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    r = run("policy", "show", "a")
    assert r.exit_code == 0 and "has no resource policy" in r.stdout
    assert json.loads(run("policy", "show", "a", "--json").stdout)["policy"] is None
    assert run("policy", "show", "nope").exit_code == 3


# describe notes (put --kms-key and cross-account readers) -------------------------------

def test_describe_says_the_managed_key_cannot_be_used_cross_account(run, sm):
    assert run("put", "a", "--reader", OTHER, input=b"v").exit_code == 0
    r = run("describe", "a")
    assert "Note: principals in other accounts cannot decrypt" in r.stdout
    assert json.loads(run("describe", "a", "--json").stdout)["notes"]
    key = f"arn:aws:kms:{REGION}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert run("put", "b", "--kms-key", key, "--reader", OTHER, input=b"v").exit_code == 0
    r = run("describe", "b")
    assert f"kms:Decrypt on {key}" in r.stdout and "safesm policy kms" in r.stdout
    assert run("put", "c", input=b"v").exit_code == 0
    assert "Note:" not in run("describe", "c").stdout


# identity and key policies ---------------------------------------------------------------

def test_iam_read_matches_the_golden_shape(run, sm):
    sm.create_secret(Name="app/db", SecretString="v")
    r = run("policy", "iam", "app/db", "--read")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    golden = json.loads((GOLDEN / "iam_read.json").read_text().replace(
        "eu-west-1:111122223333", f"{REGION}:{ACCT}"))
    assert doc == golden


def test_iam_uses_the_secrets_own_key(run, sm):
    key = f"arn:aws:kms:{REGION}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    sm.create_secret(Name="a", SecretString="v", KmsKeyId=key)
    doc = json.loads(run("policy", "iam", "a", "--write").stdout)
    assert doc["Statement"][1]["Resource"] == key
    assert doc["Statement"][1]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]


@pytest.mark.parametrize(("args", "says"), [
    (["a"], "--read, --write and/or --manage"),
    (["a", "--read", "--kms-key", "alias/app"], "KMS key ARN"),
    (["a", "--read", "--abac", "bad\ttag"], "--abac: a tag key"),
])
def test_iam_usage_errors(run, sm, args, says):
    sm.create_secret(Name="a", SecretString="v")
    r = run("policy", "iam", *args)
    assert r.exit_code == 2 and says in r.stderr and r.stdout == ""


def test_iam_abac_warns_when_the_tag_is_missing(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    r = run("policy", "iam", "a", "--read", "--abac", "team")
    assert r.exit_code == 0 and "has no tag with the key given to --abac" in r.stderr
    assert "${aws:PrincipalTag/team}" in r.stdout


def test_kms_statements(run, sm):
    assert run("put", "a", "--reader", APP, input=b"v").exit_code == 0
    r = run("policy", "kms", "a")
    assert r.exit_code == 0, r.stderr
    (reader,) = json.loads(r.stdout)
    assert reader["Action"] == "kms:Decrypt"
    assert reader["Condition"]["ArnLike"]["aws:PrincipalArn"] == [
        CREATOR, APP, f"arn:aws:iam::{ACCT}:role/*/app"]
    assert "aws/secretsmanager AWS managed key" in r.stderr
    r = run("policy", "kms", "a", "--reader", OTHER, "--writer", APP)
    assert [s["Sid"] for s in json.loads(r.stdout)] == [
        "SafesmDecryptForSecretReaders", "SafesmEncryptForSecretWriters"]


def test_kms_usage_errors(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    assert run("policy", "kms", "a").exit_code == 2  # no policy, no --reader
    assert run("policy", "kms", "a", "--reader", "bob").exit_code == 2
    assert run("policy", "kms").exit_code == 2


@pytest.mark.parametrize("args", [
    ["put", "a", "--secret", "hunter2"],
    ["put", "policy", "--secret=hunter2"],
    ["--profile", "policy", "put", "a", "--secret", "hunter2"],
])
def test_secret_option_still_refused_outside_policy(run, sm, args):
    r = run(*args)
    assert r.exit_code == 2 and "--secret would put a secret value" in r.stderr
    assert "hunter2" not in r.stderr
    assert names(sm) == []


@pytest.mark.parametrize(("endpoint", "sts"), [
    ("http://127.0.0.1:4566", "http://127.0.0.1:4566"),  # a local emulator serves STS too
    ("http://localhost:5000", "http://localhost:5000"),
    ("https://vpce-0abc-1xyz.secretsmanager.us-east-1.vpce.amazonaws.com", None),
    ("https://secretsmanager.cn-north-1.amazonaws.com.cn", None),
    (None, None),  # botocore decides: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, profile, default
])
def test_sts_endpoint_choice(endpoint, sts):
    from safesm.aws.store import SecretStore
    from safesm.config import Settings

    assert SecretStore(Settings(endpoint_url=endpoint))._sibling_endpoint() == sts


def test_kms_takes_the_name_like_every_policy_subcommand(run, sm):
    """Issue 17.16: `policy kms NAME`; `--secret NAME` still works, with a deprecation
    warning, and both at once (or neither) is a usage error."""
    assert run("put", "a", "--reader", APP, input=b"v").exit_code == 0
    new = run("policy", "kms", "a")
    old = run("policy", "kms", "--secret", "a")
    assert new.exit_code == old.exit_code == 0
    assert new.stdout == old.stdout
    assert "deprecated" in old.stderr and "safesm policy kms NAME" in old.stderr
    assert "deprecated" not in new.stderr
    both = run("policy", "kms", "a", "--secret", "a")
    assert both.exit_code == 2 and "safesm policy kms NAME" in both.stderr
    assert "--secret" not in run("policy", "kms", "--help").stdout


def test_lint_shows_a_finding_repeated_across_statements_once(run, tmp_path):
    """Issue 17.16: the same finding about three statements is one block naming them."""
    allow = {"Effect": "Allow", "Principal": {"AWS": OTHER},
             "Action": "secretsmanager:GetSecretValue", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [allow] * 3}))
    r = run("policy", "lint", "--file", str(path), "--account", ACCT)
    assert r.stdout.count("SM105") == 1 and r.stdout.count("SM104") == 1
    assert "(statements 0, 1, 2)" in r.stdout
    as_json = json.loads(run("policy", "lint", "--file", str(path), "--account", ACCT,
                             "--json").stdout)
    assert [f["statement"] for f in as_json["findings"] if f["rule"] == "SM105"] == [0, 1, 2]




# conditions every caller meets, and safesm's deny statements taken apart (issue 18) ------

def _public_with(condition: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue",
         "Resource": "*", "Condition": condition}]})


OPEN_TO_ANYONE = {
    "forallvalues-org": {"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    "own-account": {"StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalAccount}"}},
    "own-org": {"StringEquals": {"aws:PrincipalOrgID": "${aws:PrincipalOrgID}"}},
    "own-userid": {"StringLike": {"aws:userid": "${aws:userid}"}},
    "ip-halves": {"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}},
}


@pytest.mark.parametrize("condition", OPEN_TO_ANYONE.values(), ids=OPEN_TO_ANYONE.keys())
def test_apply_refuses_a_condition_every_caller_meets(run, sm, condition):
    """The emulator (like policyuniverse) would take these; safesm's lint refuses them first."""
    assert run("put", "a", input=b"v").exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", "apply", "a", "--file", "-", input=_public_with(condition))
    assert r.exit_code == 8, r.stderr
    assert "SM101 broad-access" in r.stderr and "lets anyone in" in r.stderr
    assert "nothing was changed" in r.stderr
    assert policy_of(sm, "a") == before
    r = run("policy", "lint", "--file", "-", input=_public_with(condition))
    assert r.exit_code == 8 and "SM101" in r.stdout


@pytest.mark.parametrize("condition", OPEN_TO_ANYONE.values(), ids=OPEN_TO_ANYONE.keys())
def test_show_says_a_condition_every_caller_meets_lets_anyone_in(run, sm, condition):
    sm.create_secret(Name="a", SecretString="v")
    sm.put_resource_policy(SecretId="a", ResourcePolicy=_public_with(condition))  # by hand
    r = run("policy", "show", "a")
    assert r.exit_code == 0
    assert "#0 Allow anyone (*): secretsmanager:GetSecretValue when " in r.stdout
    assert "— this lets in anyone, in any AWS account: " in r.stdout
    assert "SM101" in run("policy", "lint", "a").stdout


def _neutralized(sm, name: str, edit) -> dict:
    doc = policy_of(sm, name)
    edit(doc["Statement"])
    return doc


NEUTRALIZED = {
    "resource-names-another-secret": (
        lambda sts: sts[0].__setitem__(
            "Resource", f"arn:aws:secretsmanager:{REGION}:{ACCT}:secret:other-AbCdEf"),
        "SM109", "Reading is NOT limited to the listed readers", "never applies to this secret"),
    "condition-never-holds": (
        lambda sts: sts[0]["Condition"].__setitem__("Null", {"aws:PrincipalArn": "true"}),
        "SM109", "Reading is NOT limited to the listed readers",
        "requires aws:PrincipalArn to be missing"),
    "condition-narrows-it": (
        lambda sts: sts[1]["Condition"].__setitem__(
            "StringEquals", {"aws:SourceVpce": "vpce-1a2b3c4d"}),
        "SM110", "Writing is limited to the listed writers only in part",
        "it applies only when aws:SourceVpce StringEquals vpce-1a2b3c4d"),
}


@pytest.mark.parametrize(("edit", "rule", "headline", "why"), NEUTRALIZED.values(),
                         ids=NEUTRALIZED.keys())
def test_show_and_lint_see_a_neutralized_deny(run, sm, edit, rule, headline, why):
    assert run("put", "a", "--reader", APP, input=b"v").exit_code == 0
    doc = _neutralized(sm, "a", edit)
    r = run("policy", "apply", "a", "--file", "-", input=json.dumps(doc))
    assert r.exit_code == 0, r.stderr  # medium: applied, with the finding as a warning
    assert rule in r.stderr
    assert policy_of(sm, "a") == doc
    r = run("policy", "show", "a")
    assert r.exit_code == 0
    assert headline in r.stdout and why in r.stdout
    job_line = "Can read (GetSecretValue)" if rule == "SM109" else "Can write ("
    assert job_line not in r.stdout
    out = json.loads(run("policy", "show", "a", "--json").stdout)
    job = "readers" if rule == "SM109" else "writers"
    assert out[job] is None
    check = next(d for d in out["denies"] if d["applies"] != "applies")
    assert check["listed"] == ([CREATOR, APP] if rule == "SM109" else [CREATOR])
    r = run("policy", "lint", "a")
    assert r.exit_code == 0 and f"medium  {rule} " in r.stdout
    assert run("policy", "lint", "a", "--fail-on", "medium").exit_code == 8


def test_show_of_the_intact_default_still_says_only(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    out = json.loads(run("policy", "show", "a", "--json").stdout)
    assert out["readers"] == [CREATOR] and out["writers"] == [CREATOR]
    assert [d["applies"] for d in out["denies"]] == ["applies", "applies"]


def test_show_and_lint_escape_control_characters_from_the_policy(run, sm):
    assert run("put", "a", input=b"v").exit_code == 0
    doc = policy_of(sm, "a")
    doc["Statement"][0]["Condition"]["StringEquals"] = {"aws:SourceVpce": "vpce-\x1b[2J"}
    doc["Statement"].append({"Sid": "x\x1b]0;owned\x07", "Effect": "Allow",
                             "Principal": {"AWS": "arn:aws:iam::444455556666:role/r\x1b[2J"},
                             "Action": "secretsmanager:GetSecretValue", "Resource": "*"})
    sm.put_resource_policy(SecretId="a", ResourcePolicy=json.dumps(doc))
    shown = run("policy", "show", "a")
    linted = run("policy", "lint", "a")
    assert shown.exit_code == 0 and linted.exit_code == 0
    for out in (shown.stdout, linted.stdout):
        assert "\x1b" not in out and "\x07" not in out
        assert "vpce-\\x1b[2J" in out
    assert "role/r\\x1b[2J" in shown.stdout


# policy iam --guard: the statements that close the paths around the default policy --------

def test_iam_guard_statements_close_the_paths_around_the_policy(run, sm, aws, iam_user):
    """Enforced by the emulator's IAM: a user allowed everything else, plus the statements
    `policy iam --guard` prints, cannot change or delete the policy, nor delete the secret
    and create it again."""
    assert run("put", "a", input=b"v").exit_code == 0
    before = policy_of(sm, "a")
    r = run("policy", "iam", "a", "--read", "--guard")
    assert r.exit_code == 0, r.stderr
    guard = json.loads(r.stdout)
    iam = client("iam", aws)
    iam.create_user(UserName="mallory")
    iam.put_user_policy(UserName="mallory", PolicyName="everything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    iam.put_user_policy(UserName="mallory", PolicyName="guard",
                        PolicyDocument=json.dumps(guard))
    key = iam.create_access_key(UserName="mallory")["AccessKey"]
    use_credentials(iam_user.monkeypatch, key["AccessKeyId"], key["SecretAccessKey"])
    iam_user._auth("0")
    got = run("get", "a")
    assert got.stdout == "v", got.stderr  # the Allow part still works
    mallory = client("secretsmanager", aws, key=key["AccessKeyId"],
                     secret=key["SecretAccessKey"])
    for call in (lambda: mallory.delete_resource_policy(SecretId="a"),
                 lambda: mallory.put_resource_policy(SecretId="a", ResourcePolicy=PUBLIC)):
        with pytest.raises(Exception, match="AccessDenied"):
            call()
    r = run("policy", "apply", "a", "--file", "-", input=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": APP}, "Action": "secretsmanager:*",
             "Resource": "*"}]}), )
    assert r.exit_code == 4 and "access denied" in r.stderr
    r = run("delete", "a", "--force-without-recovery", "--yes")
    assert r.exit_code == 4 and "access denied" in r.stderr
    iam_user.off()
    assert policy_of(sm, "a") == before and names(sm) == ["a"]
    sm.delete_secret(SecretId="a", ForceDeleteWithoutRecovery=True)  # someone else deletes it
    use_credentials(iam_user.monkeypatch, key["AccessKeyId"], key["SecretAccessKey"])
    iam_user._auth("0")
    r = run("put", "a", "--no-default-policy", input=b"mallory's value")
    assert r.exit_code == 4 and "access denied" in r.stderr
    iam_user.off()
    assert names(sm) == []


@pytest.mark.parametrize(("args", "says"), [
    (["--manage", "--guard"], "--manage and --guard cannot be combined"),
    ([], "--read, --write and/or --manage (or --guard)"),
])
def test_iam_guard_usage_errors(run, sm, args, says):
    sm.create_secret(Name="a", SecretString="v")
    r = run("policy", "iam", "a", *args)
    assert r.exit_code == 2 and says in r.stderr and r.stdout == ""
