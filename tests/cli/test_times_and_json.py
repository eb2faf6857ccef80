"""Times say their zone, and every command that changes something can say what it did as
JSON (issue 17.17)."""

from __future__ import annotations

import json
import re
import time
from datetime import timezone

import click
import pytest

from safesm.cli import COMMANDS, cli

from .conftest import names

APP = "arn:aws:iam::123456789012:role/app"


@pytest.fixture
def kathmandu(monkeypatch):
    """A local zone 5 h 45 min from UTC, so local time can't pass for UTC by accident."""
    monkeypatch.setenv("TZ", "Asia/Kathmandu")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def utc_minute(dt) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")


def test_tables_say_utc_once_and_show_utc(run, sm, kathmandu):
    sm.create_secret(Name="a", SecretString="v")
    changed = sm.describe_secret(SecretId="a")["LastChangedDate"]
    out = run("list").stdout.splitlines()
    assert out[0].split() == ["NAME", "LAST", "CHANGED", "(UTC)", "ROTATION", "NEXT",
                              "ROTATION", "(UTC)", "DELETION", "(UTC)"]
    assert out[1].split()[1:3] == utc_minute(changed).split()
    versions = run("versions", "a").stdout.splitlines()
    assert versions[0].split()[-2:] == ["CREATED", "(UTC)"]
    assert "UTC" not in "".join(versions[1:])  # said once, in the header


def test_describe_and_notices_say_utc_with_each_time(run, sm, kathmandu):
    sm.create_secret(Name="a", SecretString="v")
    created = sm.describe_secret(SecretId="a")["CreatedDate"]
    text = run("describe", "a").stdout
    assert re.search(rf"Created: +{utc_minute(created)} UTC\n", text), text
    r = run("delete", "a", "--yes", "--recovery-window-days", "7")
    deletion = sm.describe_secret(SecretId="a")["DeletedDate"]
    assert f"for deletion on {utc_minute(deletion)} UTC" in r.stderr


def test_json_times_are_utc(run, sm, kathmandu):
    sm.create_secret(Name="a", SecretString="v")
    (item,) = json.loads(run("list", "--json").stdout)
    assert item["last_changed"].endswith("+00:00")


def test_describe_json_carries_version_creation_dates_like_versions(run, sm):
    sm.create_secret(Name="a", SecretString="one")
    sm.put_secret_value(SecretId="a", SecretString="two")
    described = json.loads(run("describe", "a", "--json").stdout)["versions"]
    listed = json.loads(run("versions", "a", "--json").stdout)
    assert {v["version_id"]: v["created"] for v in described} == \
        {v["version_id"]: v["created"] for v in listed}
    assert all(v["created"] for v in described)
    assert "created " in run("describe", "a").stdout


# --json on every command that changes something --------------------------------------------


def test_delete_and_restore_json(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    r = run("delete", "a", "--yes", "--json", "--recovery-window-days", "7")
    assert r.exit_code == 0, r.stderr
    done = json.loads(r.stdout)
    assert done["name"] == "a" and done["action"] == "delete" and done["changed"] is True
    assert done["arn"] == sm.describe_secret(SecretId="a")["ARN"]
    assert done["recovery_window_days"] == 7 and done["permanent"] is False
    assert done["deletion_date"].endswith("+00:00")
    assert "Scheduled a for deletion" in r.stderr  # the notice stays on stderr
    r = run("restore", "a", "--json")
    assert json.loads(r.stdout) == {"name": "a", "action": "restore", "changed": True}
    r = run("delete", "a", "--yes", "--json", "--force-without-recovery", "-q")
    assert json.loads(r.stdout)["permanent"] is True and r.stderr == ""  # -q keeps the JSON
    assert names(sm) == []


def test_grant_revoke_apply_json(run, sm):
    assert run("put", "a", input="v").exit_code == 0
    r = run("policy", "grant", "a", "--read", APP, "--json")
    done = json.loads(r.stdout)
    assert (done["action"], done["changed"]) == ("grant", True)
    assert APP in done["readers"] and APP not in done["writers"]
    again = json.loads(run("policy", "grant", "a", "--read", APP, "--json").stdout)
    assert again["changed"] is False
    done = json.loads(run("policy", "revoke", "a", APP, "--json").stdout)
    assert (done["action"], done["changed"]) == ("revoke", True)
    assert APP not in done["readers"]
    done = json.loads(run("policy", "apply", "a", "--default", "--json").stdout)
    assert done == {"name": "a", "action": "apply", "changed": True, "warnings": []}


def test_json_is_printed_only_when_the_change_happened(run, sm):
    """A refused change prints no JSON (stdout stays empty) and changes nothing."""
    sm.create_secret(Name="a", SecretString="v")
    r = run("delete", "a", "--json")  # a script without --yes
    assert r.exit_code == 5 and r.stdout == ""
    assert "DeletedDate" not in sm.describe_secret(SecretId="a")


def test_update_json(run, sm):
    sm.create_secret(Name="a", SecretString="v", Tags=[{"Key": "old", "Value": "1"}])
    r = run("update", "a", "--description", "d", "--untag", "old", "--json")
    assert r.exit_code == 0, r.stderr
    done = json.loads(r.stdout)
    assert (done["action"], done["changed"], done["untagged"]) == ("update", True, ["old"])
    assert "Updated the description and tags of a" in r.stderr


def test_rotation_off_json_says_nothing_changed(run, sm):
    sm.create_secret(Name="a", SecretString="v")
    r = run("rotation", "off", "a", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {"name": "a", "action": "rotation-off", "changed": False}
    assert "already off; nothing was changed" in r.stderr


def test_history_scrub_json_keeps_the_findings_off_stdout(run, isolated_env, canary):
    hist = isolated_env / ".bash_history"
    hist.write_bytes(b"ls\nexport DB_PASSWORD=" + canary.encode() + b"\npwd\n")
    hist.chmod(0o600)
    r = run("history", "scrub", "--yes", "--json")
    assert r.exit_code == 0, r.stderr
    done = json.loads(r.stdout)  # stdout is the JSON and nothing else
    assert (done["action"], done["changed"], done["masked"]) == ("history-scrub", True, False)
    assert done["files"] == [{"path": str(hist), "shell": "bash", "entries": 1}]
    assert "DB_PASSWORD=****" in r.stderr  # the masked finding, on stderr
    assert canary not in r.stdout + r.stderr
    assert hist.read_bytes() == b"ls\npwd\n"
    again = json.loads(run("history", "scrub", "--yes", "--json").stdout)
    assert (again["changed"], again["files"]) == (False, [])


CHANGERS = [("put",), ("delete",), ("restore",), ("policy", "grant"), ("policy", "revoke"),
            ("policy", "apply"), ("session", "login"), ("session", "clear"), ("rollback",),
            ("update",), ("edit",), ("rotate",), ("rotation", "set"), ("rotation", "off"),
            ("rotation", "abandon"), ("replication", "add"), ("replication", "remove"),
            ("replication", "promote"), ("history", "scrub")]


@pytest.mark.parametrize("path", CHANGERS, ids=" ".join)
def test_every_command_that_changes_something_takes_json(path):
    ctx = click.Context(cli, info_name="safesm")
    cmd = cli.get_command(ctx, path[0])
    for word in path[1:]:
        cmd = cmd.get_command(ctx, word)
    assert "--json" in {o for p in cmd.params for o in getattr(p, "opts", [])}
    assert path[0] in COMMANDS
