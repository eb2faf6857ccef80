"""TAB completion in real bash, zsh and fish, from the name cache, never the network."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from safesm import config, namecache

from .completion_shells import ROOT, ZSH_COMPLETION, cache, shell_env, zsh_tab

pytestmark = pytest.mark.e2e
__all__ = ["cache"]  # a fixture the tests here use


def test_bash_completes_cached_names(cache):
    script = f"""
source /usr/share/bash-completion/bash_completion
source {ROOT}/completions/safesm.bash
COMP_WORDS=(safesm get db/); COMP_CWORD=2; COMP_LINE="safesm get db/"; COMP_POINT=${{#COMP_LINE}}
_safesm_completion safesm 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                         env=shell_env(), timeout=30)
    assert out.stdout.split() == ["db/dev", "db/eu/", "db/prod"]


def test_bash_completes_commands_and_options(cache):
    script = f"""
source {ROOT}/completions/safesm.bash
COMP_WORDS=(safesm get db/prod --fi); COMP_CWORD=3
_safesm_completion safesm 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
COMPREPLY=(); COMP_WORDS=(safesm de); COMP_CWORD=1
_safesm_completion safesm 2>/dev/null
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True,
                         env=shell_env(), timeout=30)
    assert out.stdout.split() == ["--field", "delete", "describe"]


def test_fish_completes_cached_names(cache):
    cmd = f'source {ROOT}/completions/safesm.fish; complete -C "safesm get db/"'
    out = subprocess.run(["fish", "--no-config", "-c", cmd], capture_output=True, text=True,
                         env=shell_env(), timeout=30)
    assert [line.split("\t")[0] for line in out.stdout.split()] == ["db/dev", "db/eu/",
                                                                    "db/prod"]


def test_zsh_completes_cached_names(cache, tmp_path):
    zsh_tab(tmp_path, "safesm get db/", "db/dev", "db/prod")


def test_no_cache_and_unreachable_endpoint_returns_nothing_quickly(isolated_env):
    env = {**os.environ, "COMP_WORDS": "safesm get db/", "COMP_CWORD": "2",
           "_SAFESM_COMPLETE": "bash_complete"}
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "safesm"], capture_output=True, text=True,
                         env=env, timeout=30)
    assert time.monotonic() - start < 3
    assert out.stdout.strip() == "" and out.stderr == ""
    assert out.returncode == 0


def test_completing_a_name_imports_nothing_heavy(cache):
    probe = (
        "import sys, runpy\n"
        "try:\n    runpy.run_module('safesm', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "heavy = {m.split('.')[0] for m in sys.modules} & "
        "{'botocore', 'boto3', 'prompt_toolkit', 'keyring', 'pyperclip'}\n"
        "sys.stderr.write(repr(sorted(heavy)))\n"
    )
    env = {**os.environ, "COMP_WORDS": "safesm get db/", "COMP_CWORD": "2",
           "_SAFESM_COMPLETE": "bash_complete"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, timeout=30)
    assert "plain,db/prod" in out.stdout
    assert out.stderr == "[]"


def test_stale_cache_is_refreshed_in_the_background(aws, sm, isolated_env):
    sm.create_secret(Name="fresh/one", SecretString="v")
    path = namecache.cache_file(config.load({}))
    namecache.write_names(path, ["old/name"])
    old = time.time() - namecache.MAX_AGE - 10
    os.utime(path, (old, old))
    env = {**os.environ, "COMP_WORDS": "safesm get ", "COMP_CWORD": "2",
           "_SAFESM_COMPLETE": "bash_complete"}
    out = subprocess.run([sys.executable, "-m", "safesm"], capture_output=True, text=True,
                         env=env, timeout=30)
    assert out.stdout.split() == ["plain,old/"]  # answers at once from what it has
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and namecache.read_names(path) != ["fresh/one"]:
        time.sleep(0.1)
    assert namecache.read_names(path) == ["fresh/one"]


def test_profile_and_region_completion(isolated_env):
    aws_dir = isolated_env / ".aws"
    aws_dir.mkdir()
    (aws_dir / "config").write_text("[default]\n[profile prod-admin]\n[profile dev]\n")
    env = {**os.environ, "_SAFESM_COMPLETE": "bash_complete"}
    out = subprocess.run([sys.executable, "-m", "safesm"], capture_output=True, text=True,
                         env={**env, "COMP_WORDS": "safesm --profile pr", "COMP_CWORD": "2"})
    assert out.stdout.split() == ["plain,prod-admin"]
    out = subprocess.run([sys.executable, "-m", "safesm"], capture_output=True, text=True,
                         env={**env, "COMP_WORDS": "safesm --region eu-west-", "COMP_CWORD": "2"})
    assert "plain,eu-west-1" in out.stdout.split()


# file names after a path option, and `restore <TAB>` (issue 17.12) -------------------------


@pytest.fixture
def workdir(tmp_path, cache):
    """A directory holding one file whose name no other completion could produce, and a
    name cache whose scheduled-for-deletion list holds old/gone."""
    (tmp_path / "secret-key.pem").write_text("x")
    namecache.write_names(namecache.deleted_file(config.load({})), ["old/gone"])
    return tmp_path


def interactive(shell: str, workdir: Path) -> pexpect.spawn:
    env = {**shell_env(), "TERM": "xterm", "ZDOTDIR": str(workdir), "PS1": "READY> "}
    if shell == "bash":
        child = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=env, cwd=workdir,
                              dimensions=(24, 200), timeout=20, encoding="utf-8")
        child.sendline("source /usr/share/bash-completion/bash_completion; "
                       f"source {ROOT}/completions/safesm.bash; PS1='READY> '")
    else:
        child = pexpect.spawn("zsh", ["-f", "-i"], env=env, cwd=workdir,
                              dimensions=(24, 200), timeout=20, encoding="utf-8")
        child.sendline(f"{ZSH_COMPLETION}; PS1='READY> '")
    child.expect("READY> ")
    child.expect("READY> ")  # the prompt after the setup line
    return child


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@pytest.mark.parametrize("line", ["safesm put db/prod --file secr",
                                  "safesm policy apply db/prod --file secr",
                                  "safesm policy lint --file secr",
                                  "safesm history scan secr",
                                  "safesm history scrub --yes secr",
                                  "safesm put db/prod --region eu-west-1 --file secr"])
def test_tab_completes_file_names_after_path_options(workdir, shell, line):
    child = interactive(shell, workdir)
    try:
        child.send(line + "\t")
        child.expect("et-key.pem")  # the line now reads ...secret-key.pem
    finally:
        child.send("\x03")
        child.close(force=True)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_tab_after_restore_offers_secrets_scheduled_for_deletion(workdir, shell):
    child = interactive(shell, workdir)
    try:
        child.send("safesm restore ol\t")
        child.expect("d/")  # old/ — a segment, like a directory
        child.send("\t")
        child.expect("gone")
    finally:
        child.send("\x03")
        child.close(force=True)


def test_fish_completes_file_names_and_deleted_secrets(workdir):
    def fish(line: str) -> list[str]:
        cmd = f'source {ROOT}/completions/safesm.fish; complete -C "{line}"'
        out = subprocess.run(["fish", "--no-config", "-c", cmd], capture_output=True,
                             text=True, env=shell_env(), cwd=workdir, timeout=30)
        return [item.split("\t")[0] for item in out.stdout.split("\n") if item]

    assert fish("safesm put db/prod --file secr") == ["secret-key.pem"]
    assert fish("safesm policy lint --file secr") == ["secret-key.pem"]
    assert fish("safesm history scan secr") == ["secret-key.pem"]
    assert fish("safesm restore ") == ["old/"]
    assert fish("safesm get ") == ["db/", "web/"]  # live names only
    assert fish("safesm get --region eu-west-1 ") == []  # that region's cache is empty


SHELLS = {  # shell -> (argv, setup line, how to print the last exit status)
    "bash": (["bash", "--norc", "--noprofile", "-i"],
             f"source {ROOT}/completions/safesm.bash; PS1='READ''Y> '", "echo status=$?"),
    "zsh": (["zsh", "-f", "-i"],
            f"{ZSH_COMPLETION}; PS1='READ''Y> '", "echo status=$?"),
    "fish": (["fish", "--no-config"],
             f"source {ROOT}/completions/safesm.fish; function fish_prompt; "
             "echo -n 'READ''Y> '; end", "echo status=$status"),
}


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("hostile", ["evil/$(touch PWNED)", "evil/`touch PWNED`",
                                     "evil/;touch PWNED", "evil/x|touch PWNED"])
def test_a_hostile_name_is_inserted_as_text_that_never_runs(aws, sm, safesm_bin, tmp_path,
                                                            hostile, shell):
    """The whole chain: an endpoint returns a name holding shell syntax, `list` caches it,
    TAB in an interactive shell inserts it, Enter runs the line: nothing but safesm runs
    (which refuses the name, exit 2)."""
    sm.create_secret(Name=hostile, SecretString="v")
    assert subprocess.run([safesm_bin, "list"], capture_output=True, timeout=30,
                          env=shell_env()).returncode == 0
    assert namecache.read_names(namecache.cache_file(config.load({}))) == [hostile]
    work = tmp_path / "work"
    work.mkdir()
    argv, setup, status = SHELLS[shell]
    env = {**shell_env(), "TERM": "xterm", "INPUTRC": "/dev/null", "ZDOTDIR": str(tmp_path)}
    child = pexpect.spawn(argv[0], argv[1:], cwd=str(work), env=env, dimensions=(24, 200),
                          timeout=20, encoding="utf-8")
    try:
        child.sendline(setup)
        child.expect_exact("READY> ")
        child.send("safesm get evil/\t")
        if shell == "bash":  # what TAB inserted: the name, quoted as printf %q does
            quoted = subprocess.run(["bash", "-c", 'printf %q "$1"', "_", hostile],
                                    capture_output=True, text=True).stdout
            child.expect_exact(quoted)
        else:
            time.sleep(1)
        child.send("\r")
        child.expect_exact("READY> ")
        child.sendline(status)
        child.expect(r"status=(\d+)")
        assert child.match.group(1) == "2"  # safesm refused the name; nothing else ran
    finally:
        child.close(force=True)
    assert list(work.iterdir()) == []
