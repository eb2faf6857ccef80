"""`env --format`: every format reads back exactly, with hostile values (pure readers here;
bash `source` is tests/e2e/test_env_shells.py)."""

from __future__ import annotations

import json
import re

import pytest
from dotenv import dotenv_values
from hypothesis import given
from hypothesis import strategies as st

from safesm.ops.formats import add_mask_lines, delimiter, dotenv_quote, render
from tests.ghactions import masks, parse_github_env
from tests.properties import UNIT

# What a secret can hold and an environment variable can carry: any text but NUL.
values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"),
                 min_size=1, max_size=40)
HOSTILE = ["it's", 'say "hi"', "$HOME and ${HOME} and $(id) and `id`", "back\\slash\\",
           "\\n is not a newline", "line1\nline2\n", "\r\ncrlf\r", "tab\there", "é ✓ 日本 😀",
           "# not a comment", "a=b=c", " leading and trailing ", "%0A%25", "'", '"', "\\",
           "ghadelimiter_x", "=", "export X=1", "\x1b[31mred\x1b[0m"]
PAIRS = [(f"V{i}", v) for i, v in enumerate(HOSTILE)]


def read_dotenv(tmp_path, text: str) -> dict[str, str | None]:
    path = tmp_path / ".env"
    path.write_bytes(text.encode("utf-8"))  # read back as a file: universal newlines apply
    return dotenv_values(path, interpolate=False)


def test_dotenv_round_trips_hostile_values_through_python_dotenv(tmp_path):
    assert read_dotenv(tmp_path, render("dotenv", PAIRS).body) == dict(PAIRS)


def test_dotenv_with_interpolation_on_changes_only_braced_references(tmp_path):
    path = tmp_path / ".env"
    path.write_text(render("dotenv", PAIRS).body)
    read = dotenv_values(path)  # python-dotenv's default: ${VAR} expanded
    assert {k: v for k, v in read.items() if "${" not in dict(PAIRS)[k]} == {
        k: v for k, v in PAIRS if "${" not in v}


@given(st.lists(values, min_size=1, max_size=5))
@UNIT
def test_dotenv_round_trips_any_value(tmp_path_factory, vals):
    pairs = [(f"K{i}", v) for i, v in enumerate(vals)]
    tmp = tmp_path_factory.mktemp("dotenv")
    assert read_dotenv(tmp, render("dotenv", pairs).body) == dict(pairs)


def test_dotenv_quote_is_one_line():
    assert "\n" not in dotenv_quote("a\nb\rc") and "\r" not in dotenv_quote("a\nb\rc")


@given(st.lists(values, min_size=1, max_size=5))
@UNIT
def test_json_round_trips(vals):
    pairs = [(f"K{i}", v) for i, v in enumerate(vals)]
    assert json.loads(render("json", pairs).body) == dict(pairs)


def test_github_env_round_trips_hostile_values():
    out = render("github-actions", PAIRS)
    assert parse_github_env(out.body) == dict(PAIRS)


@given(st.lists(values, min_size=1, max_size=5))
@UNIT
def test_github_env_round_trips_any_value(vals):
    pairs = [(f"K{i}", v) for i, v in enumerate(vals)]
    assert parse_github_env(render("github-actions", pairs).body) == dict(pairs)


def test_github_masks_every_line_of_every_value():
    out = render("github-actions", PAIRS)
    registered = masks(out.commands)
    for _, value in PAIRS:
        for line in re.split(r"\r\n|\r|\n", value):
            if line.strip():
                assert line in registered
    assert not any(m.strip() == "" for m in registered)  # the runner warns on blank masks
    assert "::add-mask::" not in out.body


def test_mask_data_is_escaped_as_the_runner_unescapes_it():
    assert add_mask_lines(["100%0A"]) == ["::add-mask::100%250A"]
    assert masks("::add-mask::100%250A\n") == ["100%0A"]


def test_delimiter_never_occurs_in_a_value():
    taken = "ghadelimiter_fixed"
    assert delimiter([f"x{taken}y"], token="fixed") != taken
    assert delimiter(["plain"], token="fixed") == taken


@pytest.mark.parametrize("fmt", ["dotenv", "shell", "json", "github-actions"])
def test_rendered_output_has_a_masked_repr(fmt):
    assert "secret" not in repr(render(fmt, [("A", "secret")]))
