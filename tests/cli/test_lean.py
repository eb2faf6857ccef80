"""The lean paths answer exactly as the full CLI: TAB candidates in bash, zsh and fish
(compared with click's own completion), and global options in the same places."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from safesm import config, lean, lean_complete, namecache
from safesm.cli import cli
from tests.agent_rig import ThreadAgent

NAMES = ["db/prod", "db/dev", "db/eu/one", "web/api", "x@y=z.1+2"]
LINES = [  # (the line up to the cursor, whether the lean path answers it)
    ("safesm get ", True), ("safesm get db/", True), ("safesm get d", True),
    ("safesm get db/prod db/", True), ("safesm get nothing", True),
    ("safesm describe ", True), ("safesm versions we", True), ("safesm delete db/", True),
    ("safesm restore db/e", False), ("safesm put db/", True), ("safesm get x@", True),
    ("safesm --profile other get db/", True), ("safesm --region us-east-1 -q get db/", True),
    ("safesm --profile=other --debug versions ", True),
    ("safesm de", False), ("safesm get --f", False), ("safesm policy show db/", False),
    ("safesm describe db/prod ", False), ("safesm get --field ", False),
    ("safesm --profile ", False), ("safesm get 'db/", False), ("safesm ", False),
    ("safesm list --prefix db/", False), ("safesm get db/prod --print db/", False),
]


def comp_env(shell: str, line: str) -> dict[str, str]:
    words = line.split()
    current = "" if line.endswith(" ") else words[-1]
    if shell == "fish":
        return {"_SAFESM_COMPLETE": "fish_complete", "COMP_WORDS": line, "COMP_CWORD": current}
    cword = len(words) if line.endswith(" ") else len(words) - 1
    return {"_SAFESM_COMPLETE": f"{shell}_complete", "COMP_WORDS": line,
            "COMP_CWORD": str(cword)}


def clicks_answer(env: dict[str, str]) -> str:
    return CliRunner().invoke(cli, [], env=env, prog_name="safesm").output


@pytest.fixture
def caches(aws):
    for flags in ({}, {"profile": "other"}):
        namecache.write_names(namecache.cache_file(config.load(flags)), NAMES)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize(("line", "lean_answers"), LINES, ids=[ln for ln, _ in LINES])
def test_tab_candidates_are_clicks(caches, shell, line, lean_answers):
    env = comp_env(shell, line)
    mine = lean_complete.answer({**os.environ, **env})
    assert (mine is not None) == lean_answers
    if mine is not None:
        assert mine == clicks_answer(env)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_tab_candidates_from_a_running_agent_are_clicks(sm, shell):
    """No name cache file was written: the names can only come from the agent."""
    for name in ("agent/one", "agent/two", "agent/deep/three"):
        sm.create_secret(Name=name, SecretString="v")
    agent = ThreadAgent()
    try:
        for line in ("safesm get agent/", "safesm get ", "safesm describe agent/t"):
            env = comp_env(shell, line)
            mine = lean_complete.answer({**os.environ, **env})
            assert mine is not None and "agent/" in mine
            assert mine == clicks_answer(env)
    finally:
        agent.stop()


def test_settings_that_need_checking_are_clicks(caches, monkeypatch, isolated_env):
    env = comp_env("bash", "safesm get db/")
    monkeypatch.setenv("SAFESM_READ_TIMEOUT", "never")  # the CLI refuses: no candidates
    assert lean_complete.answer({**os.environ, **env}) is None
    assert clicks_answer(env).strip() == ""
    monkeypatch.delenv("SAFESM_READ_TIMEOUT")
    conf = isolated_env / ".config" / "safesm"
    conf.mkdir(parents=True)
    (conf / "config.toml").write_text('profile = "other"\n')
    assert lean_complete.answer({**os.environ, **env}) == clicks_answer(env) != "\n"
    (conf / "config.toml").write_text("profile = \n")  # broken TOML
    assert lean_complete.answer({**os.environ, **env}) is None


def test_global_options_after_the_command_agree_with_the_cli(run, sm):
    """lean.GLOBALS_AFTER_COMMAND must say what the CLI does: when `safesm get NAME
    --profile P` starts to work in the CLI, flip it (and this test tells you to)."""
    sm.create_secret(Name="a", SecretString="v")
    r = run("get", "a", "--profile", "default")
    assert (r.exit_code == 0) == lean.GLOBALS_AFTER_COMMAND, (r.exit_code, r.stderr)
    assert (lean.parse_get(["get", "a", "--profile", "default"]) is not None) == \
        lean.GLOBALS_AFTER_COMMAND
