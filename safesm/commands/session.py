"""`safesm session login|status|clear`: assumed-role sessions kept in the OS keyring.

A profile with role_arn and mfa_serial asks for an MFA code once per session lifetime;
these commands start a session ahead of a script, show what is cached (never the
credentials) and forget it. The work is in aws/credcache.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .. import render
from ..config import Settings
from ..runtime import Runtime
from ._common import change_json_option, echo, group, pass_runtime, report_change

F = TypeVar("F", bound=Callable[..., Any])


def _complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
    from ..complete import profiles

    return profiles(ctx, param, incomplete)


def _profile_option(help: str) -> Callable[[F], F]:
    return click.option("--profile", metavar="NAME", help=help,
                        shell_complete=_complete_profiles)


def _with_profile(settings: Settings, profile: str | None) -> Settings:
    return dataclasses.replace(settings, profile=profile) if profile else settings


def _on_session(rt: Runtime, settings: Settings, action: Any) -> Any:
    from ..aws.client import with_botocore_session

    return with_botocore_session(settings, action, rt.notifier)


@group()
def session() -> None:
    """Cached MFA / assume-role sessions (kept in the OS keyring, never in a file)."""


@session.command()
@_profile_option("Role profile to log in with (default: --profile before the command, "
                 "AWS_PROFILE, default).")
@change_json_option
@pass_runtime
def login(rt: Runtime, profile: str | None, as_json: bool) -> None:
    """Ask for the MFA code now and keep the role session in the keyring."""
    from ..aws import credcache

    settings = _with_profile(rt.settings, profile)
    cached = _on_session(rt, settings, lambda s: credcache.login(s, rt.notifier))
    now = credcache.now_utc()
    for item in cached:
        report_change(rt, as_json, f"Session for profile {item.profile} cached in the "
                      f"keyring; {item.minutes_left(now)} min left.", item.profile,
                      "session-login", role=item.role, expires=item.expires,
                      minutes_left=item.minutes_left(now))


@session.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_runtime
def status(rt: Runtime, as_json: bool) -> None:
    """Profiles with a cached session and the minutes left (never the credentials)."""
    from ..aws import credcache

    cached = _on_session(rt, rt.settings, lambda s: credcache.status(s, rt.notifier))
    now = credcache.now_utc()
    if as_json:
        echo(rt, render.to_json([{"profile": c.profile, "role": c.role, "expires": c.expires,
                                    "minutes_left": c.minutes_left(now)} for c in cached]))
    elif cached:
        echo(rt, render.table(("PROFILE", "ROLE", "EXPIRES (UTC)", "LEFT"), [
            (c.profile, c.role or "-", render.when(c.expires, zone=False),
             f"{c.minutes_left(now)} min") for c in cached]))
    else:
        rt.notice("No cached sessions.")


@session.command()
@_profile_option("Profile whose session to forget (default: --profile before the command, "
                 "AWS_PROFILE, default).")
@click.option("--all", "all_", is_flag=True, help="Forget every cached session.")
@change_json_option
@pass_runtime
def clear(rt: Runtime, profile: str | None, all_: bool, as_json: bool) -> None:
    """Forget a cached session, so that the next run asks for the MFA code again."""
    from ..aws import credcache

    if all_ and profile:
        from ..errors import UsageError

        raise UsageError("pass either --profile or --all, not both.")
    settings = _with_profile(rt.settings, profile)
    cleared = _on_session(rt, settings, lambda s: credcache.clear(
        s, None if all_ else [credcache.selected_profile(s)], rt.notifier))
    notice = (f"Cleared the cached session of {', '.join(cleared)}." if cleared
              else "No cached session to clear.")
    report_change(rt, as_json, notice, None, "session-clear", bool(cleared),
                  profiles=list(cleared))
