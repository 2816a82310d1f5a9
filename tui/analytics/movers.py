"""Top gainers and losers, and the stocks locked at their price band.

Gainers are the stocks with a % change above zero, highest first; losers those below zero,
lowest first — so the two lists never share a stock, and a stock with an unknown change is in
neither. Ties keep universe order (the sort is stable), so a refresh never reshuffles equals.

At the band: Indian exchanges cap a day's move at ``band_pct`` of the previous close, rounded
to the ₹0.05 tick, so the last possible price is within one tick of the exact band. A stock is
at its upper band when its change exceeds ``band_pct`` minus one tick in percent (0.01 points
when the previous close is unknown); the lower band mirrors it.
"""

from __future__ import annotations

import numpy as np

from tui.analytics.frames import LiveColumns, Universe, nan_to_none
from tui.analytics.returns import pct_array
from widgets.views import MoverRow

TICK = 0.05  # rupees, the equity price step on NSE and BSE
_EPSILON = 1e-6  # percent points: keeps float noise from putting a one-tick-short price at band


def band_flags(columns: LiveColumns) -> tuple[np.ndarray, np.ndarray]:
    """(at upper band, at lower band) for every stock in the universe."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tolerance = np.where(np.isnan(columns.prev_close), 0.01, 100.0 * TICK / columns.prev_close)
        threshold = columns.band_pct - tolerance + _EPSILON
        change = columns.change_pct
        upper = (change > 0) & (change >= threshold)
        lower = (change < 0) & (-change >= threshold)
    return upper, lower


def ranked(
    positions: np.ndarray, change_pct: np.ndarray, limit: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """(gainers, losers): universe positions, best and worst first, at most ``limit`` each."""
    values = change_pct[positions]
    up = positions[values > 0]
    down = positions[values < 0]
    gainers = up[np.argsort(-change_pct[up], kind="stable")]
    losers = down[np.argsort(change_pct[down], kind="stable")]
    if limit is not None:
        gainers, losers = gainers[:limit], losers[:limit]
    return gainers, losers


def rows(
    positions: np.ndarray,
    universe: Universe,
    columns: LiveColumns,
    upper: np.ndarray,
    lower: np.ndarray,
    *,
    reference: np.ndarray | None = None,
) -> tuple[MoverRow, ...]:
    """MoverRows for ``positions``, in that order; NaN becomes None. The change is the
    day's, or from ``reference`` prices (a longer horizon's start) when given."""
    if reference is None:
        change, change_pct = columns.change, columns.change_pct
    else:
        change = columns.last - reference
        change_pct = pct_array(columns.last, reference)
    fields = zip(
        positions.tolist(),
        columns.last[positions].tolist(),
        nan_to_none(change[positions]),
        nan_to_none(change_pct[positions]),
        np.nan_to_num(columns.volume[positions]).astype(np.int64).tolist(),
        upper[positions].tolist(),
        lower[positions].tolist(),
        strict=True,
    )
    return tuple(
        MoverRow(
            symbol=universe.symbols[i],
            name=universe.names[i],
            sector=universe.sectors[i],
            last=last,
            change=change,
            change_pct=change_pct,
            volume=volume,
            band="upper" if at_upper else "lower" if at_lower else None,
        )
        for i, last, change, change_pct, volume, at_upper, at_lower in fields
    )
