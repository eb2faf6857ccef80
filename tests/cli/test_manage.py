"""list, describe, versions, delete and restore: metadata only, never values."""

from __future__ import annotations

import json
import re

from .conftest import names


def test_list_shows_names_and_all_pages_never_values(run, sm, canary):
    for i in range(105):
        sm.create_secret(Name=f"app/s{i:03d}", SecretString=canary)
    sm.create_secret(Name="other", SecretString=canary)
    r = run("list")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["NAME", "LAST", "CHANGED", "(UTC)", "ROTATION", "NEXT",
                                "ROTATION", "(UTC)", "DELETION", "(UTC)"]
    assert len(lines) == 107
    assert canary not in r.stdout + r.stderr


def test_list_prefix_and_json(run, sm):
    sm.create_secret(Name="db/prod", SecretString="v")
    sm.create_secret(Name="db/dev", SecretString="v")
    sm.create_secret(Name="web/prod", SecretString="v")
    r = run("list", "--prefix", "db/", "--json")
    assert [s["name"] for s in json.loads(r.stdout)] == ["db/dev", "db/prod"]


def test_list_include_deleted(run, sm):
    sm.create_secret(Name="keep", SecretString="v")
    sm.create_secret(Name="gone", SecretString="v")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    assert "gone" not in run("list").stdout
    out = run("list", "--include-deleted").stdout
    gone = next(line for line in out.splitlines() if line.startswith("gone"))
    assert gone.split()[-2:] != ["-"]


def test_describe(run, sm, canary):
    sm.create_secret(Name="d", SecretString=canary, Description="the db",
                     Tags=[{"Key": "team", "Value": "core"}])
    sm.put_secret_value(SecretId="d", SecretString=canary + "2")
    r = run("describe", "d")
    assert r.exit_code == 0
    assert "the db" in r.stdout and "team=core" in r.stdout
    assert "AWSCURRENT" in r.stdout and "AWSPREVIOUS" in r.stdout
    assert "Rotation:" in r.stdout and "Replicas:" in r.stdout
    assert canary not in r.stdout
    meta = json.loads(run("describe", "d", "--json").stdout)
    assert meta["name"] == "d" and len(meta["versions"]) == 2


def test_describe_missing(run, sm):
    assert run("describe", "nope").exit_code == 3


def test_versions(run, sm):
    sm.create_secret(Name="v", SecretString="1")
    sm.put_secret_value(SecretId="v", SecretString="2")
    r = run("versions", "v")
    assert r.exit_code == 0
    assert len(r.stdout.splitlines()) == 3
    items = json.loads(run("versions", "v", "--json").stdout)
    assert sorted(s for v in items for s in v["stages"]) == ["AWSCURRENT", "AWSPREVIOUS"]


def test_delete_from_a_script_needs_yes(run, sm):
    sm.create_secret(Name="d", SecretString="v")
    r = run("delete", "d")
    assert r.exit_code == 5  # the one confirmation rule
    assert "--yes" in r.stderr
    assert "DeletedDate" not in sm.describe_secret(SecretId="d")


def test_delete_with_recovery_then_restore(run, sm):
    sm.create_secret(Name="d", SecretString="v")
    r = run("delete", "d", "--yes", "--recovery-window-days", "7")
    assert r.exit_code == 0
    assert "safesm restore d" in r.stderr
    assert "DeletedDate" in sm.describe_secret(SecretId="d")
    again = run("delete", "d", "--yes")
    assert again.exit_code == 5
    assert run("restore", "d").exit_code == 0
    assert "DeletedDate" not in sm.describe_secret(SecretId="d")
    assert run("get", "d").stdout == "v"


def test_delete_recovery_window_bounds(run, sm):
    sm.create_secret(Name="d", SecretString="v")
    for days in ("6", "31"):
        assert run("delete", "d", "--yes", "--recovery-window-days", days).exit_code == 2
    assert "DeletedDate" not in sm.describe_secret(SecretId="d")


def test_delete_force_without_recovery(run, sm):
    sm.create_secret(Name="d", SecretString="v")
    r = run("delete", "d", "--yes", "--force-without-recovery")
    assert r.exit_code == 0
    assert "permanently" in r.stderr
    assert names(sm) == []


def test_delete_missing(run, sm):
    assert run("delete", "nope", "--yes").exit_code == 3


def test_quiet_suppresses_notices(run, sm):
    r = run("-q", "put", "q", input=b"v")
    assert r.exit_code == 0 and r.stderr == ""


# text from the service is shown, never obeyed (issue 18) ----------------------------------

HOSTILE = "evil\x1b]0;owned\x07\x1b[2J\r\u202eman\x9b31m"


def test_list_and_describe_escape_control_characters(run, sm):
    """A hostile endpoint (or a careless writer) can store names, descriptions and tags that
    hold terminal escapes; every table and `describe` show them escaped."""
    sm.create_secret(Name=HOSTILE, SecretString="v")
    sm.create_secret(Name="plain", SecretString="v", Description=f"desc{HOSTILE}",
                     Tags=[{"Key": f"k{HOSTILE}", "Value": f"v{HOSTILE}"}])
    listed = run("list")
    described = run("describe", "plain")
    assert listed.exit_code == 0 and described.exit_code == 0
    escaped = "evil\\x1b]0;owned\\x07\\x1b[2J\\x0d\\u202eman\\x9b31m"
    for out in (listed.stdout, described.stdout):
        assert not any(c in out for c in "\x1b\x07\r\u202e\x9b")
    assert escaped in listed.stdout
    assert re.search(r"Description: +desc" + re.escape(escaped), described.stdout)
    assert f"k{escaped}=v{escaped}" in described.stdout
    # --json keeps the exact text (JSON-escaped)
    assert HOSTILE in [s["name"] for s in json.loads(run("list", "--json").stdout)]
    assert json.loads(run("describe", "plain", "--json").stdout)["description"] == \
        f"desc{HOSTILE}"
