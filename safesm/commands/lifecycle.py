"""`safesm rollback` (AWSPREVIOUS back to AWSCURRENT, compare-and-swap) and `safesm update`
(description, KMS key, tags, without a new value). Neither reads a value."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from ..models import Metadata
from ..runtime import Runtime
from ..values import parse_tag
from ._common import (
    change_json_option,
    command,
    name_argument,
    pass_runtime,
    report_change,
    validated,
)

if TYPE_CHECKING:
    from ..ops.update import KeyChange

_VERSION_ID = re.compile(r"[A-Za-z0-9-]{32,64}")


@command()
@name_argument
@click.option("--to", "to_version", metavar="VERSION_ID",
              callback=validated(_VERSION_ID.fullmatch, "a version id (32-64 letters, digits "
                                 "and -, as `safesm versions NAME` lists)"),
              help="Make this version current instead of the AWSPREVIOUS one.")
@change_json_option
@pass_runtime
def rollback(rt: Runtime, name: str, to_version: str | None, as_json: bool) -> None:
    """Make the previous version of NAME current again (or --to VERSION_ID).

    AWSCURRENT moves only if it is still on the version read (compare-and-swap, like
    `put --key`): if another writer changed NAME meanwhile, nothing is changed (exit 5).
    The version left behind becomes AWSPREVIOUS, so a second rollback undoes the first.
    """
    from ..ops import rollback as ops

    store = rt.store()
    plan = ops.plan(store, name, to_version)
    changed = plan.target != plan.current
    if changed:
        ops.apply(store, plan)
    notice = (f"Rolled back {name}: version {plan.target} is AWSCURRENT; {plan.current} is "
              f"now AWSPREVIOUS (undo with `safesm rollback {name}`)." if changed else
              f"Version {plan.target} of {name} is already current; nothing was changed.")
    report_change(rt, as_json, notice, plan.name, "rollback", changed,
                  current_version=plan.target,
                  previous_version=plan.current if changed else None)


@command()
@name_argument
@click.option("--description", metavar="TEXT", help="The new description.")
@click.option("--kms-key", metavar="KEY",
              help="Encrypt with this KMS key (id, ARN or alias) from now on.")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE",
              help="Add or change a tag (repeatable).")
@click.option("--untag", "untags", multiple=True, metavar="KEY", help="Remove a tag (repeatable).")
@change_json_option
@pass_runtime
def update(rt: Runtime, name: str, description: str | None, kms_key: str | None,
           tags: tuple[str, ...], untags: tuple[str, ...], as_json: bool) -> None:
    """Change NAME's description, KMS key or tags without writing a new value."""
    from ..ops import update as ops

    meta = Metadata(description, kms_key, tuple(parse_tag(t) for t in tags))
    ops.check_request(meta, untags)
    change = ops.update(rt.store(), name, meta, untags)
    what = [w for w, on in (("description", description is not None), ("KMS key", kms_key),
                            ("tags", tags or untags)) if on]
    listed = " and ".join([", ".join(what[:-1]), what[-1]] if len(what) > 1 else what)
    notice = f"Updated the {listed} of {name}; no new version was written."
    report_change(rt, as_json, notice + (f"\n{_key_notice(change)}" if change else ""), name,
                  "update", updated=what, untagged=list(untags),
                  reencrypted=[v for _, v in change.reencrypted] if change else [])


def _key_notice(change: KeyChange) -> str:
    done = ", ".join(f"{stage} ({version})" for stage, version in change.reencrypted) or "none"
    old = change.old_key or "the aws/secretsmanager AWS managed key"
    text = f"Secrets Manager re-encrypts {done} with {change.new_key}."
    if change.left_on_old_key:
        text += (f" {change.left_on_old_key} older version(s) without those labels stay "
                 f"encrypted with {old}: they can be read only while it stays usable.")
    return text + (" Without kms:Decrypt on the old key and kms:Encrypt on the new one, AWS "
                   "re-encrypts nothing (new versions still use the new key).")
