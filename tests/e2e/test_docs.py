"""The installed safesm prints the checked-in completion scripts, and the man page renders
with groff and man (that they are current: tests/unit/test_docs.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest

from safesm.cli import cli

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FILES = {"bash": "safesm.bash", "zsh": "_safesm", "fish": "safesm.fish"}


@pytest.mark.parametrize("shell", sorted(FILES))
def test_installed_safesm_prints_the_checked_in_completion(shell, safesm_bin):
    checked_in = (ROOT / "completions" / FILES[shell]).read_text()
    printed = subprocess.run([safesm_bin, "completion", shell], capture_output=True,
                             text=True, check=True).stdout
    assert printed == checked_in


def test_man_page_renders_without_warnings():
    page = ROOT / "man" / "safesm.1"
    out = subprocess.run(["groff", "-man", "-ww", "-z", str(page)], capture_output=True,
                         text=True)
    assert out.returncode == 0 and out.stderr == ""
    shown = subprocess.run(["man", "-l", str(page)], capture_output=True, text=True,
                           env={"MANWIDTH": "100", "PATH": "/usr/bin:/bin"})
    assert shown.returncode == 0
    assert "EXIT STATUS" in shown.stdout


def _walk(cmd: click.Command, ctx: click.Context, path: list[str]):
    yield path, cmd, ctx
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            yield from _walk(sub, click.Context(sub, info_name=name, parent=ctx), [*path, name])


def test_every_command_and_option_is_in_the_man_page():
    page = subprocess.run(["man", "-l", str(ROOT / "man" / "safesm.1")], capture_output=True,
                          text=True, env={"MANWIDTH": "200", "PATH": "/usr/bin:/bin"}).stdout
    root = click.Context(cli, info_name="safesm")
    for path, cmd, ctx in _walk(cli, root, ["safesm"]):
        assert " ".join(path) in page
        for param in cmd.get_params(ctx):
            for opt in getattr(param, "opts", []):
                if opt.startswith("-") and param.name != "help":
                    assert opt in page, f"{' '.join(path)} {opt} missing from the man page"

