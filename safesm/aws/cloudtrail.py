"""CloudTrail event history (LookupEvents), for `safesm trail`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .client import Connection

PAGE_SIZE = 50  # LookupEvents' most per page


class TrailCalls(Connection):
    def lookup_events(self, attribute: tuple[str, str], start: datetime, end: datetime,
                      token: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of events matching one lookup attribute (key, value), newest first, and
        the token for the next page (None: no more)."""
        kwargs: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": attribute[0], "AttributeValue": attribute[1]}],
            "StartTime": start, "EndTime": end, "MaxResults": PAGE_SIZE}
        if token:
            kwargs["NextToken"] = token
        with self.translate():
            resp = self.sibling_client("cloudtrail").lookup_events(**kwargs)
        return list(resp.get("Events", []) or []), resp.get("NextToken") or None
