"""Rotation: schedules checked before any call, the rotator's role against the default
policy, rotate now (success and failure), stuck rotations found and abandoned, managed
rotation left alone. The emulator runs a test rotator (tests/emulator_lifecycle.py)."""

from __future__ import annotations

import json
import time

import pytest

from tests.rotators import make_role, make_rotator

ROLE = "arn:aws:iam::123456789012:role/service-role/rotator-role"


def rules(sm, name="a"):
    d = sm.describe_secret(SecretId=name)
    return d.get("RotationEnabled", False), d.get("RotationRules")


def stages(sm, name="a"):
    return sm.describe_secret(SecretId=name)["VersionIdsToStages"]


@pytest.fixture
def rotator(aws):
    return make_rotator(aws)


@pytest.fixture
def failing(aws):
    return make_rotator(aws, "fail_at_test", role=make_role(aws))


@pytest.fixture
def plain(sm):
    """A secret without a resource policy: nothing denies the rotator."""
    sm.create_secret(Name="a", SecretString="v1")
    return "a"


# schedules ----------------------------------------------------------------------------

@pytest.mark.parametrize("args, expression", [
    (["--every", "4h"], "rate(4 hours)"),
    (["--every", "1000d"], "rate(1000 days)"),
    (["--every", "1d", "--window", "3h"], "rate(1 day)"),
    (["--cron", "cron(0 4 * * ? *)", "--window", "2h"], "cron(0 4 * * ? *)"),
])
def test_accepted_schedules_round_trip(run, sm, plain, rotator, args, expression):
    r = run("rotation", "set", "a", *args, "--lambda", rotator)
    assert r.exit_code == 0, r.stderr
    enabled, got = rules(sm)
    assert enabled and got["ScheduleExpression"] == expression
    assert "AutomaticallyAfterDays" not in got or expression.endswith("days)") or \
        expression.endswith("day)")
    if "--window" in args:
        assert got["Duration"] == args[args.index("--window") + 1]
    assert "Rotation of a is on" in r.stderr and "next rotation" in r.stderr
    assert sm.describe_secret(SecretId="a")["VersionIdsToStages"] == stages(sm)  # no rotation


BAD = [
    (["--every", "3h"], "at least 4 hours"),
    (["--every", "1001d"], "1 to 1000 days"),
    (["--every", "4h", "--cron", "cron(0 4 * * ? *)"], "not both"),
    (["--cron", "cron(0 4 * * *)"], "six fields"),
    (["--cron", "cron(15 4 * * ? *)"], "minutes field must be 0"),
    (["--cron", "cron(0 4 * * MON *)"], "exactly one of them must be ?"),
    (["--cron", "cron(0 */2 * * ? *)"], "at least 4 hours apart"),
    (["--every", "4h", "--window", "5h"], "--window"),
    (["--every", "1d", "--window", "25h"], "--window"),
    ([], "say when to rotate"),
]


@pytest.mark.parametrize("args, why", BAD)
def test_refused_schedules_change_nothing(run, sm, plain, rotator, args, why):
    r = run("rotation", "set", "a", *args, "--lambda", rotator)
    assert r.exit_code == 2, r.stderr
    assert why in r.stderr
    assert rules(sm) == (False, None)


@pytest.mark.parametrize("args, why", BAD)
def test_schedules_are_refused_before_any_call(run, monkeypatch, args, why):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens: exit 6
    r = run("rotation", "set", "a", *args,
            "--lambda", "arn:aws:lambda:us-east-1:123456789012:function:f")
    assert r.exit_code == 2 and why in r.stderr


def test_a_bad_lambda_arn_is_refused_without_echo(run, sm, plain):
    r = run("rotation", "set", "a", "--every", "1d", "--lambda", "hunter2-not-an-arn")
    assert r.exit_code == 2 and "--lambda" in r.stderr and "hunter2" not in r.stderr
    assert rules(sm) == (False, None)


def test_an_unknown_lambda_is_not_found(run, sm, plain, aws):
    make_role(aws)
    r = run("rotation", "set", "a", "--every", "1d",
            "--lambda", "arn:aws:lambda:us-east-1:123456789012:function:nope")
    assert r.exit_code == 3 and "rotation Lambda function was not found" in r.stderr
    assert rules(sm) == (False, None)


def test_no_lambda_at_all_is_a_usage_error(run, sm, plain):
    r = run("rotation", "set", "a", "--every", "1d")
    assert r.exit_code == 2 and "pass --lambda ARN" in r.stderr


# the rotator and the default policy --------------------------------------------------

@pytest.fixture
def guarded(run, sm):
    """A secret made by safesm: its default policy lets only the caller read and write."""
    assert run("put", "a", input="v1").exit_code == 0
    return sm.get_resource_policy(SecretId="a")["ResourcePolicy"]


