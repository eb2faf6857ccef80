"""`safesm put` through CliRunner against the emulator: every input source and bad input."""

from __future__ import annotations

import json
import os

import pytest

from .conftest import names


def stored(sm, name):
    return sm.get_secret_value(SecretId=name)


def test_stdin_strips_one_trailing_newline(run, sm):
    r = run("put", "db/prod", input=b"hunter2\n\n")
    assert r.exit_code == 0, r.stderr
    assert stored(sm, "db/prod")["SecretString"] == "hunter2\n"
    assert "Created db/prod" in r.stderr


def test_stdin_without_newline_is_exact(run, sm):
    assert run("put", "a", input=b"no-newline").exit_code == 0
    assert stored(sm, "a")["SecretString"] == "no-newline"


def test_stdin_crlf_is_stripped_once(run, sm):
    assert run("put", "a", input=b"v\r\n").exit_code == 0
    assert stored(sm, "a")["SecretString"] == "v"


@pytest.mark.parametrize("data", [b"\x30\x82\x01\x0a", b"\x00\xff\n", b"text\n", b"crlf\r\n"])
def test_binary_from_a_pipe_is_exact_bytes(run, sm, data):
    """Bytes are bytes: a DER file or random bytes may end in 0x0A, and --binary keeps it."""
    r = run("put", "a", "--binary", input=data)
    assert r.exit_code == 0, r.stderr
    assert stored(sm, "a")["SecretBinary"] == data


def test_keep_newline(run, sm):
    assert run("put", "a", "--keep-newline", input=b"v\n").exit_code == 0
    assert stored(sm, "a")["SecretString"] == "v\n"


def test_file_is_exact_bytes_with_trailing_newline(run, sm, tmp_path):
    f = tmp_path / "v"
    f.write_bytes(b"line1\nline2\n")
    f.chmod(0o600)
    r = run("put", "a", "--file", str(f))
    assert r.exit_code == 0
    assert stored(sm, "a")["SecretString"] == "line1\nline2\n"
    assert "readable by group" not in r.stderr


def test_file_readable_by_others_warns(run, sm, tmp_path):
    f = tmp_path / "v"
    f.write_bytes(b"v")
    f.chmod(0o644)
    r = run("put", "a", "--file", str(f))
    assert r.exit_code == 0
    assert "readable by group or others" in r.stderr


def test_file_dash_is_stdin_exact(run, sm):
    assert run("put", "a", "--file", "-", input=b"v\n").exit_code == 0
    assert stored(sm, "a")["SecretString"] == "v\n"


def test_binary_file_with_nul_byte(run, sm, tmp_path):
    f = tmp_path / "v"
    data = b"\x00\xffbin\n"
    f.write_bytes(data)
    assert run("put", "a", "--binary", "--file", str(f)).exit_code == 0
    got = stored(sm, "a")
    assert got["SecretBinary"] == data
    assert "SecretString" not in got


def test_binary_text_is_stored_only_as_binary(run, sm):
    assert run("put", "a", "--binary", input=b"text").exit_code == 0
    got = stored(sm, "a")
    assert got["SecretBinary"] == b"text" and "SecretString" not in got


def test_missing_file_is_usage_error(run, sm, tmp_path):
    r = run("put", "a", "--file", str(tmp_path / "nope"))
    assert r.exit_code == 2
    assert "cannot read" in r.stderr
    assert names(sm) == []


@pytest.mark.parametrize(
    ("data", "extra", "needle"),
    [
        (b"", [], "empty"),
        (b"\n", [], "empty"),
        (b"x" * 65_537, ["--file", "-"], "larger than 65,536"),
        (b"ab\xffcd", [], "not valid UTF-8"),
    ],
    ids=["empty", "only-newline", "65537-bytes", "invalid-utf8"],
)
def test_bad_values_are_refused_and_nothing_written(run, sm, data, extra, needle):
    r = run("put", "a", *extra, input=data)
    assert r.exit_code == 7
    assert needle in r.stderr
    assert "nothing was written" in r.stderr
    assert names(sm) == []


