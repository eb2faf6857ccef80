"""Secrets as environment variables: `-e VAR=NAME[#FIELD]`, `--from NAME`, `--prefix PATH/`.

Used by `exec` and `env`. Everything here is pure except `gather`, which lists the
prefixes and fetches every value in one sweep (ops/batch.py) before anything runs.

Derived names: upper case, every character outside [A-Za-z0-9_] becomes `_`, and the
result must match ^[A-Za-z_][A-Za-z0-9_]*$. Collisions (two sources, or a source and the
environment the command inherits) are errors unless `override`; then `-e` beats
`--from`, which beats `--prefix`, and a later option beats an earlier one of its kind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConflictError, InvalidValueError, NotFoundError, SafesmError, UsageError
from ..values import ARN_RE, NAME_RE, SecretValue, extract_field
from . import batch

if TYPE_CHECKING:
    from ..aws.store import SecretStore

VAR_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAPPING_FORM = ("VAR=NAME or VAR=NAME#FIELD (VAR: a letter or _, then letters, digits or _; "
                "NAME: a secret name or ARN)")
KINDS = ("--prefix", "--from", "-e")  # weakest first: the order --override resolves in


@dataclass(frozen=True)
class Mapping_:
    """One `-e VAR=NAME[#FIELD]`."""

    var: str
    secret_id: str
    field: str | None = None


@dataclass(frozen=True)
class Sources:
    mappings: tuple[Mapping_, ...] = ()
    froms: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.mappings or self.froms or self.prefixes)


@dataclass(frozen=True)
class Origin:
    """Where a variable came from: the option kind, its position among options of that
    kind (1-based), and the secret (and field or key) it was read from."""

    kind: str
    index: int
    secret: str
    key: str | None = None

    def describe(self) -> str:
        """For -v and errors after the fetch (every name here exists, so none is a value
        typed by mistake)."""
        key = f"#{self.key}" if self.key is not None and self.kind == "-e" else ""
        via = f" key {self.key!r}" if self.key is not None and self.kind == "--from" else ""
        return f"{self.secret}{key}{via} ({self.kind})"

    @property
    def rank(self) -> tuple[int, int]:
        return KINDS.index(self.kind), self.index


@dataclass(frozen=True)
class Variable:
    name: str
    value: SecretValue
    origin: Origin

    def __repr__(self) -> str:
        return f"Variable({self.name!r}, {self.value!r}, {self.origin!r})"


# parsing and naming (pure) -------------------------------------------------------------


def parse_mapping(text: str) -> Mapping_ | None:
    """`VAR=NAME[#FIELD]`, or None when it does not have that form."""
    var, sep, rest = text.partition("=")
    secret_id, hash_, field = rest.partition("#")
    if not sep or not VAR_RE.fullmatch(var) or (hash_ and not field):
        return None
    if not (NAME_RE.fullmatch(secret_id) or ARN_RE.fullmatch(secret_id)):
        return None
    return Mapping_(var, secret_id, field if hash_ else None)


def derive_name(text: str) -> str | None:
    """A variable name for a key or the rest of a secret name: upper case, every character
    outside [A-Za-z0-9_] made `_`; None when the result is still not a valid name."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text).upper()
    return name if VAR_RE.fullmatch(name) else None


def folder(prefix: str) -> str:
    """`--prefix app/prod` means the folder `app/prod/`."""
    return prefix if prefix.endswith("/") else prefix + "/"


def _named(text: str, origin: Origin, what: str) -> str:
    name = derive_name(text)
    if name is None:
        raise UsageError(f"{what} of {origin.describe()} cannot become a variable name "
                         "(it must start with a letter or _); nothing was run.",
                         "Map it to a name of your choice with -e VAR=NAME[#FIELD].")
    return name


def _object(value: SecretValue, origin: Origin) -> dict[str, object]:
    doc = None
    if not value.binary:
        try:
            doc = json.loads(value.reveal_text())
        except (UnicodeDecodeError, ValueError):
            doc = None
    if not isinstance(doc, dict):
        raise InvalidValueError(f"{origin.describe()}: the secret is not a JSON object, so "
                                "it has no keys to expand; nothing was run.",
                                "Use -e VAR=NAME for a secret that is one value.")
    return doc


def _field(value: SecretValue, origin: Origin) -> SecretValue:
    try:
        return extract_field(value, origin.key or "")
    except SafesmError as err:
        raise type(err)(f"{origin.describe()}: {err.message}", err.hint) from None


