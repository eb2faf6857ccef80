"""`edit`: read the current value (or one field), take back what the editor left, and
write it only if it changed, only as valid JSON when it was JSON, and only if the secret
is still at the version opened (ops/swap.py compare-and-swap).

Where the issue is silent: an editor's final newline is dropped when the value had none
(vim and nano add one); a field holding a string is edited as bare text, any other field
as JSON; binary secrets are not edited (a text editor would mangle them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConflictError, InvalidValueError, NotFoundError
from ..models import WriteResult
from ..values import MAX_VALUE_BYTES, SecretValue, check_value, strip_one_newline
from . import swap

if TYPE_CHECKING:
    from ..aws.store import SecretStore


@dataclass(frozen=True)
class Opened:
    name: str
    version_id: str  # AWSCURRENT when opened: the write happens only if it still is
    whole: SecretValue  # the value read
    text: bytes  # what the editor gets (the value, or the field)
    field: str | None = None
    as_json: bool = False  # what comes back must parse as JSON

    @property
    def suffix(self) -> str:
        return ".json" if self.as_json else ".txt"


def _json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def open_value(store: SecretStore, name: str, field: str | None) -> Opened:
    current = store.get_versioned(name)
    value = current.value
    if value.binary:
        raise InvalidValueError(f"{name} holds binary data (SecretBinary), which a text editor "
                                "would mangle; nothing was changed.",
                                "Use `safesm get NAME > FILE` and `safesm put NAME --binary "
                                "--file FILE --force`.")
    doc = _json(value.reveal())
    if field is None:
        return Opened(name, current.version_id, value, value.reveal(),
                      as_json=isinstance(doc, (dict, list)))
    if not isinstance(doc, dict):
        raise InvalidValueError("the secret is not a JSON object, so it has no fields.",
                                "Edit it without --field.")
    if field not in doc:
        raise NotFoundError("the secret has no such field (the name given is not shown).",
                            "Add it with `safesm put NAME --key FIELD`.")
    item = doc[field]
    text = item if isinstance(item, str) else json.dumps(item, indent=2)
    return Opened(name, current.version_id, value, text.encode("utf-8"), field,
                  as_json=not isinstance(item, str))


def _bad_json(data: bytes) -> InvalidValueError | None:
    try:
        json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return InvalidValueError("the edited value is not valid UTF-8; nothing was written.")
    except json.JSONDecodeError as exc:  # the message names a position, never the text
        return InvalidValueError(f"the edited value is not valid JSON: {exc.msg} (line "
                                 f"{exc.lineno}, column {exc.colno}); nothing was written.")
    return None


def prepare(opened: Opened, edited: bytes) -> SecretValue | None:
    """The value to write, or None when nothing changed. Raises InvalidValueError (exit 7)
    for an empty, oversized, non-UTF-8 or (for JSON) unparsable result."""
    if not opened.text.endswith(b"\n"):
        edited = strip_one_newline(edited)
    if edited == opened.text:
        return None
    if len(edited) > MAX_VALUE_BYTES:
        check_value(edited)
    if opened.as_json:
        problem = _bad_json(edited)
        if problem is not None:
            raise problem
    if opened.field is None:
        return check_value(edited)
    doc = json.loads(opened.whole.reveal_text())
    new_item = check_value(edited).reveal_text()
    doc[opened.field] = json.loads(new_item) if opened.as_json else new_item
    return check_value(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def save(store: SecretStore, opened: Opened, value: SecretValue) -> WriteResult:
    """Write only if AWSCURRENT is still the version opened."""
    result = swap.put_if_current(store, opened.name, value, opened.version_id)
    if result is None:
        raise ConflictError(f"{opened.name!r} changed while you were editing it; your edit was "
                            "not written and their value stays current.",
                            f"Run `safesm edit {opened.name}` again to edit the new value.")
    return result
