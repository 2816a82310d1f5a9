"""The local source: a provider fetched here, turned into views by ``tui.analytics``.

This is what a standalone monitor and the feed collector both run. Analytics are imported on
first use, in a thread (``tui.analytics`` brings in pandas), so the first screen is not held
up. Daily closes load after the first frame and again whenever the trading day changes. Each
snapshot's views include the Watch view and are checked against the alert rules here
(``tui.alerts.views_and_alerts``), so a collector's viewers get the same alerts. A failed,
empty or insane part (``providers.sanity``) keeps its last good data, and the frame names it
stale with its age and the reason (``tui.market.last_good``); such parts are not stored as the
day's data, and prices kept from an earlier refresh fire no alerts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, TypeVar

from msgspec.structs import replace

from providers.base import MAX_SERVER_DELAY_S, Provider, RateLimited
from providers.contract import IST, ClosesTable, MarketPhase, Part, Segment, Snapshot
from providers.sanity import SanityCheck
from tui.alerts import AlertWatcher, views_and_alerts
from tui.market.last_good import LastGood, StalePart
from tui.market.schedule import CLOSED_INTERVAL_S, MAX_RETRY_S, bounded_delay
from tui.settings.watchlist import Watchlist
from tui.source.frame import Frame, RefreshFailed
from widgets.views import (
    AlertRow,
    IndexDetail,
    MoverRow,
    Scope,
    SegmentView,
    StockDetail,
    summaries,
)

if TYPE_CHECKING:
    import pandas as pd

    from tui.analytics import AnalyticsSettings

log = logging.getLogger(__name__)

T = TypeVar("T")


class Analytics(Protocol):
    """What the source needs from ``tui.analytics.MarketAnalytics`` (a fake in tests)."""

    def load_history(self, closes: pd.DataFrame | ClosesTable) -> None: ...

    def refresh(self, snapshot: Snapshot) -> Mapping[Segment, SegmentView]: ...

    def detail(self, symbol: str) -> StockDetail | None: ...

    def index_detail(self, name: str) -> IndexDetail | None: ...

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None: ...

    def quotes(self, symbols: Collection[str]) -> dict[str, MoverRow]: ...


class SnapshotStore(Protocol):
    """What the source needs from ``tui.history.store.HistoryStore``: the last stored snapshot
    is drawn at once on start, marked stale; every fetched one is recorded, except the rows of
    parts shown from an earlier refresh (``stale``)."""

    def last_snapshot(self) -> Snapshot | None: ...

    def append_snapshot(self, snapshot: Snapshot, *, stale: Collection[Part] = ()) -> None: ...


class Schedule(Protocol):
    """A live market's refresh pacing (``tui.market.schedule.LiveSchedule``)."""

    def interval(self, now: datetime) -> float: ...

    def next_open(self, now: datetime) -> datetime: ...


def _logged(exc: Exception, stage: str) -> str:
    """One line for the status bar; the whole traceback for the log."""
    log.warning("%s: %s", stage, exc, exc_info=exc)
    return str(exc) or type(exc).__name__


def _old_prices(stale: Collection[Part]) -> bool:
    """Prices or breadth kept from an earlier refresh: their views fire no alerts."""
    return bool(set(stale) & {Part.INDICES, Part.STOCKS, Part.BREADTH})


