"""Pure: rotation schedules — `--every`, `--cron` and `--window` checked before any call.

Secrets Manager's rules (RotationRulesType and "Rotation schedules" in its user guide):
rotate at most every 4 hours and at least every 1000 days; `AutomaticallyAfterDays` and
`ScheduleExpression` never both (safesm always sends a ScheduleExpression: rate() for
`--every`, cron() for `--cron`); a cron() expression has six fields (minutes, hours,
day-of-month, month, day-of-week, year), its minutes must be 0 (windows open on the
hour) and its year `*`; the window (`Duration`, `Nh`, 1-24 hours) must not run into the
next window nor past the end of the UTC day. All times are UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UsageError, invalid_option

MIN_HOURS, MAX_HOURS = 4, 23
MIN_DAYS, MAX_DAYS = 1, 1000
EVERY_FORM = (f"hours ({MIN_HOURS}-{MAX_HOURS}) or days ({MIN_DAYS}-{MAX_DAYS}) followed by "
              "h or d, e.g. 4h, 12h, 1d, 30d")
WINDOW_FORM = "whole hours from 1 to 24 followed by h, e.g. 2h"
CRON_FORM = ("cron(0 HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK *), UTC, e.g. "
             "'cron(0 4 * * ? *)' (daily at 04:00) or 'cron(0 8 ? * MON *)'")
_MONTHS = "JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split()
_DAYS = "SUN MON TUE WED THU FRI SAT".split()
_RATE = re.compile(r"rate\((\d+) (hour|hours|day|days)\)")


@dataclass(frozen=True)
class Schedule:
    """What RotateSecret's RotationRules get: a ScheduleExpression and maybe a Duration."""

    expression: str
    window: str | None = None

    def rules(self) -> dict[str, str]:
        out = {"ScheduleExpression": self.expression}
        if self.window:
            out["Duration"] = self.window
        return out


def every(text: str) -> str:
    """`--every 4h|12h|1d|30d` as a rate() expression."""
    m = re.fullmatch(r"(\d{1,5})([hd])", text.strip())
    if not m:
        raise invalid_option("--every", EVERY_FORM)
    value, unit = int(m.group(1)), m.group(2)
    if unit == "h" and value < MIN_HOURS:
        raise invalid_option("--every", f"at least {MIN_HOURS} hours (Secrets Manager rotates "
                             "at most every 4 hours)")
    if unit == "h" and value > MAX_HOURS:
        raise invalid_option("--every", "days for 24 hours or more, e.g. 1d or 2d")
    if unit == "d" and not MIN_DAYS <= value <= MAX_DAYS:
        raise invalid_option("--every", f"{MIN_DAYS} to {MAX_DAYS} days")
    if unit == "h":
        return f"rate({value} hours)"
    return "rate(1 day)" if value == 1 else f"rate({value} days)"


def window_hours(text: str) -> int:
    m = re.fullmatch(r"(\d{1,3})h", text.strip())
    if not m or not 1 <= int(m.group(1)) <= 24:
        raise invalid_option("--window", WINDOW_FORM)
    return int(m.group(1))


# cron ---------------------------------------------------------------------------------

def _number(text: str, low: int, high: int, names: list[str] | None = None) -> int:
    if names and text.upper() in names:
        return names.index(text.upper()) + low
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(text)
    return int(text)


def _expand(field: str, low: int, high: int, names: list[str] | None = None) -> set[int]:
    """A field of `*`, N, N-M and steps (`*/S`, `N/S`, `N-M/S`), comma-separated."""
    out: set[int] = set()
    for item in field.split(","):
        base, _, step_text = item.partition("/")
        step = _number(step_text, 1, high) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _number(first, low, high, names), _number(last, low, high, names)
        else:
            start = _number(base, low, high, names)
            end = high if step_text else start
        if start > end:
            raise ValueError(item)
        out.update(range(start, end + 1, step))
    return out


def _day_of_month(field: str) -> None:
    if field in ("?", "L", "LW") or re.fullmatch(r"([1-9]|[12]\d|3[01])W", field):
        return
    _expand(field, 1, 31)


def _day_of_week(field: str) -> None:
    day = r"([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)"
    if field in ("?", "L") or re.fullmatch(rf"{day}(L|#[1-5])", field.upper()):
        return
    _expand(field, 1, 7, _DAYS)


