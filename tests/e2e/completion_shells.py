"""What the TAB-completion tests share: the cached names, the shells' environment, and a
real zsh that loads safesm's completion and shows what one TAB offers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from safesm import config, namecache

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["db/prod", "db/dev", "db/eu/one", "web/api"]
ZSH_COMPLETION = f"fpath=({ROOT}/completions $fpath); autoload -U compinit; compinit -u -D"


@pytest.fixture
def cache(isolated_env):
    namecache.write_names(namecache.cache_file(config.load({})), NAMES)


def shell_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            **extra}


def zsh_tab(zdotdir: Path, typed: str, *offered: str) -> None:
    """Type ``typed`` and TAB in an interactive zsh; each of ``offered`` must show, in order."""
    env = shell_env(TERM="xterm", ZDOTDIR=str(zdotdir))
    child = pexpect.spawn("zsh", ["-f", "-i"], env=env, dimensions=(24, 120), timeout=20,
                          encoding="utf-8")
    try:
        child.sendline(f"{ZSH_COMPLETION}; PS1='READY> '")
        child.expect("READY> ")
        child.send(typed + "\t")
        for text in offered:
            child.expect(text)
        child.send("\x03")
        child.sendline("exit")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
