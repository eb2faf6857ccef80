"""Global options after the command (issue 17.11), as the AWS CLI takes them:
`safesm list --region eu-west-1`, `safesm get x --profile prod`, `-q`, `--debug`,
`--endpoint-url` — with the argv-refusal rules unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from click.shell_completion import BashComplete

from safesm import config, namecache
from safesm.cli import cli

from .conftest import names


@pytest.fixture
def eu(aws):
    """A client for eu-west-1 (moto keeps regions apart)."""
    return boto3.client("secretsmanager", region_name="eu-west-1", endpoint_url=aws,
                        aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="x")


def test_region_after_the_command(run, sm, eu):
    eu.create_secret(Name="in-eu", SecretString="v")
    assert "in-eu" not in run("list").stdout
    assert "in-eu" in run("list", "--region", "eu-west-1").stdout
    assert "in-eu" in run("list", "--region=eu-west-1").stdout


def test_after_the_command_wins_over_before_it(run, sm, eu):
    eu.create_secret(Name="in-eu", SecretString="v")
    assert "in-eu" in run("--region", "us-east-1", "list", "--region", "eu-west-1").stdout


@pytest.fixture
def prod(isolated_env, monkeypatch):
    """A profile `prod` whose region is eu-west-1 (AWS_REGION unset, so the profile decides)."""
    with open(isolated_env / ".aws" / "config", "a") as fh:
        fh.write("[profile prod]\nregion = eu-west-1\n")
    with open(isolated_env / ".aws" / "credentials", "a") as fh:
        fh.write("[prod]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                 "aws_secret_access_key = x\n")
    monkeypatch.delenv("AWS_REGION")


def test_profile_after_the_command(run, sm, eu, prod):
    eu.create_secret(Name="x", SecretString="from-prod")
    r = run("get", "x", "--profile", "prod")
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "from-prod"


def test_profile_after_a_subcommand_of_a_group(run, sm, eu, prod):
    eu.create_secret(Name="x", SecretString="v")
    r = run("policy", "show", "x", "--json", "--profile", "prod")
    assert r.exit_code == 0, r.stderr
    assert ":eu-west-1:" in json.loads(r.stdout)["arn"]
    r = run("policy", "--profile", "prod", "show", "x", "--json")
    assert r.exit_code == 0, r.stderr


def test_unknown_profile_after_the_command_fails_like_before_it(run, sm):
    before = run("--profile", "nope", "list")
    after = run("list", "--profile", "nope")
    assert after.exit_code == before.exit_code == 4
    assert after.stderr == before.stderr


def test_quiet_after_the_command(run, sm):
    loud = run("put", "a", input="v")
    assert "Created a" in loud.stderr
    quiet = run("put", "b", "-q", input="v")
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert run("put", "c", "--quiet", input="v").stderr == ""
    assert names(sm) == ["a", "b", "c"]


@pytest.fixture
def logging_restored():
    """--debug in-process configures botocore's loggers for the rest of the process: put
    them back, so later tests in this worker see no debug lines."""
    import logging

    names = ("botocore", "urllib3", "safesm")
    saved = {n: (logging.getLogger(n).level, list(logging.getLogger(n).handlers),
                 logging.getLogger(n).propagate) for n in names}
    yield
    for name, (level, handlers, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.propagate = propagate


def test_debug_after_the_command_logs_with_values_redacted(run, sm, canary, logging_restored):
    r = run("put", "a", "--debug", input=canary)
    assert r.exit_code == 0, r.stderr
    assert "botocore" in r.stderr and "PutSecretValue" in r.stderr
    assert canary not in r.stderr


def test_endpoint_url_after_the_command(run, sm, aws, monkeypatch):
    sm.create_secret(Name="a", SecretString="v")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    r = run("get", "a", "--endpoint-url", aws)
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "v"


def test_value_refusals_still_hold_around_global_options(run, sm, canary):
    for args in (["put", "a", "--region", "us-east-1", canary],
                 ["put", "a", canary, "-q"],
                 ["put", "a", "-q", "--secret-string", canary],
                 ["put", "a", "--profile", "default", f"--value={canary}"]):
        r = run(*args, input="v")
        assert r.exit_code == 2, args
        assert canary not in r.stdout + r.stderr
        assert "history" in r.stderr
    assert names(sm) == []


def test_help_lists_them_once_in_their_own_section(run):
    out = run("get", "--help").stdout
    assert "Global options (also before the command):" in out
    assert out.count("--region REGION") == 1 and out.count("--debug") == 1
    assert out.index("--field") < out.index("Global options")


def test_completion_uses_a_region_given_after_the_command(isolated_env):
    """`safesm get --region eu-west-1 db/<TAB>` completes from eu-west-1's cache."""
    eu_settings = config.load({"region": "eu-west-1"})
    namecache.write_names(namecache.cache_file(eu_settings), ["db/eu-only"])
    namecache.write_names(namecache.cache_file(config.load({})), ["db/us-only"])
    comp = BashComplete(cli, {}, "safesm", "_SAFESM_COMPLETE")
    after = comp.get_completions(["get", "--region", "eu-west-1"], "db/")
    assert [c.value for c in after] == ["db/eu-only"]
    plain = comp.get_completions(["get"], "db/")
    assert [c.value for c in plain] == ["db/us-only"]
    options = comp.get_completions(["get", "x"], "--reg")
    assert [c.value for c in options] == ["--region"]
    assert Path(namecache.cache_file(eu_settings)).exists()
