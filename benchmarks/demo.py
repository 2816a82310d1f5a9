"""Benchmark the demo market at 2,400 (default) and 5,000 stocks.

Prints medians of several runs of:
- building the provider (universe, names, history from the epoch, ratings warm-up);
- generating the history alone: every trading day from the demo's epoch to the start;
- one ``fetch()`` mid-session (target well under 20 ms);
- ``history()`` as a DataFrame;
and, measured in the same run as baselines, drawing the same number of normal numbers in one
numpy call (the raw randomness the history needs, a third of it) and building one
``StockQuote`` per stock (what a fetch without the quote cache would cost), with the ratios
against them.

Run: .venv/bin/python benchmarks/demo.py [--stocks N ...] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio

import numpy as np
from timing import START, median_ms

from providers.contract import Segment, StockQuote
from providers.demo import create
from providers.demo.market import MarketPath
from providers.demo.provider import DemoProvider


def bench(stocks: int, runs: int) -> None:
    def build() -> DemoProvider:
        return create({"seed": 7, "start": START, "stocks": stocks})

    provider = build()
    sim = provider.simulation
    loop = asyncio.new_event_loop()
    loop.run_until_complete(provider.fetch())

    def generate() -> MarketPath:
        path = MarketPath(sim.universe, 7, sim.earnings.declared_on)
        path.extend_through(sim.day)
        return path

    async def fresh_history() -> object:
        provider._frame = None  # measure building the frame, not the per-day cache
        return await provider.history()

    rows = {
        "build provider": median_ms(build, runs),
        "history from epoch": median_ms(generate, runs),
        "fetch (one step)": median_ms(lambda: loop.run_until_complete(provider.fetch()), runs * 10),
        "history() frame": median_ms(lambda: loop.run_until_complete(fresh_history()), runs),
    }
    rng = np.random.default_rng(0)
    generated = len(generate().days)
    draws = median_ms(lambda: rng.standard_normal((generated, stocks)), runs)
    quotes = median_ms(
        lambda: [
            StockQuote("S", "N", "IT", Segment.SMALL, 1.0, 1.0, 0.0, 1, START, 1.0, 5.0, 1.0, 1.0)
            for _ in range(stocks)
        ],
        runs,
    )
    loop.close()
    print(f"\n{stocks} stocks, {generated} days from the epoch, median of {runs} runs")
    for name, ms in rows.items():
        print(f"  {name:<18} {ms:9.2f} ms")
    print(f"  baseline: {generated}x{stocks} normal draws {draws:8.2f} ms")
    print(f"  baseline: {stocks} StockQuotes      {quotes:8.2f} ms")
    print(f"  history / normal draws     {rows['history from epoch'] / draws:6.1f}x")
    print(f"  fetch / all-new StockQuotes {rows['fetch (one step)'] / quotes:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stocks", type=int, nargs="+", default=[2400, 5000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for stocks in args.stocks:
        bench(stocks, args.runs)


if __name__ == "__main__":
    main()
