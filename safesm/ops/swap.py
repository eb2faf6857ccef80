"""Compare-and-swap on the AWSCURRENT label: make a version current only if the version
read still is.

Secrets Manager has no conditional put, but UpdateSecretVersionStage refuses to take a
label from a version that no longer holds it, so moving AWSCURRENT from `expected` to
the new version is a compare-and-swap. A new value is first written with the label
safesm-pending (not AWSCURRENT), so readers never see it until the swap succeeds; a
refused swap leaves the other writer's value current. `put --key` uses it today; every
later read-modify-write (rollback, edit) goes through the same door.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import errors
from ..models import PENDING_STAGE, WriteResult
from ..values import SecretValue

if TYPE_CHECKING:
    from ..aws.store import SecretStore

CURRENT = "AWSCURRENT"


def move_current(store: SecretStore, name: str, to_version: str, expected: str,
                 needs: str = "`put --key`") -> bool:
    """Move AWSCURRENT from `expected` to `to_version`; False if another writer moved it
    first. Network and permission failures say what state the secret is in."""
    try:
        store.move_stage(name, CURRENT, to_version, expected)
        return True
    except errors.UnreachableError as err:
        raise errors.UnreachableError(
            err.message, f"The new value is stored as version {to_version}; it is the current "
            f"value only if `safesm versions {name}` shows AWSCURRENT on it. "
            + (err.hint or "")) from None
    except errors.AuthError as err:
        raise errors.AuthError(
            f"{err.message} {needs} needs secretsmanager:UpdateSecretVersionStage to make its "
            f"version current only if nobody changed {name!r} meanwhile; the current value "
            "was left as it was.", err.hint) from None
    except errors.SafesmError:
        # Refused. On our version after all: a resent call whose first attempt landed.
        # Still on `expected`: not a race but a real refusal, reported as such.
        # Elsewhere: another writer moved it first.
        now = store.stages(name)
        if CURRENT in now.get(to_version, ()):
            return True
        if CURRENT in now.get(expected, ()):
            raise
        return False


def put_if_current(store: SecretStore, name: str, value: SecretValue,
                   expected: str) -> WriteResult | None:
    """Store `value` as a new version and make it AWSCURRENT only if AWSCURRENT is still on
    `expected` (the version the caller read); None if another writer got in first."""
    result = store.put_pending(name, value)
    moved = move_current(store, name, result.version_id, expected)
    _drop_pending(store, name, result.version_id)
    return result if moved else None


def _drop_pending(store: SecretStore, name: str, version: str) -> None:
    """Take the safesm-pending label off our version (best effort: another writer's put
    may already have moved it, and a leftover label harms nothing)."""
    try:
        store.move_stage(name, PENDING_STAGE, None, version)
    except errors.SafesmError:
        pass
