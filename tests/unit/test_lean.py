"""The lean entry point's decisions: which argv it answers, and which it leaves to the CLI."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safesm import lean, lean_complete
from safesm.cli import refuse_value_options
from safesm.values import VALUE_OPTIONS

ACCEPTED = [
    (["get", "a"], ["a"], None, {}),
    (["get", "a", "b/c"], ["a", "b/c"], None, {}),
    (["--profile", "p", "get", "a"], ["a"], None, {"profile": "p"}),
    (["--profile=p", "--region", "eu-west-1", "--endpoint-url", "http://h:1", "get", "a"],
     ["a"], None, {"profile": "p", "region": "eu-west-1", "endpoint_url": "http://h:1"}),
    (["-q", "get", "a"], ["a"], None, {}),
    (["--quiet", "get", "a", "--print"], ["a"], None, {}),
    (["get", "a", "--field", "k"], ["a"], "k", {}),
    (["get", "--field=k=v", "a", "b"], ["a", "b"], "k=v", {}),
]


@pytest.mark.parametrize(("argv", "names", "field", "flags"), ACCEPTED,
                         ids=[" ".join(a[0]) for a in ACCEPTED])
def test_plain_gets_are_answered(argv, names, field, flags):
    call = lean.parse_get(argv)
    assert call is not None
    assert (call.names, call.field, call.flags, call.fresh) == (names, field, flags, False)


def test_fresh():
    call = lean.parse_get(["get", "--fresh", "a"])
    assert call is not None and call.fresh


REFUSED = [
    [], ["get"], ["list"], ["put", "a"], ["describe", "a"], ["--version"], ["--help"],
    ["get", "a", "--help"], ["get", "-h", "a"], ["--debug", "get", "a"],
    ["get", "a", "--version-id", "v"], ["get", "a", "--version-stage", "AWSPREVIOUS"],
    ["get", "a", "--clip"], ["get", "a", "--osc52"], ["get", "a", "--clip-timeout", "3"],
    ["get", "--", "a"], ["get", "-a"], ["get", ""], ["get", "a", "--field"],
    ["get", "a", "--field", "--value"], ["get", "a", "--field", "k", "--field", "j"],
    ["get", "a", "--field="], ["get", "a", "--print=1"], ["--profile", "get", "a"],
    ["--profile", "-x", "get", "a"], ["--region", "", "get", "a"],
    ["--profile", "p", "--profile", "q", "get", "a"], ["get", "a", "--value", "x"],
    ["get", "a", "--secret-string=x"], ["get", "a", "--password"], ["get", "a", "--secret"],
    ["--field", "k", "get", "a"], ["--print", "get", "a"], ["-x", "get", "a"],
]


@pytest.mark.parametrize("argv", REFUSED, ids=[" ".join(a) or "(none)" for a in REFUSED])
def test_anything_else_goes_to_the_full_cli(argv):
    assert lean.parse_get(argv) is None


@pytest.mark.parametrize(("argv", "flags"), [
    (["get", "a", "--profile", "p"], {"profile": "p"}), (["get", "a", "-q"], {}),
    (["get", "a", "--region=r"], {"region": "r"}),
    (["--region", "r", "get", "a", "--profile", "p"], {"region": "r", "profile": "p"})])
def test_global_options_after_the_command_follow_the_cli(argv, flags):
    """The full CLI takes them after the command (issue 17), so the lean path does too
    (tests/cli/test_lean.py checks the two agree)."""
    assert lean.GLOBALS_AFTER_COMMAND
    call = lean.parse_get(argv)
    assert call is not None and call.names == ["a"] and call.flags == flags


WORDS = st.sampled_from(["get", "a", "db/prod", "--profile", "p", "--field", "k", "--print",
                         "--fresh", "-q", "--", "--region=r", "--value", "--secret", "-x", "",
                         *VALUE_OPTIONS, "--field=" + "--value", "put"])


@given(st.lists(WORDS, max_size=8))
def test_an_accepted_argv_is_one_the_cli_would_not_refuse(argv):
    call = lean.parse_get(argv)
    if call is None:
        return
    refuse_value_options(argv)  # raises if any token would carry a value
    assert not any(w in VALUE_OPTIONS or w == "--" for w in argv)
    assert all(n and not n.startswith("-") for n in call.names)


def test_output_is_the_values_bytes_or_one_json_object():
    one = lean.parse_get(["get", "a"])
    two = lean.parse_get(["get", "a", "b"])
    assert one is not None and two is not None
    assert lean.output(one, [(b"\x00\xffraw\n", True)]) == b"\x00\xffraw\n"
    assert lean.output(two, [("é".encode(), False), (b'"q"', False)]) == \
        '{"a": "é", "b": "\\"q\\""}'.encode()
    assert lean.output(two, [(b"x", False), (b"\x00", True)]) is None  # the CLI says why


# TAB -------------------------------------------------------------------------------------


def test_words_are_split_like_clicks_shlex_for_plain_text_only():
    assert lean_complete.split_words("safesm  get db/ ") == ["safesm", "get", "db/"]
    for odd in ("safesm get 'db", 'safesm get "db', "safesm get db\\ x", "safesm\tget"):
        assert lean_complete.split_words(odd) is None


def test_completion_args_per_shell():
    env = {"COMP_WORDS": "safesm get db/", "COMP_CWORD": "2"}
    assert lean_complete.completion_args("bash", env) == (["get"], "db/")
    assert lean_complete.completion_args("zsh", {**env, "COMP_CWORD": "3"}) == (
        ["get", "db/"], "")
    fish = {"COMP_WORDS": "safesm get db/", "COMP_CWORD": "db/"}
    assert lean_complete.completion_args("fish", fish) == (["get"], "db/")
    assert lean_complete.completion_args("fish", {**fish, "COMP_CWORD": ""}) == (
        ["get", "db/"], "")
    assert lean_complete.completion_args("bash", {**env, "COMP_CWORD": "x"}) is None


@pytest.mark.parametrize(("args", "flags"), [
    (["get"], {}), (["get", "a", "b"], {}), (["describe"], {}), (["put"], {}),
    (["--profile", "p", "-q", "versions"], {"profile": "p"}),
    (["--region=r", "--endpoint-url", "http://e", "delete"],
     {"region": "r", "endpoint_url": "http://e"}),
])
def test_secret_name_positions(args, flags):
    assert lean_complete.name_position(args) == flags


@pytest.mark.parametrize("args", [
    [], ["list"], ["policy", "show"], ["describe", "a"], ["get", "--field"],
    ["get", "a", "--print"], ["--profile"], ["--profile", "-p", "get"], ["--version", "get"],
    ["get", "--profile", "p"], ["session", "login"],
])
def test_other_positions_are_clicks(args):
    assert lean_complete.name_position(args) is None


# the lean path's settings agree with config.resolve ---------------------------------------

REGIONS = st.sampled_from(["", "us-east-1", "eu-west-1", "ap-south-2"])
URLS = st.sampled_from(["", "http://127.0.0.1:4566", "https://secretsmanager.eu-west-1.amazonaws.com"])
PROFILES = st.sampled_from(["", "default", "prod", "dev-admin"])


@given(st.fixed_dictionaries({"profile": PROFILES, "region": REGIONS, "endpoint_url": URLS}),
       st.fixed_dictionaries({"AWS_PROFILE": PROFILES, "AWS_REGION": REGIONS,
                              "AWS_DEFAULT_REGION": REGIONS, "AWS_ENDPOINT_URL": URLS,
                              "AWS_ENDPOINT_URL_SECRETS_MANAGER": URLS,
                              "SAFESM_AGENT": st.sampled_from(["", "off", "use", "auto"])}),
       st.fixed_dictionaries({"profile": PROFILES, "region": REGIONS, "endpoint_url": URLS,
                              "agent": st.sampled_from(["", "off", "auto"])}))
def test_the_lean_target_is_config_resolves(flags, env, file):
    from safesm import config, target

    settings = config.resolve(flags, env, file)
    assert target.aws_target(flags, env, file).as_tuple() == (
        settings.profile, settings.region, settings.endpoint_url)
    assert target.agent_mode(env, file) == settings.agent
