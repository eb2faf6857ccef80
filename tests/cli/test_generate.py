"""`safesm generate` and `put --generate`: GetRandomPassword's rules, made locally; the
value stored is never shown. Also `put --replicate-to`, and put changing no metadata when
it writes nothing."""

from __future__ import annotations

import json
import string

import pytest

from safesm.ops.generate import PUNCTUATION

from .conftest import names


def test_generate_to_a_pipe_is_the_exact_password(run):
    r = run("generate")
    assert r.exit_code == 0 and r.stderr == ""
    value = r.stdout
    assert len(value) == 32 and "\n" not in value
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits, PUNCTUATION):
        assert set(value) & set(chars)


def test_generate_options(run):
    value = run("generate", "--length", "100", "--no-punctuation", "--no-uppercase",
                "--exclude-chars", "0123abc").stdout
    assert len(value) == 100
    assert set(value) <= set(string.ascii_lowercase + string.digits) - set("0123abc")
    spaced = run("generate", "--length", "300", "--include-space").stdout
    assert " " in spaced


@pytest.mark.parametrize("args, why", [
    (["--no-punctuation", "--no-numbers", "--no-uppercase", "--no-lowercase"],
     "every type is excluded"),
    (["--length", "3"], "shorter than the 4 character types"),
    (["--length", "0"], "--length"),
    (["--length", "5000"], "--length"),
    (["--no-lowercase", "--no-uppercase", "--no-numbers", "--exclude-chars", PUNCTUATION],
     "every type is excluded"),
])
def test_impossible_combinations_exit_2(run, args, why):
    r = run("generate", *args)
    assert r.exit_code == 2 and why in r.stderr and r.stdout == ""


def test_put_generate_stores_the_asked_length_and_classes_and_shows_nothing(run, sm):
    r = run("put", "a", "--generate", "--length", "48", "--no-punctuation", "--json")
    assert r.exit_code == 0, r.stderr
    value = sm.get_secret_value(SecretId="a")["SecretString"]
    assert len(value) == 48 and set(value) <= set(string.ascii_letters + string.digits)
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits):
        assert set(value) & set(chars)
    assert value not in r.stdout + r.stderr
    assert json.loads(r.stdout)["name"] == "a"
    assert sm.get_resource_policy(SecretId="a").get("ResourcePolicy")  # the default policy


def test_put_generate_does_not_read_stdin(run, sm, canary):
    r = run("put", "a", "--generate", input=canary)
    assert r.exit_code == 0, r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] != canary


def test_put_generate_overwrites_only_with_force(run, sm):
    sm.create_secret(Name="a", SecretString="old")
    r = run("put", "a", "--generate")
    assert r.exit_code == 5 and "--force" in r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"
    assert run("put", "a", "--generate", "--force").exit_code == 0
    assert len(sm.get_secret_value(SecretId="a")["SecretString"]) == 32


def test_put_key_generate_sets_one_field(run, sm):
    sm.create_secret(Name="a", SecretString='{"user": "app", "password": "old"}')
    r = run("put", "a", "--key", "password", "--generate", "--length", "20", "--force")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(sm.get_secret_value(SecretId="a")["SecretString"])
    assert doc["user"] == "app" and len(doc["password"]) == 20 and doc["password"] != "old"
    assert doc["password"] not in r.stdout + r.stderr


@pytest.mark.parametrize("args, why", [
    (["--generate", "--file", "x"], "--generate makes the value"),
    (["--generate", "--binary"], "--generate makes the value"),
    (["--length", "20"], "need --generate"),
    (["--no-numbers"], "need --generate"),
    (["--generate", "--length", "2"], "shorter than"),
])
def test_put_generate_bad_combinations_write_nothing(run, sm, args, why):
    r = run("put", "a", *args, input="value")
    assert r.exit_code == 2 and why in r.stderr
    assert names(sm) == []


# --replicate-to ------------------------------------------------------------------------

def test_put_replicate_to_on_create(run, sm):
    r = run("put", "a", "--replicate-to", "eu-west-1", "--replicate-to", "us-west-2=alias/k",
            input="v")
    assert r.exit_code == 0, r.stderr
    status = {x["Region"]: x for x in sm.describe_secret(SecretId="a")["ReplicationStatus"]}
    assert set(status) == {"eu-west-1", "us-west-2"}
    assert status["us-west-2"]["KmsKeyId"] == "alias/k"


def test_put_replicate_to_an_unknown_region_writes_nothing(run, sm):
    r = run("put", "a", "--replicate-to", "atlantis-1", input="v")
    assert r.exit_code == 2 and "atlantis" not in r.stderr
    assert names(sm) == []


def test_put_replicate_to_an_existing_secret_changes_nothing(run, sm):
    sm.create_secret(Name="a", SecretString="old")
    r = run("put", "a", "--replicate-to", "eu-west-1", "--force", input="new")
    assert r.exit_code == 2 and "safesm replication add a" in r.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"
    assert "ReplicationStatus" not in sm.describe_secret(SecretId="a")


# put writes nothing -> changes nothing ---------------------------------------------

def test_put_key_on_an_existing_field_without_force_changes_no_metadata(run, sm):
    sm.create_secret(Name="a", SecretString='{"f": "old"}', Description="before",
                     Tags=[{"Key": "team", "Value": "a"}])
    r = run("put", "a", "--key", "f", "--description", "after", "--tag", "team=b", input="new")
    assert r.exit_code == 5 and "--force" in r.stderr
    d = sm.describe_secret(SecretId="a")
    assert d["Description"] == "before" and d["Tags"] == [{"Key": "team", "Value": "a"}]
    assert json.loads(sm.get_secret_value(SecretId="a")["SecretString"]) == {"f": "old"}
