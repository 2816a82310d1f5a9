"""History top-up: full once, then only the missing days; stored closes survive failures."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from providers.base import ProviderUnavailable
from providers.contract import Part
from tui.history.backfill import days_to_fetch, load_closes
from tui.history.store import HistoryStore

TODAY = date(2026, 11, 20)  # a Friday


def closes(end: date, days: int, value: float = 100.0) -> pd.DataFrame:
    index = pd.bdate_range(end=pd.Timestamp(end), periods=days)
    return pd.DataFrame({"NIFTY 50": [value + i for i in range(days)]}, index=index)


class HistoryProvider:
    """Supplies ``frame`` as history and records each ``days`` it was asked for."""

    name, simulated = "fake", False

    def __init__(self, frame: pd.DataFrame, parts=frozenset({Part.HISTORY}), fail=False) -> None:
        self.frame, self.parts, self.fail = frame, parts, fail
        self.asked: list[int] = []

    async def history(self, names: Collection[str] | None = None, days: int = 260):
        self.asked.append(days)
        if self.fail:
            raise ProviderUnavailable(self.name, "timed out")
        return self.frame.tail(days)


@pytest.fixture
def store(tmp_path: Path):
    with HistoryStore.open(tmp_path / "history.db") as opened:
        yield opened


def test_days_to_fetch() -> None:
    assert days_to_fetch(None, TODAY, 260) == 260
    assert days_to_fetch(date(2026, 11, 17), TODAY, 260) == 3  # Tue: Wed, Thu, +1
    assert days_to_fetch(date(2026, 11, 13), TODAY, 260) == 5  # Fri a week ago: Mon-Thu, +1
    assert days_to_fetch(date(2026, 11, 19), TODAY, 260) == 0  # yesterday is stored
    assert days_to_fetch(date(2024, 1, 1), TODAY, 260) == 260
    assert days_to_fetch(TODAY, TODAY, 260) == 0


async def test_empty_store_fetches_everything_then_nothing(store: HistoryStore) -> None:
    provider = HistoryProvider(closes(date(2026, 11, 19), 300))
    first = await load_closes(provider, store, TODAY, days=260)
    second = await load_closes(provider, store, TODAY, days=260)
    assert provider.asked == [260]
    assert len(first) == 260
    assert first.index[-1] == pd.Timestamp("2026-11-19")
    pd.testing.assert_frame_equal(first, second)


async def test_only_missing_days_are_fetched(store: HistoryStore) -> None:
    store.append_daily_closes(closes(date(2026, 11, 17), 30))
    provider = HistoryProvider(closes(date(2026, 11, 19), 300, value=500.0))
    got = await load_closes(provider, store, TODAY, days=260)
    assert provider.asked == [3]
    assert got.index[-1] == pd.Timestamp("2026-11-19")
    assert len(got) == 32  # 30 stored + Wed, Thu


async def test_todays_own_row_does_not_count_as_history(store: HistoryStore) -> None:
    store.append_daily_closes(closes(TODAY, 1))  # what recording a live snapshot leaves
    provider = HistoryProvider(closes(date(2026, 11, 19), 300))
    await load_closes(provider, store, TODAY, days=260)
    assert provider.asked == [260]


async def test_failed_top_up_uses_stored_closes(store: HistoryStore) -> None:
    store.append_daily_closes(closes(date(2026, 11, 17), 30))
    provider = HistoryProvider(closes(date(2026, 11, 19), 300), fail=True)
    got = await load_closes(provider, store, TODAY, days=260)
    assert len(got) == 30


async def test_failure_with_nothing_stored_is_raised(store: HistoryStore) -> None:
    provider = HistoryProvider(closes(date(2026, 11, 19), 300), fail=True)
    with pytest.raises(ProviderUnavailable, match="timed out"):
        await load_closes(provider, store, TODAY)


async def test_provider_without_history_reads_the_store_only(store: HistoryStore) -> None:
    store.append_daily_closes(closes(date(2026, 11, 19), 10))
    provider = HistoryProvider(closes(date(2026, 11, 19), 300), parts=frozenset({Part.INDICES}))
    got = await load_closes(provider, store, TODAY)
    assert provider.asked == []
    assert len(got) == 10
