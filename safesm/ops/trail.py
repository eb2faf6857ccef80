"""`safesm trail`: who touched a secret, from CloudTrail's event history (LookupEvents).

Event history keeps 90 days and answers at most 2 LookupEvents requests per second per
account and Region: requests are spaced at least 0.5 s apart, and a throttled request is
tried again after a pause. One lookup attribute is allowed per request, so a secret's
events are looked up by resource name (its ARN) and filtered here by kind.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .audit import with_backoff

if TYPE_CHECKING:
    from ..aws.store import SecretStore

KINDS = ("read", "write", "rotation", "all")
MAX_DAYS = 90
MIN_INTERVAL = 0.5  # LookupEvents: 2 requests per second per account and Region
SOURCE = "secretsmanager.amazonaws.com"
ROTATION_EVENTS = {"RotateSecret", "CancelRotateSecret", "RotationStarted",
                   "RotationSucceeded", "RotationFailed", "RotationAbandoned"}
DELETION_EVENTS = {"StartSecretVersionDelete", "CancelSecretVersionDelete",
                   "EndSecretVersionDelete"}
TOO_OLD_HINT = ("CloudTrail's event history keeps 90 days. For older events, query a trail's "
                "log files in S3 (e.g. with Athena) or a CloudTrail Lake event data store.")
_DURATION = re.compile(r"^(\d{1,6})([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class TrailEvent:
    time: datetime
    event: str
    who: str
    source_ip: str
    user_agent: str
    error: str | None
    secret: str | None
    read_only: bool
    flag: str | None  # "rotation" or "deletion" for the service's own events
    by_safesm: bool  # made by safesm (its user agent names safesm/VERSION)
    event_id: str


def parse_when(text: str, now: datetime) -> datetime | None:
    """`7d`, `12h`, `30m`, `2w` back from now, or an ISO 8601 date or time (UTC unless it
    says otherwise); None when it is neither."""
    found = _DURATION.match(text.strip())
    if found:
        return now - timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def window(since: datetime, until: datetime, now: datetime) -> tuple[datetime, datetime]:
    if since < now - timedelta(days=MAX_DAYS):
        raise UsageError("--since reaches more than 90 days back; CloudTrail's event history "
                         "does not go that far.", TOO_OLD_HINT)
    if until < since:
        raise UsageError("--until is before --since; nothing was looked up.")
    return since, min(until, now)


class Limiter:
    """At most one request per `interval` seconds (the service's 2 per second), counted
    from the end of the previous request, so that however long a request travels, two
    never reach the service closer than `interval` apart."""

    def __init__(self, interval: float = MIN_INTERVAL,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.last: float | None = None

    def wait(self) -> None:
        if self.last is not None:
            left = self.last + self.interval - self.clock()
            if left > 0:
                self.sleep(left)

    def done(self) -> None:
        self.last = self.clock()


def secret_of(record: dict[str, Any]) -> str | None:
    """The secret an event is about: the response's `arn` (or `aRN`, as some events before
    February 2024 spelled it), a service event's SecretId, the request's secretId or name,
    or a resource ARN."""
    response = record.get("responseElements") or {}
    extra = record.get("additionalEventData") or {}
    request = record.get("requestParameters") or {}
    for found in (response.get("arn"), response.get("aRN"), extra.get("SecretId"),
                  request.get("secretId"), request.get("name")):
        if isinstance(found, str) and found:
            return found
    for resource in record.get("resources") or []:
        if isinstance(resource, dict) and (resource.get("ARN") or resource.get("aRN")):
            return str(resource.get("ARN") or resource.get("aRN"))
    return None


def _who(identity: dict[str, Any]) -> str:
    return str(identity.get("arn") or identity.get("invokedBy") or identity.get("principalId")
               or identity.get("type") or "?")


def parse(entry: dict[str, Any]) -> TrailEvent:
    """One LookupEvents entry (its CloudTrailEvent JSON read) as a TrailEvent."""
    try:
        record = json.loads(entry.get("CloudTrailEvent") or "{}")
    except ValueError:
        record = {}
    name = str(entry.get("EventName") or record.get("eventName") or "?")
    when = entry.get("EventTime")
    if not isinstance(when, datetime):
        when = datetime.fromtimestamp(float(when or 0), timezone.utc)
    agent = str(record.get("userAgent") or "")
    flag = "rotation" if name in ROTATION_EVENTS else "deletion" if name in DELETION_EVENTS \
        else None
    read_only = str(entry.get("ReadOnly", record.get("readOnly", ""))).lower() == "true"
    return TrailEvent(when, name, _who(record.get("userIdentity") or {}),
                      str(record.get("sourceIPAddress") or ""), agent,
                      record.get("errorCode"), secret_of(record), read_only, flag,
                      "safesm/" in agent, str(entry.get("EventId") or ""))


def kind_of(event: TrailEvent) -> str:
    if event.flag == "rotation":
        return "rotation"
    return "read" if event.read_only else "write"


def _about(event: TrailEvent, name: str, arn: str | None) -> bool:
    found = event.secret
    if found is None or found in (name, arn):
        return True
    return bool(arn and found.startswith("arn:") and arn.startswith(found))


def trail(store: SecretStore, name: str | None, since: datetime, until: datetime,
          kind: str = "all", limiter: Limiter | None = None) -> list[TrailEvent]:
    """Events about secret `name` (every Secrets Manager event without one), newest first."""
    limiter = limiter or Limiter()
    arn = None
    if name:
        info = store.find(name)
        arn = info.arn if info is not None else None
        attribute = ("ResourceName", arn or name)
    else:
        attribute = ("EventSource", SOURCE)
    events: list[TrailEvent] = []
    token: str | None = None
    while True:
        limiter.wait()
        try:
            page, token = with_backoff(
                lambda: store.lookup_events(attribute, since, until, token))  # noqa: B023
        finally:
            limiter.done()
        events.extend(parse(e) for e in page)
        if not token:
            break
    if name:
        events = [e for e in events if _about(e, name, arn)]
    if kind != "all":
        events = [e for e in events if kind_of(e) == kind]
    return sorted(events, key=lambda e: e.time, reverse=True)
