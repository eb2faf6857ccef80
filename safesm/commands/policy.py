"""`safesm policy`: show, grant, revoke, apply, lint, and identity/KMS policy generators.

The work is in safesm/ops/policy.py (every write: lint, ValidateResourcePolicy, then
PutResourcePolicy with BlockPublicPolicy=True); this module parses and renders.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import click

from .. import policy_lint, render
from ..errors import FindingsError, UsageError
from ..models import SecretInfo
from ..ops import policy as ops
from ..policy import AllowLists, dumps
from ..runtime import Runtime
from ._common import (
    change_json_option,
    confirm_or_refuse,
    echo,
    file_option,
    group,
    name_argument,
    optional_name_argument,
    pass_runtime,
    report_change,
    validated,
)

FAIL_ON = click.Choice(policy_lint.SEVERITIES)
_ACCOUNT = re.compile(r"\d{12}")
_KMS_KEY_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")


@group()
def policy() -> None:
    """Least-privilege resource, identity and key policies for a secret.

    Every policy safesm writes is linted, checked with ValidateResourcePolicy and put
    with BlockPublicPolicy, so no safesm command can attach a public policy.
    """


def _read_policy_file(rt: Runtime, path: str) -> str:
    try:
        if path == "-":
            return rt.env.stdin.read() if rt.env.stdin else ""
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise UsageError(f"cannot read the file given to --file: {why}.") from None


def _warn_findings(rt: Runtime, findings: Sequence[policy_lint.Finding]) -> None:
    if findings:
        rt.env.say(render.findings(list(findings)))


@policy.command()
@name_argument
@click.option("--json", "as_json", is_flag=True, help="Print JSON: the policy and the summary.")
@pass_runtime
def show(rt: Runtime, name: str, as_json: bool) -> None:
    """Show NAME's resource policy and who can read and write it, in plain words."""
    from ..policy_summary import summarize, summary_lines

    info, doc = ops.current(rt.store(), name)
    summary = summarize(doc, info.arn) if doc is not None else None
    if as_json:
        echo(rt, json.dumps(_show_json(info, doc, summary), indent=2))
        return
    if doc is not None:
        echo(rt, dumps(doc) + "\n")
    echo(rt, render.lines("\n".join(summary_lines(name, summary))))


def _show_json(info: SecretInfo, doc: object, summary: Any) -> dict[str, Any]:
    """readers/writers: who alone can read/write, or null when the policy does not enforce
    a list; `denies` says, per safesm deny statement, whether it applies and why not."""
    def only(job: str) -> list[str] | None:
        found = summary.only(job) if summary else None
        return list(found) if found is not None else None

    return {
        "name": info.name, "arn": info.arn, "policy": doc,
        "readers": only("read"), "writers": only("write"),
        "denies": [{"job": j.job, "sid": j.check.sid, "statement": j.check.statement,
                    "applies": j.check.state, "reasons": list(j.check.reasons),
                    "listed": list(j.listed)} for j in (summary.jobs if summary else ())],
        "statements": list(summary.statements) if summary else [],
        "allow_only": None if not summary or summary.grants is None else {
            "readers": list(summary.grants.readers), "writers": list(summary.grants.writers)},
    }


def _jobs(read: bool, write: bool, command: str) -> tuple[bool, bool]:
    if not (read or write):
        raise UsageError(f"say what to {command}: --read, --write, or both.")
    return read, write


def _loss_confirmer(rt: Runtime, name: str, yes: bool) -> ops.Confirm:
    """Shows who loses access, then the one confirmation rule (a script needs --yes)."""
    def confirm(lines: list[str]) -> None:
        if yes:
            for line in lines:
                rt.notice(line)
            return
        for line in lines:
            rt.env.say(line)
        confirm_or_refuse(rt, f"Limit access to {name} like that?",
                          f"limiting who can read and write {name}", "--yes")
    return confirm


