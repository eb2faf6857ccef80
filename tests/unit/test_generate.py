"""Password generation: GetRandomPassword's rules and defaults, made with `secrets`."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safesm.errors import UsageError
from safesm.ops.generate import PUNCTUATION, PasswordRules, generate


def text(rules: PasswordRules) -> str:
    return generate(rules).reveal_text()


def test_defaults_are_getrandompasswords():
    value = text(PasswordRules())
    assert len(value) == 32
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits, PUNCTUATION):
        assert any(c in chars for c in value)
    assert " " not in value
    assert PUNCTUATION == "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


@given(length=st.integers(4, 200), punctuation=st.booleans(), numbers=st.booleans(),
       upper=st.booleans(), space=st.booleans(), excluded=st.text("abcXYZ019!@#", max_size=6))
def test_every_included_type_appears_and_nothing_excluded(length, punctuation, numbers, upper,
                                                          space, excluded):
    rules = PasswordRules(length, excluded, punctuation, numbers, upper, True, space)
    value = text(rules)
    assert len(value) == length
    assert not set(value) & set(excluded)
    wanted = [string.ascii_lowercase, *([string.ascii_uppercase] if upper else []),
              *([string.digits] if numbers else []), *([PUNCTUATION] if punctuation else [])]
    for chars in wanted:
        assert any(c in chars for c in value)
    allowed = "".join(wanted) + (" " if space else "")
    assert set(value) <= set(allowed)


def test_exclusions_and_space():
    value = text(PasswordRules(length=200, punctuation=False, numbers=False, uppercase=False,
                               space=True, exclude_chars="aeiou"))
    assert set(value) <= set(string.ascii_lowercase + " ") - set("aeiou")


def test_values_differ():
    assert len({text(PasswordRules()) for _ in range(20)}) == 20


@pytest.mark.parametrize("rules, why", [
    (PasswordRules(punctuation=False, numbers=False, uppercase=False, lowercase=False),
     "every type is excluded"),
    (PasswordRules(lowercase=False, uppercase=False, numbers=False,
                   exclude_chars=PUNCTUATION), "every type is excluded"),
    (PasswordRules(length=3), "shorter than the 4 character types"),
    (PasswordRules(length=0), "--length must be from 1"),
    (PasswordRules(length=4097), "--length must be from 1"),
])
def test_impossible_combinations_are_refused(rules, why):
    with pytest.raises(UsageError, match=why):
        generate(rules)


def test_short_without_require_each_type():
    assert len(text(PasswordRules(length=2, require_each=False))) == 2