def test_exactly_65536_bytes_is_accepted(run, sm):
    assert run("put", "a", "--file", "-", input=b"x" * 65_536).exit_code == 0
    assert len(stored(sm, "a")["SecretString"]) == 65_536


def test_invalid_utf8_is_fine_with_binary(run, sm):
    assert run("put", "a", "--binary", input=b"ab\xffcd").exit_code == 0
    assert stored(sm, "a")["SecretBinary"] == b"ab\xffcd"


@pytest.mark.parametrize("name", ["", "a b", "semi;colon", "x" * 513, "ünï", "a*b"])
def test_bad_names_are_refused_before_the_network(run, sm, name):
    r = run("put", name, input=b"v")
    assert r.exit_code == 2
    assert "invalid secret name" in r.stderr
    assert names(sm) == []


def test_overwrite_from_a_script_needs_force(run, sm):
    run("put", "a", input=b"one")
    r = run("put", "a", input=b"two")
    assert r.exit_code == 5
    assert "--force" in r.stderr
    assert stored(sm, "a")["SecretString"] == "one"
    r = run("put", "a", "--force", input=b"two")
    assert r.exit_code == 0
    assert "Updated a" in r.stderr
    assert stored(sm, "a")["SecretString"] == "two"


def test_json_output_is_metadata_only(run, sm, canary):
    r = run("put", "a", "--json", "--description", "d", "--tag", "team=x", input=canary)
    assert r.exit_code == 0
    meta = json.loads(r.stdout)
    assert meta["name"] == "a" and meta["created"] is True and meta["version_id"]
    assert canary not in r.stdout + r.stderr
    desc = sm.describe_secret(SecretId="a")
    assert desc["Description"] == "d"
    assert {"Key": "team", "Value": "x"} in desc["Tags"]


def test_kms_key_is_passed(run, sm):
    import boto3

    kms = boto3.client("kms", region_name="us-east-1", endpoint_url=os.environ["AWS_ENDPOINT_URL"],
                       aws_access_key_id="x", aws_secret_access_key="x")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert run("put", "a", "--kms-key", key, input=b"v").exit_code == 0
    assert sm.describe_secret(SecretId="a")["KmsKeyId"] == key


def test_key_sets_one_field_and_keeps_the_others(run, sm):
    sm.create_secret(Name="j", SecretString=json.dumps({"user": "u", "password": "p"}))
    r = run("put", "j", "--key", "host", input=b"db.local\n")
    assert r.exit_code == 0, r.stderr
    assert json.loads(stored(sm, "j")["SecretString"]) == {
        "user": "u", "password": "p", "host": "db.local"}


def test_key_overwriting_a_field_needs_force(run, sm):
    sm.create_secret(Name="j", SecretString=json.dumps({"password": "p"}))
    r = run("put", "j", "--key", "password", input=b"q")
    assert r.exit_code == 5
    assert json.loads(stored(sm, "j")["SecretString"]) == {"password": "p"}
    assert run("put", "j", "--key", "password", "--force", input=b"q").exit_code == 0
    assert json.loads(stored(sm, "j")["SecretString"]) == {"password": "q"}


def test_key_on_a_non_json_secret_is_refused(run, sm):
    sm.create_secret(Name="plain", SecretString="not json")
    r = run("put", "plain", "--key", "k", input=b"v")
    assert r.exit_code == 7
    assert "not a JSON object" in r.stderr
    assert stored(sm, "plain")["SecretString"] == "not json"
    assert len(sm.list_secret_version_ids(SecretId="plain")["Versions"]) == 1


def test_key_on_a_missing_secret_is_not_found(run, sm):
    r = run("put", "nope", "--key", "k", input=b"v")
    assert r.exit_code == 3
    assert names(sm) == []


def test_put_to_a_secret_scheduled_for_deletion(run, sm):
    sm.create_secret(Name="gone", SecretString="old")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    r = run("put", "gone", "--force", input=b"new")
    assert r.exit_code == 5
    assert "safesm restore gone" in r.stderr


def test_bad_tag_is_usage_error(run, sm):
    r = run("put", "a", "--tag", "novalue", input=b"v")
    assert r.exit_code == 2
    assert names(sm) == []
