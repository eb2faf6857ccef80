"""`safesm get` to a pipe: exact bytes, fields, versions, and every not-found case."""

from __future__ import annotations

import json

import pytest


def test_get_writes_the_exact_value_without_newline(run, sm):
    sm.create_secret(Name="a", SecretString="v\n")
    r = run("get", "a")
    assert r.exit_code == 0
    assert r.stdout_bytes == b"v\n"
    assert r.stderr == ""


def test_get_binary_writes_raw_bytes(run, sm):
    sm.create_secret(Name="b", SecretBinary=b"\x00\xff\x01")
    r = run("get", "b")
    assert r.exit_code == 0
    assert r.stdout_bytes == b"\x00\xff\x01"


def test_round_trip_of_put_and_get(run, sm):
    assert run("put", "rt", "--file", "-", input=b"exact \t bytes\n").exit_code == 0
    assert run("get", "rt").stdout_bytes == b"exact \t bytes\n"


def test_field(run, sm):
    sm.create_secret(Name="j", SecretString=json.dumps({"password": "p", "port": 5432}))
    assert run("get", "j", "--field", "password").stdout_bytes == b"p"
    assert run("get", "j", "--field", "port").stdout_bytes == b"5432"


def test_missing_field_is_not_found(run, sm):
    sm.create_secret(Name="j", SecretString="{}")
    r = run("get", "j", "--field", "nope")
    assert r.exit_code == 3 and r.stdout == ""


def test_field_of_non_json_is_invalid_value(run, sm):
    sm.create_secret(Name="p", SecretString="plain")
    r = run("get", "p", "--field", "x")
    assert r.exit_code == 7 and r.stdout == ""
    assert "not a JSON object" in r.stderr


def test_versions_and_stages(run, sm):
    first = sm.create_secret(Name="v", SecretString="one")["VersionId"]
    sm.put_secret_value(SecretId="v", SecretString="two")
    assert run("get", "v").stdout_bytes == b"two"
    assert run("get", "v", "--version-id", first).stdout_bytes == b"one"
    assert run("get", "v", "--version-stage", "AWSPREVIOUS").stdout_bytes == b"one"


def test_missing_version_is_not_found(run, sm):
    sm.create_secret(Name="v", SecretString="one")
    r = run("get", "v", "--version-id", "00000000-0000-0000-0000-000000000000")
    assert r.exit_code == 3


def test_missing_secret_is_not_found(run, sm):
    r = run("get", "nope")
    assert r.exit_code == 3
    assert "was not found" in r.stderr
    assert r.stdout == ""


def test_secret_scheduled_for_deletion(run, sm):
    sm.create_secret(Name="gone", SecretString="v")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    r = run("get", "gone")
    assert r.exit_code == 5
    assert "scheduled for deletion" in r.stderr
    assert "safesm restore gone" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize("name", ["bad name", "x" * 513])
def test_bad_name(run, name):
    assert run("get", name).exit_code == 2
