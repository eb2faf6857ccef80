"""The lean entry point as a user's process meets it: the same bytes, messages and exit
codes as the full CLI with and without an agent, only the standard library on the agent
path, Ctrl-C/SIGTERM/closed pipes handled as in the CLI, and TAB in real shells served by
a running agent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faultproxy import Fault, FaultProxy, wait_until

from .agent_helpers import safesm, status
from .completion_shells import ROOT, shell_env, zsh_tab

pytestmark = pytest.mark.e2e
FULL_CLI = [sys.executable, "-c", "from safesm.cli import main; main()"]

CASES = [
    ("get", "text"), ("get", "nl"), ("get", "bin"), ("get", "uni"), ("get", "json"),
    ("get", "json", "--field", "k"), ("get", "json", "--field=n"), ("get", "text", "uni", "json"),
    ("--region", "us-east-1", "get", "text"), ("get", "--print", "text"),
    ("get", "missing"), ("get", "bin", "text"), ("get", "json", "--field", "nope"),
    ("get", "text", "--field", "k"), ("get", "bad name"), ("get", "text", "text"),
    ("--endpoint-url", "http://127.0.0.1:9", "get", "text"),
]


@pytest.fixture
def secrets(sm):
    sm.create_secret(Name="text", SecretString="plain")
    sm.create_secret(Name="nl", SecretString="ends with a newline\n")
    sm.create_secret(Name="bin", SecretBinary=b"\x00\xff\x01\n")
    sm.create_secret(Name="uni", SecretString="pässwörd ✓")
    sm.create_secret(Name="json", SecretString='{"k": "v", "n": 1}')


def outcomes(safesm_bin: str, env: dict[str, str] | None = None) -> list[tuple]:
    got = []
    for case in CASES:
        lean = subprocess.run([safesm_bin, *case], capture_output=True, env=env, timeout=60)
        full = subprocess.run([*FULL_CLI, *case], capture_output=True, env=env, timeout=60)
        got.append((case, lean.returncode, lean.stdout, lean.stderr))
        assert (lean.returncode, lean.stdout, lean.stderr) == (
            full.returncode, full.stdout, full.stderr), case
    return got


def test_without_an_agent_the_output_is_the_clis(secrets, safesm_bin):
    got = outcomes(safesm_bin)
    assert [g[1] for g in got] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 7, 3, 7, 2, 0, 6]
    assert got[2][2] == b"\x00\xff\x01\n" and got[1][2] == b"ends with a newline\n"


def test_with_an_agent_the_output_is_the_clis(secrets, agents, safesm_bin):
    before = outcomes(safesm_bin)
    assert agents().returncode == 0
    for _ in range(2):  # misses, then from memory
        assert outcomes(safesm_bin) == before
    assert status(safesm_bin)["hits"] > 0


PROBE = """
import runpy, sys
sys.argv = ["safesm", *sys.argv[1:]]
try:
    runpy.run_module("safesm", run_name="__main__")
except SystemExit:
    pass
heavy = {m.split(".")[0] for m in sys.modules} & {
    "click", "botocore", "urllib3", "json", "typing", "dataclasses", "enum", "re", "logging",
    "prompt_toolkit", "keyring", "socket", "subprocess"}
