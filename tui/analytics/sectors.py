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


def sector_order(universe: Universe, columns: LiveColumns) -> np.ndarray:
    """Every stock's position, grouped by sector code, rising change within (NaN last)."""
    return np.lexsort((columns.change_pct, universe.sector_codes))


def rows(
    order: np.ndarray, members: np.ndarray, universe: Universe, columns: LiveColumns
) -> tuple[SectorRow, ...]:
    """Ranked SectorRows for the segment whose positions are ``members``."""
    if members.size == 0:
        return ()
    in_segment = np.zeros(universe.sector_codes.size, dtype=bool)
    in_segment[members] = True
    ordered = order[in_segment[order]]
    codes = universe.sector_codes[ordered]
    change = columns.change_pct[ordered]
    known = ~np.isnan(change)
    n_sectors = len(universe.sector_names)
    totals = np.bincount(codes, minlength=n_sectors)
    known_counts = np.bincount(codes, weights=known, minlength=n_sectors).astype(np.intp)
    starts = np.concatenate(([0], np.cumsum(totals)[:-1]))
    advances = np.bincount(codes, weights=change > 0, minlength=n_sectors).astype(np.intp)
    declines = np.bincount(codes, weights=change < 0, minlength=n_sectors).astype(np.intp)
    weights = columns.cap_prev[ordered]
    usable = known & (weights > 0)
    weight_sum = np.bincount(codes, weights=np.where(usable, weights, 0.0), minlength=n_sectors)
    weighted = np.bincount(
        codes, weights=np.where(usable, weights * change, 0.0), minlength=n_sectors
    )
    result = []
    for code in np.flatnonzero(totals).tolist():
        start, k = int(starts[code]), int(known_counts[code])
        run = change[start : start + k]
        median = leader = laggard = None
        if k:
            median = float((run[(k - 1) // 2] + run[k // 2]) / 2.0)
            laggard, leader = int(ordered[start]), int(ordered[start + k - 1])
        result.append(
            SectorRow(
                sector=universe.sector_names[code],
                change_pct=float(weighted[code] / weight_sum[code]) if weight_sum[code] else None,
                median_pct=median,
                advances=int(advances[code]),
                declines=int(declines[code]),
                leader=None if leader is None else universe.symbols[leader],
                leader_pct=None if leader is None else float(columns.change_pct[leader]),
                laggard=None if laggard is None else universe.symbols[laggard],
                laggard_pct=None if laggard is None else float(columns.change_pct[laggard]),
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
