"""Render man/safesm.1 from the click definitions plus hand-written sections.

A small generator rather than click-man: click-man writes one page per subcommand,
and safesm wants one page (`man safesm`) that a test can compare with the checked-in
copy. Run `python -m safesm.manpage > man/safesm.1` (or `make docs`).
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .commands._common import GlobalOption
from .errors import EXIT_CODE_MEANINGS
from .mantext import SECTIONS_BEFORE
from .mantext_end import DIAGNOSTICS, SECTIONS_AFTER


def esc(text: str) -> str:
    """Escape roff specials: backslashes, hyphens (as minus) and leading dots/quotes."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = [("\\&" + ln if ln[:1] in (".", "'") else ln) for ln in text.split("\n")]
    return "\n".join(lines)


def _paragraphs(text: str) -> list[str]:
    text = text.split("\f")[0]
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


def _option(param: click.Parameter, ctx: click.Context) -> list[str]:
    if isinstance(param, GlobalOption):  # listed once, under GLOBAL OPTIONS
        return []
    record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
    if not record:
        return []
    names, help_text = record
    return [".TP", f"\\fB{esc(names)}\\fR", esc(help_text) or "\\&"]


def _command(cmd: click.Command, path: list[str], parent: click.Context) -> list[str]:
    ctx = click.Context(cmd, info_name=path[-1], parent=parent)
    usage = " ".join(cmd.collect_usage_pieces(ctx))
    out = [".SS " + esc(" ".join(path)), f"\\fB{esc(' '.join(path))}\\fR {esc(usage)}"]
    for para in _paragraphs(cmd.help or ""):
        out += [".PP", esc(para)]
    opts = [line for p in cmd.get_params(ctx) if p.name != "help" for line in _option(p, ctx)]
    if opts:
        out += [".RS", *opts, ".RE"]
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                out += _command(sub, [*path, name], ctx)
    return out


def render(cli: click.Group) -> str:
    # context_settings as a real run applies them (-h as well as --help): click caches each
    # command's help option, so a bare Context would make the page depend on what ran first
    ctx = click.Context(cli, info_name="safesm", **cli.context_settings)
    out = [
        f'.TH SAFESM 1 "" "safesm {__version__}" "User Commands"',
        ".SH NAME",
        "safesm \\- store and read AWS Secrets Manager secrets without leaking them",
        ".SH SYNOPSIS",
        "\\fBsafesm\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]...",
        *SECTIONS_BEFORE,
        ".SH GLOBAL OPTIONS",
        "They may stand before the command or after it, as with the AWS CLI:",
        "\\fBsafesm list \\-\\-region eu\\-west\\-1\\fR is "
        "\\fBsafesm \\-\\-region eu\\-west\\-1 list\\fR.",
        *[line for p in cli.get_params(ctx) for line in _option(p, ctx)],
        ".SH COMMANDS",
    ]
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        if cmd is not None and not cmd.hidden:
            out += _command(cmd, ["safesm", name], ctx)
    out += [".SH EXIT STATUS"]
    for code, text in EXIT_CODE_MEANINGS.items():
        out += [".TP", f"\\fB{int(code)}\\fR", esc(text)]
    out += DIAGNOSTICS
    out += SECTIONS_AFTER
    return "\n".join(out) + "\n"


def main() -> None:
    from .cli import cli

    sys.stdout.write(render(cli))


if __name__ == "__main__":
    main()
