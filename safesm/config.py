"""Settings from flags, environment and the config file, in that order of precedence.

Resolved once per run into a frozen dataclass so that every command sees the same
answer and no module reads the environment behind the user's back.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import UsageError

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
    extra: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # profile/endpoint_url: which
    # flag, variable or file key set it (for messages that must not repeat the text)
    warnings: tuple[str, ...] = ()  # for the CLI to show (unknown config-file keys)


def home_dir(env: Mapping[str, str]) -> str:
    """HOME, absolute even when it is unset or empty."""
    return os.path.expanduser(env.get("HOME") or "~")


def xdg_dir(env: Mapping[str, str], variable: str, fallback: str) -> str:
    """An XDG base directory ($XDG_CONFIG_HOME, $XDG_CACHE_HOME, ...) or ~/FALLBACK.
    os.path rather than pathlib: this runs on every TAB press."""
    return env.get(variable) or os.path.join(home_dir(env), fallback)


def config_path(env: Mapping[str, str]) -> str:
    return os.path.join(xdg_dir(env, "XDG_CONFIG_HOME", ".config"), "safesm", "config.toml")


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


# Keys the config file may hold; anything else gets a warning naming it and the file (a
# typo such as `reader` for `readers` must not pass silently).
EXTRA_KEYS = ("readers", "writers")  # read where they are used (ops/policy.py)
_REGION = re.compile(r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")  # botocore's rule


@dataclass(frozen=True)
class Found:
    """A setting's raw value and where it came from: a flag, a variable, or the file."""

    value: Any
    source: str


class _Sources:
    """Looks a setting up in flag, environment and file order, remembering the source."""

    def __init__(self, flags: Mapping[str, Any], env: Mapping[str, str],
                 file: Mapping[str, Any], path: str | None) -> None:
        self.flags, self.env, self.file = flags, env, file
        self.where = f"config file {path}" if path else "the config file"

    def file_source(self, key: str) -> str:
        return f"`{key}` in the {self.where}"

    def find(self, key: str, flag: str | None = None, envs: tuple[str, ...] = ()) -> Found | None:
        candidates = ([(self.flags.get(key), flag)] if flag else []) + \
            [(self.env.get(var), var) for var in envs] + \
            [(self.file.get(key), self.file_source(key))]
        return next((Found(v, str(src)) for v, src in candidates if v not in (None, "")), None)


def _bad(found: Found, form: str) -> UsageError:
    """A setting refused by its source and the form it needs, never the text given (a flag's
    text is argv, which may hold a mistyped secret)."""
    return UsageError(f"bad value for {found.source}: {form}; the text given is not shown.")


def _text(form: str, ok: Callable[[str], bool] = bool) -> Check:
    def check(found: Found) -> str:
        if not isinstance(found.value, str) or not ok(found.value):
            raise _bad(found, form)
        return found.value
    return check


def _number(convert: Callable[[Any], float], ok: Callable[[float], bool], form: str) -> Check:
    def check(found: Found) -> float:
        if isinstance(found.value, bool):  # TOML `true` is no number of seconds
            raise _bad(found, form)
        try:
            number = convert(found.value)
        except (TypeError, ValueError):
            raise _bad(found, form) from None
        if not ok(number):
            raise _bad(found, form)
        return number
    return check


def is_endpoint_url(text: str) -> bool:
    """http(s)://HOST[:PORT][/PATH], as botocore needs it (checked without importing it)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        _ = parts.port  # a port that is not a number raises here
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and \
        not any(c.isspace() for c in text)


def _whole(value: Any) -> int:
    """int() that refuses fractions (2.5 attempts) rather than truncating them."""
    if isinstance(value, float) or (isinstance(value, str) and not value.strip().isdigit()):
        raise ValueError(value)
    return int(value)


_SECONDS = "a number of seconds more than 0 and at most 3600"
Check = Callable[[Found], Any]
# setting -> (flag, environment variables in order, check, default); the file key is the
# setting's name. Network defaults: README "Configuration".
SETTINGS: dict[str, tuple[str | None, tuple[str, ...], Check, Any]] = {
    "profile": ("--profile", ("AWS_PROFILE",), _text("a profile name"), None),
    "region": ("--region", ("AWS_REGION", "AWS_DEFAULT_REGION"),
               _text("a region name such as eu-west-1", lambda t: bool(_REGION.fullmatch(t))),
               None),
    "endpoint_url": ("--endpoint-url", ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"),
                     _text("a URL of the form https://HOST[:PORT][/PATH]", is_endpoint_url),
                     None),
    "clip_timeout": (None, ("SAFESM_CLIP_TIME",),
                     _number(_whole, lambda n: n >= 0, "a whole number of seconds, 0 or more"),
                     DEFAULT_CLIP_TIMEOUT),
    "connect_timeout": (None, ("SAFESM_CONNECT_TIMEOUT",),
                        _number(float, lambda n: 0 < n <= 3600, _SECONDS),
                        DEFAULT_CONNECT_TIMEOUT),
    "read_timeout": (None, ("SAFESM_READ_TIMEOUT",),
                     _number(float, lambda n: 0 < n <= 3600, _SECONDS), DEFAULT_READ_TIMEOUT),
    "max_attempts": (None, ("SAFESM_MAX_ATTEMPTS", "AWS_MAX_ATTEMPTS"),
                     _number(_whole, lambda n: 1 <= n <= 10, "a whole number from 1 to 10"),
                     DEFAULT_MAX_ATTEMPTS),
}


FILE_KEYS = (*SETTINGS, *EXTRA_KEYS)


def unknown_keys(file: Mapping[str, Any], path: str | None) -> tuple[str, ...]:
    """A warning for each key safesm does not know, naming it and the file."""
    from difflib import get_close_matches

    out = []
    for key in file:
        if key not in FILE_KEYS:
            close = get_close_matches(str(key), FILE_KEYS, n=1, cutoff=0.8)
            maybe = f"; did you mean `{close[0]}`?" if close else ""
            out.append(f"unknown key `{key}` in config file {path or 'config.toml'} is "
                       f"ignored{maybe}")
    return tuple(out)


def resolve(flags: Mapping[str, Any], env: Mapping[str, str], file: Mapping[str, Any],
            path: str | None = None) -> Settings:
    """Pure precedence: flag, then environment, then config file, then default. A value of
    the wrong type or out of range is a usage error naming its source; a bad value in the
    file is one even where a flag or variable overrides it."""
    look = _Sources(flags, env, file, path)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, (flag, envs, check, default) in SETTINGS.items():
        if file.get(key) not in (None, ""):
            check(Found(file[key], look.file_source(key)))
        found = look.find(key, flag, envs)
        values[key] = default if found is None else check(found)
        if found is not None:
            sources[key] = found.source
    return Settings(**values, quiet=bool(flags.get("quiet")), debug=bool(flags.get("debug")),
                    extra={k: v for k, v in file.items() if k in EXTRA_KEYS},
                    sources=sources, warnings=unknown_keys(file, path))


def load(flags: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    path = config_path(env)
    settings = resolve(flags, env, read_config_file(path), path)
    return replace(settings, config_file=path)
