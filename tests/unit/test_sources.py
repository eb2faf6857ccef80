"""Sources to variables (pure): -e parsing, derived names, collisions, --override order."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safesm.errors import ConflictError, ExitCode, InvalidValueError, NotFoundError, UsageError
from safesm.ops.sources import (
    Mapping_,
    Origin,
    Sources,
    Variable,
    check_environment_values,
    derive_name,
    folder,
    parse_mapping,
    resolve,
    variables,
    wanted,
)
from safesm.values import SecretValue
from tests.properties import UNIT

VALID = __import__("re").compile(r"[A-Za-z_][A-Za-z0-9_]*")


def sv(text: str) -> SecretValue:
    return SecretValue(text.encode())


@pytest.mark.parametrize(("text", "parsed"), [
    ("DB=db/prod", Mapping_("DB", "db/prod")),
    ("PGPASSWORD=db/prod#password", Mapping_("PGPASSWORD", "db/prod", "password")),
    ("_x1=a#b#c", Mapping_("_x1", "a", "b#c")),  # a field may hold '#'
    ("K=arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf",
     Mapping_("K", "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf")),
])
def test_mappings(text, parsed):
    assert parse_mapping(text) == parsed


@pytest.mark.parametrize("text", [
    "DB", "=db/prod", "1DB=db", "D-B=db", "DB=", "DB=db#", "DB=bad name", "DB=x\ny",
    "DB=hunter2!", " DB=db",
])
def test_malformed_mappings(text):
    assert parse_mapping(text) is None


@pytest.mark.parametrize(("text", "name"), [
    ("db-password", "DB_PASSWORD"), ("api.key", "API_KEY"), ("db/host", "DB_HOST"),
    ("_private", "_PRIVATE"), ("Mixed_Case9", "MIXED_CASE9"), ("é", "_"), ("straße", "STRA_E"),
    ("9lives", None), ("", None), ("-x", "_X"),
])
def test_derived_names(text, name):
    assert derive_name(text) == name


@given(st.text(max_size=30))
@UNIT
def test_a_derived_name_is_always_valid_or_refused(text):
    name = derive_name(text)
    assert name is None or VALID.fullmatch(name)


def test_prefix_is_a_folder():
    assert folder("app/prod") == "app/prod/" and folder("app/prod/") == "app/prod/"


def test_variables_in_option_order_with_their_origin():
    sources = Sources((Mapping_("PGPASSWORD", "db", "password"), Mapping_("RAW", "db")),
                      ("app/config",), ("app/prod",))
    values = {"db": sv('{"password": "pw", "user": "u"}'),
              "app/config": sv(json.dumps({"api-key": "k", "port": 5432, "on": True})),
              "app/prod/db/host": sv("h")}
    out = variables(sources, [["app/prod/db/host"]], values)
    assert [(v.name, v.value.reveal_text(), v.origin.kind) for v in out] == [
        ("DB_HOST", "h", "--prefix"), ("API_KEY", "k", "--from"), ("PORT", "5432", "--from"),
        ("ON", "true", "--from"), ("PGPASSWORD", "pw", "-e"),
        ("RAW", '{"password": "pw", "user": "u"}', "-e")]


def test_a_key_that_cannot_be_a_name_names_the_secret_not_the_value():
    values = {"app/config": sv(json.dumps({"9to5": "canary-value"}))}
    with pytest.raises(UsageError) as e:
        variables(Sources((), ("app/config",)), [], values)
    assert "app/config" in e.value.message and "canary-value" not in str(e.value.__dict__)


def test_from_needs_a_json_object():
    with pytest.raises(InvalidValueError) as e:
        variables(Sources((), ("plain",)), [], {"plain": sv("canary-text")})
    assert e.value.exit_code == ExitCode.INVALID_VALUE and "canary" not in e.value.message


def test_missing_field_is_not_found():
    with pytest.raises(NotFoundError):
        variables(Sources((Mapping_("X", "db", "nope"),)), [], {"db": sv('{"a": "b"}')})


def var(name: str, kind: str, index: int = 1, secret: str = "s") -> Variable:
    return Variable(name, sv(f"{kind}{index}"), Origin(kind, index, secret))


def test_two_sources_for_one_name_are_refused_naming_both():
    found = [var("X", "--from", secret="a/b"), var("X", "-e", secret="c/d")]
    with pytest.raises(ConflictError) as e:
        resolve(found)
    assert "a/b" in e.value.message and "c/d" in e.value.message
    assert e.value.exit_code == ExitCode.CONFLICT and "--override" in (e.value.hint or "")


def test_a_name_the_command_would_inherit_is_refused():
    with pytest.raises(ConflictError, match="already set"):
        resolve([var("HOME", "-e")], inherited={"HOME"})
    assert resolve([var("HOME", "-e")], inherited={"HOME"}, override=True)[0].name == "HOME"


def test_override_order_e_beats_from_beats_prefix_and_later_beats_earlier():
    found = [var("X", "--prefix", 1), var("X", "-e", 1), var("X", "--from", 2),
             var("X", "-e", 2), var("X", "--prefix", 3)]
    [winner] = resolve(found, override=True)
    assert winner.value.reveal_text() == "-e2"
    [winner] = resolve([var("Y", "--prefix", 1), var("Y", "--from", 1)], override=True)
    assert winner.origin.kind == "--from"


def test_environment_values_are_text_without_nul():
    check_environment_values([var("OK", "-e")])
    with pytest.raises(InvalidValueError, match="binary"):
        check_environment_values([Variable("B", SecretValue(b"\xff", binary=True),
                                           Origin("-e", 1, "s"))])
    with pytest.raises(InvalidValueError, match="NUL"):
        check_environment_values([Variable("N", sv("a\0b"), Origin("-e", 1, "s"))])


def test_wanted_labels_never_echo_typed_names():
    sources = Sources((Mapping_("DB", "hunter2-typed"),), ("also-typed",), ("p/",))
    labels = [w.label for w in wanted(sources, [["p/listed"]])]
    assert labels == ["secret 'p/listed' (--prefix #1)", "the secret of --from #1",
                      "the secret for DB (-e)"]
