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
from ._common import confirm_or_refuse, echo, group, name_argument, pass_runtime, validated

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
          add: bool, start_from_default: bool = False, yes: bool = False) -> None:
    """grant/revoke: edit the allow-lists; a no-op writes nothing."""
    targets = ops.principals(list(principals), "PRINCIPAL_ARN")
    extra = ops.requested_access(rt.settings.extra, rt.settings.config_file) \
        if start_from_default else _NOBODY
    done = ops.edit(rt.store(), name, targets, read, write, add, extra, start_from_default,
                    _loss_confirmer(rt, name, yes))
    _warn_findings(rt, done.warnings)
    if done.lists is None:
        rt.notice(f"{name} has no resource policy; nothing to revoke, nothing changed.")
    elif not done.changed and add:
        rt.notice(f"Nothing changed: already granted on {name}.")
    elif not done.changed:
        lists = "readers or writers" if read and write else "readers" if read else "writers"
        rt.notice(f"Nothing changed: the principal(s) given were not on {name}'s {lists} "
                  "list.")
    elif done.kind == "allow":
        _said_allow(rt, name, done)
    else:
        rt.notice(f"{'Granted' if add else 'Revoked'} on {name}. Readers: "
                  f"{', '.join(done.lists.readers)}. Writers: {', '.join(done.lists.writers)}.")


def _said_allow(rt: Runtime, name: str, done: ops.Edit) -> None:
    """Grants by Allow statements: say that nobody lost access, and who is allowed."""
    lists = done.lists or _NOBODY
    if done.was_empty:
        rt.notice(f"{name} had no resource policy: safesm added one that only allows, so "
                  "everyone your IAM policies let in keeps access (`--start-from-default` "
                  "limits access to a list instead).")
    if not (lists.readers or lists.writers):
        rt.notice(f"Revoked on {name}: its policy allowed nobody else, so it was removed; "
                  "access your IAM policies give is unchanged.")
        return
    rt.notice(f"Done on {name}. Also allowed to read: {', '.join(lists.readers) or 'nobody'}. "
              f"Also allowed to write: {', '.join(lists.writers) or 'nobody'}.")


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
@pass_runtime
def grant(rt: Runtime, name: str, principals: tuple[str, ...], read: bool, write: bool,
          start_from_default: bool, yes: bool) -> None:
    """Add principals to NAME's readers and/or writers (idempotent).

    A grant only adds access: on a secret without a resource policy (created outside
    safesm) it adds Allow statements and nobody loses access; --start-from-default
    installs safesm's default instead, after saying who loses access. An assumed-role
    ARN is converted to its role. A principal in another account also gets an Allow,
    since only a resource policy can grant cross-account access.
    """
    _edit(rt, name, principals, *_jobs(read, write, "grant"), add=True,
          start_from_default=start_from_default, yes=yes)


@policy.command()
@name_argument
@click.argument("principals", nargs=-1, required=True, metavar="PRINCIPAL_ARN...")
@click.option("--read", is_flag=True, help="Remove from the readers only.")
@click.option("--write", is_flag=True, help="Remove from the writers only.")
@pass_runtime
def revoke(rt: Runtime, name: str, principals: tuple[str, ...], read: bool,
           write: bool) -> None:
    """Remove principals from NAME's readers and writers (both unless --read/--write)."""
    both = not (read or write)
    _edit(rt, name, principals, read or both, write or both, add=False)


@policy.command()
@name_argument
@click.option("--file", "path", metavar="PATH", help="The policy JSON ('-' for stdin).")
@click.option("--default", "use_default", is_flag=True,
              help="safesm's default: you, plus config readers/writers.")
@click.option("--fail-on", type=FAIL_ON, default="high", show_default=True,
              help="Refuse when lint finds problems of this severity or worse.")
@click.option("-y", "--yes", is_flag=True,
              help="With --default: do not ask, when someone would lose access (scripts).")
@pass_runtime
def apply(rt: Runtime, name: str, path: str | None, use_default: bool, fail_on: str,
          yes: bool) -> None:
    """Replace NAME's resource policy: lint, validate, then put with BlockPublicPolicy.

    --default asks first when anyone would lose access (on a secret created outside
    safesm: everyone its IAM policies let in), saying who; scripts pass --yes.
    """
    if bool(path) == use_default:
        raise UsageError("give exactly one of --file PATH and --default.")
    if use_default:
        extra = ops.requested_access(rt.settings.extra, rt.settings.config_file)
        plan = ops.apply_default(rt.store(), name, extra, _loss_confirmer(rt, name, yes))
        _warn_findings(rt, plan.warnings)
    else:
        text = _read_policy_file(rt, path or "-")
        _warn_findings(rt, ops.apply_text(rt.store(), name, text, fail_on))
    rt.notice(f"Applied the policy to {name}.")


@policy.command()
@click.argument("name", required=False)
@click.option("--file", "path", metavar="PATH", help="Lint a policy file instead ('-': stdin).")
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


@policy.command()
@click.option("--secret", "name", required=True, metavar="NAME", help="The secret.")
@click.option("--reader", "readers", multiple=True, metavar="ARN",
              help="A principal that reads (repeatable; default: the secret's readers).")
@click.option("--writer", "writers", multiple=True, metavar="ARN",
              help="A principal that writes (repeatable).")
@pass_runtime
def kms(rt: Runtime, name: str, readers: tuple[str, ...], writers: tuple[str, ...]) -> None:
    """Print key-policy statements letting readers decrypt NAME, only via Secrets Manager."""
    from ..policy import allow_lists, key_policy_statements
    from ..values import check_secret_id

    check_secret_id(name)
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

