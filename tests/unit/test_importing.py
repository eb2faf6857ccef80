"""Parsing files for `safesm import` (pure): python-dotenv's reading, errors by line only."""

from __future__ import annotations

import json

import pytest
from dotenv import dotenv_values

from safesm.errors import ExitCode, InvalidValueError, UsageError
from safesm.ops.importing import joined, parse, split

ENV = r"""# comment
export A=plain
B='single # not a comment'
C="double \"quoted\" \n escaped"
D=unquoted # a comment
E="multi
line"
F=a=b=c
G=${HOME}
"""


def test_dotenv_as_python_dotenv_reads_it_without_expansion(tmp_path):
    (tmp_path / ".env").write_text(ENV)
    expected = dotenv_values(tmp_path / ".env", interpolate=False)
    entries = parse(ENV, "dotenv")
    assert {e.key: e.value for e in entries} == expected
    assert expected["G"] == "${HOME}" and expected["C"] == 'double "quoted" \n escaped'
    assert [e.where for e in entries][:2] == ["line 2", "line 3"]


@pytest.mark.parametrize(("text", "lines"), [
    ("A=1\nB='canary-unclosed\nC=3\n", "line 2"),
    ("A=1\nJUSTNAME\nC=3\n", "line 2"),
    ("A='x'junk canary\nB=2\n'bad key\nC=ok\n", "lines 1, 3"),
])
def test_parse_errors_give_lines_never_content(text, lines):
    with pytest.raises(UsageError) as e:
        parse(text, "dotenv")
    assert lines in e.value.message
    assert "canary" not in str(e.value.__dict__) and "JUSTNAME" not in e.value.message


def test_a_repeated_key_is_refused():
    with pytest.raises(UsageError, match="line 3 repeats a key from line 1"):
        parse("A=1\nB=2\nA=3\n", "dotenv")


def test_an_empty_file_is_refused():
    with pytest.raises(UsageError, match="no KEY=VALUE"):
        parse("# only a comment\n\n", "dotenv")


def test_json_flat_object_keeps_order_and_scalars():
    entries = parse('{"b": "x", "a": 1, "c": true, "d": 1.5}', "json")
    assert [(e.key, e.value) for e in entries] == [("b", "x"), ("a", 1), ("c", True),
                                                   ("d", 1.5)]
    assert json.loads(joined(entries).reveal_text()) == {"b": "x", "a": 1, "c": True,
                                                           "d": 1.5}
    assert [v.reveal_text() for _, v in split(entries, "p/")] == ["x", "1", "true", "1.5"]


@pytest.mark.parametrize("text", ['{"a": {"n": 1}}', '{"a": null}', '["canary"]',
                                  '{"a": "canary"', '{"a": 1, "a": 2}'])
def test_json_problems_never_show_content(text):
    with pytest.raises(UsageError) as e:
        parse(text, "json")
    assert "canary" not in e.value.message


def test_split_checks_names_and_values_by_line():
    with pytest.raises(UsageError, match="line 1"):
        split(parse("bad:key=v\n", "dotenv"), "p/")
    with pytest.raises(InvalidValueError) as e:
        split(parse("A=1\nB=\n", "dotenv"), "p/")
    assert "line 2" in e.value.message and e.value.exit_code == ExitCode.INVALID_VALUE
    assert [n for n, _ in split(parse("A=1\n", "dotenv"), "app/prod/")] == ["app/prod/A"]
