"""The drill-down of one index: its closes with 50/100/200-day averages, its members' breadth,
best and worst members, and its sector mix.

The chart series is the index's daily closes from the history with today's level appended;
each average is the simple mean of the last n values at every point (None until n are
known), computed over the whole history so the first point shown already has its averages.
Members and their weights come from the snapshot (``Snapshot.members``) and the stocks'
free-float caps; a member the snapshot has no quote for is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from providers.contract import IndexQuote
from tui.analytics import breadth, movers
from tui.analytics.frames import DailyCloses, LiveColumns, Universe
from tui.analytics.returns import MA_LENGTHS, weighted_change
from widgets.views import IndexDetail, IndexRow, SectorShare

#: Sessions of closes the chart can show (a year), besides today.
CHART_SESSIONS = 250
BEST_WORST = 5


def build(
    quote: IndexQuote,
    row: IndexRow,
    closes: DailyCloses,
    today: date,
    members: Sequence[str],
    universe: Universe,
    columns: LiveColumns,
    bands: tuple[np.ndarray, np.ndarray],
) -> IndexDetail:
    dates, series = _series(quote, closes, today)
    averages = tuple((n, _moving_average(series, n)[-CHART_SESSIONS - 1 :]) for n in MA_LENGTHS)
    positions = np.array(
        [p for p in (universe.position.get(s) for s in members) if p is not None], dtype=np.intp
    )
    advances, declines, unchanged = quote.advances, quote.declines, quote.unchanged
    if advances is None or declines is None:
        advances, declines, unchanged = breadth.count(columns.change_pct[positions])
        if not positions.size:
            advances = declines = unchanged = None
    best, worst = movers.ranked(positions, columns.change_pct, BEST_WORST)
    upper, lower = bands
    return IndexDetail(
        row=row,
        dates=dates[-CHART_SESSIONS - 1 :],
        closes=series[-CHART_SESSIONS - 1 :],
        averages=averages,
        advances=advances,
        declines=declines,
        unchanged=unchanged,
        best=movers.rows(best, universe, columns, upper, lower),
        worst=movers.rows(worst, universe, columns, upper, lower),
        sectors=_sector_mix(positions, universe, columns),
    )


def _series(
    quote: IndexQuote, closes: DailyCloses, today: date
) -> tuple[tuple[date, ...], tuple[float, ...]]:
    column = closes.columns.get(quote.name)
    rows = closes.before(today)
    days: list[date] = []
    values: list[float] = []
    if column is not None:
        past = closes.values[:rows, column]
        known = ~np.isnan(past)
        days = [d.item() for d in closes.dates[:rows][known]]
        values = past[known].tolist()
    return (*days, today), (*values, quote.last)


def _moving_average(series: Sequence[float], n: int) -> tuple[float | None, ...]:
    values = np.asarray(series, dtype=float)
    if len(values) < n:
        return (None,) * len(values)
    sums = np.cumsum(np.concatenate(([0.0], values)))
    means = (sums[n:] - sums[:-n]) / n
    return (None,) * (n - 1) + tuple(means.tolist())


def _sector_mix(
    positions: np.ndarray, universe: Universe, columns: LiveColumns
) -> tuple[SectorShare, ...]:
    if not positions.size:
        return ()
    weights = np.nan_to_num(columns.ffmc[positions])
    total = float(weights.sum())
    codes = universe.sector_codes[positions]
    shares = []
    for code in np.unique(codes).tolist():
        inside = codes == code
        shares.append(
            SectorShare(
                sector=universe.sector_names[code],
                weight_pct=100.0 * float(weights[inside].sum()) / total if total else 0.0,
                change_pct=weighted_change(columns.change_pct[positions[inside]], weights[inside]),
            )
        )
    shares.sort(key=lambda share: (-share.weight_pct, share.sector))
    return tuple(shares)
