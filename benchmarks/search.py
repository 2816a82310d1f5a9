"""Benchmark the go-to-any-stock finder at 5,000 stocks: time per keystroke.

Figures per keystroke (median and worst over several typed queries: a symbol, a name word,
"bank", fuzzy letters, "pharma"), typed one key at a time as a person types them:
- search: ``StockSearch.find`` alone (ranking every stock, or the previous matches);
- finder update: all the finder does for a keystroke in a running app (search, result rows,
  results pane redrawn into strips);
- keystroke, end to end: ``Pilot.press`` in a headless app until it is idle again, at 5,000
  stocks and over no stocks in the same run; most of it is the test harness's own waiting, so
  the difference is what 5,000 stocks add to a keystroke.
Target (issue 15): <= 30 ms per keystroke.

Run from the project root: .venv/bin/python benchmarks/search.py [--stocks 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual.app import App
from timing import START, median_ms

from providers.contract import StockQuote
from providers.demo import create
from tui.analytics.search import StockSearch
from tui.ui.screens.finder import FinderScreen


def queries(stocks: tuple[StockQuote, ...]) -> list[str]:
    """What people type: a symbol, a company's first word, a sector-ish word, fuzzy letters."""
    some = stocks[len(stocks) // 3]
    other = stocks[len(stocks) - 7]
    return [
        some.symbol.lower(),
        other.name.split()[0].lower(),
        "bank",
        other.symbol[:2].lower() + other.symbol[-3:].lower(),  # fuzzy: first and last letters
        "pharma",
    ]


def search_ms(stocks: tuple[StockQuote, ...], typed: list[str]) -> list[float]:
    """Per keystroke (median over ``runs`` timings of each prefix, fresh search per query)."""
    out = []
    for query in typed:
        search = StockSearch(stocks)
        for end in range(1, len(query) + 1):
            began = time.perf_counter()
            search.find(query[:end])
            out.append((time.perf_counter() - began) * 1000)
    return out


class FinderApp(App[None]):
    def __init__(self, stocks: tuple[StockQuote, ...]) -> None:
        super().__init__()
        self.stocks = stocks

    def on_mount(self) -> None:
        self.push_screen(FinderScreen(self.stocks, set(), lambda symbol: None))


async def update_ms(stocks: tuple[StockQuote, ...], typed: list[str]) -> list[float]:
    """The finder's own work per keystroke, inside a running app."""
    out = []
    app = FinderApp(stocks)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        finder = app.screen
        assert isinstance(finder, FinderScreen)
        for query in typed:
            for end in range(1, len(query) + 1):
                began = time.perf_counter()
                finder._show(query[:end])
                out.append((time.perf_counter() - began) * 1000)
    return out


async def keystroke_ms(stocks: tuple[StockQuote, ...], typed: list[str]) -> list[float]:
    """Per key press in the finder, until the app is idle again (the pane redrawn)."""
    out = []
    app = FinderApp(stocks)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for query in typed:
            for key in query:
                began = time.perf_counter()
                await pilot.press("space" if key == " " else key)
                out.append((time.perf_counter() - began) * 1000)
            for _ in query:
                await pilot.press("backspace")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stocks", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    snapshot = asyncio.run(create({"seed": 7, "start": START, "stocks": args.stocks}).fetch())
    stocks = snapshot.stocks
    typed = queries(stocks)
    keys = sum(map(len, typed))
    print(f"{len(stocks)} stocks; {len(typed)} queries, {keys} keystrokes: {typed}")

    build = median_ms(lambda: StockSearch(stocks), args.runs)
    runs = [search_ms(stocks, typed) for _ in range(args.runs)]
    per_key = [statistics.median(times) for times in zip(*runs, strict=True)]
    print(f"search index build:        {build:7.2f} ms (once per finder opening)")
    print(
        f"search per keystroke:      median {statistics.median(per_key):6.2f} ms, "
        f"worst {max(per_key):6.2f} ms"
    )

    updates = [asyncio.run(update_ms(stocks, typed)) for _ in range(args.runs)]
    per_update = [statistics.median(times) for times in zip(*updates, strict=True)]
    print(
        f"finder update per keystroke: median {statistics.median(per_update):6.2f} ms, "
        f"worst {max(per_update):6.2f} ms"
    )

    full, bare = [], []
    for _ in range(args.runs):
        full.append(asyncio.run(keystroke_ms(stocks, typed)))
        bare.append(asyncio.run(keystroke_ms((), typed)))
    full_key = statistics.median(statistics.median(times) for times in zip(*full, strict=True))
    bare_key = statistics.median(statistics.median(times) for times in zip(*bare, strict=True))
    print(
        f"keystroke end to end: {full_key:6.2f} ms at {len(stocks)} stocks, "
        f"{bare_key:6.2f} ms at 0 stocks (harness): {full_key - bare_key:+6.2f} ms for the stocks"
    )
    print("target: <= 30 ms per keystroke")


if __name__ == "__main__":
    main()
