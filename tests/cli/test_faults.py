"""Network faults between safesm and Secrets Manager, injected by tests/faultproxy.py.

Every fault ends in one of two honest outcomes: the command succeeds with the value
stored exactly once, or it exits 6 naming the endpoint within a bounded time and says
whether a write may have landed.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.faultproxy import Fault, FaultProxy, wait_until

ATTEMPTS = 3
CONNECT, READ = 1.0, 0.5

pytestmark = pytest.mark.slow  # real waits: make test runs it, make test-fast does not



@pytest.fixture
def proxy(aws, monkeypatch):
    """The emulator behind a fault proxy, with short timeouts (set as a user would)."""
    with FaultProxy(aws, lifetime=60) as p:
        monkeypatch.setenv("AWS_ENDPOINT_URL", p.url)
        monkeypatch.setenv("SAFESM_CONNECT_TIMEOUT", str(CONNECT))
        monkeypatch.setenv("SAFESM_READ_TIMEOUT", str(READ))
        monkeypatch.setenv("SAFESM_MAX_ATTEMPTS", str(ATTEMPTS))
        yield p


def versions(sm, name: str) -> dict[str, list[str]]:
    page = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)
    return {v["VersionId"]: v.get("VersionStages", []) for v in page["Versions"]}


def timed(run, *args, input=None):
    started = time.monotonic()
    result = run(*args, input=input)
    return result, time.monotonic() - started


def assert_unreachable(result, proxy, elapsed: float, bound: float) -> None:
    assert result.exit_code == 6, result.stderr
    assert proxy.url in result.stderr  # names the endpoint
    assert "Traceback" not in result.stderr
    assert elapsed < bound, f"took {elapsed:.1f} s"


# unreachable and timeouts ------------------------------------------------------------


def test_refused_connection_exits_6_naming_the_endpoint_quickly(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="old")
    proxy.refuse()
    result, elapsed = timed(run, "put", "a", "--force", input="new")
    assert_unreachable(result, proxy, elapsed, bound=3)
    assert "EndpointConnectionError" in result.stderr
    assert f"{ATTEMPTS} attempt(s)" in result.stderr
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"


def test_stalled_read_exits_6_within_attempts_times_read_timeout(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="v")
    proxy.add(Fault("delay", times=10, seconds=5))
    result, elapsed = timed(run, "get", "a")
    # the bound the README states: attempts x (connect + read) + backoff (< 1 s here)
    assert_unreachable(result, proxy, elapsed, bound=ATTEMPTS * (CONNECT + READ) + 1)
    assert "ReadTimeoutError" in result.stderr
    assert result.stdout == ""
    assert proxy.operations("delay") == ["GetSecretValue"] * ATTEMPTS


def test_write_that_timed_out_says_it_may_have_landed_and_landed_once(run, sm, proxy):
    """The stalled requests do reach the emulator after safesm gave up: the message says
    so, names the version to look for, and that version exists once."""
    sm.create_secret(Name="a", SecretString="old")
    before = versions(sm, "a")
    proxy.add(Fault("delay", times=10, seconds=2 * READ, operation="PutSecretValue"))
    result = run("put", "a", "--force", input="new")
    assert result.exit_code == 6, result.stderr
    match = re.search(r"lists version ([0-9a-f-]{36})", result.stderr)
    assert match and "may have reached Secrets Manager" in result.stderr, result.stderr
    token = match.group(1)
    # every attempt safesm gave up on still reaches the emulator, late
    assert wait_until(lambda: len(proxy.arrived_late()) == ATTEMPTS, timeout=10)
    after = versions(sm, "a")
    assert set(after) - set(before) == {token}  # ATTEMPTS sends, one version
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "new"


# HTTP 5xx ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried_until_they_clear(run, sm, proxy, status):
    sm.create_secret(Name="a", SecretString="v")
    proxy.add(Fault("status", times=ATTEMPTS - 1, status=status))
    result = run("get", "a")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "v"
    assert proxy.operations() == ["GetSecretValue"] * ATTEMPTS


@pytest.mark.parametrize("status", [500, 503])
def test_persistent_server_errors_exit_6(run, sm, proxy, status):
    sm.create_secret(Name="a", SecretString="old")
    proxy.add(Fault("status", times=100, status=status, operation="PutSecretValue"))
    result, elapsed = timed(run, "put", "a", "--force", input="new")
    assert_unreachable(result, proxy, elapsed, bound=5)
    assert f"HTTP {status}" in result.stderr
    assert proxy.operations("status") == ["PutSecretValue"] * ATTEMPTS
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "old"


# throttling -------------------------------------------------------------------------


def test_throttling_is_retried_with_backoff_and_succeeds(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="old")
    proxy.add(Fault("throttle", times=ATTEMPTS - 1, operation="PutSecretValue"))
    result = run("put", "a", "--force", input="new")
    assert result.exit_code == 0, result.stderr
    assert proxy.operations("throttle") == ["PutSecretValue"] * (ATTEMPTS - 1)
    assert proxy.operations().count("PutSecretValue") == ATTEMPTS
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "new"
    assert len(versions(sm, "a")) == 2  # one new version, throttled attempts stored nothing


def test_throttling_that_does_not_clear_exits_6(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="v")
    proxy.add(Fault("throttle", times=100))
    result = run("get", "a")
    assert result.exit_code == 6, result.stderr
    assert "ThrottlingException" in result.stderr and "try again" in result.stderr
    assert result.stdout == ""
    assert proxy.operations("throttle") == ["GetSecretValue"] * ATTEMPTS


# the connection drops after the write landed ----------------------------------------


def test_dropped_put_is_resent_with_the_same_token_and_lands_once(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="old")
    before = versions(sm, "a")
    proxy.add(Fault("drop", times=1, operation="PutSecretValue"))
    result = run("put", "a", "--force", "--json", input="new")
    assert result.exit_code == 0, result.stderr
    sent = [s.body for s in proxy.seen if s.operation == "PutSecretValue"]
    tokens = {json.loads(b)["ClientRequestToken"] for b in sent}
    assert len(sent) == 2 and len(tokens) == 1  # resent, same ClientRequestToken
    new = set(versions(sm, "a")) - set(before)
    assert new == tokens == {json.loads(result.stdout)["version_id"]}
    assert "resent the request 1 time(s)" in result.stderr  # the user is told
    assert sm.get_secret_value(SecretId="a")["SecretString"] == "new"


def test_dropped_create_is_resent_and_creates_once(run, sm, proxy):
    proxy.add(Fault("drop", times=1, operation="CreateSecret"))
    result = run("put", "fresh", input="new")
    assert result.exit_code == 0, result.stderr
    assert proxy.operations().count("CreateSecret") == 2
    assert len(versions(sm, "fresh")) == 1
    assert sm.get_secret_value(SecretId="fresh")["SecretString"] == "new"
    assert sm.get_resource_policy(SecretId="fresh").get("ResourcePolicy")  # default policy


def test_dropped_every_time_says_it_may_have_landed_and_it_landed_once(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="old")
    before = versions(sm, "a")
    proxy.add(Fault("drop", times=100, operation="PutSecretValue"))
    result = run("put", "a", "--force", input="new")
    assert result.exit_code == 6, result.stderr
    token = re.search(r"lists version ([0-9a-f-]{36})", result.stderr).group(1)
    assert set(versions(sm, "a")) - set(before) == {token}  # it did land, exactly once


def test_dropped_field_swap_is_recognised_as_ours(run, sm, proxy):
    """put --key: the answer to the compare-and-swap is lost; the resent swap is refused
    (AWSCURRENT already moved - to us), and safesm sees that it was its own."""
    sm.create_secret(Name="j", SecretString=json.dumps({"a": "1"}))
    proxy.add(Fault("drop", times=1, operation="UpdateSecretVersionStage"))
    result = run("put", "j", "--key", "b", input="2")
    assert result.exit_code == 0, result.stderr
    assert json.loads(sm.get_secret_value(SecretId="j")["SecretString"]) == {"a": "1", "b": "2"}
    stages = versions(sm, "j")
    assert len(stages) == 2
    assert sorted(s for v in stages.values() for s in v) == ["AWSCURRENT", "AWSPREVIOUS"]


def test_dropped_read_is_retried(run, sm, proxy):
    sm.create_secret(Name="a", SecretString="v")
    proxy.add(Fault("drop", times=ATTEMPTS - 1, operation="GetSecretValue"))
    result = run("get", "a")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "v"


def test_the_proxy_stops_by_itself(aws):
    """The rig: a forgotten proxy closes its port when its lifetime ends."""
    import socket

    proxy = FaultProxy(aws, lifetime=0.3).start()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=1):
        pass
    time.sleep(0.6)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1)
    with pytest.raises(ValueError):
        Fault("explode")


# put --key against a concurrent writer (the race placed exactly by the proxy) ---------


def test_key_write_raced_by_another_writer_is_reapplied_on_their_value(run, sm, proxy):
    """Another writer lands between safesm's read and its swap: the swap is refused, and
    safesm re-reads and sets the field on top of their value; both changes survive."""
    sm.create_secret(Name="j", SecretString=json.dumps({"a": "1"}))
    other = json.dumps({"a": "1", "theirs": "x"})
    proxy.add(Fault("race", times=1, operation="UpdateSecretVersionStage",
                    hook=lambda: sm.put_secret_value(SecretId="j", SecretString=other)))
    result = run("put", "j", "--key", "mine", input="y")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(sm.get_secret_value(SecretId="j")["SecretString"])
    assert doc == {"a": "1", "theirs": "x", "mine": "y"}
    assert proxy.operations().count("GetSecretValue") == 2  # read, lost the race, re-read
    previous = sm.get_secret_value(SecretId="j", VersionStage="AWSPREVIOUS")["SecretString"]
    assert previous == other  # the version we built on is the one we replaced


def test_key_write_that_keeps_losing_exits_5_leaving_their_value(run, sm, proxy):
    sm.create_secret(Name="j", SecretString=json.dumps({"a": "1"}))
    count = iter(range(1000))
    proxy.add(Fault("race", times=100, operation="UpdateSecretVersionStage",
                    hook=lambda: sm.put_secret_value(
                        SecretId="j", SecretString=json.dumps({"a": str(next(count))}))))
    result = run("put", "j", "--key", "mine", input="y")
    assert result.exit_code == 5, result.stderr
    assert "changed concurrently" in result.stderr
    doc = json.loads(sm.get_secret_value(SecretId="j")["SecretString"])
    assert "mine" not in doc  # the other writer's value is current, untouched
    stages = versions(sm, "j")
    assert sum("AWSCURRENT" in s for s in stages.values()) == 1
    assert not any("safesm-pending" in s for s in stages.values())


def test_key_swap_unreachable_says_where_the_value_is(run, sm, proxy):
    sm.create_secret(Name="j", SecretString=json.dumps({"a": "1"}))
    proxy.add(Fault("status", times=100, status=503, operation="UpdateSecretVersionStage"))
    result = run("put", "j", "--key", "b", input="2")
    assert result.exit_code == 6, result.stderr
    token = re.search(r"stored as version ([0-9a-f-]{36})", result.stderr).group(1)
    assert versions(sm, "j")[token] == ["safesm-pending"]  # kept, but not current
    assert json.loads(sm.get_secret_value(SecretId="j")["SecretString"]) == {"a": "1"}
