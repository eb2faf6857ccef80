"""`safesm audit` against a planted account: every finding, every non-finding, exit codes.

The account is real emulator state: secrets made by safesm and by boto3, policies put
with PutResourcePolicy, KMS keys with their key policies, replicas; what only time makes
(last read 120 days ago, a rotation 10 days overdue, a stuck AWSPENDING) is planted through
the emulator's test-only endpoint (tests/plant.py).
"""

from __future__ import annotations

import csv
import io
import json

import boto3
import pytest
from click.testing import CliRunner

from safesm.cli import cli
from safesm.runtime import Environment
from tests.faultproxy import Fault, FaultProxy
from tests.plant import days_ago, plant

from .iam_users import client

ACCT = "123456789012"
OTHER = "210987654321"
ME = f"arn:aws:iam::{ACCT}:user/moto"

pytestmark = pytest.mark.slow  # real waits: make test runs it, make test-fast does not



def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, **extra):
    return {"Effect": "Allow", "Principal": principal, "Action": "secretsmanager:GetSecretValue",
            "Resource": "*", **extra}


def key_policy(bound: bool) -> str:
    grant = {"Effect": "Allow", "Principal": {"AWS": ME}, "Action": "kms:Decrypt",
             "Resource": "*"}
    if bound:
        grant["Condition"] = {"StringEquals": {
            "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}
    root = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
            "Action": ["kms:Create*", "kms:Describe*", "kms:Put*", "kms:Get*"], "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [root, grant]})


@pytest.fixture
def account(run, sm, aws):
    """A planted account. Names say what each secret is; TAG keeps SecretsManager.5 quiet."""
    tag = ("--tag", "team=core")

    def safe(name):  # made by safesm: default policy, tagged
        assert run("put", name, *tag, input=b"v").exit_code == 0

    safe("ok/clean")
    safe("ok/rotating")
    plant(aws, "ok/rotating", RotationDays=30, LastRotatedDate=days_ago(5),
          NextRotationDate=days_ago(-25))
    safe("ok/schedule")
    plant(aws, "ok/schedule", ScheduleExpression="rate(10 days)", LastRotatedDate=days_ago(3))
    safe("ok/read-today")
    plant(aws, "ok/read-today", CreatedDate=days_ago(400), LastChangedDate=days_ago(10))
    sm.get_secret_value(SecretId="ok/read-today")  # the emulator sets LastAccessedDate

    safe("bad/overdue")
    plant(aws, "bad/overdue", RotationDays=30, LastRotatedDate=days_ago(40),
          NextRotationDate=days_ago(10))
    safe("bad/stuck")
    plant(aws, "bad/stuck", RotationDays=30, LastRotatedDate=days_ago(2),
          NextRotationDate=days_ago(-28))
    sm.put_secret_value(SecretId="bad/stuck", SecretString="pending",
                        VersionStages=["AWSPENDING"])
    plant(aws, "bad/stuck", PendingCreated=days_ago(2 / 24))
    safe("bad/unused-old")
    plant(aws, "bad/unused-old", CreatedDate=days_ago(200), LastChangedDate=days_ago(200),
          LastAccessedDate=days_ago(120))
    safe("bad/ip-rotating")
    plant(aws, "bad/ip-rotating", RotationDays=30, LastRotatedDate=days_ago(1),
          NextRotationDate=days_ago(-29))
    sm.put_resource_policy(SecretId="bad/ip-rotating", ResourcePolicy=policy(
        allow({"AWS": ME}, Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})))
    sm.create_secret(Name="bad/untagged-public", SecretString="v")
    sm.put_resource_policy(SecretId="bad/untagged-public", ResourcePolicy=policy(allow("*")))
    sm.create_secret(Name="bad/cross-account", SecretString="v", Tags=[{"Key": "team",
                                                                        "Value": "x"}])
    sm.put_resource_policy(SecretId="bad/cross-account", ResourcePolicy=policy(
        allow({"AWS": f"arn:aws:iam::{OTHER}:root"})))
    sm.create_secret(Name="bad/no-policy", SecretString="v", Tags=[{"Key": "team",
                                                                    "Value": "x"}])
    kms = client("kms", aws)
    bound = kms.create_key(Policy=key_policy(True))["KeyMetadata"]["Arn"]
    loose = kms.create_key(Policy=key_policy(False))["KeyMetadata"]["Arn"]
    assert run("put", "ok/cmk-bound", "--kms-key", bound, *tag, input=b"v").exit_code == 0
    assert run("put", "bad/cmk-loose", "--kms-key", loose, *tag, input=b"v").exit_code == 0
    safe("bad/replica")
    sm.replicate_secret_to_regions(SecretId="bad/replica",
                                   AddReplicaRegions=[{"Region": "eu-west-1"}])
    plant(aws, "bad/replica", ReplicationStatus=[
        {"Region": "eu-west-1", "Status": "Failed", "StatusMessage": "KMS key not found"},
        {"Region": "eu-central-1", "Status": "InProgress"}])
    safe("bad/deleted")
    sm.delete_secret(SecretId="bad/deleted", RecoveryWindowInDays=7)
    return {"bound": bound, "loose": loose}


EXPECTED = {
    ("bad/overdue", "SMA102"),
    ("bad/stuck", "SMA103"),
    ("bad/unused-old", "SMA101"), ("bad/unused-old", "SMA104"), ("bad/unused-old", "SMA105"),
    ("bad/ip-rotating", "SM105"), ("bad/ip-rotating", "SMA107"),
    ("bad/untagged-public", "SMA101"), ("bad/untagged-public", "SMA106"),
    ("bad/untagged-public", "SM101"),
    ("bad/cross-account", "SMA101"), ("bad/cross-account", "SM104"),
    ("bad/cross-account", "SM107"),
    ("bad/no-policy", "SMA101"), ("bad/no-policy", "SM005"),
    ("bad/cmk-loose", "SMA101"), ("bad/cmk-loose", "SMA301"),
    ("bad/replica", "SMA101"), ("bad/replica", "SMA401"), ("bad/replica", "SMA402"),
    ("bad/deleted", "SMA501"),
}
OFF = {"ok/clean", "ok/read-today", "ok/cmk-bound"}  # rotation off: only SMA101 (SM.1)


def findings_of(run, *args):
    r = run("audit", "--format", "json", *args)
    return r, json.loads(r.stdout)


def test_every_finding_and_every_non_finding(run, account):
    r, out = findings_of(run, "--fail-on", "high")
    got = {(f["secret"], f["rule"]) for f in out["findings"]}
    assert got == EXPECTED | {(name, "SMA101") for name in OFF}
    assert out["secrets"] == 15 and out["not_evaluated"] == [] and out["passed"] is False
    assert r.exit_code == 8  # SM101 (broad access) is high
    assert "audit found 2 finding(s) at or above high" in r.stderr


def test_findings_carry_rule_severity_reason_fix_and_control(run, account):
    _, out = findings_of(run)
    by = {(f["secret"], f["rule"]): f for f in out["findings"]}
    unused = by[("bad/unused-old", "SMA104")]
    assert unused["severity"] == "medium" and unused["control"] == "SecretsManager.3"
    assert "unused for 120 days" in unused["reason"] and "unusedForDays=90" in unused["reason"]
    assert unused["fix"].startswith("safesm ") and "\n" not in unused["reason"]
    assert by[("bad/overdue", "SMA102")]["control"] == "SecretsManager.2"
    assert by[("bad/stuck", "SMA103")]["fix"] == "safesm rotation abandon bad/stuck"
    loose = by[("bad/cmk-loose", "SMA301")]
    assert account["loose"] in loose["reason"] and loose["practice"] == "choose an encryption key"
    assert by[("bad/untagged-public", "SM101")]["severity"] == "high"
    assert by[("bad/replica", "SMA401")]["reason"] == ("replication to eu-west-1 failed: "
                                                       "KMS key not found")
    assert out["parameters"]["SecretsManager.3"] == {"unusedForDays": 90}
    assert out["parameters"]["SecretsManager.4"] == {"maxDaysSinceRotation": 90}


def test_parameters_move_the_thresholds(run, account, aws):
    _, out = findings_of(run, "--prefix", "bad/unused-old", "--unused-days", "150",
                         "--max-rotation-days", "180")
    assert {f["rule"] for f in out["findings"]} == {"SMA101", "SMA105"}  # 200 days > 180
    _, out = findings_of(run, "--prefix", "ok/clean", "--required-tag", "team",
                         "--required-tag", "owner")
    tags = [f for f in out["findings"] if f["rule"] == "SMA106"]
    assert len(tags) == 1 and "owner" in tags[0]["reason"] and "team" not in tags[0]["reason"]
    assert out["parameters"]["SecretsManager.5"] == {"requiredTagKeys": ["team", "owner"]}
    _, out = findings_of(run, "--prefix", "ok/rotating", "--max-rotation-frequency", "7")
    assert [f["rule"] for f in out["findings"]] == ["SMA101"]  # every 30 days > 7


def test_clean_prefix_exits_0_and_fail_on_moves_the_exit_code(run, account):
    assert run("audit", "--prefix", "ok/rotating").exit_code == 0
    r = run("audit", "--prefix", "bad/no-policy", "--fail-on", "low")
    assert r.exit_code == 8 and "SM005" in r.stdout
    assert run("audit", "--prefix", "bad/no-policy", "--fail-on", "medium").exit_code == 8
    assert run("audit", "--prefix", "bad/deleted", "--fail-on", "medium").exit_code == 0


@pytest.mark.parametrize("args", [
    ("--unused-days", "0"), ("--unused-days", "366"), ("--max-rotation-days", "181"),
    ("--max-rotation-days", "0"), ("--max-rotation-frequency", "366"),
    ("--fail-on", "critical"), ("--format", "xml"), ("--region", "not a region"),
    ("--required-tag", "bad\ttag"),
])
def test_bad_parameters_are_refused_before_any_call(run, args):
    with FaultProxy("http://127.0.0.1:9") as proxy:
        r = run("--endpoint-url", proxy.url, "audit", *args)
        assert r.exit_code == 2 and "the text given is not shown" in r.stderr
        assert proxy.operations() == []


def test_at_most_six_required_tags(run, aws):
    tags = [a for i in range(7) for a in ("--required-tag", f"k{i}")]
    r = run("audit", *tags)
    assert r.exit_code == 2 and "at most 6 times" in r.stderr


def test_audit_never_reads_a_value(run, account, aws, monkeypatch, canary, sm):
    sm.create_secret(Name="ok/canary", SecretString=canary)
    with FaultProxy(aws) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        for fmt in ("table", "json", "sarif", "csv"):
            r = run("audit", "--format", fmt)
            assert r.exit_code == 8 and canary not in r.stdout + r.stderr
        ops = set(proxy.operations())
    assert "GetSecretValue" not in ops and "BatchGetSecretValue" not in ops
    assert {"ListSecrets", "GetResourcePolicy", "DescribeKey", "GetKeyPolicy"} <= ops
    # and the service agrees: the canary secret was never read (no LastAccessedDate)
    assert "LastAccessedDate" not in sm.describe_secret(SecretId="ok/canary")


def test_throttled_calls_back_off_and_succeed(run, account, aws, monkeypatch):
    monkeypatch.setenv("SAFESM_MAX_ATTEMPTS", "1")  # botocore gives up at once: safesm backs off
    with FaultProxy(aws) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        fault = proxy.add(Fault("throttle", times=6, operation="GetResourcePolicy"))
        r = run("audit", "--format", "json")
    assert fault.fired == 6
    out = json.loads(r.stdout)
    assert out["not_evaluated"] == [] and out["secrets"] == 15


def test_denied_checks_are_not_evaluated_never_passed(run, account, iam_user):
    iam_user("auditor", ["secretsmanager:GetResourcePolicy"])
    r, out = findings_of(run, "--prefix", "ok/")
    assert r.exit_code == 4, r.stderr
    assert {m["secret"] for m in out["not_evaluated"]} == {
        "ok/clean", "ok/rotating", "ok/schedule", "ok/read-today", "ok/cmk-bound"}
    assert {m["checks"] for m in out["not_evaluated"]} == {"resource policy"}
    assert out["passed"] is False
    assert "could not be evaluated" in r.stderr and "not counted as passed" in r.stderr
    # findings still win: a failing finding exits 8 even with checks not evaluated
    assert run("audit", "--prefix", "bad/untagged", "--fail-on", "medium").exit_code == 8


def test_denied_key_policy_is_not_evaluated(run, account, iam_user):
    iam_user("auditor", ["kms:GetKeyPolicy"])
    r, out = findings_of(run, "--prefix", "bad/cmk-loose")
    assert r.exit_code == 4, (r.stderr, out["not_evaluated"])
    assert [(m["secret"], m["checks"]) for m in out["not_evaluated"]] == [
        ("bad/cmk-loose", "KMS key policy")]
    assert "SMA301" not in {f["rule"] for f in out["findings"]}


def test_listing_denied_fails_the_audit_with_exit_4(run, account, iam_user):
    iam_user("auditor", ["secretsmanager:ListSecrets"])
    r = run("audit")
    assert r.exit_code == 4 and "access denied" in r.stderr and r.stdout == ""


def test_table_csv_and_summary(run, account):
    r = run("audit", "--prefix", "bad/")
    assert "high    SM101 broad-access  bad/untagged-public (us-east-1):" in r.stdout
    assert "        fix: safesm rotation abandon bad/stuck" in r.stdout
    assert r.stdout.rstrip().endswith("failing at high or above.")
    r = run("audit", "--format", "csv", "--prefix", "bad/stuck")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(row["rule"], row["secret"], row["control"]) for row in rows] == [
        ("SMA103", "bad/stuck", "SecretsManager.2")]
    assert "finding(s)" in r.stderr  # the summary goes to stderr for machine formats