def test_a_rotator_the_default_policy_denies_is_refused_with_the_grant_command(
        run, sm, guarded, rotator):
    r = run("rotation", "set", "a", "--every", "30d", "--lambda", rotator)
    assert r.exit_code == 8, r.stderr
    assert f"`safesm policy grant a {ROLE} --read --write`" in r.stderr
    assert "GetSecretValue, PutSecretValue, UpdateSecretVersionStage" in r.stderr
    assert rules(sm) == (False, None)
    assert sm.get_resource_policy(SecretId="a")["ResourcePolicy"] == guarded


def test_grant_rotator_grants_it_then_rotation_works(run, sm, guarded, rotator):
    r = run("rotation", "set", "a", "--every", "30d", "--lambda", rotator, "--grant-rotator")
    assert r.exit_code == 0, r.stderr
    assert f"Granted the rotation Lambda's role {ROLE}" in r.stderr
    policy = sm.get_resource_policy(SecretId="a")["ResourcePolicy"]
    assert policy.count(ROLE) == 2  # readers and writers
    assert rules(sm)[0]
    before = sm.get_secret_value(SecretId="a")["SecretString"]
    r = run("rotate", "a", "--timeout", "20")
    assert r.exit_code == 0, r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] != before


def test_the_emulators_rotator_really_is_denied_without_the_grant(sm, guarded, rotator):
    """What the refusal prevents: configured behind safesm's back, the rotation fails."""
    token = "0123456789abcdef0123456789abcdef"
    sm.rotate_secret(SecretId="a", RotationLambdaARN=rotator, ClientRequestToken=token)
    time.sleep(0.5)
    assert token not in stages(sm)
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "v1"


def test_rotate_refuses_a_denied_rotator_too(run, sm, guarded, rotator):
    sm.rotate_secret(SecretId="a", RotationLambdaARN=rotator, RotateImmediately=False,
                     RotationRules={"ScheduleExpression": "rate(10 days)"})
    before = stages(sm)
    r = run("rotate", "a")
    assert r.exit_code == 8 and "safesm policy grant a" in r.stderr
    assert stages(sm) == before


def test_a_policy_not_in_safesms_form_is_refused_with_where_to_fix_it(run, sm, plain, rotator):
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*",
        "Condition": {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}}]}
    sm.put_resource_policy(SecretId="a", ResourcePolicy=json.dumps(doc))
    r = run("rotation", "set", "a", "--every", "30d", "--lambda", rotator, "--grant-rotator")
    assert r.exit_code == 8 and "statement #0" in r.stderr and "policy apply a" in r.stderr
    assert rules(sm) == (False, None)


def test_network_conditions_warn(run, sm, plain, rotator):
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0123"}}}]}
    sm.put_resource_policy(SecretId="a", ResourcePolicy=json.dumps(doc))
    r = run("rotation", "set", "a", "--every", "30d", "--lambda", rotator)
    assert r.exit_code == 0, r.stderr
    assert "SM111" in r.stderr and "aws:SourceVpce" in r.stderr
    assert "may deny the rotation Lambda's role" in r.stderr


# rotate now -----------------------------------------------------------------------------

def test_rotate_now_success(run, sm, plain, rotator):
    assert run("rotation", "set", "a", "--every", "30d", "--lambda", rotator).exit_code == 0
    old = next(v for v, s in stages(sm).items() if "AWSCURRENT" in s)
    r = run("rotate", "a")
    assert r.exit_code == 0, r.stderr
    now = stages(sm)
    new = next(v for v, s in now.items() if "AWSCURRENT" in s)
    assert new != old and "AWSPREVIOUS" in now[old] and "AWSPENDING" not in now[new]
    assert f"Rotated a: version {new} is AWSCURRENT" in r.stderr
    assert sm.describe_secret(SecretId="a").get("LastRotatedDate")


def test_set_now_rotates_and_follows(run, sm, plain, rotator):
    r = run("rotation", "set", "a", "--every", "30d", "--lambda", rotator, "--now")
    assert r.exit_code == 0, r.stderr
    assert "Rotated a" in r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] != "v1"


