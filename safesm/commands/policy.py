"""`safesm policy`: show, grant, revoke, apply, lint, and identity/KMS policy generators.

Every write goes the same way: lint locally, ValidateResourcePolicy, then
PutResourcePolicy with BlockPublicPolicy=True — so no safesm command can attach a
public policy. The helpers at the top are shared with `safesm put`, which gives every
secret it creates the default policy.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from typing import Any

import click

from .. import arns, policy_lint
from ..config import Settings
from ..errors import PolicyError, SafesmError, UsageError
from ..policy import AllowLists, default_policy, dumps
from ._common import name_argument, notice, store, warn

# what `put` and `policy apply --default` share ------------------------------------------


def _principals(values: Any, where: str) -> list[str]:
    """Principal ARNs from flags or a config value, converted and checked before any call."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise UsageError(f"{where} must be a list of principal ARNs.", arns.PRINCIPAL_HINT)
    try:
        return [arns.principal_arn(v) for v in values]
    except UsageError as err:
        raise UsageError(f"{where}: {err.message}", err.hint) from None


def requested_access(settings: Settings, readers: tuple[str, ...] = (),
                     writers: tuple[str, ...] = ()) -> AllowLists:
    """Readers and writers asked for by the config file (`readers`, `writers`) and flags."""
    cfg = f"config file {settings.config_file}" if settings.config_file else "config file"
    extra = settings.extra or {}
    return AllowLists(
        tuple(_principals(extra.get("readers", []), f"`readers` in the {cfg}")
              + _principals(list(readers), "--reader")),
        tuple(_principals(extra.get("writers", []), f"`writers` in the {cfg}")
              + _principals(list(writers), "--writer")),
    )


@dataclass(frozen=True)
class Plan:
    """A default policy, linted and validated, ready to attach."""

    text: str
    lists: AllowLists


def plan_default(secrets: Any, extra: AllowLists, kms_key: str | None = None) -> Plan:
    """The caller plus `extra` on both lists, checked locally and by the service.

    Runs before the secret exists, so any problem stops `put` with nothing written.
    """
    creator = arns.principal_arn(secrets.caller_arn())
    lists = AllowLists(tuple(dict.fromkeys((creator, *extra.readers))),
                       tuple(dict.fromkeys((creator, *extra.writers))))
    text = dumps(default_policy(lists, arns.account_of(creator)))
    _refuse_on_lint(text, policy_lint.Context(arns.account_of(creator), kms_key), "high")
    problems = secrets.validate_policy(text)
    if problems:
        detail = "; ".join(f"{c}: {m}" for c, m in problems)
        raise PolicyError(f"Secrets Manager's validation refused the default policy ({detail}); "
                          "nothing was written.")
    return Plan(text, lists)


def attach_default(secrets: Any, settings: Settings, name: str, plan: Plan) -> None:
    """Attach the planned policy to the secret just created; on failure say so plainly."""
    try:
        secrets.put_policy(name, plan.text, validated=True)
    except SafesmError as err:
        raise type(err)(
            f"created secret {name!r}, but could not attach its default policy: {err.message}",
            "Until it is attached, anyone your IAM policies allow can read and change it. "
            f"Attach it with `safesm policy apply {name} --default`, or remove the secret "
            f"with `safesm delete {name} --force-without-recovery --yes`.") from None
    notice(settings, f"Default policy: only {', '.join(plan.lists.readers)} can read, only "
           f"{', '.join(plan.lists.writers)} can write (`safesm policy grant {name}` widens it).")


def _refuse_on_lint(text: str, ctx: policy_lint.Context, fail_on: str) -> None:
    findings = policy_lint.lint(text, ctx)
    below = [f for f in findings if policy_lint.rank(f.severity) < policy_lint.rank(fail_on)]
    if below:
        click.echo(policy_lint.report(below), err=True)
    if policy_lint.fails(findings, fail_on):
        failing = [f for f in findings if f not in below]
        click.echo(policy_lint.report(failing), err=True)
        ids = ", ".join(sorted({f"{f.rule} {f.name}" for f in failing}))
        raise PolicyError(f"policy refused: lint found {len(failing)} problem(s) at or above "
                          f"{fail_on} ({ids}); nothing was changed.",
                          "Fix the policy (the findings above say how) and try again.")