sys.stderr.write(repr(sorted(heavy)))
"""


def probe(*args: str) -> tuple[bytes, list[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          timeout=60)
    return proc.stdout, eval(proc.stderr.decode().splitlines()[-1])  # noqa: S307 (our repr)


def test_a_get_through_the_agent_loads_the_standard_library_only(agents, sm):
    sm.create_secret(Name="db/prod", SecretString="v")
    assert agents().returncode == 0
    assert probe("get", "db/prod") == (b"v", [])
    out, loaded = probe("get", "db/prod", "db/prod")
    assert json.loads(out) == {"db/prod": "v"} and loaded == ["enum", "json", "re"]


def test_a_get_without_an_agent_loads_no_click(sm):
    sm.create_secret(Name="db/prod", SecretString="v")
    out, loaded = probe("get", "db/prod")
    assert out == b"v" and "botocore" in loaded and "click" not in loaded
    assert "prompt_toolkit" not in loaded and "keyring" not in loaded


def test_tab_loads_nothing_heavy(agents, sm, safesm_bin):
    """From a fresh name cache file, then from an agent (a stale file starts a refresher,
    which needs subprocess, as it always has)."""
    from safesm import config, namecache

    sm.create_secret(Name="db/prod", SecretString="v")
    namecache.write_names(namecache.cache_file(config.load({})), ["db/prod"])
    env = {**os.environ, "_SAFESM_COMPLETE": "bash_complete", "COMP_WORDS": "safesm get db/",
           "COMP_CWORD": "2"}
    for with_agent in (False, True):
        if with_agent:
            assert agents().returncode == 0
            assert wait_until(lambda: status(safesm_bin)["names"] == 1)
        proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, env=env,
                              timeout=60)
        loaded = eval(proc.stderr.decode().splitlines()[-1])  # noqa: S307
        assert loaded == [], with_agent
        assert proc.stdout == b"plain,db/prod\n"


def test_sigterm_and_ctrl_c_end_it_as_they_end_the_cli(aws, agents, safesm_bin, sm):
    sm.create_secret(Name="db/prod", SecretString="v")
    with FaultProxy(aws, lifetime=90) as proxy:
        proxy.add(Fault("delay", times=4, seconds=30, operation="GetSecretValue"))
        env = {**os.environ, "AWS_ENDPOINT_URL": proxy.url}
        assert agents("--ttl", "0", env=env).returncode == 0
        for sig, code, said in ((signal.SIGTERM, 143, b"safesm: terminated.\n"),
                                (signal.SIGINT, 130, b"safesm: interrupted.\n")):
            waiting = len(proxy.operations("delay"))
            client = subprocess.Popen([safesm_bin, "get", "db/prod"], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            assert wait_until(lambda n=waiting: len(proxy.operations("delay")) > n)
            client.send_signal(sig)
            out, err = client.communicate(timeout=30)
            assert (client.returncode, out, err) == (code, b"", said)


def test_a_reader_that_goes_away_is_no_error(agents, safesm_bin, sm):
    sm.create_secret(Name="big", SecretString="x" * 60000)
    assert agents().returncode == 0
    for _ in range(2):
        proc = subprocess.run(f"'{safesm_bin}' get big | head -c 10", shell=True,
                              capture_output=True, timeout=60)
        assert proc.stdout == b"x" * 10 and proc.stderr == b""


def test_bash_zsh_fish_complete_from_the_agent(agents, sm, safesm_bin, tmp_path):
    """The agent lists the names (and writes them through to the name cache file, which
    is removed here): the candidates can only come from the running agent."""
    for name in ("agent/one", "agent/two", "agent/sub/three"):
        sm.create_secret(Name=name, SecretString="v")
    assert agents().returncode == 0
    assert wait_until(lambda: status(safesm_bin)["names"] == 3)
    shutil.rmtree(Path(os.environ["HOME"], ".cache", "safesm", "names"))
    bash = f"""
source /usr/share/bash-completion/bash_completion
source {ROOT}/completions/safesm.bash
COMP_WORDS=(safesm get agent/); COMP_CWORD=2; COMP_LINE="safesm get agent/"
COMP_POINT=${{#COMP_LINE}}
_safesm_completion safesm 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "--norc", "-c", bash], capture_output=True, text=True,
                         env=shell_env(), timeout=30)
    assert out.stdout.split() == ["agent/one", "agent/sub/", "agent/two"]
    fish = f'source {ROOT}/completions/safesm.fish; complete -C "safesm get agent/"'
    out = subprocess.run(["fish", "--no-config", "-c", fish], capture_output=True, text=True,
                         env=shell_env(), timeout=30)
    assert [w.split("\t")[0] for w in out.stdout.split()] == ["agent/one", "agent/sub/",
                                                             "agent/two"]
    zsh_tab(tmp_path, "safesm get agent/", "agent/one", "agent/two")


def test_auto_starts_an_agent_on_first_use(agents, sm, safesm_bin, monkeypatch):
    sm.create_secret(Name="db/prod", SecretString="v")
    monkeypatch.setenv("SAFESM_AGENT", "auto")
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"v"  # direct, and starts one
    assert wait_until(lambda: status(safesm_bin)["running"], timeout=20)
    assert safesm(safesm_bin, "get", "db/prod").stdout == b"v"
    assert status(safesm_bin)["misses"] == 1
