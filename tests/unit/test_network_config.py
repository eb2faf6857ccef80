"""Timeouts and attempts: explicit defaults, SAFESM_* environment, config-file keys."""

from __future__ import annotations

import pytest

from safesm.config import resolve
from safesm.errors import UsageError


def test_defaults_are_explicit():
    s = resolve({}, {}, {})
    assert (s.connect_timeout, s.read_timeout, s.max_attempts) == (5.0, 15.0, 4)


def test_environment_beats_config_file():
    file = {"connect_timeout": 2, "read_timeout": 3, "max_attempts": 2}
    s = resolve({}, {}, file)
    assert (s.connect_timeout, s.read_timeout, s.max_attempts) == (2.0, 3.0, 2)
    env = {"SAFESM_CONNECT_TIMEOUT": "0.5", "SAFESM_READ_TIMEOUT": "1.5",
           "SAFESM_MAX_ATTEMPTS": "1"}
    s = resolve({}, env, file)
    assert (s.connect_timeout, s.read_timeout, s.max_attempts) == (0.5, 1.5, 1)
    assert "connect_timeout" not in s.extra


def test_aws_max_attempts_is_honoured_below_safesm_own():
    assert resolve({}, {"AWS_MAX_ATTEMPTS": "7"}, {}).max_attempts == 7
    env = {"AWS_MAX_ATTEMPTS": "7", "SAFESM_MAX_ATTEMPTS": "2"}
    assert resolve({}, env, {}).max_attempts == 2


@pytest.mark.parametrize("env", [
    {"SAFESM_READ_TIMEOUT": "soon"}, {"SAFESM_READ_TIMEOUT": "0"},
    {"SAFESM_CONNECT_TIMEOUT": "-1"}, {"SAFESM_CONNECT_TIMEOUT": "99999"},
    {"SAFESM_MAX_ATTEMPTS": "0"}, {"SAFESM_MAX_ATTEMPTS": "2.5"}, {"SAFESM_MAX_ATTEMPTS": "11"},
])
def test_bad_values_are_usage_errors(env):
    with pytest.raises(UsageError):
        resolve({}, env, {})
