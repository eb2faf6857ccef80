"""`safesm get A B C`: one batch, one JSON object, all or nothing, ids never echoed."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def three(sm):
    for i in range(3):
        sm.create_secret(Name=f"app/{i}", SecretString=json.dumps({"pw": f"p{i}"}))


def test_several_names_come_out_as_one_json_object(run, three):
    r = run("get", "app/0", "app/1", "app/2")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {f"app/{i}": json.dumps({"pw": f"p{i}"}) for i in range(3)}


def test_field_applies_to_each(run, three):
    r = run("get", "app/2", "app/0", "--field", "pw")
    assert json.loads(r.stdout) == {"app/2": "p2", "app/0": "p0"}


def test_more_than_one_batch(run, sm):
    names = [f"n/{i:02d}" for i in range(45)]
    for n in names:
        sm.create_secret(Name=n, SecretString=f"v-{n}")
    r = run("get", *names)
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {n: f"v-{n}" for n in names}


def test_a_missing_one_fails_all_without_echoing_it(run, three):
    r = run("get", "app/0", "hunter2-canary", "app/1")
    assert r.exit_code == 3
    assert r.stdout == ""
    assert "#2" in r.stderr
    assert "hunter2-canary" not in r.stderr


def test_binary_secret_cannot_join_the_object(run, sm, three):
    sm.create_secret(Name="bin", SecretBinary=b"\x00\x01")
    r = run("get", "app/0", "bin")
    assert r.exit_code == 7 and r.stdout == ""


def test_versions_take_a_single_name(run, three):
    r = run("get", "app/0", "app/1", "--version-stage", "AWSCURRENT")
    assert r.exit_code == 2 and r.stdout == ""


def test_several_values_never_go_to_the_clipboard(run, three):
    r = run("get", "app/0", "app/1", "--clip")
    assert r.exit_code == 2 and r.stdout == ""
