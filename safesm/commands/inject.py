"""`safesm inject`: a template with {{ sm://NAME#FIELD }} references, filled in."""

from __future__ import annotations

import click

from ..errors import UsageError
from ..runtime import Runtime
from ._common import command, pass_runtime
from ._options import output_options

MAX_TEMPLATE = 16 * 1024 * 1024


@command()
@click.option("-i", "--input", "template", required=True, metavar="TEMPLATE",
              type=click.Path(dir_okay=False, allow_dash=True),
              help="The template file ('-' for stdin).")
@output_options
@pass_runtime
def inject(rt: Runtime, template: str, path: str | None, force: bool,
           to_terminal: bool) -> None:
    """Fill {{ sm://NAME#FIELD }} references in a template with secret values.

    A reference is {{ sm://NAME }} (the whole value) or {{ sm://NAME#FIELD }} (one field
    of a JSON secret); nothing else in the template is interpreted or run, and other
    {{ ... }} text is left as it is. Every reference is read in one batch; one that does
    not resolve is an error naming its line and column, and nothing is written.
    """
    from .. import hardening, outputs
    from ..ops import inject as inject_ops

    outputs.check_destination(rt.env, path, to_terminal)
    text = _read(rt, template)
    inject_ops.parse(text)  # a malformed reference stops here, before any network call
    hardening.protect_process()
    rendered = inject_ops.fill(rt.store(), text)
    outputs.deliver(rt.env, rendered.encode("utf-8", "surrogateescape"), path, force)


def _read(rt: Runtime, template: str) -> str:
    try:
        if template == "-":
            if rt.env.stdin is None:
                raise UsageError("stdin is closed, so there is no template to read.")
            data = rt.env.stdin_bytes().read(MAX_TEMPLATE + 1)
        else:
            with open(template, "rb") as fh:
                data = fh.read(MAX_TEMPLATE + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the template given to -i: {exc.strerror}.") from None
    if len(data) > MAX_TEMPLATE:
        raise UsageError("the template is larger than 16 MiB; nothing was written.")
    return data.decode("utf-8", "surrogateescape")
