"""Settings from flags, environment and the config file, in that order of precedence.

Resolved once per run into a frozen dataclass so that every command sees the same
answer and no module reads the environment behind the user's back.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import UsageError
from .target import AGENT_MODES, agent_mode, aws_target, config_path, first, home_dir, xdg_dir

__all__ = ["Settings", "config_path", "home_dir", "load", "resolve", "xdg_dir"]

DEFAULT_CLIP_TIMEOUT = 45
# Network defaults (README "Configuration"): a refused connection fails in well under a
# second; a silent network costs at most MAX_ATTEMPTS x (CONNECT + READ) plus backoff.
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 15.0
DEFAULT_MAX_ATTEMPTS = 4


@dataclass(frozen=True)
class Settings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    quiet: bool = False
    debug: bool = False
    clip_timeout: int = DEFAULT_CLIP_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    config_file: str | None = None
    agent: str = "use"  # off | use | auto (SAFESM_AGENT, config `agent`)
    extra: Mapping[str, Any] = field(default_factory=dict)


def read_config_file(path: str) -> dict[str, Any]:
    """The config file as a dict; a missing file is an empty config, a broken one an error."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        loaded: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
        return loaded
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None


def _int(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a whole number of seconds, got {value!r}.") from None
    if number < 0:
        raise UsageError(f"{what} must be 0 or more.")
    return number


def _seconds(value: Any, what: str) -> float:
    """A timeout: a positive number of seconds (fractions allowed, for tests and LANs)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a number of seconds, got {value!r}.") from None
    if not 0 < number <= 3600:
        raise UsageError(f"{what} must be more than 0 and at most 3600 seconds.")
    return number


def _attempts(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"max_attempts must be a whole number, got {value!r}.") from None
    if not 1 <= number <= 10:
        raise UsageError("max_attempts must be between 1 and 10.")
    return number


def _network(env: Mapping[str, str], file: Mapping[str, Any]) -> dict[str, Any]:
    """Timeouts and attempts: SAFESM_* environment, then the config file, then defaults."""
    connect = first(env.get("SAFESM_CONNECT_TIMEOUT"), file.get("connect_timeout"))
    read = first(env.get("SAFESM_READ_TIMEOUT"), file.get("read_timeout"))
    attempts = first(env.get("SAFESM_MAX_ATTEMPTS"), env.get("AWS_MAX_ATTEMPTS"),
                      file.get("max_attempts"))
    return {
        "connect_timeout": DEFAULT_CONNECT_TIMEOUT if connect is None
        else _seconds(connect, "the connect timeout"),
        "read_timeout": DEFAULT_READ_TIMEOUT if read is None
        else _seconds(read, "the read timeout"),
        "max_attempts": DEFAULT_MAX_ATTEMPTS if attempts is None else _attempts(attempts),
    }


def resolve(flags: Mapping[str, Any], env: Mapping[str, str], file: Mapping[str, Any]) -> Settings:
    """Pure precedence: flag, then environment, then config file, then default."""
    target = aws_target(flags, env, file)
    clip = first(flags.get("clip_timeout"), env.get("SAFESM_CLIP_TIME"), file.get("clip_timeout"))
    return Settings(
        profile=target.profile,
        region=target.region,
        endpoint_url=target.endpoint_url,
        quiet=bool(flags.get("quiet")),
        debug=bool(flags.get("debug")),
        clip_timeout=DEFAULT_CLIP_TIMEOUT if clip is None else _int(clip, "the clipboard timeout"),
        **_network(env, file),
        agent=_agent_mode(agent_mode(env, file)),
        extra={k: v for k, v in file.items() if k not in _KNOWN},
    )


def _agent_mode(value: Any) -> str:
    if value not in AGENT_MODES:
        raise UsageError(f"the agent setting (SAFESM_AGENT or `agent` in the config file) must "
                         f"be one of {', '.join(AGENT_MODES)}.")
    return str(value)


_KNOWN = {"profile", "region", "endpoint_url", "clip_timeout", "connect_timeout",
          "read_timeout", "max_attempts", "agent"}


def load(flags: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    path = config_path(env)
    settings = resolve(flags, env, read_config_file(path))
    return replace(settings, config_file=path)