def _text(item: object) -> SecretValue:
    text = item if isinstance(item, str) else json.dumps(item)
    return SecretValue(text.encode("utf-8"))


# building variables from fetched values (pure) ------------------------------------------


def variables(sources: Sources, listings: Sequence[Sequence[str]],
              values: Mapping[str, SecretValue]) -> list[Variable]:
    """Every variable the sources name, in option order (a name may appear twice here:
    `resolve` decides)."""
    out: list[Variable] = []
    for i, (prefix, names) in enumerate(zip(sources.prefixes, listings, strict=True), 1):
        for name in names:
            origin = Origin("--prefix", i, name)
            out.append(Variable(_named(name[len(folder(prefix)):], origin, "the name"),
                                values[name], origin))
    for i, secret in enumerate(sources.froms, 1):
        doc = _object(values[secret], Origin("--from", i, secret))
        for key, item in doc.items():
            origin = Origin("--from", i, secret, key)
            out.append(Variable(_named(key, origin, "the key"), _text(item), origin))
    for i, m in enumerate(sources.mappings, 1):
        origin = Origin("-e", i, m.secret_id, m.field)
        value = values[m.secret_id]
        out.append(Variable(m.var, _field(value, origin) if m.field else value, origin))
    return out


def resolve(found: Sequence[Variable], inherited: Collection[str] = (),
            override: bool = False) -> list[Variable]:
    """One variable per name. Without `override` a name set twice, or one the command
    would inherit, is refused naming both sources; with it the stronger source wins."""
    by_name: dict[str, list[Variable]] = {}
    for var in found:
        by_name.setdefault(var.name, []).append(var)
    if not override:
        for name, group in by_name.items():
            if len(group) > 1:
                raise ConflictError(
                    f"{name} would be set by both {group[0].origin.describe()} and "
                    f"{group[1].origin.describe()}; nothing was run.", _OVERRIDE_HINT)
            if name in inherited:
                raise ConflictError(
                    f"{name}, from {group[0].origin.describe()}, is already set in the "
                    "environment; nothing was run.",
                    "Pass --override to replace it, or --pristine to start from a clean "
                    "environment.")
    return [max(group, key=lambda v: v.origin.rank) for group in by_name.values()]


_OVERRIDE_HINT = ("Rename one with -e VAR=NAME, or pass --override (-e beats --from beats "
                  "--prefix; a later option beats an earlier one).")


def check_environment_values(found: Sequence[Variable]) -> None:
    """Environment variables hold text without NUL characters."""
    for var in found:
        if var.value.binary:
            raise InvalidValueError(f"{var.name}: {var.origin.describe()} is a binary secret; "
                                    "an environment variable holds text. Nothing was run.")
        if b"\0" in var.value.reveal():
            raise InvalidValueError(f"{var.name}: the value holds a NUL character, which an "
                                    "environment variable cannot; nothing was run.")
        try:
            var.value.reveal_text()
        except UnicodeDecodeError:
            raise InvalidValueError(f"{var.name}: the value is not UTF-8 text; nothing was "
                                    "run.") from None


# the one impure step ---------------------------------------------------------------------


def wanted(sources: Sources, listings: Sequence[Sequence[str]]) -> list[batch.Wanted]:
    """Every secret the sources need, each with how an error should name it (a typed name
    is never echoed: it might be a value pasted into the wrong place)."""
    out = [batch.Wanted(name, f"secret {name!r} (--prefix #{i})")
           for i, names in enumerate(listings, 1) for name in names]
    out += [batch.Wanted(s, f"the secret of --from #{i}") for i, s in enumerate(sources.froms, 1)]
    out += [batch.Wanted(m.secret_id, f"the secret for {m.var} (-e)") for m in sources.mappings]
    return out


def gather(store: SecretStore, sources: Sources) -> list[Variable]:
    """List the prefixes, fetch every value (all before anything runs), build variables."""
    listings: list[list[str]] = []
    for i, prefix in enumerate(sources.prefixes, 1):
        names = [s.name for s in store.list_secrets(folder(prefix))]
        if not names:
            raise NotFoundError(f"no secret was found under --prefix #{i}; nothing was run.",
                                "Check the prefix with `safesm list --prefix PATH/`.")
        listings.append(names)
    values = batch.fetch(store, wanted(sources, listings))
    return variables(sources, listings, values)