def _edit(rt: Runtime, name: str, principals: tuple[str, ...], read: bool, write: bool,
          add: bool, as_json: bool, start_from_default: bool = False,
          yes: bool = False) -> None:
    """grant/revoke: edit the allow-lists; a no-op writes nothing."""
    targets = ops.principals(list(principals), "PRINCIPAL_ARN")
    extra = ops.requested_access(rt.settings.extra, rt.settings.config_file) \
        if start_from_default else _NOBODY
    done = ops.edit(rt.store(), name, targets, read, write, add, extra, start_from_default,
                    _loss_confirmer(rt, name, yes))
    _warn_findings(rt, done.warnings)
    lists = done.lists
    report_change(rt, as_json, _edit_notice(name, done, add, read, write), name,
                  "grant" if add else "revoke", done.changed, kind=done.kind,
                  readers=list(lists.readers) if lists else None,
                  writers=list(lists.writers) if lists else None)


def _edit_notice(name: str, done: ops.Edit, add: bool, read: bool, write: bool) -> str:
    if done.lists is None:
        return f"{name} has no resource policy; nothing to revoke, nothing changed."
    if not done.changed and add:
        return f"Nothing changed: already granted on {name}."
    if not done.changed:
        lists = "readers or writers" if read and write else "readers" if read else "writers"
        return f"Nothing changed: the principal(s) given were not on {name}'s {lists} list."
    if done.kind == "allow":
        return _said_allow(name, done)
    return (f"{'Granted' if add else 'Revoked'} on {name}. Readers: "
            f"{', '.join(done.lists.readers)}. Writers: {', '.join(done.lists.writers)}.")


def _said_allow(name: str, done: ops.Edit) -> str:
    """Grants by Allow statements: say that nobody lost access, and who is allowed."""
    lists = done.lists or _NOBODY
    lines = []
    if done.was_empty:
        lines.append(f"{name} had no resource policy: safesm added one that only allows, so "
                     "everyone your IAM policies let in keeps access (`--start-from-default` "
                     "limits access to a list instead).")
    if not (lists.readers or lists.writers):
        lines.append(f"Revoked on {name}: its policy allowed nobody else, so it was removed; "
                     "access your IAM policies give is unchanged.")
    else:
        lines.append(f"Done on {name}. Also allowed to read: "
                     f"{', '.join(lists.readers) or 'nobody'}. Also allowed to write: "
                     f"{', '.join(lists.writers) or 'nobody'}.")
    return "\n".join(lines)


_NOBODY = AllowLists((), ())


@policy.command()
@name_argument
@click.argument("principals", nargs=-1, required=True, metavar="PRINCIPAL_ARN...")
@click.option("--read", is_flag=True, help="Allow reading (GetSecretValue).")
@click.option("--write", is_flag=True,
              help="Allow writing (PutSecretValue, UpdateSecret, UpdateSecretVersionStage).")
@click.option("--start-from-default", is_flag=True,
              help="On a secret without a policy: start from safesm's default, so that only "
                   "you, config readers/writers and these principals keep access (asks first).")
@click.option("-y", "--yes", is_flag=True,
              help="With --start-from-default: do not ask for confirmation (scripts).")
@change_json_option
@pass_runtime
def grant(rt: Runtime, name: str, principals: tuple[str, ...], read: bool, write: bool,
          start_from_default: bool, yes: bool, as_json: bool) -> None:
    """Add principals to NAME's readers and/or writers (idempotent).

    A grant only adds access: on a secret without a resource policy (created outside
    safesm) it adds Allow statements and nobody loses access; --start-from-default
    installs safesm's default instead, after saying who loses access. An assumed-role
    ARN is converted to its role. A principal in another account also gets an Allow,
    since only a resource policy can grant cross-account access.
    """
    _edit(rt, name, principals, *_jobs(read, write, "grant"), add=True, as_json=as_json,
          start_from_default=start_from_default, yes=yes)


@policy.command()
@name_argument
@click.argument("principals", nargs=-1, required=True, metavar="PRINCIPAL_ARN...")
@click.option("--read", is_flag=True, help="Remove from the readers only.")
@click.option("--write", is_flag=True, help="Remove from the writers only.")
@change_json_option
@pass_runtime
def revoke(rt: Runtime, name: str, principals: tuple[str, ...], read: bool,
           write: bool, as_json: bool) -> None:
    """Remove principals from NAME's readers and writers (both unless --read/--write)."""
    both = not (read or write)
    _edit(rt, name, principals, read or both, write or both, add=False, as_json=as_json)


