"""A ClosesTable (arrays, no pandas) cleans to exactly what the same closes as a DataFrame do,
and the demo's table is its history() frame."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.contract import IST, ClosesTable
from providers.demo import create
from tui.analytics.frames import DailyCloses

DAYS = np.array(["2026-01-05", "2026-01-02", "2026-01-06", "2026-01-05", "2026-01-07"], "M8[D]")


def _frame(table: ClosesTable) -> pd.DataFrame:
    return pd.DataFrame(table.values, index=pd.DatetimeIndex(table.dates), columns=table.names)


def _same(a: DailyCloses, b: DailyCloses) -> bool:
    return (
        np.array_equal(a.dates, b.dates)
        and a.columns == b.columns
        and np.array_equal(a.values, b.values, equal_nan=True)
    )


def test_messy_rows_clean_like_a_frame() -> None:
    nan = np.nan
    values = np.array(
        [
            [1.0, nan, 10.0],
            [nan, nan, nan],  # an empty holiday row
            [3.0, 7.0, nan],
            [2.0, nan, 11.0],  # the same date as row 0: the later row wins
            [nan, 8.0, nan],
        ]
    )
    table = ClosesTable(DAYS, ("NIFTY 50", "TCS", "INFY"), values)
    cleaned = DailyCloses.from_table(table)
    assert _same(cleaned, DailyCloses.from_frame(_frame(table)))
    assert cleaned.dates.tolist() == sorted(set(DAYS.tolist()) - {DAYS[1].item()})
    assert cleaned.values[:, 0].tolist() == [2.0, 3.0, 3.0]  # forward-filled, last row wins


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=12),
    st.data(),
)
def test_any_table_cleans_like_its_frame(days: list[int], data: st.DataObject) -> None:
    columns = 3
    cells = data.draw(
        st.lists(
            st.one_of(st.none(), st.floats(1, 1e6)),
            min_size=len(days) * columns,
            max_size=len(days) * columns,
        )
    )
    values = np.array([np.nan if c is None else c for c in cells]).reshape(len(days), columns)
    dates = np.datetime64("2026-03-02") + np.array(days, dtype="m8[D]")
    table = ClosesTable(dates, ("A", "B", "C"), values)
    assert _same(DailyCloses.from_table(table), DailyCloses.from_frame(_frame(table)))


async def test_the_demo_table_is_its_history_frame() -> None:
    provider = create({"seed": 3, "start": datetime(2026, 2, 11, 11, 30, tzinfo=IST)})
    table = await provider.closes_table()
    frame = await provider.history(days=len(provider.simulation.days))
    assert list(table.names) == [str(name) for name in frame.columns]
    assert np.array_equal(table.dates, frame.index.values.astype("M8[D]"))
    assert np.array_equal(table.values, frame.to_numpy())


def test_the_demo_monitor_never_imports_pandas() -> None:
    """~30 MB of a running monitor: the demo's history loads as arrays."""
    script = """
import asyncio, sys
from tui.cli import build_parser
from tui.commands import monitor
args = build_parser().parse_args(["--demo", "--seed", "7", "--start", "2026-11-20T11:30"])
app, _ = monitor.build_app(args)
async def main():
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.source._history_day is not None and app.frame and app.frame.seq >= 2:
                break
        assert app.source.analytics._prepared.closes.values.size, "no history loaded"
asyncio.run(main())
print("pandas" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "False"
