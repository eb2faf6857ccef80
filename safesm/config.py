"""Settings from flags, environment and the config file, in that order of precedence.

Resolved once per run into a frozen dataclass so that every command sees the same
answer and no module reads the environment behind the user's back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import UsageError

DEFAULT_CLIP_TIMEOUT = 45


@dataclass(frozen=True)
class Settings:
    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    quiet: bool = False
    debug: bool = False
    clip_timeout: int = DEFAULT_CLIP_TIMEOUT
    config_file: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def config_path(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".config")
    return Path(base) / "safesm" / "config.toml"


def read_config_file(path: Path) -> dict[str, Any]:
    """The config file as a dict; a missing file is an empty config, a broken one an error."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML: {exc}") from None


def _first(*candidates: Any) -> Any:
    return next((c for c in candidates if c not in (None, "")), None)


def _int(value: Any, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{what} must be a whole number of seconds, got {value!r}.") from None
    if number < 0:
        raise UsageError(f"{what} must be 0 or more.")
    return number


def resolve(flags: Mapping[str, Any], env: Mapping[str, str], file: Mapping[str, Any]) -> Settings:
    """Pure precedence: flag, then environment, then config file, then default."""
    endpoint = _first(
        flags.get("endpoint_url"),
        env.get("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
        env.get("AWS_ENDPOINT_URL"),
        file.get("endpoint_url"),
    )
    clip = _first(flags.get("clip_timeout"), env.get("SAFESM_CLIP_TIME"), file.get("clip_timeout"))
    return Settings(
        profile=_first(flags.get("profile"), env.get("AWS_PROFILE"), file.get("profile")),
        region=_first(
            flags.get("region"),
            env.get("AWS_REGION"),
            env.get("AWS_DEFAULT_REGION"),
            file.get("region"),
        ),
        endpoint_url=endpoint,
        quiet=bool(flags.get("quiet")),
        debug=bool(flags.get("debug")),
        clip_timeout=DEFAULT_CLIP_TIMEOUT if clip is None else _int(clip, "the clipboard timeout"),
        extra={k: v for k, v in file.items() if k not in _KNOWN},
    )


_KNOWN = {"profile", "region", "endpoint_url", "clip_timeout"}


def load(flags: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    path = config_path(env)
    settings = resolve(flags, env, read_config_file(path))
    return replace(settings, config_file=path)
