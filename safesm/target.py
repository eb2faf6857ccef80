"""Which AWS endpoint a run talks to, and where safesm's files live: standard library only.

`config.resolve` and the lean entry point (safesm/lean.py, which runs before click or
any dataclass is imported) share these rules, so a `get` answered without click picks
the same profile, Region and endpoint as one answered by the full CLI.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: the lean path imports this module before anything else
    from collections.abc import Mapping
    from typing import Any

AGENT_MODES = ("off", "use", "auto")


def first(*candidates: Any) -> Any:
    """The first candidate that is set (not None and not empty)."""
    return next((c for c in candidates if c not in (None, "")), None)


def home_dir(env: Mapping[str, str]) -> str:
    """HOME, absolute even when it is unset or empty."""
    return os.path.expanduser(env.get("HOME") or "~")


def xdg_dir(env: Mapping[str, str], variable: str, fallback: str) -> str:
    """An XDG base directory ($XDG_CONFIG_HOME, $XDG_CACHE_HOME, ...) or ~/FALLBACK.
    os.path rather than pathlib: this runs on every TAB press."""
    return env.get(variable) or os.path.join(home_dir(env), fallback)


def config_path(env: Mapping[str, str]) -> str:
    return os.path.join(xdg_dir(env, "XDG_CONFIG_HOME", ".config"), "safesm", "config.toml")


class Target:
    """Profile, Region and endpoint: the AWS side of a run's context."""

    __slots__ = ("profile", "region", "endpoint_url")

    def __init__(self, profile: str | None, region: str | None,
                 endpoint_url: str | None) -> None:
        self.profile = profile
        self.region = region
        self.endpoint_url = endpoint_url

    def as_tuple(self) -> tuple[str | None, str | None, str | None]:
        return (self.profile, self.region, self.endpoint_url)


def aws_target(flags: Mapping[str, Any], env: Mapping[str, str],
               file: Mapping[str, Any]) -> Target:
    """Flag, then environment, then config file (AWS conventions for each variable)."""
    return Target(
        first(flags.get("profile"), env.get("AWS_PROFILE"), file.get("profile")),
        first(flags.get("region"), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"),
              file.get("region")),
        first(flags.get("endpoint_url"), env.get("AWS_ENDPOINT_URL_SECRETS_MANAGER"),
              env.get("AWS_ENDPOINT_URL"), file.get("endpoint_url")),
    )


def agent_mode(env: Mapping[str, str], file: Mapping[str, Any]) -> Any:
    """SAFESM_AGENT, then the config file's `agent`, then "use" (unchecked: config checks)."""
    return first(env.get("SAFESM_AGENT"), file.get("agent")) or "use"
