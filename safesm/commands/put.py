"""`safesm put`: create or update a secret from a prompt, a file or stdin — never argv."""

from __future__ import annotations

import os
import stat
import sys
from typing import Any, BinaryIO

import click

from .. import hardening, namecache, render
from ..config import Settings
from ..errors import ConflictError, NotFoundError, UsageError
from ..values import (
    MAX_VALUE_BYTES,
    SecretValue,
    check_value,
    has_field,
    parse_tag,
    set_field,
    strip_one_newline,
)
from ._common import new_name_argument, notice, stdin_is_tty, store, warn


def _read_bounded(stream: BinaryIO) -> bytes:
    """Read to EOF but stop just past the size limit, so `yes | safesm put` ends."""
    chunks, total = [], 0
    while total <= MAX_VALUE_BYTES + 2:
        chunk = stream.read(MAX_VALUE_BYTES + 3 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if stat.S_ISREG(mode) and mode & (stat.S_IRGRP | stat.S_IROTH):
                warn(f"{path} is readable by group or others; consider `chmod 600 {path}`.")
            return _read_bounded(fh)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}.") from None


def read_value(name: str, path: str | None, keep_newline: bool, multiline: bool,
               binary: bool) -> SecretValue:
    """DESIGN.md's input rules: --file exact, piped stdin minus one newline, else a prompt."""
    if path and path != "-":
        return check_value(_read_file(path), binary)
    if sys.stdin is None:
        raise UsageError("stdin is closed, so there is no value to read; nothing was written.")
    if path == "-":
        if stdin_is_tty():  # typed text would echo on the screen and stay in scrollback
            raise UsageError("--file - reads a pipe, and stdin is a terminal: typing there "
                             "would show the value; nothing was written.",
                             "Leave out --file - to get the hidden prompt.")
        return check_value(_read_bounded(sys.stdin.buffer), binary)
    if not stdin_is_tty():
        data = _read_bounded(sys.stdin.buffer)
        return check_value(data if keep_newline else strip_one_newline(data), binary)
    from ..prompt import ask_value

    return ask_value(name, multiline=multiline, binary=binary)


def confirm_overwrite(what: str, force: bool) -> None:
    """A terminal is asked; a script must have said --force."""
    if force:
        return
    if stdin_is_tty():
        from ..prompt import confirm

        if confirm(f"{what} already exists. Overwrite it?"):
            return
        raise ConflictError(f"{what} was left as it was; nothing was written.")
    raise ConflictError(f"{what} already exists; nothing was written.",
                        "Pass --force to overwrite it from a script.")


@click.command()
@new_name_argument
@click.option("--file", "path", metavar="PATH",
              help="Read the value from PATH, exact bytes ('-' for stdin, exact).")
@click.option("--keep-newline", is_flag=True,
              help="Keep the trailing newline of piped stdin.")
@click.option("--multiline", is_flag=True, help="Prompt for a multi-line value (PEM, JSON).")
@click.option("--binary", is_flag=True, help="Store the bytes as SecretBinary.")
@click.option("--key", "field", metavar="FIELD",
              help="Set one field of an existing JSON secret, keeping the others.")
@click.option("--description", metavar="TEXT", help="The secret's description.")
@click.option("--kms-key", metavar="KEY", help="KMS key id, ARN or alias to encrypt with.")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE", help="A tag (repeatable).")
@click.option("--reader", "readers", multiple=True, metavar="ARN",
              help="A new secret: also let ARN read it (repeatable).")
@click.option("--writer", "writers", multiple=True, metavar="ARN",
              help="A new secret: also let ARN write it (repeatable).")
@click.option("--no-default-policy", is_flag=True,
              help="A new secret: no least-privilege resource policy (warns).")
@click.option("-f", "--force", is_flag=True, help="Overwrite an existing secret or field.")
@click.option("--json", "as_json", is_flag=True, help="Print the new version's metadata.")
@click.pass_obj
def put(settings: Settings, name: str, path: str | None, keep_newline: bool, multiline: bool,
        binary: bool, field: str | None, description: str | None, kms_key: str | None,
        tags: tuple[str, ...], readers: tuple[str, ...], writers: tuple[str, ...],
        no_default_policy: bool, force: bool, as_json: bool) -> None:
    """Create or update secret NAME.

    The value comes from --file, from stdin when it is not a terminal (one trailing
    newline removed unless --keep-newline), or else from a hidden prompt asked twice.
    It is never taken from the command line.
    """
    parsed_tags = [parse_tag(t) for t in tags]
    access = _requested_access(settings, readers, writers, no_default_policy)
    plan = None  # the default policy, for a secret this command creates
    hardening.protect_process()
    value = hardening.remember(read_value(name, path, keep_newline, multiline, binary))
    secrets = store(settings)
    metadata = (description, kms_key, parsed_tags)
    if field:
        _refuse_access_flags(name, readers, writers)
        secrets.update_metadata(name, *metadata)  # first: a new --kms-key encrypts the value
        result = _put_field(secrets, name, field, value, force)
    else:
        result, plan = _put_whole(secrets, name, value, metadata, access, force,
                                  readers + writers)
    namecache.update(settings, add=[name])
    if as_json:
        click.echo(render.to_json(result))
    notice(settings, render.write_summary(result))
    if plan is not None:  # after "Created …": a failure here must not read as "nothing written"
        from .policy import attach_default

        attach_default(secrets, settings, result.name, plan)


