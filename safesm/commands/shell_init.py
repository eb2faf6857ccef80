"""`safesm shell-init SHELL`: the rc-file snippet that keeps secrets out of shell history."""

from __future__ import annotations

import click

from ..history import SHELLS
from ..history.shell_init import snippet
from ._common import command


@command("shell-init")
@click.argument("shell", type=click.Choice(SHELLS), metavar="bash|zsh|fish")
def shell_init(shell: str) -> None:
    """Print shell code that keeps commands carrying secrets out of history.

    Add `eval "$(safesm shell-init bash)"` to ~/.bashrc (zsh: ~/.zshrc), or
    `safesm shell-init fish | source` to ~/.config/fish/config.fish. It deletes a risky
    entry from PROMPT_COMMAND and on exit (bash), adds a zshaddhistory hook (zsh) or keeps
    risky commands private on every key that runs the line (fish); your own settings and
    hooks keep working.
    """
    click.echo(snippet(shell), nl=False)
