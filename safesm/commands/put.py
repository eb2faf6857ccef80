"""`safesm put`: create or update a secret from a prompt, a file or stdin — never argv."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .. import hardening, namecache, render
from ..errors import UsageError
from ..inputs import Source, prompts, read_value
from ..models import Metadata
from ..ops import policy as policy_ops
from ..ops import put as put_ops
from ..ops.put import Prepared, PutOutcome, PutRequest, refuse_access_flags
from ..policy import AllowLists
from ..runtime import Runtime
from ..values import SecretValue, parse_tag

if TYPE_CHECKING:
    from ..aws.store import SecretStore

from ._common import command, confirmer, echo, file_option, new_name_argument, pass_runtime


@command()
@new_name_argument
@file_option("--file", "path",
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
@pass_runtime
def put(rt: Runtime, name: str, path: str | None, keep_newline: bool, multiline: bool,
        binary: bool, field: str | None, description: str | None, kms_key: str | None,
        tags: tuple[str, ...], readers: tuple[str, ...], writers: tuple[str, ...],
        no_default_policy: bool, force: bool, as_json: bool) -> None:
    """Create or update secret NAME.

    The value comes from --file, from stdin when it is not a terminal (one trailing
    newline removed unless --keep-newline), or else from a hidden prompt asked twice.
    It is never taken from the command line.
    """
    meta = Metadata(description, kms_key, tuple(parse_tag(t) for t in tags))
    req = PutRequest(name, meta, _access(rt, readers, writers, no_default_policy),
                     bool(readers or writers), force, field)
    if field and req.principals_given:
        raise refuse_access_flags(name)
    hardening.protect_process()
    source = Source(path, keep_newline, multiline, binary, f"{field} in {name}" if field else None)
    store, prepared, value = _prepare_and_read(rt, req, source)
    outcome = put_ops.write(store, prepared, value,
                            confirmer(rt, "--force", "nothing was written"))
    namecache.update(rt.settings, add=[name])
    _report(rt, outcome, as_json)


def _prepare_and_read(rt: Runtime, req: PutRequest,
                      source: Source) -> tuple[SecretStore, Prepared, SecretValue]:
    """A terminal is asked about overwriting before the value is typed (like `pass
    insert`); a pipe or file is read and checked before any network call."""
    asks = prompts(rt.env, source)
    early = None if asks else _read(rt, req.name, source)
    store = rt.store()
    prepared = put_ops.prepare(store, req, before_value=asks)
    put_ops.confirm_overwrite(prepared, confirmer(rt, "--force", "nothing was written"))
    return store, prepared, early if early is not None else _read(rt, req.name, source)


def _read(rt: Runtime, name: str, source: Source) -> SecretValue:
    return rt.hold(read_value(rt.env, name, source, rt.warn))


def _report(rt: Runtime, outcome: PutOutcome, as_json: bool) -> None:
    if outcome.unprotected:
        rt.warn("created without a resource policy (--no-default-policy): anyone your IAM "
                "policies allow can read and change this secret.")
    if outcome.plan is not None and outcome.plan.warnings:
        rt.env.say(render.findings(list(outcome.plan.warnings)))
    if as_json:
        echo(rt, render.to_json(outcome.result))
    rt.notice(render.write_summary(outcome.result))
    if outcome.plan is not None:
        rt.notice(render.default_policy_notice(outcome.result.name, outcome.plan.lists))


def _access(rt: Runtime, readers: tuple[str, ...], writers: tuple[str, ...],
            no_default_policy: bool) -> AllowLists | None:
    """Who else may read/write a new secret (flags and config), checked before any call."""
    if no_default_policy:
        if readers or writers:
            raise UsageError("--reader/--writer shape the default policy; they can't be used "
                             "with --no-default-policy.")
        return None
    return policy_ops.requested_access(rt.settings.extra, rt.settings.config_file,
                                       readers, writers)
