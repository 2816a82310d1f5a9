"""Per-stock signals with today's price: moving-average breakouts, 52-week extremes, RSI(14),
volume against its average, and each stock's references for the longer horizons.

The daily part (``StockDaily.build``, once per trading day) gathers, per stock of the
universe, the few numbers a live price is compared with; a tick is then a handful of
vectorised comparisons over all stocks. Definitions:

- Breakout ``↑50DMA``: yesterday's close was at or below its 50-session average and today's
  price is above the average that includes it (``returns`` computes the indices' crosses the
  same way); ``↓50DMA`` the reverse. Likewise 100 and 200.
- ``52wH``/``52wL``: today's price is above the highest / below the lowest close of the last
  52 weeks (a stock with less history than that counts over what it has, at least 20 closes).
- RSI(14): Cutler's, as in ``technicals`` — the simple averages of the last 14 up and down
  moves, the last of them today's move from the previous close. Oversold <= 30, overbought
  >= 70 (Wilder's levels).
- Volume ratio: volume traded today so far over the source's 20-day average daily volume;
  unknown when the source gives no average.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct, field

from tui.analytics.frames import DailyCloses, LiveColumns, Universe, nan_to_none
from tui.analytics.returns import MA_LENGTHS, References
from tui.analytics.technicals import RSI_LENGTH
from widgets.views import OVERBOUGHT, OVERSOLD, SIGNALS, Breakouts, SignalRow

MIN_CLOSES_FOR_EXTREMES = 20


class StockDaily(Struct, frozen=True, eq=False):
    """Per universe position, what today's price is compared with (NaN = unknown)."""

    prev_close: np.ndarray  # the last close in the history
    ma_partial: np.ndarray  # (len(MA_LENGTHS), n): sum of the last n-1 closes
    above_prev: np.ndarray  # (len(MA_LENGTHS), n): 1.0 / 0.0 last close above its MA
    high_52w: np.ndarray
    low_52w: np.ndarray
    gains: np.ndarray  # sum of the last RSI_LENGTH - 1 up moves
    losses: np.ndarray  # and of the down moves
    five_day: np.ndarray
    one_month: np.ndarray
    anchors: np.ndarray  # (len(refs.anchor_dates), n)

    @classmethod
    def build(
        cls, closes: DailyCloses, refs: References, universe: Universe, rows: int
    ) -> StockDaily:
        """``rows``: the history rows before today (``closes.before(today)``)."""
        columns = closes.gather(universe.symbols)
        found = columns >= 0
        size = len(universe.symbols)

        def take(values: np.ndarray) -> np.ndarray:
            out = np.full((*values.shape[:-1], size), np.nan)
            out[..., found] = values[..., columns[found]]
            return out

        values = closes.values[:rows]
        width = values.shape[1] if values.ndim == 2 else 0
        last = values[-1] if rows else np.full(width, np.nan)
        gains = losses = np.full(width, np.nan)
        if rows >= RSI_LENGTH:
            moves = np.diff(values[rows - RSI_LENGTH :], axis=0)
            gains, losses = (
                np.where(moves > 0, moves, 0).sum(0),
                np.where(moves < 0, -moves, 0).sum(0),
            )
        count = np.sum(~np.isnan(values[-260:]), axis=0) if rows else np.zeros(width)
        enough = count >= MIN_CLOSES_FOR_EXTREMES
        return cls(
            prev_close=take(last),
            ma_partial=take(refs.ma_partial),
            above_prev=take(refs.above_prev),
            high_52w=take(np.where(enough, refs.high_52w, np.nan)),
            low_52w=take(np.where(enough, refs.low_52w, np.nan)),
            gains=take(gains),
            losses=take(losses),
            five_day=take(refs.five_day),
            one_month=take(refs.one_month),
            anchors=take(refs.anchors),
        )


