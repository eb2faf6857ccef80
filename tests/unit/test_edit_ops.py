"""What `edit` makes of what the editor left (ops.edit.prepare): pure."""

from __future__ import annotations

import json

import pytest

from safesm.errors import InvalidValueError
from safesm.ops.edit import Opened, prepare
from safesm.values import SecretValue


def opened(text: bytes, field: str | None = None, whole: bytes | None = None,
           as_json: bool = False) -> Opened:
    return Opened("a", "v1", SecretValue(whole or text), text, field, as_json)


def test_unchanged_and_the_editors_final_newline():
    assert prepare(opened(b"pw"), b"pw") is None
    assert prepare(opened(b"pw"), b"pw\n") is None
    assert prepare(opened(b"pw"), b"pw2\n").reveal() == b"pw2"
    assert prepare(opened(b"pw"), b"pw2\n\n").reveal() == b"pw2\n"
    assert prepare(opened(b"line\n"), b"line\n") is None  # a value with a newline keeps it
    assert prepare(opened(b"line\n"), b"line2\n").reveal() == b"line2\n"


@pytest.mark.parametrize("edited, why", [
    (b"", "empty"), (b"\n", "empty"), (b"x" * 70000, "larger than"), (b"\xff\xfe", "UTF-8"),
])
def test_invalid_values(edited, why):
    with pytest.raises(InvalidValueError, match=why):
        prepare(opened(b"pw"), edited)


def test_json_is_checked_and_the_text_never_echoed():
    with pytest.raises(InvalidValueError) as err:
        prepare(opened(b'{"a": 1}', as_json=True), b'{"a": hunter2}')
    assert "not valid JSON" in err.value.message and "line 1" in err.value.message
    assert "hunter2" not in err.value.message
    assert prepare(opened(b'{"a": 1}', as_json=True), b'{"a": 2}').reveal() == b'{"a": 2}'


def test_fields_keep_the_others_and_their_types():
    whole = b'{"user": "u", "password": "p", "port": 5432}'
    new = prepare(opened(b"p", "password", whole), b"q\n")
    assert json.loads(new.reveal()) == {"user": "u", "password": "q", "port": 5432}
    new = prepare(opened(b"5432", "port", whole, as_json=True), b"6543\n")
    assert json.loads(new.reveal())["port"] == 6543
    with pytest.raises(InvalidValueError, match="not valid JSON"):
        prepare(opened(b"5432", "port", whole, as_json=True), b"six")
