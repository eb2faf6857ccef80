"""Replication: add, show, remove and promote against the emulator (which keeps replica
keys, reports InProgress first, and answers StopReplicationToReplica in the replica's
Region only: tests/emulator_lifecycle.py)."""

from __future__ import annotations

import json

import pytest

from tests.rotators import client

CMK = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def replicas(sm, name="a"):
    return {r["Region"]: r for r in sm.describe_secret(SecretId=name).get("ReplicationStatus",
                                                                            [])}


@pytest.fixture
def secret(sm):
    sm.create_secret(Name="a", SecretString="v1")
    return "a"


def test_add_show_remove_promote_round_trip(run, sm, aws, secret):
    r = run("replication", "add", "a", "eu-west-1", "us-west-2=alias/replica-key", "--wait")
    assert r.exit_code == 0, r.stderr
    assert "Replicated a to eu-west-1, us-west-2" in r.stderr
    now = replicas(sm)
    assert {k: v["Status"] for k, v in now.items()} == {"eu-west-1": "InSync",
                                                        "us-west-2": "InSync"}
    assert now["us-west-2"]["KmsKeyId"] == "alias/replica-key"

    shown = run("replication", "show", "a").stdout
    assert "a (primary in us-east-1)" in shown
    assert "eu-west-1" in shown and "alias/replica-key" in shown and "InSync" in shown
    data = json.loads(run("replication", "show", "a", "--json").stdout)
    assert data["primary_region"] == "us-east-1" and not data["is_replica"]
    assert {x["region"]: x["status"] for x in data["replicas"]} == {"eu-west-1": "InSync",
                                                                  "us-west-2": "InSync"}
    assert "eu-west-1 (InSync)" in run("describe", "a").stdout
    assert "eu-west-1 InSync" in run("list", "--replication").stdout
    listed = json.loads(run("list", "--replication", "--json").stdout)
    assert {x["Region"] for x in listed[0]["replication"]} == {"eu-west-1", "us-west-2"}

    # the replica, seen from its own Region
    eu = run("--region", "eu-west-1", "replication", "show", "a").stdout
    assert "is a replica of the secret in us-east-1" in eu
    assert "replica of us-east-1" in run("--region", "eu-west-1", "list", "--replication").stdout

    r = run("replication", "remove", "a", "us-west-2", "--yes")
    assert r.exit_code == 0, r.stderr
    assert set(replicas(sm)) == {"eu-west-1"}
    west = client("secretsmanager", aws, "us-west-2")
    assert not west.list_secrets()["SecretList"]

    r = run("replication", "promote", "a", "--region", "eu-west-1", "--yes")
    assert r.exit_code == 0, r.stderr
    assert "standalone secret" in r.stderr
    assert replicas(sm) == {}
    eu_sm = client("secretsmanager", aws, "eu-west-1")
    promoted = eu_sm.describe_secret(SecretId="a")
    assert "PrimaryRegion" not in promoted
    assert eu_sm.get_secret_value(SecretId="a")["SecretString"] == "v1"


def test_without_wait_the_status_is_in_progress(run, sm, secret):
    r = run("replication", "add", "a", "eu-west-1")
    assert r.exit_code == 0 and "InProgress" in r.stdout and "under way" in r.stderr


@pytest.mark.parametrize("args", [
    ["replication", "add", "a", "eu-westish-1"], ["replication", "add", "a", "Mars"],
    ["replication", "add", "a", "eu-west-1", "eu-west-1"],
    ["replication", "add", "a", "eu-west-1="],
    ["replication", "remove", "a", "nowhere-1", "--yes"],
    ["replication", "promote", "a", "--region", "nowhere-1", "--yes"],
])
def test_unknown_regions_are_refused_before_any_call(run, sm, secret, monkeypatch, args):
    r = run(*args)
    assert r.exit_code == 2, r.stderr
    assert "westish" not in r.stderr and "Mars" not in r.stderr and "nowhere" not in r.stderr
    assert replicas(sm) == {}
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert run(*args).exit_code == 2


def test_own_region_and_existing_replicas_are_refused(run, sm, secret):
    assert run("replication", "add", "a", "us-east-1").exit_code == 2
    assert run("replication", "add", "a", "eu-west-1", "--wait").exit_code == 0
    again = run("replication", "add", "a", "eu-west-1")
    assert again.exit_code == 2 and "already holds a replica" in again.stderr


def test_remove_and_promote_need_confirmation_in_scripts(run, sm, secret):
    assert run("replication", "add", "a", "eu-west-1", "--wait").exit_code == 0
    r = run("replication", "remove", "a", "eu-west-1")
    assert r.exit_code == 5 and "--yes" in r.stderr
    r = run("replication", "promote", "a", "--region", "eu-west-1")
    assert r.exit_code == 5 and "--yes" in r.stderr
    assert set(replicas(sm)) == {"eu-west-1"}


def test_remove_or_promote_where_there_is_no_replica(run, sm, secret):
    assert run("replication", "remove", "a", "eu-west-1", "--yes").exit_code == 3
    assert run("replication", "promote", "a", "--region", "eu-west-1", "--yes").exit_code == 3


def test_a_replica_is_managed_from_its_primary(run, sm, secret):
    assert run("replication", "add", "a", "eu-west-1", "--wait").exit_code == 0
    r = run("--region", "eu-west-1", "replication", "add", "a", "us-west-2")
    assert r.exit_code == 2 and "primary Region, us-east-1" in r.stderr


def test_customer_managed_key_without_replica_key_warns(run, sm):
    sm.create_secret(Name="k", SecretString="v", KmsKeyId=CMK)
    r = run("replication", "add", "k", "eu-west-1", "us-west-2=alias/mine")
    assert r.exit_code == 0, r.stderr
    assert "falls back to the aws/secretsmanager key of eu-west-1" in r.stderr
    assert "us-west-2" not in r.stderr.split("warning:")[1].split("\n")[0]


def test_a_name_taken_in_the_region_fails_then_overwrite(run, sm, aws, secret):
    client("secretsmanager", aws, "eu-west-1").create_secret(Name="a", SecretString="theirs")
    r = run("replication", "add", "a", "eu-west-1")
    assert r.exit_code == 5 and "--overwrite-replica" in r.stderr
    assert replicas(sm)["eu-west-1"]["Status"] == "Failed"
    assert run("replication", "remove", "a", "eu-west-1", "--yes").exit_code == 0
    r = run("replication", "add", "a", "eu-west-1", "--overwrite-replica", "--wait")
    assert r.exit_code == 0, r.stderr
    assert replicas(sm)["eu-west-1"]["Status"] == "InSync"
