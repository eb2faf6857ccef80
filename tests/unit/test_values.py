"""Pure value and name rules."""

from __future__ import annotations

import pytest

from safesm.errors import ExitCode, InvalidValueError, NotFoundError, UsageError
from safesm.values import (
    SecretValue,
    check_name,
    check_value,
    extract_field,
    parse_tag,
    set_field,
    strip_one_newline,
)


@pytest.mark.parametrize(
    ("raw", "want"),
    [(b"a\n", b"a"), (b"a\r\n", b"a"), (b"a\n\n", b"a\n"), (b"a", b"a"), (b"\n", b""),
     (b"a\r", b"a\r"), (b"", b"")],
)
def test_strip_one_newline(raw, want):
    assert strip_one_newline(raw) == want


def test_value_limits():
    assert len(check_value(b"x" * 65_536)) == 65_536
    with pytest.raises(InvalidValueError) as e:
        check_value(b"x" * 65_537)
    assert e.value.exit_code == ExitCode.INVALID_VALUE
    with pytest.raises(InvalidValueError):
        check_value(b"")
    with pytest.raises(InvalidValueError):
        check_value(b"\xc3\x28")
    assert check_value(b"\xc3\x28", binary=True).binary


@pytest.mark.parametrize("name", ["a", "db/prod", "A-Z_a.z+0=9@x", "x" * 512, "/lead"])
def test_good_names(name):
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", "x" * 513, "sp ace", "tab\t", "ü", "a:b", "a*b", "a\nb"])
def test_bad_names(name):
    with pytest.raises(UsageError):
        check_name(name)


def test_secret_value_never_shows_itself():
    v = SecretValue(b"hunter2-canary")
    for text in (repr(v), str(v), f"{v}", f"{v!r}", repr([v]), repr({"k": v})):
        assert "hunter2" not in text
    assert v.reveal() == b"hunter2-canary"


def test_exceptions_never_carry_the_value():
    with pytest.raises(InvalidValueError) as e:
        check_value(b"hunter2-canary\xff")
    assert "hunter2" not in str(e.value) and "hunter2" not in repr(e.value)


def test_extract_field():
    v = SecretValue(b'{"u": "x", "n": 5, "o": {"a": 1}}')
    assert extract_field(v, "u").reveal() == b"x"
    assert extract_field(v, "n").reveal() == b"5"
    assert extract_field(v, "o").reveal() == b'{"a": 1}'
    with pytest.raises(NotFoundError):
        extract_field(v, "missing")
    for bad in (b"[1,2]", b"plain", b'"str"'):
        with pytest.raises(InvalidValueError):
            extract_field(SecretValue(bad), "u")
    with pytest.raises(InvalidValueError):
        extract_field(SecretValue(b'{"u":1}', binary=True), "u")


def test_set_field_keeps_others():
    v = set_field(SecretValue(b'{"a": "1", "b": [1]}'), "c", SecretValue("é".encode()))
    import json

    assert json.loads(v.reveal()) == {"a": "1", "b": [1], "c": "é"}


def test_parse_tag():
    assert parse_tag("k=v=w").value == "v=w"
    assert parse_tag("k=").value == ""
    for bad in ("k", "=v"):
        with pytest.raises(UsageError):
            parse_tag(bad)


def test_service_managed_names_can_be_named_but_not_created():
    from safesm.values import check_name, check_secret_id

    for secret_id in ("rds!db-0123abcd-4567", "rds!cluster-1",
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1-AbCdEf"):
        assert check_secret_id(secret_id) == secret_id
    with pytest.raises(UsageError):
        check_name("rds!db-1")
    with pytest.raises(UsageError):
        check_secret_id("!db")
