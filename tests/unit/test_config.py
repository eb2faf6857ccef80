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
