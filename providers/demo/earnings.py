"""The demo market's corporate-results calendar.

Indian companies report within 45 days of a quarter's end (60 for the March quarter), large
caps first — a handful of them (IT services, a few banks) in the first half of April, July,
October and January; a tail of small companies files late. That gives results seasons —
dozens of results a day from mid-October to mid-November — and a trickle in between. Board
meetings fall on trading days only (``days.is_trading_day``: weekends and exchange holidays
move to the next session). Each quarter is drawn from its own seeded generator, so any day's
calendar is reproducible on its own.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from msgspec import Struct

from providers.demo import days
from providers.demo.universe import Universe

RESULTS = "Financial Results"
RESULTS_DIVIDEND = "Financial Results/Dividend"
OTHER_PURPOSES = ("Dividend", "Fund Raising", "Bonus", "Stock Split", "Buyback")

#: Per segment (CAP_SEGMENTS order): share of companies that file after the deadline.
_LATE_SHARE = np.array([0.02, 0.05, 0.12, 0.25])
#: Per segment: share of companies that report early, 7-14 days after the quarter's end.
_EARLY_SHARE = np.array([0.08, 0.02, 0.0, 0.0])
_NO_DATE = -1


class _Quarter(Struct, frozen=True, eq=False):
    results: np.ndarray  # date ordinal of each company's results
    with_dividend: np.ndarray  # bool: results meeting also considers a dividend
    other: np.ndarray  # date ordinal of an extra board meeting, or _NO_DATE
    other_purpose: np.ndarray  # index into OTHER_PURPOSES


def _quarter_ends(first: date, last: date) -> list[date]:
    ends = []
    for year in range(first.year - 1, last.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            end = date(year, month, day)
            if first <= end <= last:
                ends.append(end)
    return ends


def _on_trading_days(ordinals: np.ndarray) -> np.ndarray:
    """Each day ordinal moved to the trading day on or after it."""
    first, last = int(ordinals.min()), int(ordinals.max())
    table = np.array(days.trading_ordinals_on_or_after(first, last), dtype=np.int64)
    return table[ordinals - first]


class EarningsCalendar:
    """Results dates for every company and quarter, drawn lazily and cached per quarter."""

    def __init__(self, seed: int, universe: Universe) -> None:
        self._seed = seed
        self._universe = universe
        self._quarters: dict[date, _Quarter] = {}

    def _quarter(self, end: date) -> _Quarter:
        if end not in self._quarters:
            self._quarters[end] = self._draw(end)
        return self._quarters[end]

    def _draw(self, end: date) -> _Quarter:
        u = self._universe
        n = u.size
        rng = np.random.default_rng([self._seed, 4, end.toordinal()])
        stretch = 1.35 if end.month == 3 else 1.0  # the March quarter has a 60-day deadline
        rank_frac = np.arange(n) / n
        # Large caps report early; most small companies bunch up just before the deadline.
        early = np.clip(0.2 + 0.75 * np.sqrt(rank_frac) + rng.normal(0.0, 0.15, n), 0.0, 1.0)
        lag = (14 + 31 * early) * stretch
        late = rng.random(n) < _LATE_SHARE[u.segment]
        lag = np.where(late, rng.uniform(46, 80, n) * stretch, lag)
        early_bird = rng.random(n) < _EARLY_SHARE[u.segment]
        lag = np.where(early_bird, rng.uniform(7, 15, n), lag).astype(np.int64)
        results = _on_trading_days(end.toordinal() + lag)
        with_dividend = rng.random(n) < (0.3 if end.month == 3 else 0.1)
        has_other = rng.random(n) < 0.04
        other = end.toordinal() + rng.integers(1, 92, n)
        other = np.where(has_other, _on_trading_days(other), _NO_DATE)
        other_purpose = rng.integers(0, len(OTHER_PURPOSES), n)
        return _Quarter(results, with_dividend, other, other_purpose)

    def declared_on(self, day: date) -> np.ndarray:
        """Bool per company: results declared on ``day`` (their prices react)."""
        ordinal = day.toordinal()
        mask = np.zeros(self._universe.size, dtype=bool)
        for end in _quarter_ends(day - timedelta(days=130), day):
            mask |= self._quarter(end).results == ordinal
        return mask

    def events(self, first: date, last: date) -> list[tuple[int, date, str]]:
        """(company position, date, purpose) of meetings from ``first`` to ``last``
        inclusive, ordered by date then rank."""
        lo, hi = first.toordinal(), last.toordinal()
        found: list[tuple[int, int, str]] = []
        for end in _quarter_ends(first - timedelta(days=130), last):
            quarter = self._quarter(end)
            for pos in np.flatnonzero((quarter.results >= lo) & (quarter.results <= hi)).tolist():
                purpose = RESULTS_DIVIDEND if quarter.with_dividend[pos] else RESULTS
                found.append((int(quarter.results[pos]), pos, purpose))
            for pos in np.flatnonzero((quarter.other >= lo) & (quarter.other <= hi)).tolist():
                purpose = OTHER_PURPOSES[int(quarter.other_purpose[pos])]
                found.append((int(quarter.other[pos]), pos, purpose))
        found.sort()
        return [(pos, date.fromordinal(ordinal), purpose) for ordinal, pos, purpose in found]
