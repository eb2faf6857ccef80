"""`safesm exec` refusals, in-process: every one happens before a process could start (the
fast tier's guard fails any test that starts one), with safesm's own exit code. Running
commands for real: tests/e2e/test_exec.py."""

from __future__ import annotations

import json

import pytest

from safesm.errors import ExitCode


@pytest.fixture
def secrets(sm, canary):
    sm.create_secret(Name="db/prod", SecretString=json.dumps({"password": canary, "user": "u"}))
    sm.create_secret(Name="app/config", SecretString=json.dumps({"user": "x", "db": canary}))
    sm.create_secret(Name="app/prod/db", SecretString=canary)
    sm.create_secret(Name="plain", SecretString=canary)
    return canary


def no_value(r, canary: str) -> None:
    assert canary not in r.stdout and canary not in r.stderr


def test_two_sources_for_one_variable_are_refused_naming_both(run, secrets):
    r = run("exec", "-e", "USER=db/prod#user", "--from", "app/config", "--", "true")
    assert r.exit_code == ExitCode.CONFLICT
    assert "USER would be set by both" in r.stderr and "app/config" in r.stderr
    assert "db/prod" in r.stderr and "--override" in r.stderr
    no_value(r, secrets)


def test_a_variable_already_in_the_environment_is_refused(run, secrets, monkeypatch):
    monkeypatch.setenv("DB", "inherited")
    r = run("exec", "--prefix", "app/prod/", "--", "true")
    assert r.exit_code == ExitCode.CONFLICT and "DB" in r.stderr and "already set" in r.stderr
    no_value(r, secrets)


@pytest.mark.parametrize("mapping", ["1X=db/prod", "X-Y=db/prod", "X", "X=db/prod#",
                                     "X=hunter2 canary", "=db/prod"])
def test_invalid_mappings_are_refused_without_echoing(run, secrets, mapping):
    r = run("exec", "-e", mapping, "--", "true")
    assert r.exit_code == ExitCode.USAGE
    assert "-e" in r.stderr and "VAR=NAME" in r.stderr
    assert mapping not in r.stderr and "hunter2" not in r.stderr


def test_a_key_that_cannot_be_a_variable_is_refused(run, sm, canary):
    sm.create_secret(Name="weird", SecretString=json.dumps({"9lives": canary}))
    r = run("exec", "--from", "weird", "--", "true")
    assert r.exit_code == ExitCode.USAGE and "weird" in r.stderr and "-e VAR=NAME" in r.stderr
    no_value(r, canary)


def test_a_missing_secret_stops_everything_with_3(run, secrets):
    r = run("exec", "-e", "A=db/prod#password", "-e", "B=hunter2-typo", "--", "true")
    assert r.exit_code == ExitCode.NOT_FOUND
    assert "for B (-e) was not found" in r.stderr and "hunter2" not in r.stderr
    no_value(r, secrets)


def test_a_missing_field_is_3(run, secrets):
    r = run("exec", "-e", "A=db/prod#nope", "--", "true")
    assert r.exit_code == ExitCode.NOT_FOUND
    no_value(r, secrets)


def test_an_empty_prefix_is_3(run, secrets):
    r = run("exec", "--prefix", "nothing/here/", "--", "true")
    assert r.exit_code == ExitCode.NOT_FOUND and "--prefix #1" in r.stderr


def test_from_a_secret_that_is_not_json_is_7(run, secrets):
    r = run("exec", "--from", "plain", "--", "true")
    assert r.exit_code == ExitCode.INVALID_VALUE
    no_value(r, secrets)


def test_binary_secrets_cannot_be_variables(run, sm):
    sm.create_secret(Name="bin", SecretBinary=b"\x00\xff")
    r = run("exec", "-e", "B=bin", "--", "true")
    assert r.exit_code == ExitCode.INVALID_VALUE and "binary" in r.stderr


def test_nested_exec_is_refused_unless_asked(run, secrets, monkeypatch):
    monkeypatch.setenv("SAFESM_EXEC", "1")
    r = run("exec", "-e", "A=plain", "--", "true")
    assert r.exit_code == ExitCode.USAGE and "--nested" in r.stderr


def test_the_marker_cannot_be_set(run, secrets):
    r = run("exec", "-e", "SAFESM_EXEC=plain", "--", "true")
    assert r.exit_code == ExitCode.USAGE and "marker" in r.stderr


def test_an_unknown_command_is_127_before_any_read(run, aws, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # any read would fail: 6
    r = run("exec", "-e", "A=plain", "--", "no-such-command-anywhere")
    assert r.exit_code == ExitCode.COMMAND_NOT_FOUND
    assert "no-such-command" not in r.stderr


def test_a_file_that_is_not_executable_is_126(run, aws, tmp_path):
    script = tmp_path / "not-executable"
    script.write_text("#!/bin/sh\n")
    r = run("exec", "-e", "A=plain", "--", str(script))
    assert r.exit_code == ExitCode.CANNOT_RUN


def test_sources_are_required(run, aws):
    r = run("exec", "--", "true")
    assert r.exit_code == ExitCode.USAGE and "-e VAR=NAME" in r.stderr


def test_a_command_is_required(run, aws):
    r = run("exec", "-e", "A=plain")
    assert r.exit_code == ExitCode.USAGE
