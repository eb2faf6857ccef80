"""`safesm put`: create or update a secret from a prompt, a file or stdin — never argv."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

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
from ._common import (
    command,
    complete_regions,
    confirmer,
    echo,
    file_option,
    new_name_argument,
    pass_runtime,
)
from ._options import password_options, password_options_given, password_rules

if TYPE_CHECKING:
    from ..aws.store import SecretStore
    from ..ops.generate import PasswordRules


@command()
@new_name_argument
@file_option("--file", "path",
             help="Read the value from PATH, exact bytes ('-' for stdin, exact).")
@click.option("--keep-newline", is_flag=True,
              help="Keep the trailing newline of piped stdin.")
@click.option("--multiline", is_flag=True, help="Prompt for a multi-line value (PEM, JSON).")
@click.option("--binary", is_flag=True,
              help="Store the bytes as SecretBinary (piped stdin is then taken exactly).")
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
@click.option("--generate", is_flag=True,
              help="Store a new generated password instead of reading a value (never shown).")
@password_options
@click.option("--replicate-to", "replicate_to", multiple=True, metavar="REGION[=KMS_KEY]",
              shell_complete=complete_regions,
              help="A new secret: also replicate it to REGION (repeatable).")
@pass_runtime
def put(rt: Runtime, /, name: str, path: str | None, keep_newline: bool, multiline: bool,
        binary: bool, field: str | None, description: str | None, kms_key: str | None,
        tags: tuple[str, ...], readers: tuple[str, ...], writers: tuple[str, ...],
        no_default_policy: bool, force: bool, as_json: bool, generate: bool,
        replicate_to: tuple[str, ...], **password: Any) -> None:
    """Create or update secret NAME.

    The value comes from --file, from stdin when it is not a terminal (one trailing
    newline removed unless --keep-newline or --binary), or else from a hidden prompt
    asked twice. It is never taken from the command line. --generate stores a new
    password made locally by GetRandomPassword's rules (see `safesm generate`) and never
    shows it.
    """
    meta = Metadata(description, kms_key, tuple(parse_tag(t) for t in tags))
    req = PutRequest(name, meta, _access(rt, readers, writers, no_default_policy),
                     bool(readers or writers), force, field, _replicas(replicate_to, field))
    if field and req.principals_given:
        raise refuse_access_flags(name)
    source = Source(path, keep_newline, multiline, binary)
    rules = _generated(source, generate, password)
    hardening.protect_process()
    source = replace(source, label=f"{field} in {name}" if field else None)
    store, prepared, value = _prepare_and_read(rt, req, source, rules)
    outcome = put_ops.write(store, prepared, value,
                            confirmer(rt, "--force", "nothing was written"))
    namecache.update(rt.settings, add=[name])
    _report(rt, outcome, as_json)


def _prepare_and_read(rt: Runtime, req: PutRequest, source: Source,
                      rules: PasswordRules | None) -> tuple[SecretStore, Prepared, SecretValue]:
    """A terminal is asked about overwriting before the value is typed (like `pass
    insert`); a pipe, a file or --generate is read (made) and checked before any network
    call."""
    asks = rules is None and prompts(rt.env, source)
    early = None if asks else _read(rt, req.name, source, rules)
    store = rt.store()
    prepared = put_ops.prepare(store, req, before_value=asks)
    put_ops.confirm_overwrite(prepared, confirmer(rt, "--force", "nothing was written"))
    return store, prepared, early if early is not None else _read(rt, req.name, source, rules)


def _read(rt: Runtime, name: str, source: Source, rules: PasswordRules | None) -> SecretValue:
    return rt.hold(_password(rules) if rules else read_value(rt.env, name, source, rt.warn))


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


def _generated(source: Source, generate: bool,
               password: dict[str, Any]) -> PasswordRules | None:
    """The password rules for --generate (checked before any call), or None."""
    if not generate:
        if password_options_given(password):
            raise UsageError("--length and the other password options need --generate.")
        return None
    if source != Source():
        raise UsageError("--generate makes the value: leave out --file, --keep-newline, "
                         "--multiline and --binary.")
    return password_rules(password)


def _password(rules: PasswordRules) -> SecretValue:
    from ..ops.generate import generate

    return generate(rules)


def _replicas(items: tuple[str, ...], field: str | None) -> tuple[tuple[str, str | None], ...]:
    if items and field:
        raise UsageError("--replicate-to applies to a new secret, not to --key.")
    from ..ops.replication import parse_targets

    return tuple(parse_targets(items))


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