def describe_notes(secrets: Any, info: Any) -> list[str]:
    """What `describe` adds: the KMS findings for readers in other accounts (SM107/SM108).

    Reading the policy is best effort: describe must not fail for lack of
    secretsmanager:GetResourcePolicy.
    """
    try:
        text = secrets.get_policy(info.name)
    except SafesmError:
        return []
    if not text:
        return []
    return [f"{f.message} {f.fix}" for f in policy_lint.lint(text, _context(info))
            if f.rule in ("SM107", "SM108")]


# the commands ---------------------------------------------------------------------------

FAIL_ON = click.Choice(policy_lint.SEVERITIES)


@click.group()
def policy() -> None:
    """Least-privilege resource, identity and key policies for a secret.

    Every policy safesm writes is linted, checked with ValidateResourcePolicy and put
    with BlockPublicPolicy, so no safesm command can attach a public policy.
    """


def _read_policy_file(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise UsageError(f"cannot read {path}: {why}.") from None


def _current(secrets: Any, name: str) -> tuple[Any, dict | None]:
    """The secret's metadata and its policy as a dict (None: no policy)."""
    info = secrets.describe(name)
    text = secrets.get_policy(name)
    if not text:
        return info, None
    try:
        return info, json.loads(text)
    except ValueError:
        raise PolicyError(f"the policy on {name!r} is not valid JSON.",
                          f"Replace it with `safesm policy apply {name} --file FILE`.") from None


def _write(secrets: Any, info: Any, doc: dict, fail_on: str = "high") -> None:
    text = dumps(doc)
    _refuse_on_lint(text, _context(info), fail_on)
    secrets.put_policy(info.name, text)


def _context(info: Any) -> policy_lint.Context:
    return policy_lint.Context(arns.account_of(info.arn), info.kms_key_id)


@policy.command()
@name_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the policy and the summary.")
@click.pass_obj
def show(settings: Settings, name: str, as_json: bool) -> None:
    """Show NAME's resource policy and who can read and write it, in plain words."""
    from ..policy import summarize, summary_lines

    info, doc = _current(store(settings), name)
    summary = summarize(doc) if doc is not None else None
    if as_json:
        click.echo(json.dumps({
            "name": info.name, "arn": info.arn, "policy": doc,
            "readers": list(summary.readers) if summary and summary.readers is not None else None,
            "writers": list(summary.writers) if summary and summary.writers is not None else None,
            "statements": list(summary.statements) if summary else [],
        }, indent=2))
        return
    if doc is not None:
        click.echo(dumps(doc))
        click.echo()
    click.echo("\n".join(summary_lines(name, summary)))


def _jobs(read: bool, write: bool, command: str) -> tuple[bool, bool]:
    if not (read or write):
        raise UsageError(f"say what to {command}: --read, --write, or both.")
    return read, write


def _edit(settings: Settings, name: str, principals: tuple[str, ...], read: bool,
          write: bool, add: bool) -> None:
    """grant/revoke: edit the allow-lists; a no-op writes nothing."""
    from ..policy import allow_lists, change, with_lists

    targets = _principals(list(principals), "PRINCIPAL_ARN")
    secrets = store(settings)
    info, doc = _current(secrets, name)
    verb = "granted" if add else "revoked"
    if doc is None:
        if not add:
            notice(settings, f"{name} has no resource policy; nothing to revoke, nothing changed.")
            return
        lists = plan_default(secrets, requested_access(settings)).lists
        doc = {}
        notice(settings, f"{name} had no resource policy: starting from safesm's default "
                         "(you can read and write).")
    else:
        found = allow_lists(doc)
        if found is None:
            raise UsageError(f"the policy on {name!r} is not in safesm's form (no reader and "
                             "writer allow-lists); nothing was changed.",
                             f"Edit it with `safesm policy show {name} --json` and "
                             f"`safesm policy apply {name} --file FILE`.")
        lists = found
    new = lists
    for principal in targets:
        new = change(new, principal, read, write, add)
    if not new.readers or not new.writers:
        which = "reader" if not new.readers else "writer"
        raise UsageError(f"that would leave {name!r} with no {which}, so nobody could "
                         f"{'read' if which == 'reader' else 'write'} it; nothing was changed.",
                         "Grant someone else first, or write the policy you want with "
                         "`safesm policy apply`.")
    if new == lists and doc:
        notice(settings, f"Nothing changed: already {verb} on {name}.")
        return
    _write(secrets, info, with_lists(doc, new, arns.account_of(info.arn)))
    notice(settings, f"{verb.capitalize()} on {name}. Readers: {', '.join(new.readers)}. "
                     f"Writers: {', '.join(new.writers)}.")


@policy.command()
@name_argument
@click.argument("principals", nargs=-1, required=True, metavar="PRINCIPAL_ARN...")
@click.option("--read", is_flag=True, help="Allow reading (GetSecretValue).")
@click.option("--write", is_flag=True,
              help="Allow writing (PutSecretValue, UpdateSecret, UpdateSecretVersionStage).")
@click.pass_obj
def grant(settings: Settings, name: str, principals: tuple[str, ...], read: bool,
          write: bool) -> None:
    """Add principals to NAME's readers and/or writers (idempotent).

    An assumed-role ARN is converted to its role. A principal in another account also
    gets an Allow, since only a resource policy can grant cross-account access.
    """
    _edit(settings, name, principals, *_jobs(read, write, "grant"), add=True)


@policy.command()
@name_argument
@click.argument("principals", nargs=-1, required=True, metavar="PRINCIPAL_ARN...")
@click.option("--read", is_flag=True, help="Remove from the readers only.")
@click.option("--write", is_flag=True, help="Remove from the writers only.")
@click.pass_obj
def revoke(settings: Settings, name: str, principals: tuple[str, ...], read: bool,
           write: bool) -> None:
    """Remove principals from NAME's readers and writers (both unless --read/--write)."""
    both = not (read or write)
    _edit(settings, name, principals, read or both, write or both, add=False)


@policy.command()
@name_argument
@click.option("--file", "path", metavar="PATH", help="The policy JSON ('-' for stdin).")
@click.option("--default", "use_default", is_flag=True,
              help="safesm's default: you, plus config readers/writers.")
@click.option("--fail-on", type=FAIL_ON, default="high", show_default=True,
              help="Refuse when lint finds problems of this severity or worse.")
@click.pass_obj
def apply(settings: Settings, name: str, path: str | None, use_default: bool,
          fail_on: str) -> None:
    """Replace NAME's resource policy: lint, validate, then put with BlockPublicPolicy."""
    if bool(path) == use_default:
        raise UsageError("give exactly one of --file PATH and --default.")
    extra = requested_access(settings) if use_default else None
    text = _read_policy_file(path) if path else ""
    secrets = store(settings)
    info = secrets.describe(name)
    if extra is not None:
        plan = plan_default(secrets, extra, info.kms_key_id)
        secrets.put_policy(info.name, plan.text, validated=True)
    else:
        _refuse_on_lint(text, _context(info), fail_on)
        secrets.put_policy(info.name, text)
    notice(settings, f"Applied the policy to {name}.")


def _no_policy(name: str) -> policy_lint.Finding:
    return policy_lint.Finding("SM005", "no-resource-policy", "low", None,
                               f"{name} has no resource policy: anyone your IAM policies allow "
                               "can read and change it.",
                               f"Attach safesm's default: `safesm policy apply {name} --default`.")


@policy.command()
@click.argument("name", required=False)
@click.option("--file", "path", metavar="PATH", help="Lint a policy file instead ('-': stdin).")
@click.option("--account", metavar="ID", help="With --file: the secret's account, for the "
              "cross-account checks.")
@click.option("--kms-key", metavar="KEY", help="With --file: the secret's KMS key (default: "
              "the aws/secretsmanager managed key).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--fail-on", type=FAIL_ON, default="high", show_default=True,
              help="Exit 8 when a finding has this severity or worse.")
@click.pass_obj
def lint(settings: Settings, name: str | None, path: str | None, account: str | None,
         kms_key: str | None, as_json: bool, fail_on: str) -> None:
    """Check NAME's policy (or --file) for broad access and other risks; exit 8 on findings
    at or above --fail-on. Rule ids are stable; see README."""
    if bool(name) == bool(path):
        raise UsageError("give either a secret NAME or --file PATH.")
    if name:
        from ..values import check_name

        secrets = store(settings)
        info = secrets.describe(check_name(name))
        text = secrets.get_policy(name)
        findings = policy_lint.lint(text, _context(info)) if text else [_no_policy(name)]
    else:
        if account and not re.fullmatch(r"\d{12}", account):
            raise UsageError(f"--account must be a 12-digit account id, got {account!r}.")
        text = _read_policy_file(path or "-")
        findings = policy_lint.lint(text, policy_lint.Context(account, kms_key))
        if not account:
            notice(settings, "Cross-account checks skipped: pass --account ID.")
    failed = policy_lint.fails(findings, fail_on)
    if as_json:
        click.echo(json.dumps({"findings": [policy_lint.to_dict(f) for f in findings],
                               "fail_on": fail_on, "passed": not failed}, indent=2))
    elif findings:
        click.echo(policy_lint.report(findings))
    else:
        notice(settings, "No findings.")
    if failed:
        count = sum(policy_lint.fails([f], fail_on) for f in findings)
        raise PolicyError(f"lint found {count} problem(s) at or above {fail_on}.")


_KMS_KEY_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")


def _key_arn(value: str | None) -> str | None:
    if value and not _KMS_KEY_ARN.match(value):
        raise UsageError(f"--kms-key must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), "
                         f"got {value!r}.", "Find it with `aws kms describe-key --key-id ALIAS`.")
    return value


def _secret_key(info: Any) -> str | None:
    """The secret's own customer managed key ARN, if describe names one."""
    key = info.kms_key_id
    return key if key and _KMS_KEY_ARN.match(key) else None


@policy.command()
@name_argument
@click.option("--read", is_flag=True, help="The role reads the secret.")
@click.option("--write", is_flag=True, help="The role writes new values.")
@click.option("--manage", is_flag=True,
              help="The role manages the resource policy (PutResourcePolicy only with "
                   "BlockPublicPolicy).")
@click.option("--kms-key", metavar="ARN", help="The customer managed key (default: the "
              "secret's own, if it has one).")
@click.option("--abac", "abac_tag", metavar="TAGKEY",
              help="Any secret whose tag TAGKEY matches the role's tag TAGKEY.")
@click.pass_obj
def iam(settings: Settings, name: str, read: bool, write: bool, manage: bool,
        kms_key: str | None, abac_tag: str | None) -> None:
    """Print a least-privilege identity policy for a role that uses NAME."""
    from ..policy import identity_policy

    if not (read or write or manage):
        raise UsageError("say what the role does: --read, --write and/or --manage.")
    if abac_tag is not None and not _TAG_KEY.match(abac_tag):
        raise UsageError(f"--abac: {abac_tag!r} is not a valid tag key.")
    key = _key_arn(kms_key)
    info = store(settings).describe(name)
    key = key or _secret_key(info)
    if info.kms_key_id and not key and "alias/aws/secretsmanager" not in info.kms_key_id:
        warn(f"{name} uses KMS key {info.kms_key_id}; pass --kms-key with its key ARN to "
             "include kms:Decrypt.")
    if abac_tag and abac_tag not in info.tags:
        warn(f"{name} has no tag {abac_tag!r}: the policy will not match it until it does "
             f"(`safesm put {name} --tag {abac_tag}=VALUE --force`).")
    jobs = {j for j, on in (("read", read), ("write", write), ("manage", manage)) if on}
    click.echo(dumps(identity_policy(info.arn, jobs, key, abac_tag)))


@policy.command()
@click.option("--secret", "name", required=True, metavar="NAME", help="The secret.")
@click.option("--reader", "readers", multiple=True, metavar="ARN",
              help="A principal that reads (repeatable; default: the secret's readers).")
@click.option("--writer", "writers", multiple=True, metavar="ARN",
              help="A principal that writes (repeatable).")
@click.pass_obj
def kms(settings: Settings, name: str, readers: tuple[str, ...],
        writers: tuple[str, ...]) -> None:
    """Print key-policy statements letting readers decrypt NAME, only via Secrets Manager."""
    from ..policy import allow_lists, key_policy_statements
    from ..values import check_name

    check_name(name)
    reader_arns = tuple(_principals(list(readers), "--reader"))
    writer_arns = tuple(_principals(list(writers), "--writer"))
    secrets = store(settings)
    info, doc = _current(secrets, name)
    if not reader_arns and not writer_arns:
        lists = allow_lists(doc) if doc else None
        if lists is None:
            raise UsageError(f"{name} has no safesm reader list to take readers from.",
                             "Pass --reader ARN (repeatable).")
        reader_arns = lists.readers
    if not _secret_key(info):
        warn(f"{name} is encrypted with the aws/secretsmanager AWS managed key, whose policy "
             f"can't be changed: re-encrypt it with a customer managed key "
             f"(`safesm put {name} --kms-key KEY --force`) before using these statements.")
    click.echo(json.dumps(key_policy_statements(info.arn, reader_arns, writer_arns), indent=2))