class LiveSignals(Struct, frozen=True, eq=False):
    """One tick's signals for every stock of the universe."""

    flags: dict[str, np.ndarray]  # signal (SIGNALS) -> bool per stock
    rsi: np.ndarray
    volume_ratio: np.ndarray
    _rows: dict[int, SignalRow] = field(default_factory=dict)  # see ``with_rows``

    @classmethod
    def compute(cls, daily: StockDaily, columns: LiveColumns) -> LiveSignals:
        last = columns.last
        flags: dict[str, np.ndarray] = {}
        with np.errstate(invalid="ignore", divide="ignore"):
            for k, n in enumerate(MA_LENGTHS):
                average = (daily.ma_partial[k] + last) / n
                before = daily.above_prev[k]
                flags[f"↑{n}DMA"] = (before == 0.0) & (last > average)
                flags[f"↓{n}DMA"] = (before == 1.0) & (last <= average)
            flags["52wH"] = last > daily.high_52w
            flags["52wL"] = last < daily.low_52w
            move = last - daily.prev_close
            gains = daily.gains + np.where(move > 0, move, 0.0)
            losses = daily.losses + np.where(move < 0, -move, 0.0)
            rsi = np.where(gains + losses == 0, 50.0, 100.0 * gains / (gains + losses))
            rsi[np.isnan(move) | np.isnan(gains)] = np.nan
            ratio = columns.volume / columns.avg_volume
            ratio[~(columns.avg_volume > 0)] = np.nan
        return cls(flags=flags, rsi=rsi, volume_ratio=ratio)

    def with_rows(
        self, universe: Universe, columns: LiveColumns, last: LiveSignals | None = None
    ) -> LiveSignals:
        """Build the SignalRow of every stock any list shows, once per tick: a stock is in
        All and in its own segment, and building rows is most of a tick's signal work.

        ``last`` is the previous tick's, over the same universe: its row is kept for a stock
        whose figures are unchanged (most of them, a tick), which also lets the panes see at
        once that the row is the same."""
        wanted = np.zeros(len(universe.symbols), dtype=bool)
        for flag in self.flags.values():
            wanted |= flag
        with np.errstate(invalid="ignore"):
            wanted |= (self.rsi <= OVERSOLD) | (self.rsi >= OVERBOUGHT)
        positions = np.flatnonzero(wanted)
        fields = zip(
            positions.tolist(),
            columns.last[positions].tolist(),
            nan_to_none(columns.change_pct[positions]),
            nan_to_none(self.rsi[positions]),
            nan_to_none(self.volume_ratio[positions]),
            strict=True,
        )
        kept = last._rows if last is not None else {}
        self._rows.clear()
        for i, price, change, rsi, ratio in fields:
            row = kept.get(i)
            figures = (price, change, rsi, ratio)
            if row is None or (row.last, row.change_pct, row.rsi, row.volume_ratio) != figures:
                row = SignalRow(
                    symbol=universe.symbols[i],
                    name=universe.names[i],
                    sector=universe.sectors[i],
                    last=price,
                    change_pct=change,
                    rsi=rsi,
                    volume_ratio=ratio,
                )
            self._rows[i] = row
        return self

    def rows(self, positions: np.ndarray) -> tuple[SignalRow, ...]:
        rows = self._rows
        return tuple(rows[i] for i in positions.tolist())

    def breakouts(self, members: np.ndarray, columns: LiveColumns) -> Breakouts:
        """Each signal's stocks among ``members``: rises best first, falls worst first."""
        change = np.nan_to_num(columns.change_pct, nan=0.0)
        lists = []
        for signal in SIGNALS:
            found = members[self.flags[signal][members]]
            rising = signal.startswith("↑") or signal == "52wH"
            found = found[np.argsort(-change[found] if rising else change[found], kind="stable")]
            lists.append((signal, self.rows(found)))
        return Breakouts(tuple(lists))

    def extremes(self, members: np.ndarray) -> tuple[tuple[SignalRow, ...], tuple[SignalRow, ...]]:
        """(oversold lowest RSI first, overbought highest first) among ``members``."""
        rsi = self.rsi[members]
        with np.errstate(invalid="ignore"):
            low = members[rsi <= OVERSOLD]
            high = members[rsi >= OVERBOUGHT]
        low = low[np.argsort(self.rsi[low], kind="stable")]
        high = high[np.argsort(-self.rsi[high], kind="stable")]
        return self.rows(low), self.rows(high)
