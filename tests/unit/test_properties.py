"""Hostile input against the pure rules, property-based (hypothesis, derandomized).

Each property is checked against an oracle written out from the documented rules (README,
safesm(1)), not against safesm's own helpers, so a wrong rule cannot confirm itself.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from safesm import policy_lint
from safesm.errors import InvalidValueError, NotFoundError, SafesmError, UsageError
from safesm.history import SHELLS
from safesm.history.formats import detect_shell
from safesm.history.scan import clean, scan
from safesm.redact import Redactor
from safesm.values import MASK, SecretValue, check_name, check_value, extract_field, set_field
from tests.properties import (
    UNIT,
    history_bytes,
    json_values,
    name_oracle,
    names,
    policies,
)

LIMIT = 65_536


# names ----------------------------------------------------------------------------------


@UNIT
@given(names)
@example("a" * 512)
@example("a" * 513)
@example("")
@example("db/prod\n")
@example("ﬁ")  # a ligature whose lowercase/NFKC forms are ASCII
def test_names_are_accepted_exactly_per_design(name):
    if name_oracle(name):
        assert check_name(name) == name
    else:
        with pytest.raises(UsageError):
            check_name(name)


# values ---------------------------------------------------------------------------------


def _value_oracle(data: bytes, binary: bool) -> bool:
    if not 1 <= len(data) <= LIMIT:
        return False
    if binary:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@UNIT
@given(st.binary(max_size=64) | st.text(max_size=32).map(str.encode), st.booleans())
@example(b"x" * LIMIT, False)
@example(b"x" * (LIMIT + 1), True)
@example(b"\xed\xa0\x80", False)  # an encoded surrogate: not valid UTF-8
@example(b"\xc0\xaf", False)  # overlong encoding
def test_any_bytes_are_kept_exactly_or_refused_as_invalid(data, binary):
    if _value_oracle(data, binary):
        value = check_value(data, binary)
        assert value.reveal() == data and value.binary == binary
        assert MASK in repr(value) and data.decode("latin-1") not in repr(value)[7:-1]
    else:
        with pytest.raises(InvalidValueError) as info:
            check_value(data, binary)
        assert info.value.exit_code == 7


# JSON fields ----------------------------------------------------------------------------


@UNIT
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5), st.text(max_size=8),
       st.text(min_size=1, max_size=16))
def test_setting_a_field_keeps_every_other_field(doc, key, text):
    original = SecretValue(json.dumps(doc).encode())
    try:
        updated = set_field(original, key, SecretValue(text.encode()))
    except InvalidValueError:
        assert len(json.dumps({**doc, key: text}, ensure_ascii=False).encode()) > LIMIT
        return
    after = json.loads(updated.reveal_text())
    assert after == {**doc, key: text}
    assert extract_field(updated, key).reveal_text() == text


@UNIT
@given(json_values, st.text(max_size=8))
def test_fields_of_any_json_come_out_or_fail_cleanly(doc, key):
    value = SecretValue(json.dumps(doc).encode())
    try:
        out = extract_field(value, key)
    except (InvalidValueError, NotFoundError):
        assert not isinstance(doc, dict) or key not in doc
        return
    field = doc[key]
    assert out.reveal_text() == (field if isinstance(field, str) else json.dumps(field))


# the --debug log filter -----------------------------------------------------------------


@UNIT
@given(st.text(min_size=4, max_size=24).filter(lambda v: "*" not in v),
       st.text(max_size=12), st.text(max_size=12))
def test_a_held_value_never_survives_the_log_filter(value, before, after):
    redactor = Redactor()
    redactor.remember(SecretValue(value.encode()))
    for shown in (value, json.dumps(value)[1:-1], repr(value.encode())[2:-1]):
        assert value not in redactor.redact(before + shown + after)
    body = json.dumps({"Name": "x", "SecretString": before + value + after})
    assert value not in redactor.redact(body)


# policy lint ----------------------------------------------------------------------------


@UNIT
@given(policies, st.sampled_from([None, "123456789012"]),
       st.sampled_from([None, "arn:aws:kms:us-east-1:123456789012:key/abcd-1234"]))
def test_lint_never_crashes_on_any_json(doc, account, kms_key):
    findings = policy_lint.lint(json.dumps(doc), policy_lint.Context(account, kms_key))
    for f in findings:
        assert f.rule and f.severity in policy_lint.SEVERITIES
    for level in ("low", "medium", "high"):
        assert isinstance(policy_lint.fails(findings, level), bool)


@UNIT
@given(st.text(max_size=60))
def test_lint_never_crashes_on_any_text(text):
    assert isinstance(policy_lint.lint(text), list)


# shell history --------------------------------------------------------------------------


@UNIT
@given(history_bytes, st.sampled_from(SHELLS))
def test_history_scan_never_crashes_and_scrub_leaves_nothing(data, shell):
    findings = scan(data, shell)
    for f in findings:
        assert f.line >= 1
    if not findings:
        return
    for mask in (False, True):
        cleaned, _ = clean(data, shell, mask=mask)  # what `history scrub` writes
        assert scan(cleaned, shell) == [], (data, mask)


@UNIT
@given(history_bytes, st.sampled_from(["history", ".bash_history", ".zsh_history",
                                       "fish_history", "x"]))
def test_shell_detection_never_crashes(data, name):
    assert detect_shell(name, data) in SHELLS


def test_the_oracles_are_not_vacuous():
    """The generators reach both sides of each rule."""
    assert name_oracle("db/prod") and not name_oracle("db prod")
    assert _value_oracle(b"x", False) and not _value_oracle(b"\xff", False)
    assert scan(b"export DB_PASSWORD=hunter2x\n", "bash")
    with pytest.raises(SafesmError):
        check_name("")
