"""`rollback` (compare-and-swap: exit 5 and nothing lost under a concurrent writer) and
`update` (metadata without a new value)."""

from __future__ import annotations

import json

import pytest

from tests.faultproxy import Fault, FaultProxy


def stages(sm, name="a"):
    page = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)
    return {v["VersionId"]: v.get("VersionStages", []) for v in page["Versions"]}


def holder(sm, stage, name="a"):
    return next((v for v, s in stages(sm, name).items() if stage in s), None)


@pytest.fixture
def two_versions(sm):
    sm.create_secret(Name="a", SecretString="one")
    sm.put_secret_value(SecretId="a", SecretString="two")
    return holder(sm, "AWSPREVIOUS"), holder(sm, "AWSCURRENT")


def value(sm, name="a"):
    return sm.get_secret_value(SecretId=name)["SecretString"]


def test_rollback_and_undo(run, sm, two_versions):
    first, second = two_versions
    r = run("rollback", "a", "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {"name": "a", "action": "rollback",
                                    "current_version": first, "previous_version": second,
                                    "changed": True}
    assert f"version {first} is AWSCURRENT" in r.stderr
    assert value(sm) == "one" and holder(sm, "AWSPREVIOUS") == second
    assert run("rollback", "a").exit_code == 0
    assert value(sm) == "two"


def test_rollback_to_a_version(run, sm, two_versions):
    first, _ = two_versions
    sm.put_secret_value(SecretId="a", SecretString="three")
    assert holder(sm, "AWSPREVIOUS") != first
    r = run("rollback", "a", "--to", first)
    assert r.exit_code == 0, r.stderr
    assert value(sm) == "one"


def test_rollback_to_the_current_version_changes_nothing(run, sm, two_versions):
    _, second = two_versions
    r = run("rollback", "a", "--to", second)
    assert r.exit_code == 0 and "already current" in r.stderr and value(sm) == "two"


@pytest.mark.parametrize("args, code, why", [
    (["--to", "0123456789abcdef0123456789abcdef"], 3, "no version with the id given to --to"),
    (["--to", "hunter2"], 2, "--to"),
])
def test_rollback_bad_targets_change_nothing(run, sm, two_versions, args, code, why):
    before = stages(sm)
    r = run("rollback", "a", *args)
    assert r.exit_code == code and why in r.stderr and "hunter2" not in r.stderr
    assert stages(sm) == before


def test_rollback_without_a_previous_version(run, sm):
    sm.create_secret(Name="a", SecretString="only")
    r = run("rollback", "a")
    assert r.exit_code == 3 and "no previous version" in r.stderr and value(sm) == "only"


def test_rollback_under_a_concurrent_writer_exits_5_and_loses_nothing(run, sm, aws, monkeypatch,
                                                                      two_versions):
    """Another writer's put lands between rollback's read and its stage move."""
    first, second = two_versions
    with FaultProxy(aws, lifetime=60) as proxy:
        proxy.add(Fault("race", operation="UpdateSecretVersionStage",
                        hook=lambda: sm.put_secret_value(SecretId="a", SecretString="theirs")))
        monkeypatch.setenv("AWS_ENDPOINT_URL", proxy.url)
        r = run("rollback", "a")
    assert r.exit_code == 5, r.stderr
    assert "moved while rolling back" in r.stderr
    assert value(sm) == "theirs"  # their write is current, not overwritten
    now = stages(sm)
    assert "AWSPREVIOUS" in now[second] and now[first] == []


# update ------------------------------------------------------------------------------------

@pytest.fixture
def tagged(sm):
    sm.create_secret(Name="a", SecretString="v", Description="old",
                     Tags=[{"Key": "team", "Value": "a"}, {"Key": "tmp", "Value": "x"}])
    return stages(sm)


def test_update_untag_and_tag_without_a_new_version(run, sm, tagged):
    r = run("update", "a", "--untag", "tmp", "--tag", "owner=me", "--description", "new")
    assert r.exit_code == 0, r.stderr
    d = sm.describe_secret(SecretId="a")
    assert {t["Key"]: t["Value"] for t in d["Tags"]} == {"team": "a", "owner": "me"}
    assert d["Description"] == "new"
    assert stages(sm) == tagged and "no new version was written" in r.stderr


def test_update_kms_key_says_what_is_reencrypted(run, sm, tagged):
    sm.put_secret_value(SecretId="a", SecretString="v2")
    sm.put_secret_value(SecretId="a", SecretString="v3")  # the first version loses its labels
    key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    r = run("update", "a", "--kms-key", key)
    assert r.exit_code == 0, r.stderr
    assert sm.describe_secret(SecretId="a")["KmsKeyId"] == key
    assert "re-encrypts AWSCURRENT" in r.stderr and "AWSPREVIOUS" in r.stderr
    assert "1 older version(s)" in r.stderr and "aws/secretsmanager" in r.stderr
    assert len(stages(sm)) == 3


@pytest.mark.parametrize("args, why", [
    ([], "say what to change"),
    (["--tag", "k=v", "--untag", "k"], "both --tag and --untag"),
    (["--tag", "novalue"], "--tag takes KEY=VALUE"),
])
def test_update_bad_requests_change_nothing(run, sm, tagged, args, why):
    before = sm.describe_secret(SecretId="a")
    r = run("update", "a", *args)
    assert r.exit_code == 2 and why in r.stderr
    after = sm.describe_secret(SecretId="a")
    assert (after["Tags"], after["Description"]) == (before["Tags"], before["Description"])


def test_update_a_missing_secret(run, sm):
    assert run("update", "nope", "--description", "x").exit_code == 3


# edit (the editor itself runs in tests/e2e/test_edit.py) --------------------------------

def test_edit_refuses_a_disk_directory_before_any_call(run, sm, tmp_path, monkeypatch):
    from safesm import editor

    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/vda / ext4 rw 0 0\n")  # nothing is in memory
    monkeypatch.setattr(editor, "MOUNTS", str(mounts))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    monkeypatch.setenv("EDITOR", "true")
    sm.create_secret(Name="a", SecretString="v")
    r = run("edit", "a")
    assert r.exit_code == 2 and "--allow-disk-tmp" in r.stderr
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert run("edit", "a").exit_code == 2  # not 6: no call was made


def test_edit_refuses_binary_secrets_and_missing_fields(run, sm, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    sm.create_secret(Name="b", SecretBinary=b"\x00\x01")
    sm.create_secret(Name="j", SecretString='{"a": "1"}')
    r = run("edit", "b")
    assert r.exit_code == 7 and "binary" in r.stderr
    assert run("edit", "j", "--field", "nope").exit_code == 3
    assert run("edit", "b", "--field", "x").exit_code == 7
