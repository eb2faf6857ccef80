"""The command table that lets `safesm --help` skip importing command modules."""

from __future__ import annotations

import click
from click.testing import CliRunner

from safesm.cli import COMMANDS, cli


def test_table_help_matches_each_command():
    ctx = click.Context(cli, info_name="safesm")
    for name, (_, summary) in COMMANDS.items():
        cmd = cli.get_command(ctx, name)
        assert cmd is not None, name
        assert summary == cmd.get_short_help_str(limit=1000), name


def test_help_lists_every_command():
    out = CliRunner().invoke(cli, ["--help"]).stdout
    for name in COMMANDS:
        assert f"  {name} " in out
