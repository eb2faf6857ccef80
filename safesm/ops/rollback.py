"""Rollback: make AWSPREVIOUS (or a chosen version) current again, with the same
compare-and-swap as every read-modify-write (ops/swap.py): UpdateSecretVersionStage moves
AWSCURRENT only if it is still on the version read, so a concurrent writer's value is
never overwritten. AWS then labels the version left behind AWSPREVIOUS, so a second
rollback undoes the first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConflictError, NotFoundError
from . import swap

if TYPE_CHECKING:
    from ..aws.store import SecretStore


@dataclass(frozen=True)
class Rollback:
    name: str
    current: str  # the version AWSCURRENT was on when read
    target: str  # the version to make current


def plan(store: SecretStore, name: str, to_version: str | None) -> Rollback:
    info = store.describe(name)
    if info.deleted_date:
        raise ConflictError(f"secret {name!r} is scheduled for deletion; nothing was changed.",
                            f"Run `safesm restore {name}` first.")
    current = info.version_holding(swap.CURRENT)
    if current is None:
        raise NotFoundError(f"{name} has no current version; nothing was changed.")
    if to_version is None:
        target = info.version_holding("AWSPREVIOUS")
        if target is None:
            raise NotFoundError(f"{name} has no previous version (AWSPREVIOUS) to roll back to; "
                                "nothing was changed.",
                                f"List its versions with `safesm versions {name}` and pass "
                                "--to VERSION_ID.")
        return Rollback(info.name, current, target)
    if to_version not in {v.version_id for v in store.versions(name)}:
        raise NotFoundError(f"{name} has no version with the id given to --to; nothing was "
                            "changed.", f"List them with `safesm versions {name}`.")
    return Rollback(info.name, current, to_version)


def apply(store: SecretStore, plan: Rollback) -> None:
    """Move AWSCURRENT from the version read to the target, or exit 5 if it moved."""
    if swap.move_current(store, plan.name, plan.target, plan.current, needs="`rollback`"):
        return
    raise ConflictError(f"AWSCURRENT of {plan.name!r} moved while rolling back (another "
                        "writer); nothing was changed and their value stays current.",
                        f"Look with `safesm versions {plan.name}` and try again.")
