"""`safesm generate`: a new password by GetRandomPassword's rules, made locally with the
`secrets` module, out through the same door as `get` (clipboard on a terminal, exact bytes
to a pipe). `put NAME --generate` stores one without showing it."""

from __future__ import annotations

from typing import Any

import click

from ..errors import UsageError
from ..runtime import Runtime
from ._common import command, pass_runtime, write_value
from ._options import password_options, password_rules


@command()
@password_options
@click.option("--print", "to_terminal", is_flag=True,
              help="Write the password to stdout even when stdout is a terminal.")
@click.option("--clip", "to_clipboard", is_flag=True,
              help="Copy it to the clipboard even when stdout is not a terminal.")
@click.option("--osc52", is_flag=True, help="Copy through the terminal (OSC 52); implies --clip.")
@click.option("--clip-timeout", type=click.IntRange(min=0), metavar="SECONDS",
              help="Restore the clipboard after SECONDS (default 45); 0 never clears.")
@pass_runtime
def generate(rt: Runtime, /, to_terminal: bool, to_clipboard: bool, osc52: bool,
             clip_timeout: int | None, **password: Any) -> None:
    """Generate a password (GetRandomPassword's rules, made locally); clipboard or pipe.

    Length 32 with lower- and upper-case letters, digits and punctuation, at least one of
    each, by default. No AWS call is made. Store one with `safesm put NAME --generate`.
    """
    from .. import hardening
    from ..ops.generate import generate as make

    rules = password_rules(password)
    clip = to_clipboard or osc52
    if to_terminal and clip:
        raise UsageError("--print and --clip/--osc52 cannot be combined.")
    if rt.env.stdout is None and not clip:
        raise UsageError("stdout is closed, so the password has nowhere to go.")
    hardening.protect_process()
    if clip or (rt.env.stdout_isatty and not to_terminal):
        from .. import clipboard

        target = clipboard.choose_target(osc52, "the new password")  # exit 9 first
        timeout = rt.settings.clip_timeout if clip_timeout is None else clip_timeout
        clipboard.copy(rt.hold(make(rules)), target, timeout)
        rt.notice(clipboard.notice_text("a new password", timeout,
                                        isinstance(target, clipboard.Osc52)))
        return
    write_value(rt, rt.hold(make(rules)), "the new password")
