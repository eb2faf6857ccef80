"""`safesm trail`: who read or changed a secret, from CloudTrail's event history."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from .. import reports
from ..errors import invalid_option
from ..ops.trail import KINDS, parse_when, window
from ..ops.trail import trail as lookup
from ..runtime import Runtime
from ..values import check_secret_id
from ._common import command, complete_name, echo, json_option, pass_runtime, validated

WHEN = "a duration back from now (30m, 12h, 7d, 2w) or an ISO 8601 date or time"


def _name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return check_secret_id(value) if value else None


def _valid_when(text: str) -> bool:
    return parse_when(text, datetime.now(timezone.utc)) is not None


@command()
@click.argument("name", required=False, callback=_name, shell_complete=complete_name)
@click.option("--since", default="7d", show_default=True, metavar="WHEN",
              callback=validated(_valid_when, WHEN),
              help="From this long ago or this time (at most 90 days back).")
@click.option("--until", metavar="WHEN", callback=validated(_valid_when, WHEN),
              help="Up to this long ago or this time (default: now).")
@click.option("--kind", type=click.Choice(KINDS), default="all", show_default=True,
              help="read (GetSecretValue, Describe...), write, rotation, or all.")
@json_option()
@pass_runtime
def trail(rt: Runtime, name: str | None, since: str, until: str | None, kind: str,
          as_json: bool) -> None:
    """Show who read or changed secret NAME (or any secret), from CloudTrail.

    Time, event, who (ARN), source IP, user agent (safesm's own calls say safesm/VERSION)
    and error code; rotation and version-deletion events of the service are flagged.
    """
    now = datetime.now(timezone.utc)
    start, end = window(_when(since, now), _when(until, now) if until else now, now)
    events = lookup(rt.store(), name, start, end, kind)
    if as_json:
        echo(rt, reports.trail_json(events))
    elif events:
        echo(rt, reports.trail_table(events))
    else:
        rt.notice(f"No {'' if kind == 'all' else kind + ' '}events for "
                  f"{name or 'Secrets Manager'} between {start:%Y-%m-%d %H:%M} and "
                  f"{end:%Y-%m-%d %H:%M} UTC (CloudTrail can take about 5 minutes to show "
                  "an event).")


def _when(text: str, now: datetime) -> datetime:
    found = parse_when(text, now)
    if found is None:  # the option's callback refused it already
        raise invalid_option("--since/--until", WHEN)
    return found
