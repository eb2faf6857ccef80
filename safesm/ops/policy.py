"""Resource-policy operations: the default policy for new secrets, grant/revoke, apply,
lint against a threshold, and the KMS notes `describe` adds.

Every write goes the same way: lint locally, ValidateResourcePolicy, then
PutResourcePolicy with BlockPublicPolicy=True — so no safesm command can attach a
public policy. Nothing here prints: findings below the threshold are returned for the
command to show, findings at or above it are raised.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import arns, policy_lint
from ..errors import FindingsError, PolicyError, SafesmError, UsageError
from ..models import SecretInfo
from ..policy import (
    AllowLists,
    allow_lists,
    allow_only,
    allow_only_policy,
    as_list,
    change,
    default_policy,
    dumps,
    with_lists,
)

if TYPE_CHECKING:
    from ..aws.store import SecretStore


def principals(values: Any, where: str) -> list[str]:
    """Principal ARNs from flags or a config value, converted and checked before any call."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise UsageError(f"{where} must be a list of principal ARNs.", arns.PRINCIPAL_HINT)
    try:
        return [arns.principal_arn(v) for v in values]
    except UsageError as err:
        raise UsageError(f"{where}: {err.message}", err.hint) from None


def requested_access(extra: Mapping[str, Any], config_file: str | None,
                     readers: Sequence[str] = (), writers: Sequence[str] = ()) -> AllowLists:
    """Readers and writers asked for by the config file (`readers`, `writers`) and flags."""
    cfg = f"config file {config_file}" if config_file else "config file"
    return AllowLists(
        tuple(principals(extra.get("readers", []), f"`readers` in the {cfg}")
              + principals(list(readers), "--reader")),
        tuple(principals(extra.get("writers", []), f"`writers` in the {cfg}")
              + principals(list(writers), "--writer")),
    )


def check_lint(text: str, ctx: policy_lint.Context, fail_on: str) -> list[policy_lint.Finding]:
    """The findings below `fail_on` (to show as warnings); findings at or above it raise
    FindingsError, whose details list them."""
    findings = policy_lint.lint(text, ctx)
    below = [f for f in findings if policy_lint.rank(f.severity) < policy_lint.rank(fail_on)]
    if policy_lint.fails(findings, fail_on):
        failing = [f for f in findings if f not in below]
        ids = ", ".join(sorted({f"{f.rule} {f.name}" for f in failing}))
        raise FindingsError(f"policy refused: lint found {len(failing)} problem(s) at or above "
                            f"{fail_on} ({ids}); nothing was changed.",
                            "Fix the policy (the findings above say how) and try again.",
                            details=policy_lint.report(below + failing))
    return below


@dataclass(frozen=True)
class Plan:
    """A default policy, linted and validated, ready to attach."""

    text: str
    lists: AllowLists
    warnings: tuple[policy_lint.Finding, ...] = ()


def plan_default(store: SecretStore, extra: AllowLists, kms_key: str | None = None) -> Plan:
    """The caller plus `extra` on both lists, checked locally and by the service.

    Runs before the secret exists, so any problem stops `put` with nothing written.
    """
    creator = arns.principal_arn(store.caller_arn())
    lists = AllowLists(tuple(dict.fromkeys((creator, *extra.readers))),
                       tuple(dict.fromkeys((creator, *extra.writers))))
    text = dumps(default_policy(lists, arns.account_of(creator)))
    warnings = check_lint(text, policy_lint.Context(arns.account_of(creator), kms_key), "high")
    problems = store.validate_policy(text)
    if problems:
        detail = "; ".join(f"{c}: {m}" for c, m in problems)
        raise PolicyError(f"Secrets Manager's validation refused the default policy ({detail}); "
                          "nothing was written.")
    return Plan(text, lists, tuple(warnings))


def lint_context(info: SecretInfo) -> policy_lint.Context:
    return policy_lint.Context(arns.account_of(info.arn), info.kms_key_id, info.arn,
                               rotation=info.rotation_enabled)


