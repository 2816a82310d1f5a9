"""Small hand-made snapshots and histories for the analytics tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from providers.contract import IST, IndexQuote, Segment, Snapshot, StockQuote

NOW = datetime(2026, 11, 20, 11, 30, tzinfo=IST)  # a Friday


def stock(
    symbol: str,
    change_pct: float | None,
    *,
    segment: Segment = Segment.SMALL,
    sector: str = "Capital Goods",
    prev_close: float | None = 100.0,
    last: float | None = None,
    ffmc: float | None = 1000.0,
    band_pct: float | None = 20.0,
    volume: int = 1000,
) -> StockQuote:
    """A quote whose last price follows from ``change_pct`` and ``prev_close`` unless given."""
    if last is None:
        base = prev_close if prev_close is not None else 100.0
        last = base * (1 + (change_pct or 0.0) / 100)
    return StockQuote(
        symbol=symbol,
        name=f"{symbol} Ltd",
        sector=sector,
        segment=segment,
        last=last,
        prev_close=prev_close,
        change_pct=change_pct,
        volume=volume,
        time=NOW,
        ffmc=ffmc,
        band_pct=band_pct,
    )


def index(
    name: str, last: float, prev_close: float | None, segment: Segment = Segment.LARGE, **extra
) -> IndexQuote:
    return IndexQuote(
        name=name,
        segment=segment,
        last=last,
        prev_close=prev_close,
        change_pct=None if prev_close is None else (last / prev_close - 1) * 100,
        time=NOW,
        **extra,
    )


def snapshot(
    stocks: Sequence[StockQuote] = (),
    indices: Sequence[IndexQuote] = (),
    as_of: datetime = NOW,
    **parts,
) -> Snapshot:
    return Snapshot(
        provider="test",
        as_of=as_of,
        simulated=True,
        stocks=tuple(stocks),
        indices=tuple(indices),
        **parts,
    )


def history(columns: dict[str, Sequence[float]], end: str = "2026-11-19") -> pd.DataFrame:
    """Wide closes on consecutive business days ending ``end`` (oldest first)."""
    length = max(len(v) for v in columns.values())
    days = pd.bdate_range(end=end, periods=length)
    data = {
        name: np.concatenate([np.full(length - len(v), np.nan), np.asarray(v, dtype=float)])
        for name, v in columns.items()
    }
    return pd.DataFrame(data, index=days)