def _put_whole(secrets: Any, name: str, value: SecretValue, metadata: tuple, access: Any,
               force: bool, principals: tuple[str, ...]) -> tuple[Any, Any]:
    """Create NAME (returning the default policy still to attach) or overwrite it."""
    if force and not (principals or _has_metadata(metadata)):
        result = _update_if_exists(secrets, name, value)
        if result is not None:
            return result, None
    existing = secrets.find(name)
    if existing is None:
        plan = _plan_policy(secrets, access, metadata[1])
        return secrets.create(name, value, *metadata), plan
    if principals:
        _refuse_access_flags(name, principals, ())
    if existing.deleted_date:
        raise ConflictError(f"secret {name!r} is scheduled for deletion; nothing was "
                            "written.", f"Run `safesm restore {name}` first.")
    confirm_overwrite(f"secret {name!r}", force)
    secrets.update_metadata(name, *metadata)  # first: a new --kms-key encrypts the value
    return secrets.put_value(name, value), None


def _has_metadata(metadata: tuple) -> bool:
    description, kms_key, tags = metadata
    return description is not None or bool(kms_key) or bool(tags)


def _update_if_exists(secrets: Any, name: str, value: SecretValue) -> Any:
    """`put --force` without metadata: one PutSecretValue, no DescribeSecret first (the
    common scripted rotation). None when the secret does not exist, so the caller creates it
    with the default policy; a secret scheduled for deletion is refused by the service."""
    try:
        return secrets.put_value(name, value)
    except NotFoundError:
        return None


FIELD_ATTEMPTS = 10  # each lost race means another writer won: enough for 8 at once


def _put_field(secrets: Any, name: str, field: str, value: SecretValue, force: bool) -> Any:
    """Set one field without losing another writer's change: read the current version,
    apply the field on top, and make the result current only if the version read still
    is (a compare-and-swap, see SecretStore.put_value_if_current); otherwise re-read and
    re-apply on top of their value. Bounded: then exit 5 with their value left current."""
    import random
    import time

    confirmed = force
    for attempt in range(FIELD_ATTEMPTS):
        if attempt:
            time.sleep(random.uniform(0, 0.05 * attempt))  # let the winner's readers settle
        current = secrets.get_versioned(name)
        hardening.remember(current.value)
        if not confirmed and has_field(current.value, field):
            confirm_overwrite(f"field {field!r} of {name}", force)
            confirmed = True
        merged = hardening.remember(set_field(current.value, field, value))
        result = secrets.put_value_if_current(name, merged, current.version_id)
        if result is not None:
            return result
    raise ConflictError(f"secret {name!r} changed concurrently {FIELD_ATTEMPTS} times while "
                        f"field {field!r} was being set; this command left the current value "
                        "as it was.",
                        "Another writer's value is current: try again when it is quiet.")


def _requested_access(settings: Settings, readers: tuple[str, ...], writers: tuple[str, ...],
                      no_default_policy: bool) -> Any:
    """Who else may read/write a new secret (flags and config), checked before any call."""
    if no_default_policy:
        if readers or writers:
            raise UsageError("--reader/--writer shape the default policy; they can't be used "
                             "with --no-default-policy.")
        return None
    from .policy import requested_access

    return requested_access(settings, readers, writers)


def _plan_policy(secrets: Any, access: Any, kms_key: str | None) -> Any:
    """The default policy for a secret about to be created (None: opted out, with a warning)."""
    if access is None:
        warn("creating without a resource policy (--no-default-policy): anyone your IAM "
             "policies allow can read and change this secret.")
        return None
    from .policy import plan_default

    return plan_default(secrets, access, kms_key)


def _refuse_access_flags(name: str, readers: tuple[str, ...], writers: tuple[str, ...]) -> None:
    if readers or writers:
        raise UsageError(f"--reader/--writer set who can use a new secret, and {name!r} "
                         "exists; nothing was written.",
                         f"Use `safesm policy grant {name} --read ARN` (or --write).")
