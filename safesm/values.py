"""Pure rules for secret values and names: no I/O here, so every rule is unit-tested.

A value is carried in ``SecretValue``, whose repr and str are masked, so that an
accidental log line, f-string or traceback shows ``****`` instead of the secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import InvalidValueError, NotFoundError, UsageError

MAX_VALUE_BYTES = 65_536
NAME_RE = re.compile(r"[A-Za-z0-9/_+=.@-]{1,512}")
# A full secret ARN: the only way to name a secret in another account (reads only).
ARN_RE = re.compile(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:"
                    r"([a-z0-9-]{1,64}!)?[A-Za-z0-9/_+=.@-]{1,512}")
# Secrets another service created and manages (RDS: rds!db-..., rds!cluster-...) carry
# the service's prefix and '!', which nobody else may use: they can be read and managed
# by that name, never created by it.
MANAGED_NAME_RE = re.compile(r"[a-z0-9-]{1,64}![A-Za-z0-9/_+=.@-]{1,512}")
# Options refused on any command line because they would carry a value (cli refuses them,
# history flags them).
VALUE_OPTIONS = ("--secret-string", "--secret-binary", "--value", "--password", "--passwd",
                 "--secret")
MASK = "****"


class SecretValue:
    """Bytes of a secret, plus whether it is stored as SecretBinary. Never shows itself."""

    __slots__ = ("_data", "binary")

    def __init__(self, data: bytes, binary: bool = False) -> None:
        self._data = bytes(data)
        self.binary = binary

    def __repr__(self) -> str:
        return f"SecretValue({MASK})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretValue):
            return NotImplemented
        return self._data == other._data and self.binary == other.binary

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self._data)

    def reveal(self) -> bytes:
        """The raw bytes; call only at the edge that must hand the value on."""
        return self._data

    def reveal_text(self) -> str:
        return self._data.decode("utf-8")


def check_name(name: str) -> str:
    """Refuse names Secrets Manager would refuse, before any network call."""
    if not NAME_RE.fullmatch(name or ""):
        raise UsageError(
            "invalid secret name: use 1-512 characters from A-Z a-z 0-9 / _ + = . @ -",
        )
    return name


def check_secret_id(secret_id: str) -> str:
    """A name, or a full secret ARN (how another account's secret is named)."""
    if ARN_RE.fullmatch(secret_id or "") or MANAGED_NAME_RE.fullmatch(secret_id or ""):
        return secret_id
    try:
        return check_name(secret_id)
    except UsageError:
        raise UsageError("invalid secret id: use a name (1-512 characters from A-Z a-z 0-9 "
                         "/ _ + = . @ -) or a full secret ARN.") from None


def is_version_id(text: str) -> bool:
    """Secrets Manager's VersionId: 32 to 64 characters (a UUID, or a ClientRequestToken),
    printable, no spaces."""
    return 32 <= len(text) <= 64 and text.isprintable() and " " not in text


def is_stage_label(text: str) -> bool:
    """A staging label (AWSCURRENT, AWSPREVIOUS, or your own): 1 to 256 characters."""
    return 1 <= len(text) <= 256 and text.isprintable()


def strip_one_newline(data: bytes) -> bytes:
    """Drop exactly one trailing ``\\n`` or ``\\r\\n``: what `echo` and editors add."""
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


def check_value(data: bytes, binary: bool = False) -> SecretValue:
    """Apply the size and encoding rules and wrap the bytes."""
    if not data:
        raise InvalidValueError("refused: the value is empty; nothing was written.")
    if len(data) > MAX_VALUE_BYTES:
        raise InvalidValueError(
            f"refused: the value is larger than {MAX_VALUE_BYTES:,} bytes, Secrets Manager's "
            "limit; nothing was written.",
        )
    if not binary:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidValueError(
                "refused: the value is not valid UTF-8; nothing was written.",
                "Pass --binary to store it as SecretBinary.",
            ) from None
    return SecretValue(data, binary=binary)


# C0 controls but tab, newline and carriage return; DEL; C1 controls (U+0080-U+009F).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shows_as_text(value: SecretValue) -> bool:
    """Whether the value may be printed on a terminal: UTF-8 text with no control
    characters but tab and newline (an escape sequence could rewrite the screen, the
    window title or the clipboard). Binary secrets never are."""
    if value.binary:
        return False
    try:
        text = value.reveal_text()
    except UnicodeDecodeError:
        return False
    return _CONTROL.search(text) is None


def _load_object(value: SecretValue) -> dict[str, Any]:
    import json

    try:
        doc = json.loads(value.reveal_text()) if not value.binary else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        doc = None
    if not isinstance(doc, dict):
        raise InvalidValueError(
            "the secret is not a JSON object, so it has no fields.",
            "Read it without --field/--key, or store a JSON object.",
        )
    return doc


def extract_field(value: SecretValue, key: str) -> SecretValue:
    """One key of a JSON secret; strings come out bare, anything else as JSON."""
    import json

    doc = _load_object(value)
    if key not in doc:
        raise NotFoundError("the secret has no such field (the name given is not shown).",
                            "List its fields with `safesm get NAME | jq keys`.")
    field = doc[key]
    text = field if isinstance(field, str) else json.dumps(field)
    return SecretValue(text.encode("utf-8"))


def has_field(value: SecretValue, key: str) -> bool:
    return key in _load_object(value)


def set_field(value: SecretValue, key: str, field: SecretValue) -> SecretValue:
    """Set one key of a JSON secret to a string, keeping every other key as it was."""
    if field.binary:
        raise UsageError("--key and --binary cannot be combined: JSON fields are text.")
    import json

    doc = _load_object(value)
    doc[key] = field.reveal_text()
    return check_value(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class Tag:
    key: str
    value: str


def parse_tag(text: str) -> Tag:
    key, sep, val = text.partition("=")
    if not sep or not key:
        raise UsageError("--tag takes KEY=VALUE (the text given is not shown).")
    return Tag(key, val)
