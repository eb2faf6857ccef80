"""`safesm trail` reads back the CloudTrail events the emulator recorded for real calls."""

from __future__ import annotations

import json

import pytest

from safesm import __version__
from tests.faultproxy import Fault, FaultProxy
from tests.plant import add_events, days_ago, lookup_times

ME = "arn:aws:iam::123456789012:user/moto"


def events(run, *args):
    r = run("trail", *args, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_reads_and_writes_by_safesm_are_shown_with_who_ip_and_agent(run, sm, canary):
    assert run("put", "db/prod", input=canary.encode()).exit_code == 0
    assert run("get", "db/prod").exit_code == 0
    sm.get_secret_value(SecretId="db/prod")  # someone else's read (boto3)
    found = events(run, "db/prod")
    names = [e["event"] for e in found]
    assert names.count("GetSecretValue") == 2 and "CreateSecret" in names
    assert "PutResourcePolicy" in names  # the default policy
    mine = [e for e in found if e["by_safesm"]]
    assert {e["event"] for e in mine} >= {"CreateSecret", "GetSecretValue"}
    assert all(f"safesm/{__version__}" in e["user_agent"] for e in mine)
    boto = [e for e in found if e["event"] == "GetSecretValue" and not e["by_safesm"]]
    assert len(boto) == 1 and "Boto3/" in boto[0]["user_agent"]
    assert {e["who"] for e in found} == {ME} and {e["source_ip"] for e in found} == {"127.0.0.1"}
    times = [e["time"] for e in found]
    assert times == sorted(times, reverse=True)
    r = run("trail", "db/prod")
    assert canary not in r.stdout + r.stderr and canary not in json.dumps(found)
    assert "GetSecretValue" in r.stdout and f"safesm/{__version__}" in r.stdout


def test_kinds_and_errors(run, sm, aws):
    from tests.rotators import make_rotator

    sm.create_secret(Name="a", SecretString="v")
    sm.get_secret_value(SecretId="a")
    sm.put_secret_value(SecretId="a", SecretString="w")
    sm.rotate_secret(SecretId="a", RotationLambdaARN=make_rotator(aws),
                     RotationRules={"AutomaticallyAfterDays": 30})
    reads = events(run, "a", "--kind", "read")
    assert {e["event"] for e in reads} >= {"GetSecretValue"} and all(e["read_only"]
                                                                       for e in reads)
    writes = {e["event"] for e in events(run, "a", "--kind", "write")}
    assert {"CreateSecret", "PutSecretValue"} <= writes and "GetSecretValue" not in writes
    rotation = events(run, "a", "--kind", "rotation")
    assert {e["event"] for e in rotation} == {"RotateSecret", "RotationStarted",
                                              "RotationSucceeded"}
    service = [e for e in rotation if e["event"].startswith("Rotation")]
    assert {e["flag"] for e in service} == {"rotation"}
    assert {e["who"] for e in service} == {"secretsmanager.amazonaws.com"}
    with pytest.raises(sm.exceptions.ResourceNotFoundException):
        sm.get_secret_value(SecretId="a", VersionId="00000000-0000-0000-0000-000000000000")
    denied = [e for e in events(run, "a") if e["error"]]
    assert denied and denied[0]["event"] == "GetSecretValue"


def test_other_secrets_and_old_events_are_not_shown(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    sm.create_secret(Name="b", SecretString="v")
    sm.get_secret_value(SecretId="b")
    assert {e["event"] for e in events(run, "a")} == {"CreateSecret"}
    everything = events(run)  # no NAME: every Secrets Manager event
    assert {e["secret"] for e in everything} >= {"a", "b"}


def test_older_events_with_the_aRN_key_match(run, sm, aws):  # noqa: N802 (its spelling)
    arn = sm.create_secret(Name="legacy", SecretString="v")["ARN"]
    add_events(aws, [{  # a DeleteSecret recorded before February 2024
        "_time": days_ago(20), "_arn": arn, "eventName": "DeleteSecret",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:"
                         "assumed-role/ops/alice"},
        "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/1.29.0",
        "requestParameters": {"secretId": "legacy", "recoveryWindowInDays": 7},
        "responseElements": {"aRN": arn, "name": "legacy"}, "readOnly": False,
        "eventType": "AwsApiCall"}])
    assert events(run, "legacy", "--since", "7d")[-1]["event"] == "CreateSecret"
    older = events(run, "legacy", "--since", "30d")
    delete = [e for e in older if e["event"] == "DeleteSecret"]
    assert len(delete) == 1 and delete[0]["secret"] == arn
    assert delete[0]["who"].endswith("assumed-role/ops/alice") and not delete[0]["by_safesm"]


def test_at_most_two_requests_a_second(run, sm, aws):
    arn = sm.create_secret(Name="busy", SecretString="v")["ARN"]
    add_events(aws, [{"_time": days_ago(1 + i / 1000), "_arn": arn,
                      "eventName": "GetSecretValue", "readOnly": True,
                      "userIdentity": {"arn": ME}} for i in range(120)])
    found = events(run, "busy")
    assert len(found) == 121
    times = lookup_times(aws)
    assert len(times) == 3  # 50 a page
    assert all(b - a >= 0.5 for a, b in zip(times, times[1:], strict=False)), times


def test_throttled_lookups_back_off(run, sm, aws, monkeypatch):
    sm.create_secret(Name="a", SecretString="v")
    monkeypatch.setenv("SAFESM_MAX_ATTEMPTS", "1")
    with FaultProxy(aws) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        fault = proxy.add(Fault("throttle", times=2, operation="LookupEvents"))
        found = events(run, "a")
    assert fault.fired == 2 and [e["event"] for e in found] == ["CreateSecret"]


@pytest.mark.parametrize(("args", "message"), [
    (("--since", "91d"), "more than 90 days back"),
    (("--since", "2000-01-01"), "more than 90 days back"),
    (("--since", "1d", "--until", "2d"), "--until is before --since"),
    (("--since", "yesterday"), "invalid value for --since"),
    (("--until", "7 days"), "invalid value for --until"),
    (("--kind", "delete"), "invalid value for '--kind'"),
])
def test_bad_windows_are_refused_before_any_call(run, args, message):
    with FaultProxy("http://127.0.0.1:9") as proxy:
        r = run("--endpoint-url", proxy.url, "trail", *args)
        assert r.exit_code == 2 and message in r.stderr
        assert proxy.operations() == []
    if "90 days" in message:
        assert "CloudTrail Lake" in r.stderr


def test_no_events_says_so(run, sm):
    r = run("trail", "nothing-here")
    assert r.exit_code == 0 and r.stdout == "" and "No events for nothing-here" in r.stderr


def test_hostile_user_agent_cannot_drive_the_terminal(run, sm, aws):
    arn = sm.create_secret(Name="a", SecretString="v")["ARN"]
    add_events(aws, [{"_time": days_ago(0.1), "_arn": arn, "eventName": "GetSecretValue",
                      "userAgent": "evil\x1b]0;pwned\x07\x1b[2J", "readOnly": True,
                      "userIdentity": {"arn": ME}}])
    r = run("trail", "a")
    assert "\x1b" not in r.stdout and "evil?]0;pwned" in r.stdout
