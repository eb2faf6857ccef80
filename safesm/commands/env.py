"""`safesm env`: secrets as variables, for a .env file, a shell, JSON or GitHub Actions."""

from __future__ import annotations

import click

from ..errors import UsageError
from ..runtime import Runtime
from ._common import command, pass_runtime
from ._options import output_options, source_options, sources_of

FORMATS = ("dotenv", "shell", "json", "github-actions")


@command("env")
@source_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="dotenv",
              show_default=True, help="How to write the variables.")
@output_options
@pass_runtime
def env_cmd(rt: Runtime, mappings: tuple[str, ...], froms: tuple[str, ...],
            prefixes: tuple[str, ...], override: bool, fmt: str, path: str | None,
            force: bool, to_terminal: bool) -> None:
    """Write secrets as variables: dotenv, shell, JSON or GitHub Actions.

    The same sources as `exec`. dotenv writes NAME="..." with backslash escapes (read it
    with interpolation off); shell writes export NAME='...' for `source`; json one
    object; github-actions the $GITHUB_ENV heredoc form on stdout, after ::add-mask::
    commands for every line of every value on stderr (append it: `>> "$GITHUB_ENV"`).
    Values never go to a terminal without --print.
    """
    from .. import hardening, outputs
    from ..ops import formats
    from ..ops import sources as sources_ops

    sources = sources_of(mappings, froms, prefixes)
    outputs.check_destination(rt.env, path, to_terminal)
    if fmt == "github-actions":
        _check_stderr(rt, to_terminal)
    hardening.protect_process()
    chosen = sources_ops.resolve(sources_ops.gather(rt.store(), sources), (), override)
    sources_ops.check_environment_values(chosen)
    for var in chosen:
        rt.hold(var.value)
    rendered = formats.render(fmt, [(v.name, v.value.reveal_text()) for v in chosen])
    if rendered.commands and rt.env.stderr is not None:
        rt.env.stderr.write(rendered.commands)
        rt.env.stderr.flush()
    outputs.deliver(rt.env, rendered.body.encode("utf-8"), path, force)
    if path is not None:
        rt.notice(f"Wrote {len(chosen)} variable(s) to the -o file (mode 0600).")


def _check_stderr(rt: Runtime, to_terminal: bool) -> None:
    """github-actions writes ::add-mask:: commands, which carry the values, on stderr."""
    if rt.env.stderr is None:
        raise UsageError("--format github-actions writes ::add-mask:: commands on stderr, "
                         "which is closed; nothing was read.")
    if rt.env.stderr_isatty and not to_terminal:
        raise UsageError("refused: --format github-actions writes ::add-mask:: commands "
                         "(which carry the values) on stderr, and stderr is a terminal; "
                         "nothing was read.", "Run it in a workflow, or pass --print.")