def test_csv_cells_never_start_a_formula(run, sm, aws):
    sm.create_secret(Name="=cmd", SecretString="v")
    r = run("audit", "--format", "csv")
    names = {row["secret"] for row in csv.DictReader(io.StringIO(r.stdout))}
    assert names == {"'=cmd"}


def test_progress_bar_only_on_a_terminal(run, account, aws):
    def audit(stderr_tty):
        env = lambda: Environment.from_process(stderr_isatty=stderr_tty)  # noqa: E731
        return CliRunner().invoke(cli, ["audit", "--format", "json", "--prefix", "ok/"],
                                  obj=env)

    shown = audit(True)
    assert "[##############################] 5/5 secrets" in shown.stderr
    assert "\r" not in shown.stdout and json.loads(shown.stdout)["secrets"] == 5
    assert "secrets\r" not in audit(False).stderr and "#" not in audit(False).stderr


def test_several_regions_are_audited_and_labelled(run, sm, aws):
    sm.create_secret(Name="east", SecretString="v")
    west = boto3.client("secretsmanager", region_name="eu-west-1", endpoint_url=aws,
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")
    west.create_secret(Name="west", SecretString="v")
    _, out = findings_of(run, "--region", "us-east-1", "--region", "eu-west-1")
    assert out["regions"] == ["us-east-1", "eu-west-1"] and out["secrets"] == 2
    assert {(f["secret"], f["region"]) for f in out["findings"]} == {
        ("east", "us-east-1"), ("west", "eu-west-1")}
    _, only = findings_of(run, "--region", "eu-west-1")
    assert {f["secret"] for f in only["findings"]} == {"west"}
