"""No window where a value is stored without its policy (issue 18.5).

The installed safesm creates a new secret, the fault proxy holds PutResourcePolicy (or
PutSecretValue), and Ctrl-C or SIGTERM arrives in between. Whatever the moment, the
emulator never holds a value without the policy, and the message says exactly what was
left and how to finish or remove it.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from tests.faultproxy import Fault, FaultProxy, wait_until

pytestmark = pytest.mark.e2e

SIGNALS = [pytest.param(signal.SIGINT, id="ctrl-c"), pytest.param(signal.SIGTERM, id="sigterm")]
CODES = {signal.SIGINT: (130, b"interrupted"), signal.SIGTERM: (143, b"terminated")}


@pytest.fixture
def stalling(aws):
    with FaultProxy(aws, lifetime=60) as proxy:
        yield proxy


def start_put(safesm_bin: str, name: str, endpoint: str, value: bytes) -> subprocess.Popen:
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "SAFESM_READ_TIMEOUT": "30"}
    proc = subprocess.Popen([safesm_bin, "put", name], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdin.write(value)
    proc.stdin.close()
    proc.stdin = None
    return proc


def stored(sm, name: str) -> tuple[list, str | None]:
    """The versions (values) and the resource policy the emulator holds for NAME."""
    versions = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    return versions, sm.get_resource_policy(SecretId=name).get("ResourcePolicy")


def interrupted_put(safesm_bin: str, stalling, operation: str, canary: str,
                    sig: int) -> tuple[bytes, bytes]:
    """`safesm put db/new`, signalled while the emulator holds ``operation``: its exit code
    is the signal's, and its stdout and stderr are returned."""
    stalling.add(Fault("delay", times=5, seconds=20, operation=operation))
    proc = start_put(safesm_bin, "db/new", stalling.url, canary.encode())
    assert wait_until(lambda: stalling.operations("delay"), timeout=20)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == CODES[sig][0], err
    return out, err


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_before_the_policy_is_attached_leaves_an_empty_secret(
        aws, sm, safesm_bin, stalling, canary, sig):
    out, err = interrupted_put(safesm_bin, stalling, "PutResourcePolicy", canary, sig)
    word = CODES[sig][1]
    assert b"Traceback" not in err and canary.encode() not in out + err
    assert word + b" after creating 'db/new' without a value: no value was stored" in err
    assert b"`safesm policy apply db/new --default --yes`, then `safesm put db/new`" in err
    assert b"safesm delete db/new --force-without-recovery --yes" in err
    stalling.stop()  # the held PutResourcePolicy is dropped, never forwarded
    versions, policy = stored(sm, "db/new")
    assert versions == [] and policy is None  # an empty secret: no value without its policy


@pytest.mark.parametrize("sig", SIGNALS)
def test_signal_while_the_value_is_written_says_where_it_is(
        aws, sm, safesm_bin, stalling, canary, sig):
    _, err = interrupted_put(safesm_bin, stalling, "PutSecretValue", canary, sig)
    word = CODES[sig][1]
    assert word + b" while writing the value of the new secret 'db/new'" in err
    assert b"Finish with `safesm put db/new`" in err
    stalling.stop()
    versions, policy = stored(sm, "db/new")
    assert versions == [] and policy  # the policy is on; the value never landed


def test_the_way_out_it_names_finishes_the_secret(aws, sm, safesm_bin, stalling, canary):
    """After an interrupted create, the two commands the message names make a whole,
    protected secret."""
    stalling.add(Fault("delay", times=5, seconds=20, operation="PutResourcePolicy"))
    proc = start_put(safesm_bin, "db/new", stalling.url, b"first")
    assert wait_until(lambda: stalling.operations("delay"), timeout=20)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=10)
    stalling.stop()
    env = {**os.environ, "AWS_ENDPOINT_URL": aws}
    done = subprocess.run([safesm_bin, "policy", "apply", "db/new", "--default", "--yes"], env=env,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([safesm_bin, "put", "db/new"], input=canary.encode(), env=env,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr  # an empty secret needs no --force
    versions, policy = stored(sm, "db/new")
    assert len(versions) == 1 and policy
    assert sm.get_secret_value(SecretId="db/new")["SecretString"] == canary
