"""Pure pieces of the put and get changes (issues 17.14, 17.15, 17.17)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from safesm import render
from safesm.prompt import counts
from safesm.values import SecretValue, shows_as_text


@pytest.mark.parametrize(("data", "said"), [
    (b"one", "1 line, 3 bytes"),
    (b"one\n", "1 line, 4 bytes"),
    (b"a\nb", "2 lines, 3 bytes"),
    (b"-----BEGIN-----\nAAAA\n-----END-----\n", "3 lines, 35 bytes"),
    ("é\n".encode(), "1 line, 3 bytes"),  # bytes, not characters
])
def test_counts_say_lines_and_bytes(data, said):
    assert counts(data) == said


@pytest.mark.parametrize(("value", "text"), [
    (SecretValue(b"plain \t text\r\n"), True),
    (SecretValue("é ü 漢字".encode()), True),
    (SecretValue(b"\x1b[31mred"), False),
    (SecretValue(b"bell\x07"), False),
    (SecretValue("\u009b2J".encode()), False),
    (SecretValue(b"\xff\xfe"), False),
    (SecretValue(b"text", binary=True), False),
])
def test_what_may_be_printed_on_a_terminal(value, text):
    assert shows_as_text(value) is text


def test_times_are_shown_in_utc():
    kathmandu = timezone(timedelta(hours=5, minutes=45))
    moment = datetime(2026, 5, 1, 18, 19, tzinfo=kathmandu)
    assert render.when(moment) == "2026-05-01 12:34 UTC"
    assert render.when(moment, zone=False) == "2026-05-01 12:34"
    assert render.when(datetime(2026, 5, 1, 12, 34)) == "2026-05-01 12:34 UTC"  # no zone: UTC
    assert render.when(None) == "-"
    assert render.to_json({"t": moment}) == '{\n  "t": "2026-05-01T12:34:00+00:00"\n}'
