"""Snapshot and history -> columnar numpy/pandas data the calculations run on.

Why arrays and not a DataFrame per tick: building a 5,000-row DataFrame from structs costs
~2.5 ms and every pandas group-by another millisecond, which would eat the 15 ms refresh
budget five segments over. Instead the parts of a quote that only change when the universe
changes (symbol, name, sector, segment) are turned into a ``Universe`` once, with integer
sector codes and per-segment member positions, and each tick only the numbers are pulled
out, one ``np.fromiter`` pass per field (``None`` becomes NaN). History stays a pandas frame
until it is cleaned, then becomes one float matrix. Pandas is imported only to clean a
history: the first refresh, before any history has loaded, needs numpy alone, which keeps
pandas' import (~0.2 s) off the monitor's first screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np
from msgspec import Struct

from providers.contract import CAP_SEGMENTS, ClosesTable, Segment, StockQuote

if TYPE_CHECKING:
    import pandas as pd


class Universe(Struct, frozen=True, eq=False):
    """The stocks of a snapshot and their static attributes, aligned by position."""

    symbols: tuple[str, ...]
    names: tuple[str, ...]
    sectors: tuple[str, ...]
    segments: tuple[Segment, ...]
    position: dict[str, int]
    sector_names: tuple[str, ...]  # sector code -> name, sorted
    sector_codes: np.ndarray  # per stock, index into sector_names
    members: dict[Segment, np.ndarray]  # positions of each segment's stocks; ALL = every stock

    @classmethod
    def from_stocks(cls, stocks: Sequence[StockQuote]) -> Universe:
        symbols = tuple(s.symbol for s in stocks)
        sectors = tuple(s.sector for s in stocks)
        segments = tuple(s.segment for s in stocks)
        sector_names, codes = np.unique(np.array(sectors, dtype=object), return_inverse=True)
        seg_values = np.array([str(seg) for seg in segments], dtype=object)
        members = {Segment.ALL: np.arange(len(stocks))}
        for seg in CAP_SEGMENTS:
            members[seg] = np.flatnonzero(seg_values == str(seg))
        return cls(
            symbols=symbols,
            names=tuple(s.name for s in stocks),
            sectors=sectors,
            segments=segments,
            position={sym: i for i, sym in enumerate(symbols)},
            sector_names=tuple(sector_names),
            sector_codes=codes.astype(np.intp),
            members=members,
        )

    def matches(self, stocks: Sequence[StockQuote], only: Sequence[int] | None = None) -> bool:
        """True when ``stocks`` lists the same stocks in the same order and segments;
        ``only``: the positions to compare (the others are known to match)."""
        if len(stocks) != len(self.symbols):
            return False
        positions = range(len(stocks)) if only is None else only
        return all(
            (stocks[i].symbol, stocks[i].segment, stocks[i].sector)
            == (self.symbols[i], self.segments[i], self.sectors[i])
            for i in positions
        )


def nan_to_none(values: np.ndarray) -> list[float | None]:
    """``values`` as Python floats, NaN (unknown) as None: how the views carry a missing figure."""
    return [None if v != v else v for v in values.tolist()]  # v != v only for NaN


def _floats(stocks: Sequence[StockQuote], field: str) -> np.ndarray:
    """``field`` of every quote (None as NaN), read in C: no Python frame per quote."""
    return np.fromiter(map(attrgetter(field), stocks), dtype=float, count=len(stocks))


#: The numbers ``LiveColumns`` reads from each quote.
_QUOTE_FIELDS = ("last", "prev_close", "change_pct", "ffmc", "volume", "band_pct", "avg_volume")


class QuoteReader:
    """Reads the quotes' numbers into arrays, re-reading only the quotes a refresh rebuilt.

    Quotes are frozen and a provider hands back the same object for a stock that has not
    traded (the demo rebuilds a few hundred of 2,400 a refresh), so a quote that is the same
    object as last time has the same numbers."""

    def __init__(self) -> None:
        self._stocks: Sequence[StockQuote] = ()
        self._values: dict[str, np.ndarray] = {}

    def read(self, stocks: Sequence[StockQuote]) -> tuple[dict[str, np.ndarray], list[int] | None]:
        """Each field's values (fresh arrays) and the positions re-read (None: all)."""
        rebuilt: list[int] | None = None
        if self._values and len(stocks) == len(self._stocks):
            old = self._stocks
            rebuilt = [i for i, quote in enumerate(stocks) if quote is not old[i]]
        if rebuilt is None or len(rebuilt) > len(stocks) // 2:
            self._values = {field: _floats(stocks, field) for field in _QUOTE_FIELDS}
            rebuilt = None
        elif rebuilt:
            changed = [stocks[i] for i in rebuilt]
            values = {field: array.copy() for field, array in self._values.items()}
            for field, array in values.items():  # earlier arrays stay as they were read
                array[rebuilt] = _floats(changed, field)
            self._values = values
        self._stocks = stocks
        return dict(self._values), rebuilt

    @property
    def stocks(self) -> Sequence[StockQuote]:
        """The quotes read last."""
        return self._stocks


