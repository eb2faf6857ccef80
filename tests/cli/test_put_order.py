"""The order of a put (issues 17.13 and 18.5), seen at the wire through the fault proxy.

- A new secret: CreateSecret without a value, PutResourcePolicy, then PutSecretValue
  with a ClientRequestToken of safesm's own: the value never exists without its policy.
- A failure between the steps leaves at most an empty secret, and says so.
"""

from __future__ import annotations

import json

import pytest

from tests.faultproxy import Fault, FaultProxy

from .conftest import names


@pytest.fixture
def proxy(aws, monkeypatch):
    with FaultProxy(aws, lifetime=60) as p:
        monkeypatch.setenv("AWS_ENDPOINT_URL", p.url)
        monkeypatch.setenv("SAFESM_READ_TIMEOUT", "1")
        monkeypatch.setenv("SAFESM_MAX_ATTEMPTS", "2")
        yield p


def sent(proxy, operation: str) -> list[dict]:
    return [json.loads(s.body) for s in proxy.seen if s.operation == operation]


def test_new_secret_is_created_empty_then_protected_then_written(run, sm, proxy, canary):
    r = run("put", "db/new", "--description", "d", "--tag", "team=core", "--json",
            input=canary)
    assert r.exit_code == 0, r.stderr
    ops = [o for o in proxy.operations() if o in
           ("CreateSecret", "PutResourcePolicy", "PutSecretValue")]
    assert ops == ["CreateSecret", "PutResourcePolicy", "PutSecretValue"]
    (create,) = sent(proxy, "CreateSecret")
    assert "SecretString" not in create and "SecretBinary" not in create
    assert canary not in json.dumps(create)
    assert create["Description"] == "d" and create["Tags"] == [{"Key": "team", "Value": "core"}]
    (put,) = sent(proxy, "PutSecretValue")
    assert put["SecretString"] == canary
    assert json.loads(r.stdout)["version_id"] == put["ClientRequestToken"]
    assert f"Created db/new (version {put['ClientRequestToken']})." in r.stderr
    assert "Default policy: only" in r.stderr
    assert sm.get_secret_value(SecretId="db/new")["SecretString"] == canary


def test_binary_value_is_written_after_the_policy_too(run, sm, proxy, tmp_path):
    path = tmp_path / "key.der"
    path.write_bytes(b"\x30\x82\x00\x0a")
    path.chmod(0o600)
    assert run("put", "der", "--file", str(path), "--binary").exit_code == 0
    assert "SecretBinary" not in sent(proxy, "CreateSecret")[0]
    assert sm.get_secret_value(SecretId="der")["SecretBinary"] == b"\x30\x82\x00\x0a"


def test_no_default_policy_still_creates_empty_first(run, sm, proxy):
    r = run("put", "open", "--no-default-policy", input="v")
    assert r.exit_code == 0, r.stderr
    assert "PutResourcePolicy" not in proxy.operations()
    assert "SecretString" not in sent(proxy, "CreateSecret")[0]
    assert sm.get_secret_value(SecretId="open")["SecretString"] == "v"


def test_policy_write_that_fails_leaves_no_value(run, sm, proxy, canary):
    """PutResourcePolicy answers 503 every time: the secret stays empty, the message says
    so and names both ways out; no value reached the emulator."""
    proxy.add(Fault("status", times=10, status=503, operation="PutResourcePolicy"))
    r = run("put", "a", input=canary)
    assert r.exit_code == 6, r.stderr
    assert "created secret 'a' without a value, but could not attach its default policy" \
        in r.stderr
    assert "No value was stored" in r.stderr
    assert "safesm policy apply a --default" in r.stderr
    assert "PutSecretValue" not in proxy.operations()
    assert names(sm) == ["a"]
    assert sm.list_secret_version_ids(SecretId="a")["Versions"] == []
    assert canary not in r.stderr + r.stdout


def test_value_write_that_fails_on_a_new_secret_says_the_policy_is_there(run, sm, proxy):
    proxy.add(Fault("status", times=10, status=503, operation="PutSecretValue"))
    r = run("put", "a", input="v")
    assert r.exit_code == 6, r.stderr
    assert "The new secret 'a' has its policy" in r.stderr
    assert "Finish with `safesm put a`" in r.stderr
    assert sm.get_resource_policy(SecretId="a").get("ResourcePolicy")
    assert sm.list_secret_version_ids(SecretId="a")["Versions"] == []


def test_someone_elses_empty_secret_is_not_taken_as_ours(run, sm, proxy):
    """"already exists" on a first (not resent) CreateSecret: another creator won the race
    between the check and the create; safesm does not write into their secret."""
    proxy.add(Fault("race", times=1, operation="CreateSecret",
                    hook=lambda: sm.create_secret(Name="a")))
    r = run("put", "a", input="mine")
    assert r.exit_code == 5, r.stderr
    assert "already exists" in r.stderr
    assert sm.list_secret_version_ids(SecretId="a")["Versions"] == []
    assert sm.get_resource_policy(SecretId="a").get("ResourcePolicy") is None
