"""Sector performance inside a segment: weighted and median change, breadth, leader, laggard.

``change_pct`` is the sector's index-style change: its stocks' changes weighted by their
free-float market cap at the previous close (``LiveColumns.cap_prev``), as an index weights
today's move, over the stocks that have both; None when none has (a provider without market
caps) — ``median_pct`` is then still there. Sectors are ranked best first by ``change_pct``; sectors
without it follow, ranked by ``median_pct``; sectors with neither come last.

All of it is one stable sort per tick: stocks ordered by (sector, change) once, then each
segment keeps its members in that order, so every sector is a contiguous run whose first
known change is the laggard, last known change the leader, and middle the median.
"""

from __future__ import annotations

import math

import numpy as np

from tui.analytics.frames import LiveColumns, Universe
from widgets.views import SectorRow


def sector_order(
    universe: Universe, columns: LiveColumns, change: np.ndarray | None = None
) -> np.ndarray:
    """Every stock's position, grouped by sector code, rising change within (NaN last);
    ``change`` is the day's % change unless given (a longer horizon's)."""
    return np.lexsort((columns.change_pct if change is None else change, universe.sector_codes))


def weighted_by_sector(
    members: np.ndarray, universe: Universe, change: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Per sector code, the weighted % change of the sector's ``members`` (NaN unknown): the
    cheap part of ``rows``, for the 5D/1M columns beside the day's figures."""
    n_sectors = len(universe.sector_names)
    codes = universe.sector_codes[members]
    values, weights = change[members], weights[members]
    usable = ~np.isnan(values) & (weights > 0)
    total = np.bincount(codes, weights=np.where(usable, weights, 0.0), minlength=n_sectors)
    moved = np.bincount(codes, weights=np.where(usable, weights * values, 0.0), minlength=n_sectors)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, moved / total, np.nan)


def rows(
    order: np.ndarray,
    members: np.ndarray,
    universe: Universe,
    columns: LiveColumns,
    *,
    change: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    longer: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[SectorRow, ...]:
    """Ranked SectorRows for the segment whose positions are ``members``: over the day, or
    over a horizon when ``change`` (per stock, the one ``order`` sorted by) and ``weights``
    (start-of-period free-float caps, ``returns.start_weights``) are given. ``longer``: per
    sector code, the 5D and 1M changes to fill in (``weighted_by_sector``)."""
    all_change = columns.change_pct if change is None else change
    all_weights = columns.cap_prev if weights is None else weights
    if members.size == 0:
        return ()
    in_segment = np.zeros(universe.sector_codes.size, dtype=bool)
    in_segment[members] = True
    ordered = order[in_segment[order]]
    codes = universe.sector_codes[ordered]
    change = all_change[ordered]
    known = ~np.isnan(change)
    n_sectors = len(universe.sector_names)
    totals = np.bincount(codes, minlength=n_sectors)
    known_counts = np.bincount(codes, weights=known, minlength=n_sectors).astype(np.intp)
    starts = np.concatenate(([0], np.cumsum(totals)[:-1]))
    advances = np.bincount(codes, weights=change > 0, minlength=n_sectors).astype(np.intp)
    declines = np.bincount(codes, weights=change < 0, minlength=n_sectors).astype(np.intp)
    weights = all_weights[ordered]
    usable = known & (weights > 0)
    weight_sum = np.bincount(codes, weights=np.where(usable, weights, 0.0), minlength=n_sectors)
    weighted = np.bincount(
        codes, weights=np.where(usable, weights * change, 0.0), minlength=n_sectors
    )
    # Every per-sector figure as a list first: numpy scalars are slow in a Python loop.
    present = np.flatnonzero(totals)
    k = known_counts[present]
    first = starts[present]
    has = k > 0
    low = np.where(has, first + (k - 1) // 2, 0)
    high = np.where(has, first + k // 2, 0)
    last = np.where(has, first + k - 1, 0)
    medians = ((change[low] + change[high]) / 2.0).tolist() if change.size else []
    laggards = ordered[first].tolist() if ordered.size else []
    leaders = ordered[last].tolist() if ordered.size else []
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (weighted[present] / weight_sum[present]).tolist()
    sums = weight_sum[present].tolist()
    five, month = longer if longer is not None else (None, None)
    extra5 = five[present].tolist() if five is not None else [math.nan] * len(present)
    extra1 = month[present].tolist() if month is not None else [math.nan] * len(present)
    symbols, names, values = universe.symbols, universe.sector_names, all_change
    result = []
    for j, code in enumerate(present.tolist()):
        known_here = bool(has[j])
        leader = leaders[j] if known_here else None
        laggard = laggards[j] if known_here else None
        result.append(
            SectorRow(
                sector=names[code],
                change_pct=means[j] if sums[j] else None,
                median_pct=medians[j] if known_here else None,
                advances=int(advances[code]),
                declines=int(declines[code]),
                leader=None if leader is None else symbols[leader],
                leader_pct=None if leader is None else float(values[leader]),
                laggard=None if laggard is None else symbols[laggard],
                laggard_pct=None if laggard is None else float(values[laggard]),
                change_5d_pct=None if extra5[j] != extra5[j] else extra5[j],  # NaN: unknown
                change_1m_pct=None if extra1[j] != extra1[j] else extra1[j],
            )
        )
    result.sort(key=_rank_key)
    return tuple(result)


def _rank_key(row: SectorRow) -> tuple[int, float, str]:
    if row.change_pct is not None:
        return 0, -row.change_pct, row.sector
    if row.median_pct is not None:
        return 1, -row.median_pct, row.sector
    return 2, math.inf, row.sector
