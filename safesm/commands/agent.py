"""`safesm agent start|stop|clear|status`: the per-user, memory-only agent (safesm/agent)."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from ..errors import AuthError, ConflictError, SafesmError, UnreachableError, UsageError
from ..runtime import Runtime
from ._common import complete_path, echo, group, json_option, pass_runtime, validated

_ERRORS: dict[int, type[SafesmError]] = {2: UsageError, 4: AuthError, 5: ConflictError,
                                         6: UnreachableError}
STOP_WAIT = 5.0  # seconds `agent stop` waits for the agent to be gone


@group()
def agent() -> None:
    """A memory-only agent that answers `get` in milliseconds (`agent start`)."""


@agent.command()
@click.option("--ttl", type=click.IntRange(0, 3600), metavar="SECONDS",
              help="Keep values this long before checking AWSCURRENT again (default 300, "
                   "config agent_ttl); 0 keeps no values, only a warm client.")
@click.option("--idle", type=click.FloatRange(min=0), metavar="MINUTES",
              help="Exit after this many minutes without a request (default 15, config "
                   "agent_idle); 0 never.")
@click.option("--foreground", is_flag=True,
              help="Run in this terminal (or under a service manager) instead of detaching.")
@click.option("--log", metavar="PATH", shell_complete=complete_path,
              callback=validated(lambda p: p == "-" or os.path.isabs(p),
                                 "an absolute path, or - for stderr"),
              help="Append one line per request (time, peer pid/uid, name, hit/miss; never "
                   "a value) to PATH, an absolute path ('-': stderr).")
@pass_runtime
def start(rt: Runtime, ttl: int | None, idle: float | None, foreground: bool,
          log: str | None) -> None:
    """Start the agent for the current profile, Region and endpoint."""
    from ..agent import daemon

    ttl_s = float(ttl if ttl is not None else rt.settings.agent_ttl)
    minutes = float(idle if idle is not None else rt.settings.agent_idle)
    argv = daemon.command_line(rt.settings, ttl_s, minutes * 60, log)
    if foreground:
        return _exec(argv)
    facts = daemon.start(argv)
    if facts.get("state") == "running":
        return _already_running(rt)
    if facts.get("state") != "ok":
        cls = _ERRORS.get(int(facts.get("code", 5)), ConflictError)
        raise cls(f"the agent did not start: {facts.get('message', 'no reason given')}")
    rt.notice(f"Started the safesm agent (pid {facts['pid']}): values kept {ttl_s:g} s, exits "
              f"after {minutes:g} min without a request. `safesm agent stop` ends it.")
    if facts.get("memory"):
        rt.warn(f"the agent's memory is not locked ({facts['memory']}); cached values "
                "could reach swap.")


def _exec(argv: list[str]) -> None:
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], [*argv, "--foreground"])


def _already_running(rt: Runtime) -> None:
    """A second start: fine for this context, refused (exit 5) for another."""
    from ..agent import client, use

    facts = _status()
    mine = use.flags_of(rt.settings)
    theirs = {"profile": facts.get("profile") or None, "region": facts.get("region") or None,
              "endpoint_url": facts.get("endpoint") or None}
    same_env = facts.get("fingerprint") == client.fingerprint(os.environ)[:12]
    if theirs != mine or not same_env:
        raise ConflictError("an agent for another profile, Region, endpoint or credential "
                            f"environment is running (pid {facts.get('pid', '?')}).",
                            "Stop it first: `safesm agent stop`.")
    rt.notice(f"The safesm agent is already running (pid {facts.get('pid', '?')}).")


def _status() -> dict[str, Any]:
    from ..agent import client

    reply, _ = client.control("status")
    if reply is None:
        return {}
    return {k: v[0].decode("utf-8", "replace") for k, v in reply.items() if k != "ok"}


@agent.command()
@pass_runtime
def stop(rt: Runtime) -> None:
    """Stop the agent; its cache is wiped and its socket removed."""
    from ..agent import client, server

    reply, why = client.control("stop")
    if reply is None:
        removed = server.remove_stale()
        rt.notice("No agent is running" + (" (removed the stale socket it left)."
                                           if removed else "."))
        return
    pid = int(reply.get("pid", [b"0"])[0])
    if not server.wait_gone(pid, STOP_WAIT):
        raise ConflictError(f"the agent (pid {pid}) was asked to stop but is still running.",
                            f"End it with `kill {pid}`.")
    rt.notice(f"Stopped the safesm agent (pid {pid}); its cache is wiped.")


@agent.command()
@pass_runtime
def clear(rt: Runtime) -> None:
    """Drop every cached value; the agent keeps running."""
    from ..agent import client

    reply, _ = client.control("clear")
    if reply is None:
        rt.notice("No agent is running.")
        return
    dropped = int(reply.get("dropped", [b"0"])[0])
    rt.notice(f"Cleared the agent's cache ({dropped} {'entry' if dropped == 1 else 'entries'}).")


@agent.command()
@json_option("text")
@pass_runtime
def status(rt: Runtime, as_json: bool) -> None:
    """Show the agent's TTL, entries, hits and misses, and context (never values)."""
    from .. import __version__
    from ..agent import client, paths

    facts = _status()
    if not facts:
        _, why = client.control("ping")
        facts = {"running": False, "why": why, "socket_dir": paths.socket_dir()}
    else:
        facts = {"running": True, **_typed(facts), "socket_dir": paths.socket_dir(),
                 "used": facts.get("version") == __version__}
    echo(rt, json.dumps(facts, indent=2) if as_json else _text(facts))


def _typed(facts: dict[str, str]) -> dict[str, Any]:
    numbers = {"pid", "uptime", "ttl", "entries", "max_entries", "hits", "misses",
               "revalidated", "names", "idle"}
    return {k: int(v) if k in numbers and v.isdigit() else v for k, v in facts.items()}


def _text(f: dict[str, Any]) -> str:
    if not f["running"]:
        why = "" if f["why"] == "no agent is running" else f" ({f['why']})"
        return f"No agent is running{why}."
    idle = "never" if not f.get("idle") else f"after {f['idle'] / 60:g} min without a request"
    lines = [
        f"Agent:     running, pid {f['pid']}, version {f['version']}, up {f['uptime']} s",
        f"Context:   profile {f['profile'] or '(default)'}, Region {f['region'] or '(default)'}"
        f", endpoint {f['endpoint'] or '(default)'}, environment {f['fingerprint']}",
        f"Cache:     TTL {f['ttl']} s, {f['entries']} of {f['max_entries']} entries, "
        f"{f['hits']} hits, {f['misses']} misses, {f['revalidated']} revalidated",
        f"Names:     {f['names']} (for TAB completion)",
        f"Memory:    {f.get('memory', 'unknown')}",
        f"Idle exit: {idle}",
        f"Log:       {f.get('log', 'off')}",
        f"Socket:    {f['socket_dir']}",
    ]
    if not f["used"]:
        lines.append("Note:      this safesm is another version and does not use it; restart "
                     "it (`safesm agent stop`, then `safesm agent start`).")
    return "\n".join(lines)
