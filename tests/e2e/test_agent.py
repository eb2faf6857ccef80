"""The agent as a real process: lifecycle, modes, one per user, stale sockets, values seen
at once after a write and after the TTL after a change behind its back, kill -9, many
clients at once, the user agent AWS sees, and unlocked memory said out loud."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

from tests.faultproxy import Fault, FaultProxy, wait_until

from .agent_helpers import agent_pids, safesm, socket_file, status

pytestmark = pytest.mark.e2e


def test_start_status_stop(agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="one")
    started = agents()
    assert started.returncode == 0, started.stderr
    assert b"Started the safesm agent" in started.stderr
    sock = socket_file()
    assert stat.S_ISSOCK(sock.stat().st_mode)
    assert stat.S_IMODE(sock.stat().st_mode) == 0o600
    assert stat.S_IMODE(sock.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((sock.parent / "agent.lock").stat().st_mode) == 0o600
    assert sorted(os.listdir(sock.parent)) == ["agent.lock", "agent.sock"]
    [pid] = agent_pids()
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"one"
    facts = status(safesm_bin)
    assert facts["pid"] == pid and facts["misses"] == 1 and facts["memory"] == "locked"
    stopped = safesm(safesm_bin, "agent", "stop")
    assert stopped.returncode == 0 and f"pid {pid}".encode() in stopped.stderr
    assert agent_pids() == [] and not sock.exists()
    assert status(safesm_bin)["running"] is False


def test_idle_exit_leaves_no_process_and_no_socket(agents, safesm_bin):
    assert agents("--idle", "0.02").returncode == 0  # 1.2 s
    assert agent_pids() and socket_file().exists()
    assert wait_until(lambda: not agent_pids(), timeout=15)
    assert not socket_file().exists()


def test_two_concurrent_starts_leave_one_agent(agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="one")
    starts = [subprocess.Popen([safesm_bin, "agent", "start"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE) for _ in range(2)]
    results = [(p.wait(60), p.stderr.read()) for p in starts if p.stderr]
    assert [code for code, _ in results] == [0, 0], results
    said = b" ".join(err for _, err in results)
    assert b"Started the safesm agent" in said and b"already running" in said
    assert wait_until(lambda: len(agent_pids()) == 1, timeout=5), agent_pids()
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"one"
    assert status(safesm_bin)["misses"] == 1


def test_a_start_for_another_context_is_refused(agents, safesm_bin):
    assert agents().returncode == 0
    again = agents()
    assert again.returncode == 0 and b"already running" in again.stderr
    other = safesm(safesm_bin, "--region", "eu-west-1", "agent", "start")
    assert other.returncode == 5 and b"another profile, Region" in other.stderr
    assert len(agent_pids()) == 1


def test_a_killed_agents_stale_socket(agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="one")
    assert agents().returncode == 0
    [pid] = agent_pids()
    safesm(safesm_bin, "get", "db/prod")
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: not agent_pids())
    assert socket_file().exists()  # left behind
    sm.put_secret_value(SecretId="db/prod", SecretString="two")
    plain = safesm(safesm_bin, "get", "db/prod")
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, b"two", b"")  # direct, silent
    debug = safesm(safesm_bin, "--debug", "get", "db/prod")
    assert debug.stdout == b"two" and b"stale" in debug.stderr
    assert agents().returncode == 0  # replaces the stale socket
    [new] = agent_pids()
    assert new != pid and safesm(safesm_bin, "get", "db/prod").stdout == b"two"
    assert status(safesm_bin)["misses"] == 1


def test_stop_removes_a_stale_socket(agents, safesm_bin):
    assert agents().returncode == 0
    os.kill(agent_pids()[0], signal.SIGKILL)
    assert wait_until(lambda: not agent_pids())
    stopped = safesm(safesm_bin, "agent", "stop")
    assert stopped.returncode == 0 and b"stale socket" in stopped.stderr
    assert not socket_file().exists()


def test_kill_9_mid_request_the_client_answers_directly(aws, agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="the value")
    with FaultProxy(aws, lifetime=90) as proxy:
        proxy.add(Fault("delay", times=1, seconds=30, operation="GetSecretValue"))
        env = {**os.environ, "AWS_ENDPOINT_URL": proxy.url}
        assert agents(env=env).returncode == 0
        [pid] = agent_pids()
        started = time.monotonic()
        client = subprocess.Popen([safesm_bin, "get", "db/prod"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert wait_until(lambda: "GetSecretValue" in proxy.operations("delay"))
        os.kill(pid, signal.SIGKILL)  # the agent dies while AWS has its request
        out, err = client.communicate(timeout=60)
    assert (client.returncode, out, err) == (0, b"the value", b"")
    assert time.monotonic() - started < 20  # not the delayed answer: a direct read


def test_eight_concurrent_clients(agents, safesm_bin, sm):
    for i in range(4):
        sm.create_secret(Name=f"c/{i}", SecretString=f"value-{i}")
    assert agents().returncode == 0
    for _round in range(2):  # misses at once, then hits at once
        procs = [(i % 4, subprocess.Popen([safesm_bin, "get", f"c/{i % 4}"],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE))
                 for i in range(8)]
        for i, p in procs:
            out, err = p.communicate(timeout=60)
            assert (p.returncode, out, err) == (0, f"value-{i}".encode(), b"")
    facts = status(safesm_bin)
    assert facts["hits"] + facts["misses"] == 16 and facts["hits"] >= 8


def test_a_put_is_seen_through_the_agent_at_once(agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="one")
    assert agents().returncode == 0
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"one"
    put = safesm(safesm_bin, "put", "db/prod", "--force", input=b"two\n")
    assert put.returncode == 0, put.stderr
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"two"
    assert status(safesm_bin)["misses"] == 2


def test_a_change_behind_its_back_is_seen_after_the_ttl(agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="one")
    assert agents("--ttl", "1").returncode == 0
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"one"
    sm.put_secret_value(SecretId="db/prod", SecretString="two")  # not through safesm
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"one"  # within the TTL
    time.sleep(1.2)
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"two"
    assert safesm(safesm_bin, "get", "--fresh", "db/prod").stdout == b"two"


def test_aws_sees_which_reads_came_through_an_agent(aws, agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="one")
    with FaultProxy(aws, lifetime=60) as proxy:
        env = {**os.environ, "AWS_ENDPOINT_URL": proxy.url}
        safesm(safesm_bin, "get", "db/prod", env=env)  # direct
        assert agents(env=env).returncode == 0
        safesm(safesm_bin, "get", "db/prod", env=env)  # through the agent
        agents_ua = [s.user_agent for s in proxy.seen if s.operation == "GetSecretValue"]
    assert len(agents_ua) == 2
    assert "safesm/0.1.0" in agents_ua[0] and "safesm-agent" not in agents_ua[0]
    assert "safesm/0.1.0" in agents_ua[1] and "safesm-agent/0.1.0" in agents_ua[1]


def test_an_agent_of_another_version_is_not_used(agents, safesm_bin, sm):
    from safesm.agent import daemon

    sm.create_secret(Name="db/prod", SecretString="one")
    older = ("import sys, safesm; safesm.__version__ = '0.0.1'\n"
             "from safesm.agent.daemon import main; sys.exit(main(sys.argv[1:]))")
    facts = daemon.start([sys.executable, "-c", older, "--ttl", "300", "--idle", "600"])
    assert facts["state"] == "ok", facts
    plain = safesm(safesm_bin, "get", "db/prod")
    assert (plain.returncode, plain.stdout, plain.stderr) == (0, b"one", b"")
    assert b"another version" in safesm(safesm_bin, "--debug", "get", "db/prod").stderr
    shown = status(safesm_bin)
    assert shown["version"] == "0.0.1" and shown["used"] is False and shown["misses"] == 0
    assert b"another version" in safesm(safesm_bin, "agent", "status").stdout
    assert safesm(safesm_bin, "agent", "stop").returncode == 0 and not agent_pids()


def test_memory_not_locked_is_said(agents, safesm_bin):
    """Without CAP_IPC_LOCK and with a small memlock limit the agent runs unlocked, and
    both `agent start` and `agent status` say so."""
    limited = ["prlimit", "--memlock=65536", "setpriv", "--bounding-set", "-ipc_lock",
               "--inh-caps", "-ipc_lock", safesm_bin, "agent", "start"]
    started = subprocess.run(limited, capture_output=True, timeout=60)
    assert started.returncode == 0, started.stderr
    assert b"memory is not locked (RLIMIT_MEMLOCK is 64 KiB" in started.stderr
    assert status(safesm_bin)["memory"].startswith("not locked: RLIMIT_MEMLOCK is 64 KiB")