def current(store: SecretStore, name: str) -> tuple[SecretInfo, dict[str, Any] | None]:
    """The secret's metadata and its policy as a dict (None: no policy)."""
    info = store.describe(name)
    text = store.get_policy(name)
    if not text:
        return info, None
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise PolicyError(f"the policy on {name!r} is not a JSON object.",
                          f"Replace it with `safesm policy apply {name} --file FILE`.")
    return info, doc


def write(store: SecretStore, info: SecretInfo, doc: dict[str, Any],
          fail_on: str = "high") -> list[policy_lint.Finding]:
    """Lint, validate and put a policy document; returns the warnings below `fail_on`."""
    text = dumps(doc)
    warnings = check_lint(text, lint_context(info), fail_on)
    store.put_policy(info.name, text)
    return warnings


@dataclass(frozen=True)
class Edit:
    """What grant/revoke did."""

    changed: bool
    lists: AllowLists | None  # the lists after the edit; None: no policy to revoke from
    kind: str = "lists"  # "lists": safesm's deny lists; "allow": allow-only statements
    was_empty: bool = False  # the secret had no resource policy before
    warnings: tuple[policy_lint.Finding, ...] = ()


Confirm = Callable[[list[str]], None]  # shown who loses access; raises NotConfirmed on "no"


def _changed(lists: AllowLists, targets: Sequence[str], read: bool, write_: bool,
             add: bool) -> AllowLists:
    for principal in targets:
        lists = change(lists, principal, read, write_, add)
    return lists


def edit(store: SecretStore, name: str, targets: Sequence[str], read: bool, write_: bool,
         add: bool, extra: AllowLists, start_from_default: bool = False,
         confirm: Confirm | None = None) -> Edit:
    """grant (add=True) / revoke: a no-op writes nothing.

    safesm's deny lists are edited in place. A secret without a policy (or with the
    allow-only one an earlier grant added) only gets Allow statements: a grant must not
    cut off whoever reads it through IAM today. `start_from_default` starts from safesm's
    default instead, once `confirm` has been shown who loses access.
    """
    info, doc = current(store, name)
    if doc is None and not add:
        return Edit(False, None)
    if start_from_default:
        return _from_default(store, info, doc, extra, confirm,
                             lambda base: _changed(base, targets, read, write_, True))
    grants = allow_only(doc)
    if grants is not None:
        return _edit_allows(store, info, doc is None, grants,
                            _changed(grants, targets, read, write_, add))
    lists = allow_lists(doc or {})
    if lists is None:
        raise UsageError(f"the policy on {name!r} is not in safesm's form (no reader and "
                         "writer allow-lists); nothing was changed.",
                         f"Edit it with `safesm policy show {name} --json` and "
                         f"`safesm policy apply {name} --file FILE`.")
    return _edit_lists(store, info, doc or {}, lists, _changed(lists, targets, read, write_, add))


def _edit_lists(store: SecretStore, info: SecretInfo, doc: dict[str, Any], lists: AllowLists,
                new: AllowLists) -> Edit:
    if not new.readers or not new.writers:
        which = "reader" if not new.readers else "writer"
        raise UsageError(f"that would leave {info.name!r} with no {which}, so nobody could "
                         f"{'read' if which == 'reader' else 'write'} it; nothing was changed.",
                         "Grant someone else first, or write the policy you want with "
                         "`safesm policy apply`.")
    if new == lists:
        return Edit(False, new)
    warnings = write(store, info, with_lists(doc, new, arns.account_of(info.arn)))
    return Edit(True, new, warnings=tuple(warnings))


def _edit_allows(store: SecretStore, info: SecretInfo, was_empty: bool, grants: AllowLists,
                 new: AllowLists) -> Edit:
    """Add or remove Allow statements; the last one gone, the policy goes too."""
    if new == grants:
        return Edit(False, new, "allow", was_empty)
    doc = allow_only_policy(new)
    if doc is None:
        store.delete_policy(info.name)
        return Edit(True, new, "allow")
    return Edit(True, new, "allow", was_empty, tuple(write(store, info, doc)))


