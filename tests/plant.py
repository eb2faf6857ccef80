"""Test helpers: plant in the emulator what time would have made (dates, schedules, replica
states, older CloudTrail events), through tests/emulator_monitoring.py's test-only
endpoints, and read back when LookupEvents requests arrived."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

DAY = 86400.0


def days_ago(days: float) -> float:
    return time.time() - days * DAY


def _post(url: str, body: dict[str, Any]) -> None:
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()


def plant(aws: str, secret_id: str, **fields: Any) -> None:
    """Set CreatedDate, LastAccessedDate, LastRotatedDate, NextRotationDate, LastChangedDate
    (epoch seconds), RotationDays / ScheduleExpression (rotation on), PendingCreated (a lone
    AWSPENDING version's age), ReplicationStatus on one secret."""
    _post(aws + "/moto-api/safesm-plant", {"SecretId": secret_id, **fields})


def add_events(aws: str, events: list[dict[str, Any]]) -> None:
    """Older CloudTrail events: each a CloudTrailEvent dict plus `_time` (epoch) and `_arn`."""
    _post(aws + "/moto-api/safesm-trail", {"Events": events})


def lookup_times(aws: str) -> list[float]:
    with urllib.request.urlopen(aws + "/moto-api/safesm-trail", timeout=10) as resp:
        return list(json.loads(resp.read())["lookups"])
