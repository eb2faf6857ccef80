"""Values on argv are refused before any network call; AWS failures map to exit codes."""

from __future__ import annotations

import os
import time

import pytest
from click.testing import CliRunner

from safesm.cli import cli

from .conftest import names


@pytest.mark.parametrize(
    "argv",
    [
        ["put", "db/prod", "hunter2-canary"],
        ["put", "db/prod", "--force", "hunter2-canary"],
        ["put", "db/prod", "--secret-string", "hunter2-canary"],
        ["put", "db/prod", "--secret-string=hunter2-canary"],
        ["put", "db/prod", "--value", "hunter2-canary"],
        ["put", "db/prod", "--password=hunter2-canary"],
        ["--profile", "p", "put", "db/prod", "--secret-binary", "hunter2-canary"],
    ],
)
def test_value_on_argv_is_refused_without_echo(run, sm, argv):
    r = run(*argv, input=b"piped")
    assert r.exit_code == 2
    assert "hunter2-canary" not in r.output
    assert "shell history" in r.stderr
    assert "safesm history scrub" in r.stderr
    assert names(sm) == []


def test_argv_refusal_happens_before_any_network_call(isolated_env):
    """With an endpoint that does not answer, the refusal is still immediate and exit 2."""
    r = CliRunner().invoke(cli, ["put", "db/prod", "hunter2-canary"], input=b"v")
    assert r.exit_code == 2
    assert "could not reach" not in r.stderr


def test_double_dash_then_value_is_still_refused(run, sm):
    r = run("put", "--", "db/prod", "hunter2-canary", input=b"v")
    assert r.exit_code == 2
    assert "hunter2-canary" not in r.output
    assert names(sm) == []


def test_no_credentials_is_exit_4(isolated_env):
    r = CliRunner().invoke(cli, ["get", "db/prod"])
    assert r.exit_code == 4, r.stderr
    assert "no AWS credentials" in r.stderr


def test_unknown_profile_is_exit_4(isolated_env):
    r = CliRunner().invoke(cli, ["--profile", "nope", "get", "db/prod"])
    assert r.exit_code == 4
    assert "profile" in r.stderr


def test_unreachable_endpoint_is_exit_6_naming_it(isolated_env, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    start = time.monotonic()
    r = CliRunner().invoke(cli, ["get", "db/prod"])
    assert r.exit_code == 6
    assert os.environ["AWS_ENDPOINT_URL"] in r.stderr
    assert time.monotonic() - start < 30


def test_endpoint_flag_beats_environment(aws, monkeypatch, sm):
    sm.create_secret(Name="a", SecretString="v")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    r = CliRunner().invoke(cli, ["--endpoint-url", aws, "get", "a"])
    assert r.exit_code == 0 and r.stdout == "v"


def test_config_file_supplies_the_endpoint(aws, monkeypatch, isolated_env, sm):
    sm.create_secret(Name="a", SecretString="v")
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    cfg = isolated_env / ".config" / "safesm"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text(f'endpoint_url = "{aws}"\n')
    r = CliRunner().invoke(cli, ["get", "a"])
    assert r.exit_code == 0 and r.stdout == "v"


def test_broken_aws_config_file_is_usage_error(isolated_env):
    aws_dir = isolated_env / ".aws"
    aws_dir.mkdir()
    (aws_dir / "config").write_text("this is not [ini\n")
    r = CliRunner().invoke(cli, ["get", "db/prod"])
    assert r.exit_code == 2
    assert "AWS config file" in r.stderr


def test_broken_config_file_is_usage_error(isolated_env):
    cfg = isolated_env / ".config" / "safesm"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text("this is = = not toml\n")
    r = CliRunner().invoke(cli, ["list"])
    assert r.exit_code == 2
    assert "not valid TOML" in r.stderr


def test_version_and_help(run):
    assert run("--version").stdout.startswith("safesm, version")
    assert "Commands:" in run("--help").stdout


def test_unknown_option_is_usage_error(run):
    r = run("get", "a", "--nope")
    assert r.exit_code == 2
    assert "no such option" in r.stderr and "--nope" not in r.stderr
