"""`safesm env` in-process against the emulator: formats, -o files, terminals, batches."""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner
from dotenv import dotenv_values

from safesm.cli import cli
from safesm.errors import ExitCode
from safesm.runtime import Environment
from tests.ghactions import masks, parse_github_env

HOSTILE = {"QUOTES": "it's \"quoted\"", "DOLLAR": "$HOME ${HOME} $(id) `id`",
           "BACKSLASH": "a\\b\\n\\", "LINES": "one\ntwo\r\nthree\n", "UNICODE": "é ✓ 😀",
           "HASH": "# not a comment", "EQUALS": "a=b", "PERCENT": "%0A%25"}


@pytest.fixture
def hostile(sm, canary):
    values = {**HOSTILE, "CANARY": canary}
    sm.create_secret(Name="app/config", SecretString=json.dumps(values))
    return values


def test_dotenv_reads_back_with_python_dotenv(run, hostile, tmp_path):
    r = run("env", "--from", "app/config")
    assert r.exit_code == 0, r.stderr
    (tmp_path / "x.env").write_bytes(r.stdout_bytes)
    assert dotenv_values(tmp_path / "x.env", interpolate=False) == hostile
    assert hostile["CANARY"] not in r.stderr


def test_json(run, hostile):
    r = run("env", "--from", "app/config", "--format", "json")
    assert json.loads(r.stdout_bytes) == hostile


def test_github_actions_env_file_and_masks(run, hostile):
    r = run("env", "--from", "app/config", "--format", "github-actions")
    assert r.exit_code == 0, r.stderr
    assert parse_github_env(r.stdout_bytes.decode()) == hostile  # click folds \r\n in .stdout
    registered = masks(r.stderr)
    assert hostile["CANARY"] in registered and "one" in registered and "three" in registered
    assert "::add-mask::" not in r.stdout


def test_github_actions_refuses_a_terminal_on_stderr(aws, hostile):
    env = lambda: Environment.from_process(stderr_isatty=True)  # noqa: E731
    r = CliRunner().invoke(cli, ["env", "--from", "app/config", "--format", "github-actions"],
                           obj=env)
    assert r.exit_code == ExitCode.USAGE and hostile["CANARY"] not in r.output


def test_output_file_is_private_and_never_replaced_without_force(run, hostile, tmp_path):
    out = tmp_path / "app.env"
    r = run("env", "--from", "app/config", "-o", str(out))
    assert r.exit_code == 0 and r.stdout == ""
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert dotenv_values(out, interpolate=False) == hostile
    out.write_text("KEEP=1\n")
    r = run("env", "--from", "app/config", "-o", str(out), "--format", "shell")
    assert r.exit_code == ExitCode.CONFLICT and "--force" in r.stderr
    assert out.read_text() == "KEEP=1\n"
    r = run("env", "--from", "app/config", "-o", str(out), "--format", "json", "--force")
    assert r.exit_code == 0 and json.loads(out.read_text()) == hostile
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_terminal_is_refused_before_any_read(aws, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # a read would exit 6
    env = lambda: Environment.from_process(stdout_isatty=True)  # noqa: E731
    r = CliRunner().invoke(cli, ["env", "--from", "app/config"], obj=env)
    assert r.exit_code == ExitCode.USAGE and "--print" in r.output


def test_print_on_a_terminal(aws, hostile):
    env = lambda: Environment.from_process(stdout_isatty=True)  # noqa: E731
    r = CliRunner().invoke(cli, ["env", "--from", "app/config", "--print", "--format",
                                 "json"], obj=env)
    assert r.exit_code == 0 and json.loads(r.stdout) == hostile


def test_more_than_20_secrets_in_batches_of_at_most_20(run, sm):
    # the emulator refuses a BatchGetSecretValue of more than 20 ids, as AWS does
    for i in range(45):
        sm.create_secret(Name=f"many/s{i:02d}", SecretString=f"value-{i}")
    args = [a for i in range(45) for a in ("-e", f"V{i:02d}=many/s{i:02d}")]
    r = run("env", *args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {f"V{i:02d}": f"value-{i}" for i in range(45)}
    r = run("env", "--prefix", "many", "--format", "json")
    assert json.loads(r.stdout) == {f"S{i:02d}": f"value-{i}" for i in range(45)}


def test_collisions_are_refused_and_nothing_is_written(run, hostile, tmp_path):
    out = tmp_path / "x.env"
    r = run("env", "--from", "app/config", "-e", "HASH=app/config#EQUALS", "-o", str(out))
    assert r.exit_code == ExitCode.CONFLICT and not out.exists()
    r = run("env", "--from", "app/config", "-e", "HASH=app/config#EQUALS", "--override",
            "--format", "json")
    assert json.loads(r.stdout)["HASH"] == "a=b"