@policy.command()
@name_argument
@file_option("--file", "path", help="The policy JSON ('-' for stdin).")
@click.option("--default", "use_default", is_flag=True,
              help="safesm's default: you, plus config readers/writers.")
@click.option("--fail-on", type=FAIL_ON, default="high", show_default=True,
              help="Refuse when lint finds problems of this severity or worse.")
@click.option("-y", "--yes", is_flag=True,
              help="With --default: do not ask, when someone would lose access (scripts).")
@change_json_option
@pass_runtime
def apply(rt: Runtime, name: str, path: str | None, use_default: bool, fail_on: str,
          yes: bool, as_json: bool) -> None:
    """Replace NAME's resource policy: lint, validate, then put with BlockPublicPolicy.

    --default asks first when anyone would lose access (on a secret created outside
    safesm: everyone its IAM policies let in), saying who; scripts pass --yes.
    """
    if bool(path) == use_default:
        raise UsageError("give exactly one of --file PATH and --default.")
    if use_default:
        extra = ops.requested_access(rt.settings.extra, rt.settings.config_file)
        plan = ops.apply_default(rt.store(), name, extra, _loss_confirmer(rt, name, yes))
        warnings = list(plan.warnings)
    else:
        text = _read_policy_file(rt, path or "-")
        warnings = ops.apply_text(rt.store(), name, text, fail_on)
    _warn_findings(rt, warnings)
    report_change(rt, as_json, f"Applied the policy to {name}.", name, "apply",
                  warnings=[policy_lint.to_dict(f) for f in warnings])


@policy.command()
@optional_name_argument
@file_option("--file", "path", help="Lint a policy file instead ('-': stdin).")
@click.option("--account", metavar="ID", callback=validated(_ACCOUNT.fullmatch,
              "a 12-digit account id"), help="With --file: the secret's account, for the "
              "cross-account checks.")
@click.option("--kms-key", metavar="KEY", help="With --file: the secret's KMS key (default: "
              "the aws/secretsmanager managed key).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--fail-on", type=FAIL_ON, default="high", show_default=True,
              help="Exit 8 when a finding has this severity or worse.")
@pass_runtime
def lint(rt: Runtime, name: str | None, path: str | None, account: str | None,
         kms_key: str | None, as_json: bool, fail_on: str) -> None:
    """Check NAME's policy (or --file) for broad access and other risks; exit 8 on findings
    at or above --fail-on. Rule ids are stable; see README."""
    if bool(name) == bool(path):
        raise UsageError("give either a secret NAME or --file PATH.")
    if name:
        from ..values import check_secret_id

        findings = ops.lint_secret(rt.store(), check_secret_id(name))
    else:
        text = _read_policy_file(rt, path or "-")
        findings = policy_lint.lint(text, policy_lint.Context(account, kms_key))
        if not account:
            rt.notice("Cross-account checks skipped: pass --account ID.")
    failed = policy_lint.fails(findings, fail_on)
    if as_json:
        echo(rt, json.dumps({"findings": [policy_lint.to_dict(f) for f in findings],
                             "fail_on": fail_on, "passed": not failed}, indent=2))
    elif findings:
        echo(rt, render.findings(findings))
    else:
        rt.notice("No findings.")
    if failed:
        count = sum(policy_lint.fails([f], fail_on) for f in findings)
        raise FindingsError(f"lint found {count} problem(s) at or above {fail_on}.")


def _secret_key(info: SecretInfo) -> str | None:
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
@click.option("--guard", is_flag=True,
              help="Add Deny statements so the role cannot get around NAME's resource policy "
                   "(Put/DeleteResourcePolicy, DeleteSecret, CreateSecret of the name).")
