"""`safesm import`: a .env or flat JSON file into Secrets Manager, one secret per key under
a prefix or one JSON secret.

Parsing is pure and reports problems by line (dotenv) or entry (JSON) number, never by
content. `.env` files are read by python-dotenv's parser, literally: `${VAR}` is not
expanded (a secret must not pick up whatever the importing shell had set). Everything is
checked before the first write; then each secret goes through the normal put path
(ops/put.py: prepare, confirm, write), so a new one is created without a value, gets the
default policy, and only then its value.
"""

from __future__ import annotations

import io
import json
import os.path
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConflictError, SafesmError, UsageError
from ..models import SecretSummary
from ..policy import AllowLists
from ..values import NAME_RE, SecretValue, check_value
from . import put as put_ops
from .put import PutRequest

if TYPE_CHECKING:
    from ..aws.store import SecretStore

FORMATS = ("dotenv", "json")


@dataclass(frozen=True)
class Entry:
    key: str
    value: str | int | float | bool
    where: str  # "line 12" or "entry #3"

    def __repr__(self) -> str:
        return f"Entry({self.key!r}, ****, {self.where!r})"


@dataclass(frozen=True)
class Planned:
    name: str
    value: SecretValue
    action: str  # "create", "update", "skip"
    reason: str = ""


def _lines(numbers: Sequence[int]) -> str:
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(map(str, numbers))


def parse_dotenv(text: str) -> list[Entry]:
    """KEY=VALUE lines as python-dotenv reads them (quotes, escapes, `export`, comments,
    multi-line quoted values), without expanding ${VAR}."""
    from dotenv.parser import parse_stream

    entries: list[Entry] = []
    broken: list[int] = []
    for binding in parse_stream(io.StringIO(text)):
        line = binding.original.line
        if binding.error:
            broken.append(line)
        elif binding.key is not None and binding.value is None:
            broken.append(line)  # a name with no `=`
        elif binding.key is not None and binding.value is not None:
            entries.append(Entry(binding.key, binding.value, f"line {line}"))
    if broken:
        raise UsageError(f"the file could not be parsed at {_lines(broken)} (the content is "
                         "not shown); nothing was written.",
                         "Each entry reads KEY=VALUE; quote values with spaces or newlines.")
    return entries


def parse_json(text: str) -> list[Entry]:
    """A flat JSON object: string, number or boolean values, in file order."""
    levels: list[list[tuple[str, object]]] = []

    def hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        levels.append(pairs)  # the outermost object closes last
        return dict(pairs)

    try:
        top = json.loads(text, object_pairs_hook=hook)
    except ValueError as exc:
        line = getattr(exc, "lineno", 0)
        raise UsageError(f"the file is not valid JSON (line {line}; the content is not "
                         "shown); nothing was written.") from None
    if not isinstance(top, dict):
        raise UsageError('the JSON file must hold one object {"KEY": "value", ...}; '
                         "nothing was written.")
    entries = []
    for i, (key, value) in enumerate(levels[-1], 1):
        if not isinstance(value, (str, int, float, bool)):
            raise UsageError(f"entry #{i} of the JSON object is not a string, number or "
                             "boolean (a flat object is needed); nothing was written.")
        entries.append(Entry(key, value, f"entry #{i}"))
    return entries


def parse(text: str, fmt: str) -> list[Entry]:
    entries = parse_json(text) if fmt == "json" else parse_dotenv(text)
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.key in seen:
            raise UsageError(f"{entry.where} repeats a key from {seen[entry.key]}; nothing was "
                             "written.", "Keep one of them.")
        seen[entry.key] = entry.where
    if not entries:
        raise UsageError("the file holds no KEY=VALUE entries; nothing was written.")
    return entries


def _text(value: str | int | float | bool) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _checked(data: bytes, where: str) -> SecretValue:
    try:
        return check_value(data)
    except SafesmError as err:
        raise type(err)(f"{where}: {err.message}", err.hint) from None


def split(entries: Sequence[Entry], prefix: str) -> list[tuple[str, SecretValue]]:
    """One secret per key: PREFIX + KEY, each name and value checked."""
    out = []
    for e in entries:
        name = prefix + e.key
        if not NAME_RE.fullmatch(name):
            raise UsageError(f"the key at {e.where} does not make a valid secret name (1-512 "
                             "characters from A-Z a-z 0-9 / _ + = . @ -); nothing was written.")
        out.append((name, _checked(_text(e.value).encode("utf-8"), e.where)))
    return out


def joined(entries: Sequence[Entry]) -> SecretValue:
    """All keys as one JSON object (types kept for a JSON file)."""
    doc = {e.key: e.value for e in entries}
    return _checked(json.dumps(doc, ensure_ascii=False).encode("utf-8"), "the JSON object")


def plan(store: SecretStore, secrets: Sequence[tuple[str, SecretValue]],
         force: bool) -> list[Planned]:
    """What each secret will get: created, updated (--force) or skipped (exists)."""
    names = [n for n, _ in secrets]
    existing = {s.name: s for s in _existing(store, names)}
    out = []
    for name, value in secrets:
        found = existing.get(name)
        if found is None:
            out.append(Planned(name, value, "create"))
        elif found.deleted_date:
            out.append(Planned(name, value, "skip", "scheduled for deletion"))
        elif force:
            out.append(Planned(name, value, "update"))
        else:
            out.append(Planned(name, value, "skip", "exists; --force replaces it"))
    return out


def _existing(store: SecretStore, names: Sequence[str]) -> list[SecretSummary]:
    if len(names) == 1:
        info = store.find(names[0])
        return [info] if info is not None else []
    wanted = set(names)
    common = os.path.commonprefix(list(names))
    return [s for s in store.list_secrets(common or None, include_deleted=True)
            if s.name in wanted]


def apply(store: SecretStore, planned: Sequence[Planned], access: AllowLists,
          done: Callable[[Planned], None]) -> None:
    """Write what the plan says, in order, telling `done` after each."""
    for item in planned:
        if item.action != "skip":
            _put(store, item, access)
        done(item)


def _refuse(name: str) -> Callable[[str, str], None]:
    def confirm(question: str, what: str) -> None:
        raise ConflictError(f"secret {name!r} appeared while importing and was left as it "
                            "is; the secrets reported above were written.",
                            "Run the import again (with --force to replace it).")

    return confirm


def _put(store: SecretStore, item: Planned, access: AllowLists) -> None:
    """The one place import writes: the normal put path, default policy included."""
    req = PutRequest(item.name, access=access, force=item.action == "update")
    prepared = put_ops.prepare(store, req)
    put_ops.confirm_overwrite(prepared, _refuse(item.name))
    put_ops.write(store, prepared, item.value, _refuse(item.name))
