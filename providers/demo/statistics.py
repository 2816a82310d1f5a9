"""Day-by-day statistics of the demo market's closes: breadth, segment moves, bands, rallies.

The demo is meant to tell the stories users read (a +2.5% small-cap day with A/D near 2.6x,
a multi-week mid-cap rally); its tests and ``benchmarks/demo_stats.py`` measure it with these,
straight from the generated closes, without a session or a provider in the way.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct

from providers.contract import CAP_SEGMENTS, Segment
from providers.demo import days
from providers.demo.earnings import EarningsCalendar
from providers.demo.market import MarketPath, band_limits
from providers.demo.universe import INDICES, Universe, build

#: Sessions in the rally window of the article ("since 7 April": 28 sessions).
RALLY_SESSIONS = 28


class PathStats(Struct, frozen=True, eq=False):
    """Per measured day (rows) and cap segment (columns, CAP_SEGMENTS order)."""

    advances: np.ndarray  # (days, 4)
    declines: np.ndarray  # (days, 4)
    change_pct: np.ndarray  # (days, 4) free-float-cap weighted, weights at the previous close
    unchanged_share: np.ndarray  # (days,) share of all stocks unchanged
    band_hits: dict[float, np.ndarray]  # band % -> (days,) stocks closing at either limit
    index_closes: dict[str, np.ndarray]  # index name -> levels over every generated day

    def ratio(self, segment: Segment) -> np.ndarray:
        """A/D ratio per day (declines of zero count as one)."""
        column = CAP_SEGMENTS.index(segment)
        return self.advances[:, column] / np.maximum(self.declines[:, column], 1)

    def rally_share(self, index: str, threshold: float, sessions: int = RALLY_SESSIONS) -> float:
        """Share of ``sessions``-session windows in which ``index`` gained ``threshold`` or
        more (0.10 = 10%)."""
        levels = self.index_closes[index]
        gains = levels[sessions:] / levels[:-sessions] - 1
        return float(np.mean(gains >= threshold))


def generate(seed: int, stocks: int, sessions: int) -> tuple[Universe, MarketPath]:
    """The universe of ``seed`` and its closes for at least ``sessions`` trading days."""
    universe = build(seed, stocks)
    path = MarketPath(universe, seed, EarningsCalendar(seed, universe).declared_on)
    path.extend_through(days.EPOCH)
    while len(path.days) < sessions:
        path.extend_through(days.next_trading_day(path.days[-1]))
    return universe, path


def measure(universe: Universe, path: MarketPath, last: int) -> PathStats:
    """Statistics of the ``last`` trading days of ``path`` (it must hold one more)."""
    closes = path.closes
    prev, now = closes[-last - 1 : -1], closes[-last:]
    shares = universe.free_float_shares
    advances = np.empty((last, 4), dtype=np.int64)
    declines = np.empty((last, 4), dtype=np.int64)
    change = np.empty((last, 4))
    for column in range(4):
        members = universe.segment == column
        advances[:, column] = (now[:, members] > prev[:, members]).sum(axis=1)
        declines[:, column] = (now[:, members] < prev[:, members]).sum(axis=1)
        cap_now = now[:, members] @ shares[members]
        cap_prev = prev[:, members] @ shares[members]
        change[:, column] = (cap_now / cap_prev - 1) * 100
    unchanged = (now == prev).mean(axis=1)
    low, high = band_limits(prev, np.broadcast_to(universe.band, prev.shape))
    at_band = (now >= high - 1e-9) | (now <= low + 1e-9)
    band_hits = {
        float(band): at_band[:, universe.band == band].sum(axis=1)
        for band in np.unique(universe.band)
    }
    index_closes = {
        index.name: closes[:, universe.members(index)] @ shares[universe.members(index)]
        for index in INDICES
    }
    return PathStats(advances, declines, change, unchanged, band_hits, index_closes)
