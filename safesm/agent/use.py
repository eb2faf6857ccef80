"""Using an agent from a command: the settings-level glue over agent/client.py.

`fetch` is what readers call (through ops/read.read_values): the values from an agent
serving this context, or None to read directly. With `agent = auto` and no agent
running, it starts one in the background for the next reads (this one reads directly).
With `agent = off` nothing is asked. Why an agent was not used is said only with --debug.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..config import Settings
from ..values import SecretValue
from . import client

NO_AGENT = "no agent is running"
log = logging.getLogger("safesm.agent")


def flags_of(settings: Settings) -> dict[str, str | None]:
    """Resolved settings, sent as flags: flags win, so the agent resolves the same."""
    return {"profile": settings.profile, "region": settings.region,
            "endpoint_url": settings.endpoint_url}


def fetch(settings: Settings | Any, names: Sequence[str], field: str | None = None,
          fresh: bool = False) -> list[SecretValue] | None:
    if not isinstance(settings, Settings) or settings.agent == "off":
        return None
    got, why = client.fetch(flags_of(settings), names, field, fresh)
    if got is not None:
        log.debug("agent: %d value(s) served by the agent", len(got))
        return [SecretValue(data, binary) for data, binary in got]
    log.debug("agent: not used (%s); reading directly", why)
    if settings.agent == "auto" and why == NO_AGENT:
        start_in_background(settings)
    return None


def names(settings: Settings) -> list[str] | None:
    """Secret names for TAB from an agent serving this context."""
    return None if settings.agent == "off" else client.names(flags_of(settings))


def start_in_background(settings: Settings) -> None:
    """`agent = auto`: start one for later reads; never fails the read under way."""
    from .daemon import command_line, start

    try:
        start(command_line(settings, settings.agent_ttl, settings.agent_idle * 60, None),
              wait=False)
        log.debug("agent: started one in the background (agent = auto)")
    except OSError:
        log.debug("agent: could not start one in the background")
