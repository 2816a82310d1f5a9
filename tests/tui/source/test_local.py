"""The local source's analytics work: on one thread of its own."""

from __future__ import annotations

import threading
from datetime import datetime

from factories.demo import demo_market

from providers.contract import IST
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.source.local import LocalSource

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


class ThreadNoting(MarketAnalytics):
    """Notes the thread each refresh and history load runs on."""

    def __init__(self) -> None:
        super().__init__(AnalyticsSettings())
        self.threads: list[threading.Thread] = []

    def refresh(self, snapshot):  # type: ignore[no-untyped-def]
        self.threads.append(threading.current_thread())
        return super().refresh(snapshot)

    def load_history(self, closes):  # type: ignore[no-untyped-def]
        self.threads.append(threading.current_thread())
        return super().load_history(closes)


async def test_every_refreshs_analytics_runs_on_the_same_thread_until_closed() -> None:
    provider = demo_market(7, START)
    analytics = ThreadNoting()
    source = LocalSource(provider, analytics=analytics, history=provider.closes_table)
    for _ in range(4):
        async for _frame in source.refresh():
            pass
    threads = set(analytics.threads)
    assert len(analytics.threads) >= 5  # four refreshes and the day's history
    assert len(threads) == 1
    (thread,) = threads
    assert thread is not threading.current_thread()
    assert thread.name.startswith("capwatch-analytics")
    await source.aclose()
    thread.join(timeout=5)
    assert not thread.is_alive()
