"""Pure: the template language of `safesm inject`, which is one form of reference and
nothing else:

    {{ sm://NAME }}          the whole value of secret NAME
    {{ sm://NAME#FIELD }}    one field of a JSON secret

NAME is a secret name or ARN; FIELD is any text without whitespace or `}`; the spaces
inside the braces are optional. Nothing is evaluated or executed. Any other `{{ ... }}`
(Helm, Jinja, GitHub expressions) is left exactly as it is; text that starts like a
reference (`{{ sm://`) but is not one is an error, with its line and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import InvalidValueError, SafesmError, UsageError
from ..values import ARN_RE, NAME_RE, SecretValue, extract_field
from . import batch

if TYPE_CHECKING:
    from ..aws.store import SecretStore

START = re.compile(r"\{\{[ \t]*sm://")
REFERENCE = re.compile(
    r"\{\{[ \t]*sm://(?P<name>[A-Za-z0-9/_+=.@:-]+)(?:#(?P<field>[^\s}]+))?[ \t]*\}\}")


@dataclass(frozen=True)
class Reference:
    name: str
    field: str | None
    line: int
    column: int
    start: int
    end: int

    @property
    def where(self) -> str:
        return f"line {self.line}, column {self.column}"

    @property
    def text(self) -> str:
        return f"sm://{self.name}" + (f"#{self.field}" if self.field else "")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def parse(text: str) -> list[Reference]:
    """Every reference in order; a malformed one raises naming its line and column."""
    refs: list[Reference] = []
    for start in START.finditer(text):
        match = REFERENCE.match(text, start.start())
        line, column = _position(text, start.start())
        if match is None:
            raise UsageError(f"template line {line}, column {column}: a reference must read "
                             "{{ sm://NAME }} or {{ sm://NAME#FIELD }}; nothing was written.")
        if not (NAME_RE.fullmatch(match["name"]) or ARN_RE.fullmatch(match["name"])):
            raise UsageError(f"template line {line}, column {column}: NAME must be a secret "
                             "name (1-512 characters from A-Z a-z 0-9 / _ + = . @ -) or ARN; "
                             "nothing was written.")
        refs.append(Reference(match["name"], match["field"], line, column, match.start(),
                              match.end()))
    return refs


def render(text: str, refs: Sequence[Reference], values: Mapping[Reference, str]) -> str:
    """The template with each reference replaced by its value."""
    out, pos = [], 0
    for ref in refs:
        out += [text[pos:ref.start], values[ref]]
        pos = ref.end
    out.append(text[pos:])
    return "".join(out)


def _value(ref: Reference, value: SecretValue) -> str:
    try:
        if ref.field:
            value = extract_field(value, ref.field)
        if value.binary:
            raise InvalidValueError("the secret is binary; a template takes text.")
        return value.reveal_text()
    except SafesmError as err:
        raise type(err)(f"template {ref.where} ({ref.text}): {err.message} Nothing was "
                        "written.", err.hint) from None


def fill(store: SecretStore, text: str) -> str:
    """The rendered template: every reference resolved from one fetch, or an error naming
    the first one that does not resolve (and nothing rendered)."""
    refs = parse(text)
    wanted = [batch.Wanted(r.name, f"the secret of the reference at template {r.where} "
                                   f"({r.text})") for r in refs]
    found = batch.fetch(store, wanted)
    values = {ref: _value(ref, found[ref.name]) for ref in refs}
    for ref in refs:
        store.redactor.remember(SecretValue(values[ref].encode("utf-8")))
    return render(text, refs, values)