def cron_hours(text: str) -> tuple[list[int], bool]:
    """The hours a cron() schedule opens a window at, and whether it runs every day.
    Raises UsageError naming the field that is wrong (never the text)."""
    m = re.fullmatch(r"\s*cron\((.*)\)\s*", text) or re.fullmatch(r"\s*(.*?)\s*", text)
    fields = m.group(1).split() if m else []
    if len(fields) != 6:
        raise invalid_option("--cron", "six fields: " + CRON_FORM)
    minutes, hours, dom, month, dow, year = fields
    checks = (("minutes", minutes == "0", "must be 0 (rotation windows open on the hour)"),
              ("year", year == "*", "must be * (schedules more than a year apart are not "
                                    "supported)"),
              ("day-of-month/day-of-week", (dom == "?") != (dow == "?"),
               "exactly one of them must be ?"))
    for name, ok, need in checks:
        if not ok:
            raise invalid_option("--cron", f"the {name} field {need}; the form is {CRON_FORM}")
    try:
        found = sorted(_expand(hours, 0, 23))
        _day_of_month(dom)
        _expand(month, 1, 12, _MONTHS)
        _day_of_week(dow)
    except ValueError:
        raise invalid_option("--cron", f"a field has a value out of range or an unknown "
                             f"symbol; the form is {CRON_FORM}") from None
    return found, dom in ("*", "?") and dow in ("*", "?")


def _shortest_gap(hours: list[int], daily: bool) -> int:
    gaps = [b - a for a, b in zip(hours, hours[1:], strict=False)]
    if daily:
        gaps.append(24 - hours[-1] + hours[0])
    return min(gaps) if gaps else 24


def cron_expression(text: str) -> str:
    """`--cron` checked and written the way RotateSecret takes it: `cron(...)`."""
    hours, daily = cron_hours(text)
    if _shortest_gap(hours, daily) < MIN_HOURS:
        raise invalid_option("--cron", f"windows at least {MIN_HOURS} hours apart (Secrets "
                             "Manager rotates at most every 4 hours)")
    inner = re.sub(r"^\s*cron\(|\)\s*$", "", text.strip())
    return f"cron({' '.join(inner.split())})"


# windows ------------------------------------------------------------------------------

def window_starts(expression: str) -> tuple[list[int], int]:
    """The hours windows open at in a day, and the hours between two windows."""
    rate = _RATE.fullmatch(expression)
    if rate and rate.group(2).startswith("hour"):
        step = int(rate.group(1))
        return list(range(0, 24, step)), step
    if rate:
        return [0], 24 * int(rate.group(1))
    hours, daily = cron_hours(expression)
    return hours, _shortest_gap(hours, daily)


def check_window(expression: str, hours: int) -> None:
    """A window must close before the next one opens and before the UTC day ends."""
    starts, gap = window_starts(expression)
    if hours > gap:
        raise invalid_option("--window", f"at most {gap}h for this schedule (a window must "
                             "close before the next one opens)")
    last = max(starts)
    if last + hours > 24:
        raise invalid_option("--window", f"at most {24 - last}h for this schedule (the window "
                             f"opening at {last:02d}:00 UTC must close by the end of the UTC "
                             "day)")


def parse(every_text: str | None, cron_text: str | None, window_text: str | None) -> Schedule:
    """`rotation set`'s schedule options, all checked before any call."""
    if every_text and cron_text:
        raise UsageError("give one of --every and --cron, not both: Secrets Manager takes one "
                         "schedule.")
    if not (every_text or cron_text):
        raise UsageError("say when to rotate: --every (e.g. 30d) or --cron 'cron(...)'.")
    expression = every(every_text) if every_text else cron_expression(cron_text or "")
    if window_text is None:
        return Schedule(expression)
    hours = window_hours(window_text)
    check_window(expression, hours)
    return Schedule(expression, f"{hours}h")


def in_words(expression: str | None, days: int | None = None) -> str:
    """`rate(4 hours)` -> "every 4 hours"; cron() as it is, in UTC."""
    rate = _RATE.fullmatch(expression or "")
    if rate:
        value, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        return f"every {unit}" if value == 1 else f"every {value} {unit}s"
    if expression:
        return f"{expression} (UTC)"
    if days:
        return "every day" if days == 1 else f"every {days} days"
    return "no schedule"


def is_rate(expression: str | None) -> bool:
    """rate() schedules (and AutomaticallyAfterDays) count from the last rotation, so a
    changed schedule may still see the previously planned rotation happen."""
    return expression is None or bool(_RATE.fullmatch(expression))
