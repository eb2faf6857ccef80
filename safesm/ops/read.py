"""Reading values: one secret (a version, a stage, a field) or several in one sweep.

`read_values` is the one way readers get current values: through a running agent that
serves this context (safesm/agent), else directly. `get` uses it; so should every
command that hands values to a program (exec, env, inject).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..agent import use as agent
from ..errors import InvalidValueError, NotFoundError
from ..values import SecretValue, extract_field

if TYPE_CHECKING:
    from ..aws.store import SecretStore


def read_values(store: SecretStore, names: Sequence[str], field: str | None = None,
                fresh: bool = False, labels: Sequence[str] | None = None) -> list[SecretValue]:
    """The AWSCURRENT values of `names` (one key each with `field`), in order: from an
    agent serving this context if one runs (`fresh` makes it read again), else directly
    (one GetSecretValue, or BatchGetSecretValue for several; a failing name is reported by
    its label, else by its position, never as typed). An agent that cannot answer (an
    error, another context) leaves the read to AWS, so errors read the same either way."""
    served = agent.fetch(getattr(store, "settings", None), names, field, fresh)
    if served is not None:
        return [store.redactor.remember(v) for v in served]
    values = store.get_values(list(names), list(labels) if labels else None) \
        if len(names) > 1 or labels else [store.get_value(names[0])]
    if field is None:
        return values
    return [store.redactor.remember(extract_field(v, field)) for v in values]


def read_one(store: SecretStore, name: str, field: str | None = None,
             version_id: str | None = None, stage: str | None = None,
             fresh: bool = False) -> SecretValue:
    if not (version_id or stage):
        return read_values(store, [name], field, fresh)[0]
    try:  # a version or a stage: always read directly
        value = store.get_value(name, version_id, stage)
    except NotFoundError:
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


def read_many_json(store: SecretStore, names: Sequence[str], field: str | None,
                   fresh: bool = False) -> SecretValue:
    """Several secrets as one JSON object {name: value}."""
    out: dict[str, str] = {}
    values = read_values(store, names, field, fresh)
    for position, (name, value) in enumerate(zip(names, values, strict=True), start=1):
        if value.binary:
            raise InvalidValueError(f"secret #{position} on the command line is binary and "
                                    "cannot go into a JSON object.", "Get it on its own.")
        out[name] = value.reveal_text()
    return store.redactor.remember(
        SecretValue(json.dumps(out, ensure_ascii=False).encode("utf-8")))
