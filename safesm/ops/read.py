"""Reading values: one secret (a version, a stage, a field) or several in one sweep."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import InvalidValueError
from ..values import SecretValue, extract_field

if TYPE_CHECKING:
    from ..aws.store import SecretStore


def read_one(store: SecretStore, name: str, field: str | None = None,
             version_id: str | None = None, stage: str | None = None) -> SecretValue:
    value = store.get_value(name, version_id, stage)
    return store.redactor.remember(extract_field(value, field)) if field else value


def read_many_json(store: SecretStore, names: Sequence[str], field: str | None) -> SecretValue:
    """Several secrets in one BatchGetSecretValue sweep, as one JSON object {name: value}."""
    values = store.get_values(list(names))
    out: dict[str, str] = {}
    for position, (name, value) in enumerate(zip(names, values, strict=True), start=1):
        if field:
            value = store.redactor.remember(extract_field(value, field))
        if value.binary:
            raise InvalidValueError(f"secret #{position} on the command line is binary and "
                                    "cannot go into a JSON object.", "Get it on its own.")
        out[name] = value.reveal_text()
    return store.redactor.remember(
        SecretValue(json.dumps(out, ensure_ascii=False).encode("utf-8")))
