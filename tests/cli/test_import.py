"""`safesm import` in-process against the emulator: a hostile .env lands exactly, a second
run changes nothing, and every problem stops it before the first write."""

from __future__ import annotations

import json

import pytest
from dotenv import dotenv_values

from safesm.errors import ExitCode

from .conftest import names


def hostile_env(count: int) -> tuple[str, dict[str, str]]:
    """A .env file in every style python-dotenv reads, and the values it means."""
    lines, expected = ["# exported from somewhere", ""], {}
    styles = [
        (lambda i: f"export K{i}=plain-{i}", lambda i: f"plain-{i}"),
        (lambda i: f"K{i}=a=b#c{i}", lambda i: f"a=b#c{i}"),
        (lambda i: f"K{i}=val{i} # a comment", lambda i: f"val{i}"),
        (lambda i: f"K{i}='it\\'s # \"x\" $HOME {i}'", lambda i: f"it's # \"x\" $HOME {i}"),
        (lambda i: f'K{i}="l1\\nl2 \\"q\\" \\\\ $X ${{Y}} {i}"',
         lambda i: f'l1\nl2 "q" \\ $X ${{Y}} {i}'),
        (lambda i: f'K{i}="first\nsecond {i}"', lambda i: f"first\nsecond {i}"),
        (lambda i: f"export K{i}='multi\n  # kept\nline {i}'",
         lambda i: f"multi\n  # kept\nline {i}"),
        (lambda i: f'K{i}="é ✓ 😀 {i}"', lambda i: f"é ✓ 😀 {i}"),
        (lambda i: f"K{i} = spaced{i}", lambda i: f"spaced{i}"),
    ]
    i = 0
    while sum(line.count("\n") + 1 for line in lines) < count:
        write, value = styles[i % len(styles)]
        lines.append(write(i))
        expected[f"K{i}"] = value(i)
        if i % 10 == 9:
            lines += ["", f"# section {i}"]
        i += 1
    return "\n".join(lines) + "\n", expected


def values(sm, wanted: list[str]) -> dict[str, str]:
    return {n: sm.get_secret_value(SecretId=n)["SecretString"] for n in wanted}


def version_ids(sm, wanted: list[str]) -> dict[str, set[str]]:
    return {n: {v["VersionId"] for v in sm.list_secret_version_ids(SecretId=n)["Versions"]}
            for n in wanted}


@pytest.fixture
def dotenv_file(tmp_path):
    text, expected = hostile_env(200)
    path = tmp_path / "prod.env"
    path.write_text(text)
    path.chmod(0o600)
    assert text.count("\n") >= 200
    assert dotenv_values(path, interpolate=False) == expected  # the reference reader agrees
    return path, expected


def test_a_200_line_env_lands_exactly_and_a_second_run_changes_nothing(run, sm, dotenv_file):
    path, expected = dotenv_file
    r = run("import", str(path), "--prefix", "app/prod")
    assert r.exit_code == 0, r.stderr
    wanted = [f"app/prod/{k}" for k in expected]
    assert values(sm, wanted) == {f"app/prod/{k}": v for k, v in expected.items()}
    assert r.stdout.splitlines() == [f"created {n}" for n in wanted]
    assert f"{len(expected)} created, 0 updated, 0 skipped" in r.stderr
    assert "delete it" in r.stderr and "rotate" in r.stderr
    for value in expected.values():
        assert value not in r.stdout + r.stderr
    policy = sm.get_resource_policy(SecretId=wanted[0]).get("ResourcePolicy")
    assert policy and "Deny" in policy  # the default policy, through the put path
    before = version_ids(sm, wanted)
    r = run("import", str(path), "--prefix", "app/prod/")
    assert r.exit_code == 0
    assert r.stdout.splitlines() == [f"skipped {n} (exists; --force replaces it)" for n in wanted]
    assert version_ids(sm, wanted) == before


def test_force_updates(run, sm, tmp_path):
    sm.create_secret(Name="p/A", SecretString="old")
    path = tmp_path / "x.env"
    path.write_text("A=new\nB=fresh\n")
    path.chmod(0o600)
    r = run("import", str(path), "--prefix", "p/", "--force")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines() == ["updated p/A", "created p/B"]
    assert values(sm, ["p/A", "p/B"]) == {"p/A": "new", "p/B": "fresh"}


def test_into_one_json_secret(run, sm, tmp_path, canary):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"user": "app", "password": canary, "port": 5432}))
    path.chmod(0o600)
    r = run("import", str(path), "--into", "app/config")
    assert r.exit_code == 0, r.stderr
    assert json.loads(values(sm, ["app/config"])["app/config"]) == {
        "user": "app", "password": canary, "port": 5432}
    assert canary not in r.stdout + r.stderr


def test_dry_run_lists_names_and_writes_nothing(run, sm, tmp_path):
    sm.create_secret(Name="p/A", SecretString="old")
    path = tmp_path / "x.env"
    path.write_text("A=1\nB=2\n")
    r = run("import", str(path), "--prefix", "p/", "--dry-run")
    assert r.stdout.splitlines() == ["would skip p/A (exists; --force replaces it)",
                                     "would create p/B"]
    assert names(sm) == ["p/A"] and values(sm, ["p/A"]) == {"p/A": "old"}


@pytest.mark.parametrize(("text", "code", "what"), [
    ("A=1\nB='canary-unclosed\nC=3\n", ExitCode.USAGE, "line 2"),
    ("A=1\nB=\n", ExitCode.INVALID_VALUE, "line 2"),
    ("A=1\nA=2\n", ExitCode.USAGE, "line 2 repeats a key from line 1"),
    ("A=1\nbad:key=canary\n", ExitCode.USAGE, "line 2"),
])
def test_a_bad_file_writes_nothing(run, sm, tmp_path, text, code, what):
    path = tmp_path / "x.env"
    path.write_text(text)
    r = run("import", str(path), "--prefix", "p/")
    assert r.exit_code == code and what in r.stderr, r.stderr
    assert "canary" not in r.stderr + r.stdout
    assert names(sm) == []


def test_group_readable_file_warns(run, sm, tmp_path):
    path = tmp_path / "x.env"
    path.write_text("A=1\n")
    path.chmod(0o644)
    r = run("import", str(path), "--prefix", "p/")
    assert r.exit_code == 0 and "readable by group or others" in r.stderr


def test_exactly_one_destination(run, aws, tmp_path):
    path = tmp_path / "x.env"
    path.write_text("A=1\n")
    assert run("import", str(path)).exit_code == ExitCode.USAGE
    assert run("import", str(path), "--prefix", "p/", "--into", "x").exit_code == ExitCode.USAGE
