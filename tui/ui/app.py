"""The monitor: the Textual app, its keys and the refresh loop.

One refresh is one worker: fetch a snapshot, turn it into per-segment views (in a thread, so
keys stay responsive while the daily work runs), draw the chosen segment. The next refresh is
armed only when the previous one has finished, so a slow provider cannot pile refreshes up,
and nothing runs between refreshes (no ticking clocks on screen). A failed fetch keeps every
pane as it was and says so in the status bar.

The same worker computes the Watch view (the watchlist as a sixth segment) and evaluates the
alert rules on the fresh views (``tui.alerts``); fired alerts are delivered here, on the UI
thread: a notification, the bell and an optional desktop notification, and the Alerts log.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from providers.base import Provider, RateLimited
from providers.contract import IST, ClosesTable, MarketPhase, Segment, Snapshot
from tui.alerts import AlertWatcher, views_and_alerts
from tui.alerts.terminal import Delivery, sequences
from tui.market.schedule import CLOSED_INTERVAL_S
from tui.settings.watchlist import Watchlist, WatchlistError
from tui.ui.screens.main import MainScreen
from tui.ui.terminal import FramedApp
from widgets.breadth import BreadthPane
from widgets.earnings import EarningsPane
from widgets.indices import IndicesPane
from widgets.movers import GainersPane, LosersPane
from widgets.pane import Pane
from widgets.ratings import RatingsPane
from widgets.sectors import SectorsPane
from widgets.segment_bar import SEGMENTS, SegmentBar
from widgets.status_bar import Status, StatusBar
from widgets.views import WATCH, AlertRow, MoverRow, Scope, SegmentView, StockDetail, scope_of

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd

    from tui.analytics import AnalyticsSettings

#: While the market is closed the data does not move; poll this slowly.
#: Failed fetches back off exponentially up to this.
MAX_RETRY_S = 120.0


class Analytics(Protocol):
    """What the app needs from ``tui.analytics.MarketAnalytics`` (a fake in tests)."""

    def load_history(self, closes: pd.DataFrame | ClosesTable) -> None: ...

    def refresh(self, snapshot: Snapshot) -> Mapping[Segment, SegmentView]: ...

    def detail(self, symbol: str) -> StockDetail | None: ...

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None: ...

    def quotes(self, symbols: Collection[str]) -> dict[str, MoverRow]: ...


class SnapshotStore(Protocol):
    """What the app needs from ``tui.history.store.HistoryStore``: the last stored snapshot is drawn
    at once on start, marked STALE; every fetched one is recorded."""

    def last_snapshot(self) -> Snapshot | None: ...

    def append_snapshot(self, snapshot: Snapshot) -> None: ...


class Schedule(Protocol):
    """A live market's refresh pacing (``tui.market.schedule.LiveSchedule``)."""

    def interval(self, now: datetime) -> float: ...

    def next_open(self, now: datetime) -> datetime: ...


def ist_now() -> datetime:
    return datetime.now(IST)


