"""Edges found in review: ARNs, argv text never echoed, forced updates (closed streams:
tests/e2e/test_closed_streams.py)."""

from __future__ import annotations

import json

import pytest

from .conftest import names


def test_get_by_full_arn(run, sm):
    arn = sm.create_secret(Name="db/prod", SecretString="v")["ARN"]
    r = run("get", arn)
    assert r.exit_code == 0 and r.stdout == "v"
    assert run("describe", arn).exit_code == 0


def test_put_takes_names_only(run, sm):
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db/prod-AbCdEf"
    r = run("put", arn, input=b"v")
    assert r.exit_code == 2 and "invalid secret name" in r.stderr
    assert names(sm) == []


@pytest.mark.parametrize("argv", [
    ["get", "a", "--clip-timeout", "hunter2-canary"],
    ["delete", "a", "--yes", "--recovery-window-days", "hunter2-canary"],
    ["hunter2-canary"],
    ["completion", "hunter2-canary"],
    ["put", "a", "--tag", "hunter2-canary"],
])
def test_argv_text_is_never_echoed_in_usage_errors(run, sm, argv):
    r = run(*argv, input=b"v")
    assert r.exit_code == 2
    assert "hunter2-canary" not in r.output
    assert names(sm) == []


def test_forced_put_creates_with_the_default_policy(run, sm):
    r = run("put", "new", "--force", input=b"v")
    assert r.exit_code == 0, r.stderr
    policy = json.loads(sm.get_resource_policy(SecretId="new")["ResourcePolicy"])
    assert policy["Statement"]


def test_forced_put_updates_with_one_new_version(run, sm):
    sm.create_secret(Name="a", SecretString="one")
    assert run("put", "a", "--force", input=b"two").exit_code == 0
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "two"
    assert len(sm.list_secret_version_ids(SecretId="a")["Versions"]) == 2


def test_forced_put_with_metadata_updates_both(run, sm):
    sm.create_secret(Name="a", SecretString="one", Description="old")
    assert run("put", "a", "--force", "--description", "new", input=b"two").exit_code == 0
    assert sm.describe_secret(SecretId="a")["Description"] == "new"
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "two"
