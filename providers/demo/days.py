"""The demo market's trading-day calendar and session hours (IST).

Weekdays minus a few holidays NSE closes for every year (fixed-date national holidays and Good
Friday) — enough to make the history look like an exchange's, without claiming to be NSE's
real holiday list. The demo still runs a live session on any day the user starts it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from providers.contract import IST

PRE_OPEN = time(9, 0)
OPEN = time(9, 15)
CLOSE = time(15, 30)
SESSION_SECONDS = 6 * 3600 + 15 * 60

_FIXED_HOLIDAYS = frozenset({(1, 26), (5, 1), (8, 15), (10, 2), (12, 25)})


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def is_trading_day(day: date) -> bool:
    if day.weekday() >= 5 or (day.month, day.day) in _FIXED_HOLIDAYS:
        return False
    return day != _easter(day.year) - timedelta(days=2)  # Good Friday


def next_trading_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def trading_days_before(day: date, count: int) -> list[date]:
    """The ``count`` trading days before ``day`` (exclusive), oldest first."""
    found: list[date] = []
    current = day
    while len(found) < count:
        current -= timedelta(days=1)
        if is_trading_day(current):
            found.append(current)
    return found[::-1]


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=IST)
