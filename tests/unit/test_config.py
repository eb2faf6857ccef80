"""Flags beat environment, which beats the config file."""

from __future__ import annotations

import pytest

from safesm.config import config_path, resolve
from safesm.errors import UsageError


def test_precedence():
    file = {"profile": "f", "region": "eu-west-1", "endpoint_url": "http://file", "clip_timeout": 5}
    env = {"AWS_PROFILE": "e", "AWS_REGION": "us-west-2", "AWS_ENDPOINT_URL": "http://env",
           "SAFESM_CLIP_TIME": "7"}
    s = resolve({"profile": "flag"}, env, file)
    assert (s.profile, s.region, s.endpoint_url, s.clip_timeout) == (
        "flag", "us-west-2", "http://env", 7)
    s = resolve({}, {}, file)
    assert (s.profile, s.region, s.endpoint_url, s.clip_timeout) == (
        "f", "eu-west-1", "http://file", 5)
    assert resolve({}, {}, {}).clip_timeout == 45


def test_service_specific_endpoint_wins():
    env = {"AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm"}
    assert resolve({}, env, {}).endpoint_url == "http://sm"


def test_default_region_env():
    assert resolve({}, {"AWS_DEFAULT_REGION": "ap-south-1"}, {}).region == "ap-south-1"


@pytest.mark.parametrize("bad", ["soon", "-1"])
def test_bad_clip_time(bad):
    with pytest.raises(UsageError):
        resolve({}, {"SAFESM_CLIP_TIME": bad}, {})


def test_config_path_follows_xdg():
    assert str(config_path({"XDG_CONFIG_HOME": "/x"})) == "/x/safesm/config.toml"
    assert str(config_path({"HOME": "/h"})) == "/h/.config/safesm/config.toml"


# --- sources named, unknown keys warned about (issue 17, item 2) ------------------------

FILE = "/home/u/.config/safesm/config.toml"


@pytest.mark.parametrize("flags, env, file, source", [
    ({"region": "eu west"}, {}, {}, "--region"),
    ({}, {"AWS_REGION": "eu_west!"}, {}, "AWS_REGION"),
    ({}, {"AWS_DEFAULT_REGION": "x y"}, {}, "AWS_DEFAULT_REGION"),
    ({}, {}, {"region": 5}, f"`region` in the config file {FILE}"),
    ({}, {}, {"profile": ["a"]}, f"`profile` in the config file {FILE}"),
    ({"endpoint_url": "not-a-url"}, {}, {}, "--endpoint-url"),
    ({}, {"AWS_ENDPOINT_URL": "ftp://host"}, {}, "AWS_ENDPOINT_URL"),
    ({}, {"AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://h:port"}, {},
     "AWS_ENDPOINT_URL_SECRETS_MANAGER"),
    ({}, {}, {"endpoint_url": 8080}, f"`endpoint_url` in the config file {FILE}"),
    ({}, {}, {"clip_timeout": True}, f"`clip_timeout` in the config file {FILE}"),
    ({}, {}, {"clip_timeout": "45s"}, f"`clip_timeout` in the config file {FILE}"),
    ({}, {"SAFESM_CLIP_TIME": "-1"}, {}, "SAFESM_CLIP_TIME"),
    ({}, {}, {"max_attempts": 2.5}, f"`max_attempts` in the config file {FILE}"),
    ({}, {"AWS_MAX_ATTEMPTS": "99"}, {}, "AWS_MAX_ATTEMPTS"),
    ({}, {}, {"read_timeout": "soon"}, f"`read_timeout` in the config file {FILE}"),
    # a bad file value is reported even where the environment overrides it
    ({}, {"AWS_REGION": "eu-west-1"}, {"region": 5}, f"`region` in the config file {FILE}"),
])
def test_type_and_range_errors_name_their_source_never_the_text(flags, env, file, source):
    with pytest.raises(UsageError) as err:
        resolve(flags, env, file, FILE)
    assert err.value.message.startswith(f"bad value for {source}: ")
    assert "the text given is not shown" in err.value.message
    given = [str(v) for v in (*flags.values(), *env.values()) if v != "eu-west-1"]
    assert not any(g in err.value.message for g in given)


def test_good_values_and_where_they_came_from():
    s = resolve({"profile": "p"}, {"AWS_ENDPOINT_URL": "https://vpce-1.example:8443/x"},
                {"region": "eu-west-1", "clip_timeout": 0, "read_timeout": 2.5}, FILE)
    assert (s.profile, s.region, s.endpoint_url, s.clip_timeout, s.read_timeout) == (
        "p", "eu-west-1", "https://vpce-1.example:8443/x", 0, 2.5)
    assert s.sources["profile"] == "--profile"
    assert s.sources["endpoint_url"] == "AWS_ENDPOINT_URL"
    assert s.warnings == ()


def test_unknown_keys_are_warned_about_naming_the_key_and_the_file():
    s = resolve({}, {}, {"reader": ["arn:aws:iam::111122223333:role/app"], "colour": "red",
                         "readers": []}, FILE)
    assert s.warnings == (
        f"unknown key `reader` in config file {FILE} is ignored; did you mean `readers`?",
        f"unknown key `colour` in config file {FILE} is ignored",
    )
    assert "reader" not in s.extra and s.extra == {"readers": []}
