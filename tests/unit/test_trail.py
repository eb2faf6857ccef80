"""Pure parts of `safesm trail`: time windows, the rate limiter, reading events."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from safesm.errors import UsageError
from safesm.ops import trail as t

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "expected"), [
    ("7d", NOW - timedelta(days=7)), ("12h", NOW - timedelta(hours=12)),
    ("30m", NOW - timedelta(minutes=30)), ("2w", NOW - timedelta(weeks=2)),
    ("2026-05-30", datetime(2026, 5, 30, tzinfo=timezone.utc)),
    ("2026-05-30T10:00:00Z", datetime(2026, 5, 30, 10, tzinfo=timezone.utc)),
    ("2026-05-30T10:00:00+02:00", datetime(2026, 5, 30, 8, tzinfo=timezone.utc)),
    ("yesterday", None), ("7 days", None), ("-7d", None), ("", None),
])
def test_parse_when(text, expected):
    assert t.parse_when(text, NOW) == expected


def test_window_refuses_more_than_90_days_and_inverted_ranges():
    assert t.window(NOW - timedelta(days=90), NOW, NOW)[0] == NOW - timedelta(days=90)
    with pytest.raises(UsageError) as err:
        t.window(NOW - timedelta(days=90, seconds=1), NOW, NOW)
    assert "CloudTrail Lake" in (err.value.hint or "")
    with pytest.raises(UsageError):
        t.window(NOW - timedelta(days=1), NOW - timedelta(days=2), NOW)
    assert t.window(NOW - timedelta(days=1), NOW + timedelta(days=1), NOW)[1] == NOW


def test_limiter_spaces_requests_from_the_end_of_the_last():
    clock = [0.0]
    slept = []

    def sleep(s):
        slept.append(s)
        clock[0] += s

    lim = t.Limiter(0.5, clock=lambda: clock[0], sleep=sleep)
    lim.wait()
    clock[0] += 0.1  # the request took 0.1 s
    lim.done()
    lim.wait()
    assert slept == [0.5]
    clock[0] += 2.0
    lim.done()
    clock[0] += 1.0
    lim.wait()
    assert slept == [0.5]  # a second has passed already


def entry(record, **extra):
    return {"EventId": "e", "EventName": record.get("eventName", "X"),
            "EventTime": NOW, "CloudTrailEvent": json.dumps(record), **extra}


ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:a-AbCdEf"


@pytest.mark.parametrize("record", [
    {"responseElements": {"arn": ARN}}, {"responseElements": {"aRN": ARN}},
    {"additionalEventData": {"SecretId": ARN}}, {"requestParameters": {"secretId": ARN}},
    {"resources": [{"ARN": ARN}]},
])
def test_secret_of_every_shape(record):
    assert t.secret_of(record) == ARN


def test_parse_flags_service_events_and_safesm():
    rot = t.parse(entry({"eventName": "RotationFailed", "userIdentity": {
        "invokedBy": "secretsmanager.amazonaws.com"}}, EventName="RotationFailed"))
    assert rot.flag == "rotation" and rot.who == "secretsmanager.amazonaws.com"
    assert t.kind_of(rot) == "rotation"
    gone = t.parse(entry({"eventName": "EndSecretVersionDelete"},
                         EventName="EndSecretVersionDelete"))
    assert gone.flag == "deletion" and t.kind_of(gone) == "write"
    mine = t.parse(entry({"userAgent": "Botocore/1.34 md/x safesm/0.1.0",
                          "userIdentity": {"arn": "arn:aws:iam::1:user/u"},
                          "errorCode": "AccessDenied"}, ReadOnly="true"))
    assert mine.by_safesm and mine.read_only and mine.error == "AccessDenied"
    broken = t.parse({"EventName": "X", "EventTime": 0, "CloudTrailEvent": "{not json"})
    assert broken.event == "X" and broken.who == "?"
