"""The checked-in man page and completion scripts are what the code generates now."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import pytest

from safesm.cli import cli
from safesm.complete import script
from safesm.manpage import render

ROOT = Path(__file__).resolve().parents[2]
FILES = {"bash": "safesm.bash", "zsh": "_safesm", "fish": "safesm.fish"}


@pytest.mark.parametrize("shell", sorted(FILES))
def test_completion_scripts_are_current(shell, safesm_bin):
    checked_in = (ROOT / "completions" / FILES[shell]).read_text()
    assert checked_in == script(cli, shell), "run `make docs`"
    printed = subprocess.run([safesm_bin, "completion", shell], capture_output=True,
                             text=True, check=True).stdout
    assert printed == checked_in


def test_man_page_is_current():
    assert (ROOT / "man" / "safesm.1").read_text() == render(cli), "run `make docs`"


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


def test_hand_written_sections_are_there():
    text = (ROOT / "man" / "safesm.1").read_text()
    for section in ("DESCRIPTION", "VALUE INPUT", "VALUE OUTPUT", "CLIPBOARD", "POLICIES",
                    "HISTORY", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
        assert f".SH {section}" in text
