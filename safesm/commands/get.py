"""`safesm get`: a value to a pipe or file; on a terminal, to the clipboard (cleared later)."""

from __future__ import annotations

import sys

import click

from ..config import Settings
from ..errors import InvalidValueError, UsageError
from ..values import SecretValue, extract_field
from ._common import names_argument, notice, stdout_is_tty, store


def write_value(value: SecretValue) -> None:
    """The exact bytes, no newline added: `$(safesm get x)` and `| psql` see the value."""
    out = sys.stdout.buffer
    out.write(value.reveal())
    out.flush()


def get_many(settings: Settings, names: tuple[str, ...], field: str | None) -> None:
    """Several secrets in one BatchGetSecretValue sweep, as one JSON object on a pipe."""
    import json

    from .. import hardening

    hardening.protect_process()
    values = [_held(v, field) for v in store(settings).get_values(list(names))]
    out: dict[str, str] = {}
    for position, (name, value) in enumerate(zip(names, values, strict=True), start=1):
        if value.binary:
            raise InvalidValueError(f"secret #{position} on the command line is binary and "
                                    "cannot go into a JSON object.", "Get it on its own.")
        out[name] = value.reveal_text()
    write_value(SecretValue(json.dumps(out, ensure_ascii=False).encode("utf-8")))


def _check_many(names: tuple[str, ...], version: bool, clip: bool, to_terminal: bool) -> None:
    if version:
        raise UsageError("--version-id and --version-stage take a single NAME.")
    if clip or (stdout_is_tty() and not to_terminal):
        raise UsageError(f"{len(names)} values cannot share the clipboard or the screen.",
                         "Pipe them (they come out as one JSON object), or pass --print.")


@click.command()
@names_argument
@click.option("--field", metavar="KEY", help="Output one key of a JSON secret.")
@click.option("--version-id", metavar="ID", help="Read this version instead of AWSCURRENT.")
@click.option("--version-stage", metavar="STAGE", help="Read the version with this stage label.")
@click.option("--print", "to_terminal", is_flag=True,
              help="Write the value to stdout even when stdout is a terminal.")
@click.option("--clip", "to_clipboard", is_flag=True,
              help="Copy the value to the clipboard even when stdout is not a terminal.")
@click.option("--osc52", is_flag=True,
              help="Copy through the terminal with the OSC 52 escape (e.g. over SSH); "
                   "implies --clip.")
@click.option("--clip-timeout", type=click.IntRange(min=0), metavar="SECONDS",
              help="Restore the clipboard after SECONDS (default 45, SAFESM_CLIP_TIME, "
                   "config clip_timeout); 0 never clears.")
@click.pass_obj
def get(settings: Settings, names: tuple[str, ...], field: str | None, version_id: str | None,
        version_stage: str | None, to_terminal: bool, to_clipboard: bool, osc52: bool,
        clip_timeout: int | None) -> None:
    """Copy the value of secret NAME to the clipboard, or write it to a pipe or file.

    On a terminal the value goes to the clipboard and is cleared after a timeout;
    to a pipe or file it is written exactly as stored, no newline added. Several
    NAMEs are read in one batch and written as one JSON object {"NAME": "value"}.
    """
    if to_terminal and (to_clipboard or osc52):
        raise UsageError("--print and --clip/--osc52 cannot be combined.")
    if sys.stdout is None and not (to_clipboard or osc52):
        raise UsageError("stdout is closed, so the value has nowhere to go; nothing was read.")
    if len(names) > 1:
        _check_many(names, bool(version_id or version_stage), to_clipboard or osc52, to_terminal)
        return get_many(settings, names, field)
    name = names[0]
    if to_clipboard or osc52 or (stdout_is_tty() and not to_terminal):
        timeout = settings.clip_timeout if clip_timeout is None else clip_timeout
        return get_to_clipboard(settings, name, field, version_id, version_stage, osc52, timeout)
    write_value(read_one(settings, name, field, version_id, version_stage))


def read_one(settings: Settings, name: str, field: str | None, version_id: str | None,
             version_stage: str | None) -> SecretValue:
    from .. import hardening

    hardening.protect_process()
    return _held(store(settings).get_value(name, version_id, version_stage), field)


def _held(value: SecretValue, field: str | None) -> SecretValue:
    """Register the value (and the field taken from it) with the log filter."""
    from .. import hardening

    hardening.remember(value)
    return hardening.remember(extract_field(value, field)) if field else value


def get_to_clipboard(settings: Settings, name: str, field: str | None, version_id: str | None,
                     version_stage: str | None, osc52: bool, timeout: int) -> None:
    """The clipboard path; its module is imported only here, so a piped get stays lean."""
    from .. import clipboard

    target = clipboard.choose_target(osc52, name)  # exit 9 before any network call
    value = read_one(settings, name, field, version_id, version_stage)
    clipboard.copy(value, target, timeout)
    label = f"the {field} field of {name}" if field else name
    notice(settings, clipboard.notice_text(label, timeout, isinstance(target, clipboard.Osc52)))
