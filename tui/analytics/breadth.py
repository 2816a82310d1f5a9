"""Market breadth: advances, declines, unchanged, the A/D ratio and its intraday series.

A stock advances when its % change is above zero and declines when below; everything else
counts as unchanged — including a stock whose change is not known (no previous close and no
reported change), so advances + declines + unchanged is always the segment's stock count.

A/D ratio rule (zero declines): ``advances / declines`` when there are declines; when there
are none it is ``advances / 1`` (a finite, JSON-safe lower bound — "at least this many
advancers per decliner"), and ``None`` when there are neither advances nor declines (no
information). Never ``inf`` or NaN.

The intraday series keeps one reading per minute (a newer reading in the same minute
replaces the older), restarting when the trading date changes: about 375 points a session,
enough for a sparkline at any width, bounded however fast the monitor refreshes.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from widgets.views import BreadthPoint, BreadthView


def ad_ratio(advances: int, declines: int) -> float | None:
    """Advances per decline; see the module docstring for the zero-declines rule."""
    if advances == 0 and declines == 0:
        return None
    return advances / max(declines, 1)


def pct_advancing(advances: int, declines: int, unchanged: int) -> float | None:
    """Share of the segment's stocks that advanced, in percent; None for an empty segment."""
    total = advances + declines + unchanged
    return None if total == 0 else 100.0 * advances / total


def count(change_pct: np.ndarray) -> tuple[int, int, int]:
    """(advances, declines, unchanged) of the given % changes; NaN counts as unchanged."""
    advances = int(np.count_nonzero(change_pct > 0))
    declines = int(np.count_nonzero(change_pct < 0))
    return advances, declines, int(change_pct.size) - advances - declines


class BreadthSeries:
    """One segment's readings for the current trading day, one per minute."""

    def __init__(self) -> None:
        self._points: list[BreadthPoint] = []

    def add(self, point: BreadthPoint) -> None:
        """Record ``point``; replaces the last reading in the same minute, restarts on a new day."""
        if self._points:
            last = self._points[-1].time
            if point.time.date() != last.date():
                self._points.clear()
            elif point.time < last:
                return  # an out-of-order (older) snapshot must not rewrite the day
            elif _minute(point.time) == _minute(last):
                self._points.pop()
        self._points.append(point)

    @property
    def points(self) -> tuple[BreadthPoint, ...]:
        return tuple(self._points)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def view(
    advances: int, declines: int, unchanged: int, points: tuple[BreadthPoint, ...]
) -> BreadthView:
    """The breadth pane's data: today's counts plus the day's readings (``BreadthSeries.points``;
    those with no ratio — nothing advanced or declined — are left out of ``ratio_series``)."""
    ratios = (ad_ratio(p.advances, p.declines) for p in points)
    return BreadthView(
        advances=advances,
        declines=declines,
        unchanged=unchanged,
        ad_ratio=ad_ratio(advances, declines),
        pct_advancing=pct_advancing(advances, declines, unchanged),
        ratio_series=tuple(r for r in ratios if r is not None),
        series=points,
    )
