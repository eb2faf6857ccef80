"""The lifecycle commands where a terminal matters: granting the rotation Lambda's role
(asked on a terminal), following a rotation with progress, confirmations of abandon and
replica removal, `generate` to the clipboard, and TAB completion of the new commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rotators import make_rotator

from .test_clipboard import clear_now, clipboard, xserver  # noqa: F401 (xserver: fixture)

pytestmark = pytest.mark.e2e
ROLE = "arn:aws:iam::123456789012:role/service-role/rotator-role"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def guarded(aws, sm, safesm_bin):
    """A secret with safesm's default policy (only the caller reads and writes)."""
    subprocess.run([safesm_bin, "put", "a"], input=b"v1", check=True, timeout=60)
    return make_rotator(aws, step_delay=0.2)


def test_a_terminal_is_asked_to_grant_the_rotator_no_refuses_with_8(sm, terminal, guarded):
    t = terminal("rotation", "set", "a", "--every", "30d", "--lambda", guarded)
    t.expect("Add the role to the readers")
    t.type("n\r")
    assert t.finish() == 8
    assert f"safesm policy grant a {ROLE} --read --write".encode() in t.screen.replace(
        b"\r\n", b"")
    assert not sm.describe_secret(SecretId="a").get("RotationEnabled")
    assert ROLE not in sm.get_resource_policy(SecretId="a")["ResourcePolicy"]


def test_a_terminal_grants_and_rotate_shows_progress(sm, terminal, guarded):
    t = terminal("rotation", "set", "a", "--every", "30d", "--lambda", guarded)
    t.expect("Add the role to the readers")
    t.type("y\r")
    assert t.finish() == 0, t.screen
    assert ROLE in sm.get_resource_policy(SecretId="a")["ResourcePolicy"]
    t = terminal("rotate", "a")
    t.expect("Rotating a: ")
    t.expect("Rotated a: version")
    assert t.finish() == 0
    assert sm.get_secret_value(SecretId="a")["SecretString"] != "v1"


def test_abandon_asks_on_a_terminal(aws, sm, terminal):
    sm.create_secret(Name="a", SecretString="v1")
    failing = make_rotator(aws, "fail_at_test")
    sm.rotate_secret(SecretId="a", RotationLambdaARN=failing,
                     ClientRequestToken="0123456789abcdef0123456789abcdef")
    t = terminal("rotation", "abandon", "a")
    t.expect("Abandon the rotation of a")
    t.type("n\r")
    assert t.finish() == 5
    assert "AWSPENDING" in sm.describe_secret(SecretId="a")["VersionIdsToStages"][
        "0123456789abcdef0123456789abcdef"]
    t = terminal("rotation", "abandon", "a")
    t.expect("Abandon the rotation of a")
    t.type("y\r")
    assert t.finish() == 0
    assert "AWSPENDING" not in sm.describe_secret(SecretId="a")["VersionIdsToStages"].get(
        "0123456789abcdef0123456789abcdef", [])


def test_replica_removal_asks_on_a_terminal(sm, terminal):
    sm.create_secret(Name="a", SecretString="v", AddReplicaRegions=[{"Region": "eu-west-1"}])
    t = terminal("replication", "remove", "a", "eu-west-1")
    t.expect("Delete the replicas of a in eu-west-1")
    t.type("y\r")
    assert t.finish() == 0
    assert not sm.describe_secret(SecretId="a").get("ReplicationStatus")


def test_generate_on_a_terminal_goes_to_the_clipboard(xserver, terminal):  # noqa: F811
    t = terminal("generate", "--length", "40", "--clip-timeout", "600")
    t.expect("Copied a new password to the clipboard")
    assert t.finish() == 0
    value = clipboard()
    assert value is not None and len(value) == 40
    assert value not in t.screen
    assert clear_now()
    assert clipboard() != value


def _bash_complete(words: list[str]) -> list[str]:
    line = " ".join(words)
    script = f"""
source {ROOT}/completions/safesm.bash
COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}
_safesm_completion safesm 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                         env=env, timeout=30)
    return out.stdout.split()


def test_bash_completes_the_new_commands_options_and_regions(isolated_env):
    assert {"rotation", "rotate"} <= set(_bash_complete(["safesm", "rot"]))
    assert {"replication", "rollback"} <= set(_bash_complete(["safesm", "r"]))
    assert set(_bash_complete(["safesm", "rotation", ""])) >= {"show", "set", "off", "abandon"}
    assert "--grant-rotator" in _bash_complete(["safesm", "rotation", "set", "a", "--g"])
    assert "--exclude-chars" in _bash_complete(["safesm", "generate", "--ex"])
    assert "--allow-disk-tmp" in _bash_complete(["safesm", "edit", "a", "--al"])
    regions = _bash_complete(["safesm", "replication", "add", "a", "eu-west-"])
    assert {"eu-west-1", "eu-west-2", "eu-west-3"} <= set(regions)
    assert "eu-central-1" in _bash_complete(["safesm", "replication", "promote", "a",
                                             "--region", "eu-c"])
    assert "ap-south-1" in _bash_complete(["safesm", "put", "a", "--replicate-to", "ap-so"])
