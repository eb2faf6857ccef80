"""Rotation schedules: every boundary Secrets Manager has, checked locally."""

from __future__ import annotations

import pytest

from safesm import schedule
from safesm.errors import UsageError


@pytest.mark.parametrize("text, expression", [
    ("4h", "rate(4 hours)"), ("12h", "rate(12 hours)"), ("23h", "rate(23 hours)"),
    ("1d", "rate(1 day)"), ("30d", "rate(30 days)"), ("1000d", "rate(1000 days)"),
])
def test_every_accepts_the_service_range(text, expression):
    assert schedule.every(text) == expression


@pytest.mark.parametrize("text, why", [
    ("3h", "at least 4 hours"), ("0h", "at least 4 hours"), ("24h", "days for 24 hours"),
    ("0d", "1 to 1000 days"), ("1001d", "1 to 1000 days"), ("4", "followed by h or d"),
    ("4 hours", "followed by h or d"), ("-4h", "followed by h or d"), ("1w", "h or d"),
])
def test_every_refuses_outside_the_range_naming_the_option(text, why):
    with pytest.raises(UsageError) as err:
        schedule.every(text)
    assert "--every" in err.value.message and why in err.value.message
    assert "the text given is not shown" in err.value.message


def test_both_forms_are_refused():
    with pytest.raises(UsageError, match="one of --every and --cron, not both"):
        schedule.parse("4h", "cron(0 4 * * ? *)", None)


def test_no_form_is_refused():
    with pytest.raises(UsageError, match="say when to rotate"):
        schedule.parse(None, None, "2h")


@pytest.mark.parametrize("text, expression", [
    ("cron(0 4 * * ? *)", "cron(0 4 * * ? *)"),
    ("0 4 * * ? *", "cron(0 4 * * ? *)"),
    ("cron(0  8 ? * MON *)", "cron(0 8 ? * MON *)"),
    ("cron(0 4/12 * * ? *)", "cron(0 4/12 * * ? *)"),
    ("cron(0 0,6,12,18 * * ? *)", "cron(0 0,6,12,18 * * ? *)"),
    ("cron(0 16 L * ? *)", "cron(0 16 L * ? *)"),
    ("cron(0 0 ? * SUN#1 *)", "cron(0 0 ? * SUN#1 *)"),
    ("cron(0 8 1/7 * ? *)", "cron(0 8 1/7 * ? *)"),
    ("cron(0 1 15W JAN-MAR ? *)", "cron(0 1 15W JAN-MAR ? *)"),
    ("cron(0 2 ? * 6L *)", "cron(0 2 ? * 6L *)"),
])
def test_good_cron_expressions(text, expression):
    assert schedule.cron_expression(text) == expression


@pytest.mark.parametrize("text, why", [
    ("cron(0 4 * * *)", "six fields"),
    ("cron(30 4 * * ? *)", "minutes field must be 0"),
    ("cron(0 4 * * ? 2030)", "year field must be *"),
    ("cron(0 4 * * MON *)", "exactly one of them must be ?"),
    ("cron(0 4 ? * ? *)", "exactly one of them must be ?"),
    ("cron(0 24 * * ? *)", "out of range"),
    ("cron(0 4 32 * ? *)", "out of range"),
    ("cron(0 4 * 13 ? *)", "out of range"),
    ("cron(0 4 ? * FUNDAY *)", "out of range"),
    ("cron(0 x * * ? *)", "out of range"),
    ("cron(0 */1 * * ? *)", "at least 4 hours apart"),
    ("cron(0 0,3 * * ? *)", "at least 4 hours apart"),
    ("cron(0 1,22 * * ? *)", "at least 4 hours apart"),  # 22:00 then 01:00 the next day
])
def test_bad_cron_expressions_are_refused(text, why):
    with pytest.raises(UsageError) as err:
        schedule.cron_expression(text)
    assert "--cron" in err.value.message and why in err.value.message


@pytest.mark.parametrize("every, cron, window, ok", [
    ("4h", None, "4h", True), ("4h", None, "5h", False),  # runs into the next window
    ("5h", None, "4h", True), ("5h", None, "5h", False),  # 20:00 + 5h passes midnight
    ("1d", None, "24h", True), ("30d", None, "1h", True),
    (None, "cron(0 20 * * ? *)", "4h", True), (None, "cron(0 20 * * ? *)", "5h", False),
    (None, "cron(0 4/12 * * ? *)", "8h", True), (None, "cron(0 4/12 * * ? *)", "9h", False),
])
def test_windows_close_before_the_next_window_and_the_utc_day(every, cron, window, ok):
    if ok:
        assert schedule.parse(every, cron, window).window == window
    else:
        with pytest.raises(UsageError, match="--window"):
            schedule.parse(every, cron, window)


@pytest.mark.parametrize("window", ["0h", "25h", "2", "2 h", "h", "-1h", "1.5h"])
def test_window_form(window):
    with pytest.raises(UsageError, match="whole hours from 1 to 24"):
        schedule.parse("1d", None, window)


def test_rules_never_carry_both_forms():
    rules = schedule.parse("30d", None, "3h").rules()
    assert rules == {"ScheduleExpression": "rate(30 days)", "Duration": "3h"}
    assert "AutomaticallyAfterDays" not in rules


def test_in_words():
    assert schedule.in_words("rate(4 hours)") == "every 4 hours"
    assert schedule.in_words("rate(1 day)") == "every day"
    assert schedule.in_words("cron(0 4 * * ? *)") == "cron(0 4 * * ? *) (UTC)"
    assert schedule.in_words(None, 30) == "every 30 days"