def test_rotate_no_wait_returns_before_the_lambda_finishes(run, sm, plain, aws):
    slow = make_rotator(aws, step_delay=0.3)
    assert run("rotation", "set", "a", "--every", "30d", "--lambda", slow).exit_code == 0
    r = run("rotate", "a", "--no-wait")
    assert r.exit_code == 0 and "Follow it with `safesm rotation show a`" in r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "v1"
    deadline = time.monotonic() + 10
    while sm.get_secret_value(SecretId="a")["SecretString"] == "v1":
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_rotate_failure_reports_what_is_known_then_abandon(run, sm, plain, failing):
    assert run("rotation", "set", "a", "--every", "30d", "--lambda", failing).exit_code == 0
    r = run("rotate", "a", "--timeout", "2")
    assert r.exit_code == 5, r.stderr
    pending = next(v for v, s in stages(sm).items() if "AWSPENDING" in s)
    assert f"version {pending}" in r.stderr and "still AWSPENDING" in r.stderr
    assert "/aws/lambda/rotator-fail-at-test" in r.stderr
    assert "safesm rotation abandon a" in r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "v1"  # AWSCURRENT kept

    # detected everywhere: show, describe, list
    show = run("rotation", "show", "a")
    assert f"version {pending} is AWSPENDING" in show.stdout
    assert json.loads(run("rotation", "show", "a", "--json").stdout)["pending_version"] == pending
    assert json.loads(run("describe", "a", "--json").stdout)["pending_version"] == pending
    assert "UNFINISHED" in run("list").stdout

    # AWS starts no other rotation meanwhile, and safesm says so before asking
    again = run("rotate", "a")
    assert again.exit_code == 5 and "has not finished" in again.stderr

    # abandon: a script needs --yes (exit 5, nothing changed), then the label goes
    refused = run("rotation", "abandon", "a")
    assert refused.exit_code == 5 and "--yes" in refused.stderr
    assert "AWSPENDING" in stages(sm)[pending]
    done = run("rotation", "abandon", "a", "--yes")
    assert done.exit_code == 0, done.stderr
    assert "AWSPENDING" not in stages(sm).get(pending, [])
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "v1"
    assert json.loads(run("rotation", "show", "a", "--json").stdout)["pending_version"] is None


def test_abandon_with_nothing_unfinished(run, sm, plain):
    r = run("rotation", "abandon", "a", "--yes")
    assert r.exit_code == 0 and "no unfinished rotation" in r.stderr


def test_rotate_without_rotation_set_up(run, sm, plain):
    r = run("rotate", "a")
    assert r.exit_code == 2 and "safesm rotation set a" in r.stderr


# show, off, managed ------------------------------------------------------------------------

def test_show_and_off(run, sm, plain, rotator):
    assert run("rotation", "set", "a", "--every", "12h", "--window", "2h",
               "--lambda", rotator).exit_code == 0
    shown = run("rotation", "show", "a").stdout
    assert "every 12 hours" in shown and "2h" in shown and rotator in shown and ROLE in shown
    data = json.loads(run("rotation", "show", "a", "--json").stdout)
    assert data["enabled"] and data["schedule"] == "rate(12 hours)" and data["window"] == "2h"
    assert data["lambda_role"] == ROLE and data["next_rotation"]
    listed = json.loads(run("list", "--json").stdout)[0]
    assert listed["rotation_schedule"] == "rate(12 hours)" and listed["next_rotation"]
    assert "every 12 hours" in run("list").stdout
    assert "on, every 12 hours, window 2h" in run("describe", "a").stdout

    r = run("rotation", "off", "a")
    assert r.exit_code == 0 and "Turned rotation of a off" in r.stderr
    assert rules(sm)[0] is False
    again = run("rotation", "off", "a")
    assert again.exit_code == 0 and "already off" in again.stderr


def test_changing_a_rate_schedule_says_the_old_one_may_still_fire(run, sm, plain, rotator):
    assert run("rotation", "set", "a", "--every", "30d", "--lambda", rotator).exit_code == 0
    r = run("rotation", "set", "a", "--every", "7d")
    assert r.exit_code == 0 and "previous schedule" in r.stderr
    assert rules(sm)[1]["ScheduleExpression"] == "rate(7 days)"


@pytest.fixture
def managed(sm):
    sm.create_secret(Name="rds!db-1", SecretString="v",
                     Tags=[{"Key": "aws:secretsmanager:owningService", "Value": "rds"}])
    return "rds!db-1"


@pytest.mark.parametrize("args", [
    ["rotation", "set", "NAME", "--every", "1d",
     "--lambda", "arn:aws:lambda:us-east-1:123456789012:function:f"],
    ["rotation", "off", "NAME"], ["rotation", "abandon", "NAME", "--yes"], ["rotate", "NAME"],
])
def test_managed_rotation_is_shown_and_left_to_its_service(run, sm, managed, args):
    assert "Managed by:    rds" in run("rotation", "show", managed).stdout
    r = run(*[managed if a == "NAME" else a for a in args])
    assert r.exit_code == 5 and "managed by rds" in r.stderr and "change it there" in r.stderr
    assert "RotationRules" not in sm.describe_secret(SecretId=managed)
