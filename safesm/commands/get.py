"""`safesm get`: a value to a pipe or file; on a terminal, to the clipboard (cleared later)."""

from __future__ import annotations

import click

from .. import values
from ..errors import UsageError
from ..runtime import Runtime
from ._common import command, names_argument, pass_runtime, validated, write_value

VERSION_ID_FORM = "a version id (32 to 64 characters, as `safesm versions NAME` lists them)"


def _check_many(rt: Runtime, count: int, version: bool, clip: bool, to_terminal: bool) -> None:
    if version:
        raise UsageError("--version-id and --version-stage take a single NAME.")
    if clip or (rt.env.stdout_isatty and not to_terminal):
        raise UsageError(f"{count} values cannot share the clipboard or the screen.",
                         "Pipe them (they come out as one JSON object), or pass --print.")


@command()
@names_argument
@click.option("--field", metavar="KEY", help="Output one key of a JSON secret.")
@click.option("--version-id", metavar="ID", help="Read this version instead of AWSCURRENT.",
              callback=validated(values.is_version_id, VERSION_ID_FORM))
@click.option("--version-stage", metavar="STAGE", help="Read the version with this stage label.",
              callback=validated(values.is_stage_label, "a stage label (1 to 256 characters)"))
@click.option("--print", "to_terminal", is_flag=True,
              help="Write the value to stdout even when stdout is a terminal.")
@click.option("--clip", "to_clipboard", is_flag=True,
              help="Copy the value to the clipboard even when stdout is not a terminal.")
@click.option("--osc52", is_flag=True,
              help="Copy through the terminal with the OSC 52 escape (e.g. over SSH; the "
                   "terminal stream may be recorded); implies --clip. Never automatic.")
@click.option("--clip-timeout", type=click.IntRange(min=0), metavar="SECONDS",
              help="Restore the clipboard after SECONDS (default 45, SAFESM_CLIP_TIME, "
                   "config clip_timeout); 0 never clears.")
@pass_runtime
def get(rt: Runtime, names: tuple[str, ...], field: str | None, version_id: str | None,
        version_stage: str | None, to_terminal: bool, to_clipboard: bool, osc52: bool,
        clip_timeout: int | None) -> None:
    """Copy the value of secret NAME to the clipboard, or write it to a pipe or file.

    On a terminal the value goes to the clipboard and is cleared after a timeout;
    to a pipe or file it is written exactly as stored, no newline added. Several
    NAMEs are read in one batch and written as one JSON object {"NAME": "value"}.
    """
    from .. import hardening
    from ..ops import read

    clip = to_clipboard or osc52
    if to_terminal and clip:
        raise UsageError("--print and --clip/--osc52 cannot be combined.")
    if rt.env.stdout is None and not clip:
        raise UsageError("stdout is closed, so the value has nowhere to go; nothing was read.")
    if len(names) > 1:
        _check_many(rt, len(names), bool(version_id or version_stage), clip, to_terminal)
        hardening.protect_process()
        return write_value(rt, read.read_many_json(rt.store(), names, field), "the values")
    if clip or (rt.env.stdout_isatty and not to_terminal):
        timeout = rt.settings.clip_timeout if clip_timeout is None else clip_timeout
        return _to_clipboard(rt, names[0], field, version_id, version_stage, osc52, timeout)
    hardening.protect_process()
    label = f"the {field} field of {names[0]}" if field else f"the value of {names[0]}"
    write_value(rt, read.read_one(rt.store(), names[0], field, version_id, version_stage),
                label)


def _to_clipboard(rt: Runtime, name: str, field: str | None, version_id: str | None,
                  version_stage: str | None, osc52: bool, timeout: int) -> None:
    """The clipboard path; its module is imported only here, so a piped get stays lean."""
    from .. import clipboard, hardening
    from ..ops import read

    target = clipboard.choose_target(osc52, name)  # exit 9 before any network call
    hardening.protect_process()
    value = read.read_one(rt.store(), name, field, version_id, version_stage)
    clipboard.copy(value, target, timeout)
    label = f"the {field} field of {name}" if field else name
    rt.notice(clipboard.notice_text(label, timeout, isinstance(target, clipboard.Osc52)))
