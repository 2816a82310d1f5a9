"""Benchmark the history store on demo-market snapshots of 1,600 (default) and 5,000 stocks.

Prints medians of several runs of:
- ``append_snapshot`` (the per-refresh write: snapshot JSON, closes, breadth, events; one
  transaction) — the figure that matters, since it runs on every refresh;
- ``snapshot_to_json`` alone (part of the above);
- ``append_daily_closes`` of the provider's whole history (a one-off backfill);
- the start-up reads: ``open`` of a populated file, ``last_snapshot`` and
  ``daily_closes(days=260)`` for every name;
and, measured in the same run as a baseline, the bare minimum a write must do: ``json.dumps``
of an already-plain payload of the same size plus one ``executemany`` of the same close rows
into a plain table, in one transaction, with the ratio against it.

Run: .venv/bin/python benchmarks/store.py [--stocks N ...] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import tempfile
from pathlib import Path

from timing import START, median_ms

from providers.demo import create
from tui.history.codec import snapshot_to_json
from tui.history.store import HistoryStore


def bench(stocks: int, runs: int, folder: Path) -> None:
    provider = create({"seed": 7, "start": START, "stocks": stocks})
    loop = asyncio.new_event_loop()
    snapshot = loop.run_until_complete(provider.fetch())
    history = loop.run_until_complete(provider.history())
    loop.close()

    path = folder / f"history-{stocks}.db"
    store = HistoryStore.open(path, simulated=True)
    backfill = median_ms(lambda: store.append_daily_closes(history), 3)
    rows = {
        "append_snapshot": median_ms(lambda: store.append_snapshot(snapshot), runs),
        "snapshot_to_json": median_ms(lambda: snapshot_to_json(snapshot), runs),
        "last_snapshot": median_ms(store.last_snapshot, runs),
        "daily_closes(260)": median_ms(lambda: store.daily_closes(days=260), runs),
    }
    store.close()
    rows["open (populated)"] = median_ms(
        lambda: HistoryStore.open(path, simulated=True).close(), runs
    )

    plain = json.loads(snapshot_to_json(snapshot))
    closes = [(739_000, i, q.last) for i, q in enumerate(snapshot.stocks)]
    floor_db = sqlite3.connect(folder / f"floor-{stocks}.db", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode = WAL")
    floor_db.execute("CREATE TABLE c (day INTEGER, id INTEGER, close)")

    def floor() -> None:
        body = json.dumps(plain)
        floor_db.execute("BEGIN")
        floor_db.executemany("INSERT INTO c VALUES (?, ?, ?)", closes)
        floor_db.execute("INSERT INTO c VALUES (0, 0, ?)", (body,))
        floor_db.execute("COMMIT")

    baseline = median_ms(floor, runs)
    floor_db.close()
    size_mb = path.stat().st_size / 1e6
    print(f"\n{stocks} stocks, {history.shape[0]} days of closes ({size_mb:.1f} MB file)")
    print(f"median of {runs} runs")
    for name, ms in rows.items():
        print(f"  {name:<20} {ms:9.2f} ms")
    print(f"  append_daily_closes  {backfill:9.2f} ms  (backfill of the whole history, 3 runs)")
    print(f"  baseline: dumps + insert {baseline:6.2f} ms")
    print(f"  append_snapshot / baseline {rows['append_snapshot'] / baseline:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stocks", type=int, nargs="+", default=[1600, 5000])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for stocks in args.stocks:
            bench(stocks, args.runs, Path(folder))


if __name__ == "__main__":
    main()