@click.option("--kms-key", metavar="ARN", help="The customer managed key (default: the "
              "secret's own, if it has one).",
              callback=validated(_KMS_KEY_ARN.match, "a KMS key ARN "
                                 "(arn:aws:kms:REGION:ACCOUNT:key/ID)"))
@click.option("--abac", "abac_tag", metavar="TAGKEY",
              help="Any secret whose tag TAGKEY matches the role's tag TAGKEY.",
              callback=validated(_TAG_KEY.match, "a tag key (1-128 letters, digits, spaces "
                                 "and . : / = + - @)"))
@pass_runtime
def iam(rt: Runtime, name: str, read: bool, write: bool, manage: bool, guard: bool,
        kms_key: str | None, abac_tag: str | None) -> None:
    """Print a least-privilege identity policy for a role that uses NAME.

    --guard adds Deny statements closing the paths around NAME's resource policy:
    changing or deleting the policy, and deleting the secret to create it again.
    """
    from ..policy import identity_policy

    if not (read or write or manage or guard):
        raise UsageError("say what the role does: --read, --write and/or --manage "
                         "(or --guard).")
    if manage and guard:
        raise UsageError("--manage and --guard cannot be combined: a role that manages the "
                         "policy can always change it.",
                         "Give --guard to the roles that must not get around the policy.")
    info = rt.store().describe(name)
    key = kms_key or _secret_key(info)
    if info.kms_key_id and not key and "alias/aws/secretsmanager" not in info.kms_key_id:
        rt.warn(f"{name} uses KMS key {info.kms_key_id}; pass --kms-key with its key ARN to "
                "include kms:Decrypt.")
    if abac_tag and abac_tag not in info.tags:
        rt.warn(f"{name} has no tag with the key given to --abac: the policy will not match it "
                f"until it does (`safesm put {name} --tag TAGKEY=VALUE --force`).")
    jobs = {j for j, on in (("read", read), ("write", write), ("manage", manage),
                            ("guard", guard)) if on}
    echo(rt, dumps(identity_policy(info.arn, jobs, key, abac_tag)))


def _kms_name(rt: Runtime, name: str | None, secret: str | None) -> str:
    """NAME, like every other policy subcommand; `--secret NAME` (the old form) still works
    for now, with a warning."""
    from ..values import check_secret_id

    if bool(name) == bool(secret):
        raise UsageError("give the secret's NAME: `safesm policy kms NAME`.")
    if secret:
        rt.warn("`policy kms --secret NAME` is deprecated and will be removed: use "
                "`safesm policy kms NAME`.")
    return check_secret_id(name or secret or "")


@policy.command()
@optional_name_argument
@click.option("--secret", "secret", metavar="NAME", hidden=True,
              help="Deprecated: the secret (use NAME).")
@click.option("--reader", "readers", multiple=True, metavar="ARN",
              help="A principal that reads (repeatable; default: the secret's readers).")
@click.option("--writer", "writers", multiple=True, metavar="ARN",
              help="A principal that writes (repeatable).")
@pass_runtime
def kms(rt: Runtime, name: str | None, secret: str | None, readers: tuple[str, ...],
        writers: tuple[str, ...]) -> None:
    """Print key-policy statements letting readers decrypt NAME, only via Secrets Manager."""
    from ..policy import allow_lists, key_policy_statements

    name = _kms_name(rt, name, secret)
    reader_arns = tuple(ops.principals(list(readers), "--reader"))
    writer_arns = tuple(ops.principals(list(writers), "--writer"))
    info, doc = ops.current(rt.store(), name)
    if not reader_arns and not writer_arns:
        lists = allow_lists(doc) if doc else None
        if lists is None:
            raise UsageError(f"{name} has no safesm reader list to take readers from.",
                             "Pass --reader ARN (repeatable).")
        reader_arns = lists.readers
    if not _secret_key(info):
        rt.warn(f"{name} is encrypted with the aws/secretsmanager AWS managed key, whose policy "
                f"can't be changed: re-encrypt it with a customer managed key "
                f"(`safesm put {name} --kms-key KEY --force`) before using these statements.")
    echo(rt, json.dumps(key_policy_statements(info.arn, reader_arns, writer_arns), indent=2))

