"""Reads through a running agent, in-process: the real agent service and server on a real
unix socket, served from a thread (processes, modes and peers: tests/e2e/test_agent*.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from safesm.cli import cli
from tests.agent_rig import ThreadAgent


@pytest.fixture
def agent(aws):
    made: list[ThreadAgent] = []

    def start(ttl: float = 300, flags: dict | None = None) -> ThreadAgent:
        made.append(ThreadAgent(ttl, flags))
        return made[-1]

    yield start
    for a in made:
        a.stop()


def value(run, *names: str, extra: tuple[str, ...] = ()) -> bytes:
    r = run("get", *names, *extra)
    assert r.exit_code == 0, r.stderr
    return r.stdout_bytes


def test_a_get_is_served_from_memory_after_the_first_read(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    assert value(run, "db/prod") == b"one"
    assert a.stats == {"hits": 0, "misses": 1, "revalidated": 0}
    sm.put_secret_value(SecretId="db/prod", SecretString="two")  # behind the agent's back
    assert value(run, "db/prod") == b"one"  # served from memory within the TTL
    assert a.stats["hits"] == 1


def test_after_the_ttl_a_moved_awscurrent_is_read_again(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent(ttl=60)
    assert value(run, "db/prod") == b"one"
    a.clock.now += 61
    assert value(run, "db/prod") == b"one"  # DescribeSecret: AWSCURRENT did not move
    assert a.stats == {"hits": 0, "misses": 1, "revalidated": 1}
    sm.put_secret_value(SecretId="db/prod", SecretString="two")
    a.clock.now += 61
    assert value(run, "db/prod") == b"two"  # it moved: read again
    assert a.stats["misses"] == 2


def test_no_stale_value_on_errors(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent(ttl=60)
    value(run, "db/prod")
    sm.delete_secret(SecretId="db/prod", ForceDeleteWithoutRecovery=True)  # behind its back
    a.clock.now += 61
    r = run("get", "db/prod")
    assert r.exit_code == 3 and r.stdout_bytes == b""
    assert "not found" in r.stderr


def test_ttl_zero_keeps_no_value(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent(ttl=0)
    value(run, "db/prod")
    sm.put_secret_value(SecretId="db/prod", SecretString="two")
    assert value(run, "db/prod") == b"two"
    assert a.stats == {"hits": 0, "misses": 2, "revalidated": 0} and len(a.service.cache) == 0


def test_fresh_reads_again_and_keeps_what_it_read(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    value(run, "db/prod")
    sm.put_secret_value(SecretId="db/prod", SecretString="two")
    assert value(run, "db/prod", extra=("--fresh",)) == b"two"
    assert value(run, "db/prod") == b"two" and a.stats["hits"] == 1


@pytest.mark.parametrize("write", [
    ("put", "db/prod", "--force"),
    ("put", "db/prod", "--key", "user", "--force"),
])
def test_a_safesm_write_is_seen_at_once(run, sm, agent, write):
    sm.create_secret(Name="db/prod", SecretString='{"user": "one"}')
    agent()
    assert value(run, "db/prod") == b'{"user": "one"}'
    assert run(*write, input=b"two\n").exit_code == 0
    expected = {"user": "two"} if "--key" in write else None
    got = value(run, "db/prod")
    assert (json.loads(got) == expected) if expected else got == b"two"


def test_rollback_and_update_drop_the_cached_value(run, sm, agent):
    """Commands written after the agent (rollback, update) invalidate through the store's
    hook without knowing about it."""
    sm.create_secret(Name="db/prod", SecretString="one")
    sm.put_secret_value(SecretId="db/prod", SecretString="two")
    a = agent()
    assert value(run, "db/prod") == b"two"
    r = run("rollback", "db/prod")
    assert r.exit_code == 0, r.stderr
    assert value(run, "db/prod") == b"one"  # at once, not after the TTL
    value(run, "db/prod")
    assert run("update", "db/prod", "--description", "d").exit_code == 0
    assert len(a.service.cache) == 0


def test_delete_and_restore_drop_the_cached_value(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    value(run, "db/prod")
    assert len(a.service.cache) == 1
    assert run("delete", "db/prod", "--yes").exit_code == 0
    assert len(a.service.cache) == 0
    r = run("get", "db/prod")
    assert r.exit_code == 5 and r.stdout_bytes == b""  # scheduled for deletion, as direct
    assert run("restore", "db/prod").exit_code == 0
    assert value(run, "db/prod") == b"one"


def test_any_write_through_the_store_invalidates(sm, agent):
    """The hook is in the store's client: a write no command of today makes (a stage move,
    a description) drops the secret too."""
    from safesm import config
    from safesm.aws.store import SecretStore
    from safesm.models import Metadata

    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    store = SecretStore(config.load({}))
    for write in (lambda: store.update_metadata("db/prod", Metadata(description="d")),
                  lambda: store.move_stage("db/prod", "LABEL", store.stages(
                      "db/prod").popitem()[0], None)):
        a.service.one("db/prod", False, lambda i, how: None)
        assert len(a.service.cache) == 1
        write()
        assert len(a.service.cache) == 0


def test_batches_and_fields_come_out_as_without_an_agent(run, sm, agent):
    sm.create_secret(Name="a", SecretString='{"k": "é"}')
    sm.create_secret(Name="b", SecretString="plain\n")
    direct = [value(run, "a", "b"), value(run, "a", extra=("--field", "k"))]
    a = agent()
    for _ in range(2):  # a miss, then from memory
        assert [value(run, "a", "b"), value(run, "a", extra=("--field", "k"))] == direct
    assert a.stats == {"hits": 4, "misses": 2, "revalidated": 0}  # a and b read once


def test_errors_read_as_without_an_agent(run, sm, agent):
    sm.create_secret(Name="bin", SecretBinary=b"\x00\x01")
    sm.create_secret(Name="txt", SecretString="not json")
    cases = [("get", "missing"), ("get", "bin", "txt"), ("get", "txt", "--field", "k")]
    direct = [run(*c) for c in cases]
    agent()
    for case, before in zip(cases, direct, strict=True):
        after = run(*case)
        assert (after.exit_code, after.stdout_bytes, after.stderr) == (
            before.exit_code, before.stdout_bytes, before.stderr)


def test_another_context_is_not_served(run, sm, agent, monkeypatch):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    assert run("--region", "us-east-1", "get", "db/prod").exit_code == 0  # the same context
    assert run("--region", "eu-west-1", "get", "db/prod").exit_code == 3  # direct, elsewhere
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOTHERKEY")  # another credential environment
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "other")
    assert value(run, "db/prod") == b"one"
    assert a.stats == {"hits": 0, "misses": 1, "revalidated": 0}


def test_agent_off_is_not_asked(run, sm, agent, monkeypatch, isolated_env):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    monkeypatch.setenv("SAFESM_AGENT", "off")
    assert value(run, "db/prod") == b"one"
    monkeypatch.delenv("SAFESM_AGENT")
    conf = isolated_env / ".config" / "safesm"
    conf.mkdir(parents=True)
    (conf / "config.toml").write_text('agent = "off"\n')
    assert value(run, "db/prod") == b"one"
    assert a.stats["misses"] == 0


def test_settings_the_cli_refuses_are_refused_with_an_agent_too(run, sm, agent, monkeypatch):
    sm.create_secret(Name="db/prod", SecretString="one")
    agent()
    monkeypatch.setenv("SAFESM_CONNECT_TIMEOUT", "soon")
    r = run("get", "db/prod")
    assert r.exit_code == 2 and r.stdout_bytes == b"" and "SAFESM_CONNECT_TIMEOUT" in r.stderr
    monkeypatch.setenv("SAFESM_CONNECT_TIMEOUT", "5")
    monkeypatch.setenv("SAFESM_AGENT", "sometimes")
    r = run("get", "db/prod")
    assert r.exit_code == 2 and "one of off, use, auto" in r.stderr


def test_settings_the_cli_warns_about_are_read_directly(run, sm, agent, isolated_env):
    """An unknown key in the config file gets the CLI's warning; the agent leaves such a
    run to the CLI rather than answer it without the warning."""
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    conf = isolated_env / ".config" / "safesm"
    conf.mkdir(parents=True)
    (conf / "config.toml").write_text("agent_tll = 5\n")
    r = run("get", "db/prod")
    assert r.stdout_bytes == b"one" and "unknown key `agent_tll`" in r.stderr
    assert "did you mean `agent_ttl`" in r.stderr and a.stats["misses"] == 0


def test_version_and_stage_reads_go_direct(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    sm.put_secret_value(SecretId="db/prod", SecretString="two")
    a = agent()
    assert value(run, "db/prod", extra=("--version-stage", "AWSPREVIOUS")) == b"one"
    assert a.stats["misses"] == 0


def test_status_and_clear(run, sm, agent):
    sm.create_secret(Name="db/prod", SecretString="one")
    a = agent()
    value(run, "db/prod")
    value(run, "db/prod")
    status = json.loads(run("agent", "status", "--json").stdout)
    assert status["running"] and status["entries"] == 1 and status["hits"] == 1
    assert status["misses"] == 1 and status["ttl"] == 300 and status["used"]
    assert status["region"] == "us-east-1" and "one" not in json.dumps(status)
    text = run("agent", "status").stdout
    assert "1 of 1000 entries" in text and "us-east-1" in text
    r = run("agent", "clear")
    assert r.exit_code == 0 and "(1 entry)" in r.stderr and len(a.service.cache) == 0


def test_status_without_an_agent(run):
    r = run("agent", "status", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["running"] is False
    assert "No agent is running" in run("agent", "status").stdout
    assert "No agent is running" in run("agent", "clear").stderr


def test_completion_names_come_from_the_agent(run, sm, agent):
    for name in ("db/prod", "db/dev", "web/api"):
        sm.create_secret(Name=name, SecretString="v")
    a = agent()
    env = {"_SAFESM_COMPLETE": "bash_complete", "COMP_WORDS": "safesm get db/",
           "COMP_CWORD": "2"}
    out = CliRunner().invoke(cli, [], env=env, prog_name="safesm").output
    assert out.split() == ["plain,db/dev", "plain,db/prod"]
    assert a.service.names.count() == 3


def test_unprintable_names_from_the_agent_are_never_offered(run, sm, agent):
    sm.create_secret(Name="db/ok", SecretString="v")
    sm.create_secret(Name="db/\x1b]0;pwned\x07", SecretString="v")  # the emulator takes it
    a = agent()
    env = {"_SAFESM_COMPLETE": "bash_complete", "COMP_WORDS": "safesm get db/",
           "COMP_CWORD": "2"}
    out = CliRunner().invoke(cli, [], env=env, prog_name="safesm").output
    assert out == "plain,db/ok\n" and a.service.names.count() == 2