class CapwatchApp(FramedApp):
    """Seven live panes over the five cap segments and the watchlist; see ``BINDINGS``."""

    CSS_PATH = "app.tcss"
    TITLE = "capwatch"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-short"),
        (34, "-tall"),
        (50, "-huge"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "segment_step(-1)", "Previous segment", id="segment.previous"),
        Binding("right", "segment_step(1)", "Next segment", id="segment.next"),
        *(
            Binding(
                str(n),
                f"segment('{seg.value}')",
                f"Segment: {seg.value.title()}",
                id=f"segment.{seg}",
            )
            for n, seg in enumerate(SEGMENTS, start=1)
        ),
        Binding("w", "toggle_watch", "Add to / remove from the watchlist", id="watch.toggle"),
        Binding("g,ctrl+f", "find", "Go to any stock (search by symbol or name)", id="find"),
        Binding("exclamation_mark", "alerts", "Alerts log: today's alerts", id="alerts"),
        Binding("slash", "filter", "Filter by symbol or name", id="filter"),
        Binding("escape", "clear_filter", "Clear the filter", id="filter.clear"),
        Binding("s", "sort", "Change sort of the pane", id="sort"),
        Binding(
            "k", "ratings_kind", "Ratings: all / analyst / technical / upgrades", id="ratings.kind"
        ),
        Binding("r", "refresh", "Refresh now", id="refresh"),
        Binding("p", "pause", "Pause / resume", id="pause"),
        Binding("z", "zoom", "Zoom the pane / restore", id="zoom"),
        Binding("question_mark,f1", "help", "Help", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        provider: Provider,
        *,
        interval: float = 2.0,
        analytics_settings: AnalyticsSettings | None = None,
        analytics: Analytics | None = None,
        clock: Callable[[], datetime] = ist_now,
        store: SnapshotStore | None = None,
        history: Callable[[], Awaitable[pd.DataFrame | ClosesTable]] | None = None,
        schedule: Schedule | None = None,
        hint: str | None = None,
        watchlist: Watchlist | None = None,
        alerts: AlertWatcher | None = None,
        delivery: Delivery | None = None,
        terminal_write: Callable[[str], None] | None = None,
        in_tmux: bool | None = None,
    ) -> None:
        """``history`` is the daily work that returns daily closes (default: the provider's
        own history); ``schedule`` paces refreshes while the data does not say the market is
        open, and gives the next open when the data does not (default: ``interval``, slower
        while closed); ``hint`` is a standing note for the status bar. ``watchlist`` (default:
        empty, in memory) is what ``w`` edits and Watch shows; ``alerts`` evaluates the rules
        each refresh, delivered per ``delivery`` through ``terminal_write`` (default: the
        terminal; wrapped for tmux when ``in_tmux``, default: ``$TMUX`` is set)."""
        super().__init__()
        self.provider = provider
        self.interval = interval
        self.history = history or provider.history
        self.schedule = schedule
        self.hint = hint
        self.analytics_settings = analytics_settings
        self.analytics = analytics
        self.clock = clock
        self.store = store
        self.watchlist = watchlist if watchlist is not None else Watchlist()
        self.alerts = alerts
        self.delivery = delivery or Delivery()
        self.terminal_write = terminal_write
        self.in_tmux = "TMUX" in os.environ if in_tmux is None else in_tmux
        self.segment: Scope = Segment.ALL
        self.views: Mapping[Scope, SegmentView] = {}
        self.paused = False
        self.refreshes = 0  # completed refreshes that drew new data (tests wait on it)
        self._snapshot: Snapshot | None = None
        self._received_at: datetime | None = None  # wall clock when the shown data was fetched
        self._stale_since: datetime | None = None  # data time of a stored snapshot shown
        self._history_day: date | None = None  # trading day the loaded closes lead up to
        self._failures = 0
        self._error: str | None = None
        self._next_at: datetime | None = None
        self._timer: Timer | None = None
        self._before_filter: Widget | None = None  # focus to return to when the filter closes

    # --- layout ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield SegmentBar(id="segments")
        with Grid(id="panes"):
            yield IndicesPane(id="indices")
            yield BreadthPane(id="breadth")
            yield GainersPane(id="gainers")
            yield LosersPane(id="losers")
            yield SectorsPane(id="sectors")
            yield RatingsPane(id="ratings")
            yield EarningsPane(id="earnings")
        with Vertical(id="bottom"):
            box = Input(
                id="filter", placeholder="filter: symbol or name (Esc clears)", compact=True
            )
            box.cursor_blink = False  # nothing on screen moves by itself
            yield box
            yield StatusBar(id="status")

    @property
    def panes(self) -> list[Pane]:
        return list(self.query_one("#panes", Grid).query_children(Pane))

    def on_mount(self) -> None:
        self.query_one("#gainers", Pane).focus()
        self._show_status()
        self._refresh()

    async def on_unmount(self) -> None:
        await self.provider.aclose()

    # --- the refresh loop --------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="refresh")
    async def _refresh(self, asked: bool = False) -> None:
        """One refresh; ``asked`` (the ``r`` key) draws even while paused."""
        delay = self.interval
        try:
            delay = await self._refresh_once(draw=asked or not self.paused)
        finally:
            self._arm(delay)

    def _arm(self, delay: float) -> None:
        """Schedule the next refresh ``delay`` seconds from now (none while paused)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.paused:
            self._next_at = None
        else:
            self._next_at = self.clock() + timedelta(seconds=delay)
            self._timer = self.set_timer(delay, self._refresh)
        self._show_status()

    async def _refresh_once(self, draw: bool) -> float:
        """Fetch and draw once; return the seconds until the next refresh."""
        if self.store is not None and self._snapshot is None and not self._failures:
            await self._paint_stored(self.store)  # the offline start: last known data first
        try:
            snapshot = await self.provider.fetch()
        except Exception as exc:  # any provider failure must keep the screen
            return self._failed(exc)
        try:
            analytics = await self._ensure_analytics()
            views, fired = await asyncio.to_thread(self._compute, analytics, snapshot, False)
        except Exception as exc:  # a bad snapshot must not take the app down
            return self._failed(exc, source="analytics")
        self._failures, self._error = 0, self._partial_errors(snapshot)
        self._received_at, self._stale_since = self.clock(), None
        if draw:
            self._draw(snapshot, views)
        self._deliver(fired)
        if self.store is not None:
            try:
                await asyncio.to_thread(self.store.append_snapshot, snapshot)
            except Exception as exc:  # a full disk or locked file must not stop the monitor
                self._note_error(exc, "store")
        if self._history_day != snapshot.as_of.astimezone(IST).date():
            await self._painted()  # the daily work (pandas, in a thread) waits for the paint
            await self._load_history(analytics, snapshot, draw)
        phase = snapshot.status.phase if snapshot.status is not None else None
        if phase in (MarketPhase.OPEN, MarketPhase.PRE_OPEN):  # the source knows best
            return self.interval
        if self.schedule is not None:
            return self.schedule.interval(self.clock())
        return (
            max(self.interval, CLOSED_INTERVAL_S) if phase is MarketPhase.CLOSED else self.interval
        )

    async def _painted(self) -> None:
        """Returns once the screen has been refreshed with what is drawn so far."""
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        await painted.wait()

    async def _ensure_analytics(self) -> Analytics:
        if self.analytics is None:
            self.analytics = await asyncio.to_thread(self._build_analytics)
        return self.analytics

    def _build_analytics(self) -> Analytics:
        """Imported on first use, in a thread: ``tui.analytics`` brings in pandas."""
        from tui.analytics import AnalyticsSettings, MarketAnalytics

        return MarketAnalytics(self.analytics_settings or AnalyticsSettings())

    async def _load_history(self, analytics: Analytics, snapshot: Snapshot, draw: bool) -> None:
        """Daily closes after the first screen, and again when the trading day changes (the
        demo rolls over; a live monitor runs overnight): they fill 5D/1M/YTD and MAs."""
        self._history_day = snapshot.as_of.astimezone(IST).date()
        try:
            closes = await self.history()
            await asyncio.to_thread(analytics.load_history, closes)
            views, fired = await asyncio.to_thread(self._compute, analytics, snapshot, False)
        except Exception as exc:  # live panes still work without history
            self._note_error(exc, "history")
            self._show_status()
            return
        if draw and not self.paused:
            self._draw(snapshot, views)
        self._deliver(fired)

    def _compute(
        self, analytics: Analytics, snapshot: Snapshot, stale: bool
    ) -> tuple[dict[Scope, SegmentView], list[AlertRow]]:
        """Every view of ``snapshot`` (the Watch view too) and the alerts they fire; run in a
        worker thread. ``stale`` data (a stored snapshot) fires nothing."""
        return views_and_alerts(
            analytics, snapshot, self.watchlist.symbols, self.alerts, stale=stale
        )

    def _deliver(self, fired: list[AlertRow]) -> None:
        """Tell the user about ``fired``: notifications, the bell / desktop notification, and
        the Alerts log if it is open."""
        if not fired:
            return
        for alert in fired:
            self.notify(alert.message, title=f"Alert: {alert.rule}", severity="warning", timeout=15)
        if out := sequences(fired, self.delivery, in_tmux=self.in_tmux):
            self._write_terminal(out)
        if self.alerts is not None and self.alerts.error:
            self._error = self.alerts.error
            self._show_status()
        from tui.ui.screens.alerts import AlertsScreen

        for screen in self.screen_stack:
            if isinstance(screen, AlertsScreen) and self.alerts is not None:
                screen.show(self.alerts.state.log)

    def _write_terminal(self, text: str) -> None:
        """Raw bytes for the terminal (bell, OSC), bypassing the screen: like ``App.bell``."""
        if self.terminal_write is not None:
            self.terminal_write(text)
        elif not self.is_headless and self._driver is not None:
            self._driver.write(text)

    def _note_error(self, exc: Exception, source: str | None = None) -> None:
        """One line for the status bar; the whole traceback for the log."""
        self._error = f"{source}: {exc}" if source else str(exc) or type(exc).__name__
        log.warning("%s", self._error, exc_info=exc)

    def _failed(self, exc: Exception, source: str | None = None) -> float:
        self._failures += 1
        self._note_error(exc, source)
        log.warning("refresh failed %d times in a row", self._failures)
        delay = min(MAX_RETRY_S, self.interval * 2 ** (self._failures - 1))
        if isinstance(exc, RateLimited) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        return delay

    @staticmethod
    def _partial_errors(snapshot: Snapshot) -> str | None:
        if not snapshot.errors:
            return None
        return "; ".join(f"{part}: {message}" for part, message in snapshot.errors.items())

    async def _paint_stored(self, store: SnapshotStore) -> None:
        """Offline start: draw the last stored snapshot first, labelled STALE with its age."""
        try:
            snapshot = await asyncio.to_thread(store.last_snapshot)
            if snapshot is None:
                return
            analytics = await self._ensure_analytics()
            views, _ = await asyncio.to_thread(self._compute, analytics, snapshot, True)
        except Exception as exc:  # a broken store must not stop the live start
            self._note_error(exc, "store")
            return
        self._stale_since = snapshot.as_of
        self._draw(snapshot, views)

    # --- drawing -----------------------------------------------------------------------------

    def _draw(self, snapshot: Snapshot, views: Mapping[Scope, SegmentView]) -> None:
        self._snapshot = snapshot
        self.views = views
        self.refreshes += 1
        now = self.clock()
        for pane in self.panes:
            if pane.PART is not None:
                pane.set_age(snapshot.fetched.get(pane.PART), now)
        self._show_segment()
        self.release_frames()  # the first data is on screen: no "waiting" frame goes out
        if len(self.screen_stack) > 1 and self.analytics is not None:
            from tui.ui.screens.detail import DetailScreen

            if isinstance(self.screen, DetailScreen):
                self.screen.show(self.analytics.detail(self.screen.symbol))

    def _show_segment(self) -> None:
        view = self.views.get(self.segment)
        self.query_one(SegmentBar).show_segments(self.segment, self.views)
        if view is not None:
            for pane in self.panes:
                pane.show(view)
        self._show_status()

    def _show_status(self) -> None:
        snapshot = self._snapshot
        stale_for = None
        if self._stale_since is not None:
            stale_for = self.clock() - self._stale_since
        elif self._failures and self._received_at is not None:
            stale_for = self.clock() - self._received_at
        market = snapshot.status if snapshot is not None else None
        next_open = market.next_open if market else None
        if next_open is None and self.schedule is not None:
            next_open = self.schedule.next_open(self.clock())
        status = Status(
            provider=snapshot.provider if snapshot else self.provider.name,
            simulated=snapshot.simulated if snapshot else self.provider.simulated,
            phase=market.phase if market else None,
            market_time=market.as_of.astimezone(IST) if market else None,
            next_open=next_open.astimezone(IST) if next_open else None,
            as_of=snapshot.as_of.astimezone(IST) if snapshot else None,
            next_at=self._next_at,
            paused=self.paused,
            loading=snapshot is None,
            stale_for=stale_for,
            error=self._error,
            hint=self.hint,
        )
        self.query_one(StatusBar).show_status(status)
        for pane in self.panes:
            pane.set_stale(stale_for is not None)

    # --- actions -----------------------------------------------------------------------------

    def action_segment(self, value: str) -> None:
        self.segment = scope_of(value)
        self._show_segment()

    def action_segment_step(self, step: int) -> None:
        index = (SEGMENTS.index(self.segment) + step) % len(SEGMENTS)
        self.action_segment(SEGMENTS[index].value)

    @on(SegmentBar.Picked)
    def _segment_picked(self, message: SegmentBar.Picked) -> None:
        self.action_segment(message.segment.value)

    def action_refresh(self) -> None:
        """Refresh now (drawn even while paused), unless a refresh is already under way."""
        if any(w.group == "refresh" and w.is_running for w in self.workers):
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._refresh(asked=True)

    def action_pause(self) -> None:
        """Pause: no fetching, no drawing, no timers; resume refreshes at once."""
        self.paused = not self.paused
        if self.paused:
            self._arm(0)
        else:
            self.action_refresh()

    def action_sort(self) -> None:
        if isinstance(focused := self.screen.focused, Pane):
            focused.cycle_sort()

    def action_ratings_kind(self) -> None:
        self.query_one("#ratings", RatingsPane).cycle_kind()

    def action_zoom(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif isinstance(focused := self.screen.focused, Pane):
            self.screen.maximize(focused)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if self.screen.focused is not box:
            self._before_filter = self.screen.focused
        box.add_class("-shown")
        box.focus()

    def action_clear_filter(self) -> None:
        """Esc: clear the filter if there is one, else restore a zoomed pane."""
        box = self.query_one("#filter", Input)
        if box.has_class("-shown") or box.value:
            box.value = ""
            self._close_filter()
        elif self.screen.maximized is not None:
            self.screen.minimize()

    def _close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.value:
            box.remove_class("-shown")
        target = self._before_filter
        (target if isinstance(target, Pane) else self.query_one("#gainers", Pane)).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        for pane in self.panes:
            pane.set_filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self._close_filter()

    @on(Pane.StockChosen)
    def _stock_chosen(self, message: Pane.StockChosen) -> None:
        self.open_detail(message.symbol)

    def open_detail(self, symbol: str) -> None:
        from tui.ui.screens.detail import DetailScreen  # screens load on first use: faster start

        detail = self.analytics.detail(symbol) if self.analytics is not None else None
        watched = symbol in self.watchlist
        self.push_screen(
            DetailScreen(symbol, detail, watched=watched, toggle_watch=self.toggle_watch)
        )

    def action_toggle_watch(self) -> None:
        """``w`` on a stock row: the focused pane's stock (a sector's leader)."""
        if isinstance(focused := self.screen.focused, Pane) and focused.chosen_key:
            self.toggle_watch(focused.chosen_key)
        else:
            self.notify("Put the cursor on a stock row first (Tab moves between panes).")

    def toggle_watch(self, symbol: str) -> None:
        """Add ``symbol`` to the watchlist or remove it, say so, and redraw the Watch view.
        Only a stock of the data can be added (not an index from the ratings feed)."""
        stocks = self._snapshot.stocks if self._snapshot is not None else ()
        if symbol not in self.watchlist and not any(s.symbol == symbol for s in stocks):
            self.notify(f"{symbol} is not a stock in this data: only stocks can be watched.")
            return
        try:
            watched = self.watchlist.toggle(symbol)
        except WatchlistError as exc:
            self.notify(str(exc), severity="error")
            return
        count = len(self.watchlist)
        if watched:
            self.notify(f"★ {symbol} added to the watchlist ({count}); 6 shows it.")
        else:
            self.notify(f"{symbol} removed from the watchlist ({count} left).")
        if self.analytics is not None and self.views:
            watch = self.analytics.watch_view(self.watchlist.symbols)
            if watch is not None:
                self.views = {**self.views, WATCH: watch}
                self._show_segment()
        from tui.ui.screens.detail import DetailScreen

        if isinstance(self.screen, DetailScreen) and self.screen.symbol == symbol:
            self.screen.set_watched(watched)

    def action_find(self) -> None:
        """The go-to-any-stock finder over every stock of the latest snapshot."""
        from tui.ui.screens.finder import FinderScreen

        if self._snapshot is None:
            self.notify("No data yet: the finder opens once the first refresh is in.")
            return
        if isinstance(self.screen, FinderScreen):
            return

        def opened(symbol: str | None) -> None:
            if symbol is not None:
                self.open_detail(symbol)

        finder = FinderScreen(self._snapshot.stocks, self.watchlist, self.toggle_watch)
        self.push_screen(finder, opened)

    def action_alerts(self) -> None:
        """The Alerts log: today's alerts, newest first."""
        from tui.ui.screens.alerts import AlertsScreen

        if isinstance(self.screen, AlertsScreen):
            return
        log_rows: tuple[AlertRow, ...] = ()
        if self.alerts is not None:
            shown = self._snapshot.as_of if self._snapshot is not None else self.clock()
            state = self.alerts.state  # a journal from an earlier day is not today's log
            log_rows = state.log if state.day == shown.astimezone(IST).date() else ()
        rules = len(self.alerts.rules) if self.alerts is not None else 0
        self.push_screen(AlertsScreen(log_rows, rules))

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the help screen, from the live bindings."""
        rows = [
            ("Tab / Shift+Tab", "Move between panes"),
            ("Up / Down / PgUp / PgDn", "Move inside a pane"),
            ("Enter", "Open the stock under the cursor (Gainers, Losers, Sectors, ...)"),
        ]
        seen: set[str] = set()
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.description in seen:
                continue
            seen.add(binding.description)
            keys = " / ".join(self.get_key_display(b) for b in _split_keys(binding))
            rows.append((keys, binding.description))
        rows.append(("Ctrl+P", "Command palette: every action by name"))
        return rows

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for seg in SEGMENTS:
            yield SystemCommand(
                f"Segment: {seg.value.title()}",
                f"Show the {seg.value} segment in every pane",
                partial(self.action_segment, seg.value),
            )
        yield SystemCommand("Refresh now", "Fetch new data immediately", self.action_refresh)
        yield SystemCommand(
            "Resume" if self.paused else "Pause",
            "Stop or restart fetching and redrawing",
            self.action_pause,
        )
        yield SystemCommand(
            "Watchlist: add / remove", "Watch the stock under the cursor", self.action_toggle_watch
        )
        yield SystemCommand("Go to stock", "Search every stock by symbol or name", self.action_find)
        yield SystemCommand(
            "Alerts log", "Today's alerts with time, rule and value", self.action_alerts
        )
        yield SystemCommand("Filter", "Show rows matching a symbol or name", self.action_filter)
        yield SystemCommand("Clear filter", "Show all rows again", self.action_clear_filter)
        yield SystemCommand("Sort", "Change the focused pane's sort order", self.action_sort)
        yield SystemCommand(
            "Ratings kind",
            "Show all, analyst, technical or upgrade changes in the Ratings pane",
            self.action_ratings_kind,
        )
        yield SystemCommand("Zoom pane", "Maximise the focused pane / restore", self.action_zoom)
        yield SystemCommand("Help", "List the keys", self.action_help)


def _split_keys(binding: Binding) -> list[Binding]:
    return [
        Binding(key.strip(), binding.action, binding.description) for key in binding.key.split(",")
    ]