class LiveColumns(Struct, frozen=True, eq=False):
    """One tick's numbers, aligned with ``Universe`` positions; NaN = not known.

    ``change_pct`` is the quote's own figure, or computed from last and previous close when
    the quote lacks it; ``change`` is last - previous close (NaN without a previous close).
    ``shares`` is the free float in units of crore rupees per rupee of price (``ffmc /
    last``), so ``shares * price`` is the free-float cap at any price: ``cap_prev`` is the
    cap at the previous close, the weight an index gives the stock for today's move.
    """

    last: np.ndarray
    prev_close: np.ndarray
    change: np.ndarray
    change_pct: np.ndarray
    volume: np.ndarray
    ffmc: np.ndarray
    band_pct: np.ndarray
    shares: np.ndarray
    cap_prev: np.ndarray
    avg_volume: np.ndarray

    @classmethod
    def from_stocks(cls, stocks: Sequence[StockQuote]) -> LiveColumns:
        return cls.from_fields({field: _floats(stocks, field) for field in _QUOTE_FIELDS})

    @classmethod
    def from_fields(cls, fields: dict[str, np.ndarray]) -> LiveColumns:
        """From the quotes' numbers, one array per field of ``_QUOTE_FIELDS`` (not changed)."""
        last = fields["last"]
        prev = fields["prev_close"].copy()
        prev[prev <= 0] = np.nan
        reported = fields["change_pct"]
        ffmc = fields["ffmc"]
        with np.errstate(invalid="ignore", divide="ignore"):
            computed = (last / prev - 1.0) * 100.0
            shares = np.where(last > 0, ffmc / last, np.nan)
        return cls(
            last=last,
            prev_close=prev,
            change=last - prev,
            change_pct=np.where(np.isnan(reported), computed, reported),
            volume=fields["volume"],
            ffmc=ffmc,
            band_pct=fields["band_pct"],
            shares=shares,
            cap_prev=shares * prev,
            avg_volume=fields["avg_volume"],
        )


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Each column's NaNs take the last known value above them (leading NaNs stay)."""
    rows = np.arange(len(values))[:, None]
    last_known = np.where(np.isnan(values), 0, rows)
    np.maximum.accumulate(last_known, axis=0, out=last_known)
    return values[last_known, np.arange(values.shape[1])]


class DailyCloses(Struct, frozen=True, eq=False):
    """Cleaned daily closes, oldest first.

    Rows where every column is NaN (a holiday some source wrote as an empty row) are dropped,
    dates are de-duplicated (last wins), and each column is forward-filled so "the close on or
    before a date" is one row lookup. NaN before a column's first close stays NaN.
    """

    dates: np.ndarray  # datetime64[D], ascending
    columns: dict[str, int]
    values: np.ndarray  # float, shape (len(dates), len(columns))

    @classmethod
    def from_frame(cls, closes: pd.DataFrame | None) -> DailyCloses:
        if closes is None or closes.empty:
            return cls(np.array([], dtype="datetime64[D]"), {}, np.empty((0, 0)))
        import pandas as pd  # loaded already by whoever built ``closes``

        frame = closes.copy()
        frame.index = pd.to_datetime(frame.index).tz_localize(None).normalize()
        frame = frame[~frame.index.duplicated(keep="last")].sort_index()
        try:
            frame = frame.astype(float)
        except (TypeError, ValueError):  # strings such as "-" from a hand-made CSV
            frame = frame.apply(pd.to_numeric, errors="coerce").astype(float)
        frame = frame.dropna(how="all").ffill()
        return cls(
            dates=frame.index.values.astype("datetime64[D]"),
            columns={str(name): i for i, name in enumerate(frame.columns)},
            values=frame.to_numpy(dtype=float, na_value=np.nan),
        )

    @classmethod
    def from_table(cls, table: ClosesTable) -> DailyCloses:
        """The same cleaning as :meth:`from_frame`, in numpy alone (no pandas import)."""
        dates = np.asarray(table.dates, dtype="datetime64[D]")
        values = np.asarray(table.values, dtype=float).reshape(len(dates), len(table.names))
        if dates.size == 0 or values.size == 0:
            return cls.from_frame(None)
        unique, last_first = np.unique(dates[::-1], return_index=True)  # sorted; last wins
        values = values[len(dates) - 1 - last_first]
        known = ~np.isnan(values).all(axis=1)
        return cls(
            dates=unique[known],
            columns={str(name): i for i, name in enumerate(table.names)},
            values=_forward_fill(values[known]),
        )

    def through(self, day: date) -> DailyCloses:
        """The sessions up to and including ``day`` (forward-filling never looks ahead)."""
        rows = int(np.searchsorted(self.dates, np.datetime64(day, "D"), side="right"))
        if rows == len(self.dates):
            return self
        return DailyCloses(self.dates[:rows], self.columns, self.values[:rows])

    def before(self, day: date) -> int:
        """How many rows are strictly before ``day`` (the sessions a live price follows)."""
        return int(np.searchsorted(self.dates, np.datetime64(day, "D"), side="left"))

    def on_or_before(self, day: date, rows: int) -> int:
        """Row of the last session on or before ``day`` among the first ``rows``; -1 if none."""
        found = int(np.searchsorted(self.dates[:rows], np.datetime64(day, "D"), side="right"))
        return found - 1

    def gather(self, names: Sequence[str]) -> np.ndarray:
        """Column positions of ``names`` (-1 where the history lacks a name)."""
        return np.fromiter(
            (self.columns.get(n, -1) for n in names), dtype=np.intp, count=len(names)
        )
