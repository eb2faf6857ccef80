"""`safesm completion SHELL`: print the completion script that completions/ holds."""

from __future__ import annotations

import click

from ..complete import SHELLS
from ._common import command


@command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the TAB-completion script for SHELL (bash, zsh or fish).

    bash: eval "$(safesm completion bash)" in ~/.bashrc; zsh: save it as _safesm in a
    directory on $fpath; fish: save it as ~/.config/fish/completions/safesm.fish.
    """
    from ..complete import script

    click.echo(script(ctx.find_root().command, shell), nl=False)
