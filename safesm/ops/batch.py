"""The one fetch behind `exec`, `env` and `inject`: every value a command needs, read before
anything runs, in as few BatchGetSecretValue calls as possible.

Kept to one function so that a later cache (a memory-only agent) can serve it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..values import SecretValue

if TYPE_CHECKING:
    from ..aws.store import SecretStore

MAX_PER_CALL = 20  # BatchGetSecretValue takes at most 20 ids (SecretIdList)


@dataclass(frozen=True)
class Wanted:
    """A secret to read, and how an error names it (never the id as typed)."""

    secret_id: str
    label: str


def chunks(ids: Sequence[str], size: int = MAX_PER_CALL) -> list[list[str]]:
    """`ids` in order, at most `size` (and never more than 20) per call."""
    size = max(1, min(size, MAX_PER_CALL))
    return [list(ids[i:i + size]) for i in range(0, len(ids), size)]


def fetch(store: SecretStore, wanted: Sequence[Wanted]) -> dict[str, SecretValue]:
    """Secret id -> value for every id wanted, each id read once. All or nothing: the
    first id that fails raises, named by its label."""
    labels: dict[str, str] = {}
    for w in wanted:
        labels.setdefault(w.secret_id, w.label)
    ids = list(labels)
    found: dict[str, SecretValue] = {}
    for chunk in chunks(ids):
        values = store.get_values(chunk, [labels[i] for i in chunk])
        found.update(zip(chunk, values, strict=True))
    return found
