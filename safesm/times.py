"""Pure: how safesm shows a moment — in UTC, to the minute, saying so."""

from __future__ import annotations

from datetime import datetime, timezone


def utc(dt: datetime) -> datetime:
    """The same moment in UTC (a time without a zone is taken as UTC, as AWS sends them)."""
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def when(dt: datetime | None, zone: bool = True) -> str:
    """'2026-05-01 12:34 UTC'. Tables leave the zone out of the cells and say it once, in
    the column's header (zone=False)."""
    if dt is None:
        return "-"
    text = utc(dt).strftime("%Y-%m-%d %H:%M")
    return f"{text} UTC" if zone else text