class LocalSource:
    """Provider + store + analytics -> frames.

    ``history`` is the daily work that returns daily closes (default: the provider's own
    history); ``schedule`` paces refreshes while the data does not say the market is open,
    and gives the next open when the data does not (default: ``interval``, slower while
    closed). ``watchlist`` (default: empty, in memory) makes the Watch view; ``alerts``
    evaluates the rules on every fresh snapshot.
    """

    def __init__(
        self,
        provider: Provider,
        *,
        interval: float = 2.0,
        analytics_settings: AnalyticsSettings | None = None,
        analytics: Analytics | None = None,
        store: SnapshotStore | None = None,
        history: Callable[[], Awaitable[pd.DataFrame | ClosesTable]] | None = None,
        schedule: Schedule | None = None,
        watchlist: Watchlist | None = None,
        alerts: AlertWatcher | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.provider = provider
        self.interval = interval
        self.analytics_settings = analytics_settings
        self.analytics = analytics
        self.store = store
        self.history = history or provider.history
        self.schedule = schedule
        self.watchlist = watchlist if watchlist is not None else Watchlist()
        self.alerts = alerts
        self.clock = clock or (lambda: datetime.now(IST))
        self._last_good = LastGood(provider.parts)
        self._sanity = SanityCheck()  # remembers the rows that passed: judges only new ones
        self._snapshot: Snapshot | None = None
        self._history_day: date | None = None  # trading day the loaded closes lead up to
        self._tried_store = store is None
        self._frames = 0  # frames made: each frame's seq
        self._analytics_thread = ThreadPoolExecutor(1, thread_name_prefix="capwatch-analytics")

    @property
    def name(self) -> str:
        return self.provider.name

    @property
    def simulated(self) -> bool:
        return self.provider.simulated

    @property
    def computes_views(self) -> bool:
        return True

    async def refresh(self) -> AsyncIterator[Frame]:
        if not self._tried_store and self.store is not None:
            self._tried_store = True
            if (stored := await self._stored_frame(self.store)) is not None:
                yield stored  # the offline start: last known data first
        fetched = await self.provider.fetch()
        received = self.clock()
        try:
            analytics = await self._ensure_analytics()
            snapshot, stale, views, fired = await self._analyse(
                self._judge, analytics, fetched, received
            )
        except Exception as exc:  # a bad snapshot must not take the monitor down
            raise RefreshFailed(f"analytics: {exc}") from exc
        self._tried_store = True  # live data came first: the stored snapshot is older
        self._snapshot = snapshot
        errors = dict(snapshot.errors)
        if self.store is not None:
            try:
                await asyncio.to_thread(
                    partial(self.store.append_snapshot, snapshot, stale=frozenset(stale))
                )
            except Exception as exc:  # a full disk or locked file must not stop the monitor
                errors["store"] = _logged(exc, "store")
        yield self._frame(snapshot, views, errors, fired=fired, stale_parts=stale)
        if self._history_day != snapshot.as_of.astimezone(IST).date():
            self._history_day = snapshot.as_of.astimezone(IST).date()
            old_prices = _old_prices(stale)
            try:
                closes = await self.history()
                await self._analyse(analytics.load_history, closes)
                views, fired = await self._analyse(self._compute, analytics, snapshot, old_prices)
            except Exception as exc:  # live panes still work without history
                errors["history"] = _logged(exc, "history")
                fired = []
            yield self._frame(snapshot, views, errors, fired=fired, stale_parts=stale)

    def _judge(
        self, analytics: Analytics, fetched: Snapshot, received: datetime
    ) -> tuple[Snapshot, Mapping[Part, StalePart], Mapping[Scope, SegmentView], list[AlertRow]]:
        """In a thread: drop insane rows, put back the last good data of parts that failed,
        came back empty or lost every row, and build the views (and alerts) of the result."""
        merged = self._last_good.merge(self._sanity(fetched).snapshot, received)
        views, fired = self._compute(analytics, merged.snapshot, _old_prices(merged.stale))
        return merged.snapshot, merged.stale, views, fired

    def _compute(
        self, analytics: Analytics, snapshot: Snapshot, stale: bool
    ) -> tuple[Mapping[Scope, SegmentView], list[AlertRow]]:
        """Every view of ``snapshot`` (the Watch view too) and the alerts they fire; run in a
        worker thread. ``stale`` data (a stored snapshot) fires nothing."""
        return views_and_alerts(
            analytics, snapshot, self.watchlist.symbols, self.alerts, stale=stale
        )

    def _frame(
        self,
        snapshot: Snapshot,
        views: Mapping[Scope, SegmentView],
        errors: Mapping[str, str],
        stale_since: datetime | None = None,
        fired: list[AlertRow] | None = None,
        stale_parts: Mapping[Part, StalePart] | None = None,
    ) -> Frame:
        market = snapshot.status
        if (
            market is not None
            and market.next_open is None
            and self.schedule is not None
            and market.phase is MarketPhase.CLOSED
        ):
            market = replace(market, next_open=self.schedule.next_open(market.as_of))
        self._frames += 1
        return Frame(
            seq=self._frames,
            provider=snapshot.provider,
            simulated=snapshot.simulated,
            as_of=snapshot.as_of,
            market=market,
            views=views,
            errors=MappingProxyType(dict(errors)),
            stale_since=stale_since,
            alerts=tuple(fired or ()),
            stocks=snapshot.stocks,
            fetched=snapshot.fetched,
            stale_parts=stale_parts or MappingProxyType({}),
            summaries=MappingProxyType(summaries(views)),
        )

    async def _stored_frame(self, store: SnapshotStore) -> Frame | None:
        try:
            snapshot = await asyncio.to_thread(store.last_snapshot)
            if snapshot is None:
                return None
            analytics = await self._ensure_analytics()
            views, _ = await self._analyse(self._compute, analytics, snapshot, True)
        except Exception as exc:  # a broken store must not stop the live start
            raise RefreshFailed(f"store: {exc}") from exc
        self._last_good.remember(snapshot, snapshot.as_of)
        return self._frame(snapshot, views, {}, stale_since=snapshot.as_of)

    async def _ensure_analytics(self) -> Analytics:
        if self.analytics is None:
            self.analytics = await self._analyse(self._build_analytics)
        return self.analytics

    async def _analyse(self, work: Callable[..., T], *args: object) -> T:
        """``work(*args)`` on the source's one analytics thread: each tick wakes the same
        thread, its stack and memory used two seconds ago, not whichever thread of the event
        loop's pool waited longest (they took turns)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._analytics_thread, partial(work, *args))

    def _build_analytics(self) -> Analytics:
        """Imported on first use, in a thread: ``tui.analytics`` brings in pandas."""
        from tui.analytics import AnalyticsSettings, MarketAnalytics

        return MarketAnalytics(self.analytics_settings or AnalyticsSettings())

    @property
    def patience(self) -> float:
        return self.interval

    def pace(self, now: datetime) -> float:
        snapshot = self._snapshot
        phase = snapshot.status.phase if snapshot and snapshot.status is not None else None
        if phase in (MarketPhase.OPEN, MarketPhase.PRE_OPEN):  # the source knows best
            return self.interval
        if self.schedule is not None:
            return self.schedule.interval(now)
        return (
            max(self.interval, CLOSED_INTERVAL_S) if phase is MarketPhase.CLOSED else self.interval
        )

    def retry_after(self, exc: Exception, failures: int) -> float:
        delay = min(MAX_RETRY_S, self.interval * 2 ** min(failures - 1, 32))
        if isinstance(exc, RateLimited) and exc.retry_after:
            wait = bounded_delay(exc.retry_after, delay)
            wait = min(wait, MAX_SERVER_DELAY_S)  # a plugin's inf: the HTTP core caps its own
            delay = max(delay, wait)
        return delay

    async def detail(self, symbol: str) -> StockDetail | None:
        return self.analytics.detail(symbol) if self.analytics is not None else None

    async def index_detail(self, name: str) -> IndexDetail | None:
        return self.analytics.index_detail(name) if self.analytics is not None else None

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None:
        return self.analytics.watch_view(symbols) if self.analytics is not None else None

    def follow(self, scope: Scope, signal_lists: bool = False) -> None:
        pass  # every view is at hand: built when read

    async def aclose(self) -> None:
        self._analytics_thread.shutdown(wait=False, cancel_futures=True)
        await self.provider.aclose()
