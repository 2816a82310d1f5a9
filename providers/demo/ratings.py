"""Simulated analyst rating changes (Strong Sell ... Strong Buy) from fictional brokers.

Every covered company carries a current rating; each day a few dozen change, more often just
after results, and upgrades follow recent gains (analysts chase performance, as the real ones
are often said to). Technical calls are not made here: analytics computes those from closes.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from datetime import date, datetime, time

import numpy as np

from providers.contract import ANALYST_SCALE, IST, RatingChange, RatingKind
from providers.demo.universe import Universe

SOURCES = ("Demo Research", "Demo Securities", "Demo Institutional Equities", "Demo Capital")
#: Per segment (CAP_SEGMENTS order): share of companies analysts cover.
_COVERAGE = np.array([1.0, 0.9, 0.5, 0.15])
_INITIAL_MIX = np.array([0.05, 0.12, 0.33, 0.35, 0.15])
_DAILY_CHANGE_RATE = 0.03  # per covered company and day
_DAILY_INITIATION_RATE = 0.002  # per uncovered company and day
_PERFORMANCE_SCALE = 0.05  # a 5% 20-day gain makes an upgrade ~73% likely
_FIRST_MINUTE, _LAST_MINUTE = 7 * 60 + 30, 18 * 60  # notes come out 07:30-18:00 IST
_UNRATED = -1


class RatingBook:
    """Current ratings plus the changes of the last ``keep_days`` days."""

    def __init__(self, seed: int, universe: Universe, keep_days: int = 5) -> None:
        rng = np.random.default_rng([seed, 3])
        covered = rng.random(universe.size) < _COVERAGE[universe.segment]
        initial = rng.choice(len(ANALYST_SCALE), size=universe.size, p=_INITIAL_MIX)
        self._seed = seed
        self._universe = universe
        self._state = np.where(covered, initial, _UNRATED)
        #: Per kept day: its changes newest first, and their times oldest first (for bisect).
        self._days: deque[tuple[tuple[RatingChange, ...], list[datetime]]] = deque(
            maxlen=keep_days + 1
        )

    def draw_day(
        self, day: date, performance: np.ndarray, after_results: np.ndarray
    ) -> tuple[RatingChange, ...]:
        """Draw ``day``'s changes and apply them. ``performance`` is each
        stock's return over the last month to the previous close; ``after_results`` marks
        companies that just reported."""
        u = self._universe
        rng = np.random.default_rng([self._seed, 3, day.toordinal()])
        rated = self._state != _UNRATED
        rate = np.where(rated, _DAILY_CHANGE_RATE, _DAILY_INITIATION_RATE)
        rate = rate * np.where(after_results, 5.0, 1.0)
        who = np.flatnonzero(rng.random(u.size) < rate)
        count = len(who)
        upgrade = rng.random(count) < 1 / (1 + np.exp(-performance[who] / _PERFORMANCE_SCALE))
        size = np.where(rng.random(count) < 0.15, 2, 1)
        old = self._state[who]
        top = len(ANALYST_SCALE) - 1
        new = np.clip(old + np.where(upgrade, size, -size), 0, top)
        # Already at the end of the scale: the only change left is the other way.
        stuck = new == old
        new[stuck] = np.clip(old[stuck] + np.where(upgrade[stuck], -1, 1), 0, top)
        initiation = old == _UNRATED
        new[initiation] = np.where(upgrade[initiation], 3, 2)
        minutes = rng.integers(_FIRST_MINUTE, _LAST_MINUTE, count)
        sources = rng.integers(len(SOURCES), size=count)
        self._state[who] = new
        changes = tuple(
            RatingChange(
                symbol=u.symbols[pos],
                name=u.names[pos],
                kind=RatingKind.ANALYST,
                from_rating=None if before == _UNRATED else ANALYST_SCALE[before],
                to_rating=ANALYST_SCALE[after],
                source=SOURCES[src],
                at=datetime.combine(day, time(minute // 60, minute % 60), tzinfo=IST),
            )
            for pos, before, after, minute, src in zip(
                who.tolist(),
                old.tolist(),
                new.tolist(),
                minutes.tolist(),
                sources.tolist(),
                strict=True,
            )
        )
        newest_first = tuple(sorted(changes, key=lambda change: change.at, reverse=True))
        self._days.append((newest_first, [change.at for change in reversed(newest_first)]))
        return changes

    def recent(self, now: datetime) -> tuple[RatingChange, ...]:
        """Changes published up to ``now``, newest first, over the kept days. Asked at every
        refresh: each day's published ones are a slice, found by bisection."""
        found: tuple[RatingChange, ...] = ()
        for newest_first, times in reversed(self._days):
            published = bisect_right(times, now)
            found += newest_first[len(newest_first) - published :]
        return found
