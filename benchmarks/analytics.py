"""Benchmark the segment analytics on a synthetic 5,000-stock market with 260 sessions.

Prints medians of several runs of:
- one refresh of every segment's view (the per-tick work; target <= 15 ms), and one with
  only the shown segment's view read (a monitor's tick: views are built when read);
- the daily work (target <= 1 s): ``load_history`` (cleaning, every technical call) plus the
  first refresh of a new trading day (horizon references, call-change events, one tick);
- the per-tick snapshot -> columns conversion inside it;
and, measured in the same run as baselines, a plain pandas DataFrame built from the 5,000
quotes and a plain ``groupby("sector").mean()`` on it, with the ratios against them.

Run: .venv/bin/python benchmarks/analytics.py [--stocks N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from providers.contract import (
    IST,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    RatingChange,
    RatingKind,
    Segment,
    Snapshot,
    StockQuote,
)
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.analytics.frames import LiveColumns

SESSIONS = 260
SECTORS = [f"Sector {i:02d}" for i in range(40)]
INDICES = {
    "NIFTY 50": Segment.LARGE,
    "NIFTY NEXT 50": Segment.LARGE,
    "NIFTY MIDCAP 100": Segment.MID,
    "NIFTY MIDCAP 150": Segment.MID,
    "NIFTY SMALLCAP 100": Segment.SMALL,
    "NIFTY SMALLCAP 250": Segment.SMALL,
    "BSE SMALLCAP": Segment.SMALL,
    "NIFTY MICROCAP 250": Segment.MICRO,
    "NIFTY 500": Segment.ALL,
}


class Market:
    """A random market: history of closes, and snapshots that move from the last close."""

    def __init__(self, stocks: int, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        self.symbols = [f"STK{i:05d}" for i in range(stocks)]
        self.names = [f"Company {i} Ltd" for i in range(stocks)]
        self.sectors = [SECTORS[i % len(SECTORS)] for i in range(stocks)]
        self.segments = [Segment.for_rank(i + 1) for i in range(stocks)]
        self.ffmc = 1e5 / np.arange(1, stocks + 1) ** 0.8
        self.bands = self.rng.choice([2.0, 5.0, 10.0, 20.0], size=stocks)
        columns = [*self.symbols, *INDICES]
        walk = self.rng.normal(0.0004, 0.018, size=(SESSIONS, len(columns)))
        start = self.rng.uniform(20, 5000, size=len(columns))
        days = pd.bdate_range(end="2026-11-19", periods=SESSIONS)
        self.history = pd.DataFrame(start * np.exp(np.cumsum(walk, axis=0)), days, columns)
        self.prev = self.history.iloc[-1].to_numpy()

    def snapshot(self, as_of: datetime) -> Snapshot:
        moves = np.clip(self.rng.normal(0.002, 0.02, size=self.prev.size), -0.2, 0.2)
        last = np.round(self.prev * (1 + moves), 2)
        pct = (last / self.prev - 1) * 100
        n = len(self.symbols)
        stocks = tuple(
            StockQuote(
                self.symbols[i], self.names[i], self.sectors[i], self.segments[i],
                float(last[i]), float(self.prev[i]), float(pct[i]), 1000 + i, as_of,
                ffmc=float(self.ffmc[i]), band_pct=float(self.bands[i]),
            )
            for i in range(n)
        )  # fmt: skip
        indices = tuple(
            IndexQuote(name, seg, float(last[n + k]), float(self.prev[n + k]),
                       float(pct[n + k]), as_of)
            for k, (name, seg) in enumerate(INDICES.items())
        )  # fmt: skip
        picks = self.rng.choice(n, size=150, replace=False)
        ratings = tuple(
            RatingChange(self.symbols[i], self.names[i], RatingKind.ANALYST, "Hold", "Buy",
                         "Broker", as_of - timedelta(hours=int(i % 48)))
            for i in picks[:50]
        )  # fmt: skip
        earnings = tuple(
            EarningsEvent(self.symbols[i], self.names[i],
                          as_of.date() + timedelta(days=int(i % 20)), EarningsStatus.UPCOMING)
            for i in picks[50:]
        )  # fmt: skip
        return Snapshot("bench", as_of, True, indices, stocks, ratings=ratings, earnings=earnings)


def median_ms(runs: list[float]) -> float:
    return statistics.median(runs) * 1e3


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stocks", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=30, help="tick runs (daily runs: a fifth)")
    args = parser.parse_args()

    market = Market(args.stocks)
    opening = datetime(2026, 11, 20, 9, 15, tzinfo=IST)
    ticks = [market.snapshot(opening + timedelta(seconds=5 * k)) for k in range(args.runs)]
    daily_runs = max(3, args.runs // 5)
    days = [market.snapshot(opening + timedelta(days=d)) for d in range(1, daily_runs + 1)]

    engine = MarketAnalytics(AnalyticsSettings(movers=10))
    engine.load_history(market.history)
    engine.refresh(ticks[0])  # warm the daily cache
    # every view built (dict reads them all), as a collector does; a monitor builds only the
    # segment on screen (SegmentViews): both are timed
    refresh = [timed(lambda s=s: dict(engine.refresh(s))) for s in ticks]
    shown = [timed(lambda s=s: engine.refresh(s)[Segment.SMALL]) for s in ticks]
    loads, new_days = [], []
    for k, snap in enumerate(days):  # each a new trading day with a (distinct) history
        history = market.history * (1 + k * 1e-6)
        loads.append(timed(lambda h=history: engine.load_history(h)))
        new_days.append(timed(lambda s=snap: dict(engine.refresh(s))))
    daily = [a + b for a, b in zip(loads, new_days, strict=True)]
    columns = [timed(lambda s=s: LiveColumns.from_stocks(s.stocks)) for s in ticks]

    def plain_frame(snapshot: Snapshot) -> pd.DataFrame:
        return pd.DataFrame(
            [(q.symbol, q.sector, q.segment, q.last, q.prev_close, q.change_pct, q.volume)
             for q in snapshot.stocks],
            columns=["symbol", "sector", "segment", "last", "prev", "change_pct", "volume"],
        )  # fmt: skip

    frame_build = [timed(lambda s=s: plain_frame(s)) for s in ticks]
    frame = plain_frame(ticks[-1])
    groupby = [timed(lambda: frame.groupby("sector")["change_pct"].mean()) for _ in ticks]

    r, d, c = median_ms(refresh), median_ms(daily), median_ms(columns)
    f, g = median_ms(frame_build), median_ms(groupby)
    views = engine.refresh(ticks[-1])
    print(f"universe: {args.stocks} stocks, {SESSIONS} sessions, {len(INDICES)} indices")
    print(f"refresh, all 5 segments : {r:8.2f} ms median of {len(refresh)} (target <= 15 ms)")
    print(f"refresh, one segment shown: {median_ms(shown):6.2f} ms (a monitor's tick)")
    print(f"daily work              : {d:8.2f} ms median of {len(daily)} (target <= 1000 ms)")
    print(f"  load_history: {median_ms(loads):6.2f} ms, first refresh of the day: "
          f"{median_ms(new_days):6.2f} ms")  # fmt: skip
    print(f"  tick columns from quotes: {c:6.2f} ms (part of refresh)")
    print(f"baseline DataFrame(quotes): {f:6.2f} ms  -> refresh = {r / f:5.2f}x")
    print(f"  columns vs DataFrame(quotes): {c / f:4.2f}x")
    print(f"baseline groupby().mean() : {g:6.2f} ms  -> refresh = {r / g:5.2f}x")
    print(f"technical events in feed (all): {len(views[Segment.ALL].events)}")


if __name__ == "__main__":
    main()
