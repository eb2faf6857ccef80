"""Reading values: one secret (a version, a stage, a field) or several in one sweep."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import InvalidValueError, NotFoundError
from ..values import SecretValue, extract_field

if TYPE_CHECKING:
    from ..aws.store import SecretStore


def read_one(store: SecretStore, name: str, field: str | None = None,
             version_id: str | None = None, stage: str | None = None) -> SecretValue:
    try:
        value = store.get_value(name, version_id, stage)
    except NotFoundError:
        if version_id or stage:
            _missing_version(store, name, bool(version_id))
        raise
    return store.redactor.remember(extract_field(value, field)) if field else value


def _missing_version(store: SecretStore, name: str, by_id: bool) -> None:
    """The secret is there but not the version asked for: say which (by the option, never
    the text given) and where the versions are listed. Returns if the secret is missing."""
    info = store.find(name)
    if info is None:
        return
    which = ("no version with the id given to --version-id" if by_id
             else "no version with the stage label given to --version-stage")
    raise NotFoundError(f"secret {info.name!r} has {which}.",
                        f"List its versions and stage labels with `safesm versions {info.name}`.")


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
