"""The rotation Lambda against the secret's resource policy: least privilege that does not
break rotation.

A rotation Lambda calls Secrets Manager as its execution role (GetSecretValue,
PutSecretValue, UpdateSecretVersionStage, DescribeSecret). safesm's default policy denies
reading and writing to everyone it does not list, so an unlisted rotator fails at its
first step. Before rotation is turned on (or started), the role is read from the function
(lambda:GetFunctionConfiguration) and the policy's Deny statements are evaluated for it;
a denied role is either granted (safesm's form: added to the readers and writers) or the
change is refused with the exact command that grants it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import policy_lint
from ..errors import PolicyError
from ..models import SecretInfo
from ..policy import AllowLists, allow_lists
from ..policy_eval import DENIED, UNKNOWN, Verdict, rotator_verdicts
from . import policy as policy_ops

if TYPE_CHECKING:
    from ..aws.store import SecretStore


@dataclass(frozen=True)
class RotatorCheck:
    role: str
    denied: tuple[Verdict, ...] = ()
    unknown: tuple[Verdict, ...] = ()  # statements whose conditions depend on more than the ARN
    grantable: bool = False  # the policy is in safesm's form: `policy grant` can add the role
    warnings: tuple[policy_lint.Finding, ...] = ()  # SM111: network conditions


def _policy(store: SecretStore, name: str) -> tuple[str | None, dict[str, Any] | None]:
    text = store.get_policy(name)
    try:
        doc = json.loads(text) if text else None
    except ValueError:
        doc = None
    return text, doc if isinstance(doc, dict) else None


def check(store: SecretStore, info: SecretInfo, lambda_arn: str) -> RotatorCheck:
    """The Lambda's role, and what the secret's policy would deny it."""
    role = store.function_role(lambda_arn)
    text, doc = _policy(store, info.name)
    verdicts = rotator_verdicts(doc, role)
    ctx = policy_ops.lint_context(info)
    ctx = policy_lint.Context(ctx.home_account, ctx.kms_key, rotation=True)
    warnings = [f for f in policy_lint.lint(text, ctx) if f.rule == "SM111"] if text else []
    return RotatorCheck(role, tuple(v for v in verdicts if v.outcome == DENIED),
                        tuple(v for v in verdicts if v.outcome == UNKNOWN),
                        doc is not None and allow_lists(doc) is not None, tuple(warnings))


def actions(verdicts: tuple[Verdict, ...]) -> str:
    return ", ".join(v.action.split(":", 1)[1] for v in verdicts)


def grant_command(name: str, role: str) -> str:
    return f"safesm policy grant {name} {role} --read --write"


def refusal(name: str, found: RotatorCheck) -> PolicyError:
    """Exit 8: the policy would break rotation, and nothing was changed."""
    what = (f"the resource policy of {name!r} denies the rotation Lambda's role {found.role} "
            f"{actions(found.denied)}, so every rotation would fail; nothing was changed.")
    if found.grantable:
        return PolicyError(what, f"Grant it with `{grant_command(name, found.role)}`, or pass "
                                 "--grant-rotator.")
    where = ", ".join(f"#{v.statement}" for v in found.denied)
    return PolicyError(what, f"The policy is not in safesm's form: exempt the role in statement "
                             f"{where} (`safesm policy show {name} --json`, then `safesm policy "
                             f"apply {name} --file FILE`).")


def grant(store: SecretStore, name: str, role: str) -> policy_ops.Edit:
    """Add the role to the readers and writers (lint, validate, BlockPublicPolicy)."""
    return policy_ops.edit(store, name, [role], True, True, True, AllowLists((), ()))
