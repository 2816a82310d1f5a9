"""The demo market's trading-day calendar and session hours (IST).

Weekdays minus NSE's trading holidays: the bundled list (``providers.holidays``) for the years
it covers, and for other years the holidays NSE closes for every year (fixed-date national
holidays and Good Friday). The demo's history is generated forward from ``EPOCH``, the first
trading day of its market, so every start date sees the same past.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

from providers.contract import IST
from providers.holidays import BUNDLED_HOLIDAYS, BUNDLED_YEARS

PRE_OPEN = time(9, 0)
OPEN = time(9, 15)
CLOSE = time(15, 30)
SESSION_SECONDS = 6 * 3600 + 15 * 60
#: The demo market's first trading day: history is generated forward from here.
EPOCH = date(2024, 1, 1)

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
    if day.weekday() >= 5:
        return False
    if day.year in BUNDLED_YEARS:
        return day not in BUNDLED_HOLIDAYS
    if (day.month, day.day) in _FIXED_HOLIDAYS:
        return False
    return day != _easter(day.year) - timedelta(days=2)  # Good Friday


def next_trading_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_trading_day(day):
        day += timedelta(days=1)
    return day


def on_or_after(day: date) -> date:
    """``day`` if it is a trading day, else the next one."""
    return day if is_trading_day(day) else next_trading_day(day)


@functools.cache
def trading_ordinals_on_or_after(first: int, last: int) -> tuple[int, ...]:
    """For each day ordinal in ``first..last``, the ordinal of the trading day on or after it
    (the results calendar moves whole quarters at once)."""
    return tuple(
        on_or_after(date.fromordinal(ordinal)).toordinal() for ordinal in range(first, last + 1)
    )


def trading_days_from(first: date, last: date) -> list[date]:
    """Trading days from ``first`` to ``last`` inclusive, oldest first."""
    found = []
    day = first
    while day <= last:
        if is_trading_day(day):
            found.append(day)
        day += timedelta(days=1)
    return found


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=IST)