def _from_default(store: SecretStore, info: SecretInfo, doc: dict[str, Any] | None,
                  extra: AllowLists, confirm: Confirm | None,
                  granted: Callable[[AllowLists], AllowLists]) -> Edit:
    if doc is not None:
        raise UsageError(f"{info.name} already has a resource policy; --start-from-default is "
                         "only for a secret without one. Nothing was changed.",
                         f"Grant without it, or replace the policy with `safesm policy apply "
                         f"{info.name} --default`.")
    new = granted(plan_default(store, extra).lists)
    if confirm is not None:
        confirm(losses(info.name, None, new))
    warnings = write(store, info, with_lists({}, new, arns.account_of(info.arn)))
    return Edit(True, new, was_empty=True, warnings=tuple(warnings))


def losses(name: str, doc: dict[str, Any] | None, new: AllowLists) -> list[str]:
    """Who loses access when `doc` gives way to safesm's default with `new`, in plain
    words; empty when nobody does."""
    lists = allow_lists(doc) if doc is not None else None
    if lists is not None:  # safesm's lists already: only those dropped lose access
        lost = [(who, verb) for verb, old, now in (("read", lists.readers, new.readers),
                                                   ("write", lists.writers, new.writers))
                for who in old if who not in now]
        return [f"{who} would no longer be allowed to {verb} {name}." for who, verb in lost]
    before = (f"{name} has no resource policy: today anyone your account's IAM policies "
              "allow can read and change it." if doc is None else
              f"{name}'s policy is not in safesm's form; its "
              f"{len(as_list(doc.get('Statement')))} statement(s) will be replaced.")
    return [before,
            f"With safesm's default only {', '.join(new.readers)} can read it, and only "
            f"{', '.join(new.writers)} can write it: every other user, role and application "
            "loses that access, even where its own IAM policy allows it."]


def apply_text(store: SecretStore, name: str, text: str,
               fail_on: str) -> list[policy_lint.Finding]:
    """Replace NAME's policy with `text` (lint, validate, put); the warnings."""
    info = store.describe(name)
    warnings = check_lint(text, lint_context(info), fail_on)
    store.put_policy(info.name, text)
    return warnings


def apply_default(store: SecretStore, name: str, extra: AllowLists,
                  confirm: Confirm | None = None) -> Plan:
    """Replace NAME's policy with safesm's default; `confirm` is first shown who loses
    access, if anyone does (a secret created outside safesm: everyone IAM lets in)."""
    info, doc = current(store, name)
    plan = plan_default(store, extra, info.kms_key_id)
    lost = losses(info.name, doc, plan.lists)
    if lost and confirm is not None:
        confirm(lost)
    store.put_policy(info.name, plan.text, validated=True)
    return plan


def no_policy_finding(name: str) -> policy_lint.Finding:
    return policy_lint.Finding("SM005", "no-resource-policy", "low", None,
                               f"{name} has no resource policy: anyone your IAM policies allow "
                               "can read and change it.",
                               f"Attach safesm's default: `safesm policy apply {name} --default`.")


def lint_secret(store: SecretStore, name: str) -> list[policy_lint.Finding]:
    info = store.describe(name)
    text = store.get_policy(name)
    return policy_lint.lint(text, lint_context(info)) if text else [no_policy_finding(name)]


def describe_notes(store: SecretStore, info: SecretInfo) -> list[str]:
    """What `describe` adds: the KMS findings for readers in other accounts (SM107/SM108).

    Reading the policy is best effort: describe must not fail for lack of
    secretsmanager:GetResourcePolicy.
    """
    try:
        text = store.get_policy(info.name)
    except SafesmError:
        return []
    if not text:
        return []
    return [f"{f.message} {f.fix}" for f in policy_lint.lint(text, lint_context(info))
            if f.rule in ("SM107", "SM108")]
