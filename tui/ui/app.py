"""The monitor: the Textual app, its keys and the refresh loop.

One refresh is one worker: ask the view source (``tui.source``) for the refresh's frames and
draw each. The source is local (provider + analytics, computed in a thread so keys stay
responsive) or a shared feed; the app draws the same either way. The next refresh is armed
only when the previous one has finished, so a slow source cannot pile refreshes up, and
nothing runs between refreshes but a once-a-second check that only redraws when the data is
old (no ticking clocks on screen). A failed refresh keeps every pane as it was and says so in
the status bar; a part the source kept from an earlier refresh (failed, empty or insane) marks
its panes STALE with its age and the reason. A refresh late by more than its interval (a hung
server) marks the panes stale too. Whatever goes wrong, including in the scheduling itself,
the next refresh is always armed.

The source computes the Watch view (the watchlist as a sixth segment) and evaluates the alert
rules on the fresh views; the alerts a frame carries are delivered here, on the UI thread: a
notification, the bell and an optional desktop notification, and the Alerts log.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import ChainMap
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cached_property, partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.filter import LineFilter
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from providers.base import Provider, ProviderError, RateLimited
from providers.contract import IST, ClosesTable, Part, Segment
from tui.alerts.terminal import Delivery, sequences
from tui.market.last_good import StalePart
from tui.market.schedule import MAX_RETRY_S, bounded_delay
from tui.settings.memory import resume_gc
from tui.settings.watchlist import Watchlist, WatchlistError
from tui.source.frame import Frame, ViewSource
from tui.ui import callback_counts
from tui.ui.framed_output import FramedApp
from tui.ui.no_colour import NoColour
from tui.ui.screens.main import MainScreen
from widgets.breadth import BreadthPane
from widgets.earnings import EarningsPane
from widgets.indices import IndicesPane
from widgets.movers import GainersPane, LosersPane
from widgets.pane import Pane
from widgets.ratings import RatingsPane
from widgets.sectors import SectorsPane
from widgets.segment_bar import SEGMENTS, SegmentBar
from widgets.status_bar import Status, StatusBar, age
from widgets.views import (
    HORIZONS,
    WATCH,
    AlertRow,
    Scope,
    SegmentSummary,
    SegmentView,
    scope_of,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd

    from tui.alerts import AlertWatcher
    from tui.analytics import AnalyticsSettings
    from tui.source.local import Analytics, Schedule, SnapshotStore
    from tui.ui.screens.detail import DetailScreen
    from tui.ui.screens.index import IndexScreen

_NO_COLOUR: Sequence[LineFilter] = (NoColour(),)
#: Below this the panes cannot show a row of data each; the screen says so instead.
MIN_SIZE = Size(60, 16)
#: How often the app checks whether the data shown has gone stale (seconds).
WATCH_S = 1.0
#: The late check comes this long after a refresh turns late: past it, not on the edge.
LATE_MARGIN_S = 0.05
#: The panes that show each part: a stale part marks them.
PANES_OF_PART: Mapping[Part, tuple[str, ...]] = {
    Part.INDICES: ("indices",),
    Part.STOCKS: ("gainers", "losers", "sectors", "breadth"),
    Part.BREADTH: ("breadth",),
    Part.RATINGS: ("ratings",),
    Part.EARNINGS: ("earnings",),
}
#: A stale pane's reason is cut to this many characters (the status bar has it in full).
REASON_CHARS = 60

#: What a viewer says for what only the process with the analytics can do.
NEEDS_STANDALONE = (
    "{what} needs a standalone monitor: this viewer draws what its collector computed"
    " (the collector's watchlist is its Watch view)."
)


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
        # priority: handled as it is read, so the keys typed after it (one read over SSH holds
        # them all) are routed to the filter box, not to the pane that had the focus
        Binding("slash", "filter", "Filter by symbol or name", id="filter", priority=True),
        Binding("escape", "clear_filter", "Clear the filter", id="filter.clear"),
        Binding("s", "sort", "Change sort of the pane", id="sort"),
        Binding("a", "anchor", "Next since-date (display.anchors)", id="anchor.next"),
        Binding("h", "horizon", "Sectors and movers over Day / 5D / 1M / Since", id="horizon"),
        Binding("b", "signals", "Breakout, 52-week and RSI lists of the segment", id="signals"),
        Binding("n", "news", "Earnings pane: results / announcements", id="news"),
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
        provider: Provider | None = None,
        *,
        source: ViewSource | None = None,
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
        next_data_time: Callable[[], datetime | None] | None = None,
    ) -> None:
        """Draw frames from ``source``, or from a ``tui.source.local.LocalSource`` built from
        ``provider`` and the keywords after ``interval`` (see there); ``hint`` is a standing
        note for the status bar. ``watchlist`` and ``alerts`` replace the source's (see
        ``ViewSource``); fired alerts are delivered per ``delivery`` through
        ``terminal_write`` (default: the terminal; wrapped for tmux when ``in_tmux``, default:
        ``$TMUX`` is set). ``next_data_time`` (a simulated market) gives the data time the
        next refresh will show, which the status bar shows as "next" instead of the wall clock,
        so only one clock is on screen."""
        super().__init__()
        callback_counts.install()  # each tick's timers and callbacks: no signature recounted
        if source is None:
            if provider is None:
                raise TypeError("CapwatchApp needs a provider or a source")
            from tui.source.local import LocalSource  # a feed viewer has no local source

            source = LocalSource(
                provider,
                interval=interval,
                analytics_settings=analytics_settings,
                analytics=analytics,
                store=store,
                history=history,
                schedule=schedule,
                clock=clock,
            )
        self.source = source
        if watchlist is not None:
            source.watchlist = watchlist
        if alerts is not None:
            source.alerts = alerts
        self.delivery = delivery or Delivery()
        self.terminal_write = terminal_write
        self.in_tmux = "TMUX" in os.environ if in_tmux is None else in_tmux
        self.hint = hint
        self.clock = clock
        self.segment: Scope = Segment.ALL
        self._lists_shown = False  # the signals screen is open
        self.views: Mapping[Scope, SegmentView] = {}
        self.summaries: Mapping[Scope, SegmentSummary] = {}  # the segment bar's figures
        self.viewer_log: list[AlertRow] = []  # a viewer's alerts: its collector keeps the journal
        self.next_data_time = next_data_time
        self.horizon_index = 0  # into HORIZONS: what Sectors and Gainers/Losers read
        self.anchor_index = 0  # into the views' anchors: which since-date is shown
        self.paused = False
        self.frame: Frame | None = None
        self._received_at: datetime | None = None  # wall clock when the shown data was fetched
        self._stale_since: datetime | None = None  # when the old data shown was current
        self._failures = 0
        self._error: str | None = None
        self._next_at: datetime | None = None
        self._late_at: datetime | None = None  # no new data by then: the refresh is late
        self._resume_at: datetime | None = None  # a rate limit lifts (RateLimited)
        self._stale_parts: Mapping[Part, StalePart] = {}
        self._timer: Timer | None = None
        self._watch_timer: Timer  # set on mount
        self._late_check: asyncio.TimerHandle | None = None  # one ``_watch`` at ``_late_at``
        self._before_filter: Widget | None = None  # focus to return to when the filter closes

    def get_line_filters(self) -> Sequence[LineFilter]:
        """``NO_COLOR``: no colour codes at all, instead of Textual's greys (``no_colour``)."""
        if self.no_color:
            return _NO_COLOUR
        return super().get_line_filters()

    # --- layout ------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        screen = MainScreen(id="_default", min_size=MIN_SIZE)
        # Textual adds these at the screen's first resize, after the first styling: every
        # widget was then restyled, laid out and drawn again before the first screen (~20 ms).
        # Its own rule picks them; at another size its resize puts the right ones in place.
        width, height = self.size
        for extent, breakpoints in (
            (width, self.HORIZONTAL_BREAKPOINTS),
            (height, self.VERTICAL_BREAKPOINTS),
        ):
            screen.add_class(*screen._get_breakpoint_classes(extent, breakpoints or []))
        return screen

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
    def watchlist(self) -> Watchlist:
        """What ``w`` edits and the Watch view shows (the source's: it computes the view)."""
        return self.source.watchlist

    @watchlist.setter
    def watchlist(self, value: Watchlist) -> None:
        self.source.watchlist = value

    @property
    def alerts(self) -> AlertWatcher | None:
        """The alert rules evaluated here (None for a viewer: its collector evaluates)."""
        return self.source.alerts

    @alerts.setter
    def alerts(self, value: AlertWatcher | None) -> None:
        self.source.alerts = value

    @cached_property
    def panes(self) -> tuple[Pane, ...]:
        """The grid's panes, looked up once: they are composed once and never replaced (a
        DOM query at each of a tick's several uses cost more than drawing a quiet pane)."""
        return tuple(self.query_one("#panes", Grid).query_children(Pane))

    @cached_property
    def _segment_bar(self) -> SegmentBar:
        return self.query_one(SegmentBar)

    @cached_property
    def _status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def on_mount(self) -> None:
        self._follow()
        self._watch_timer = self.set_interval(WATCH_S, self._watch)
        self._show_status()
        self._refresh()

    async def on_unmount(self) -> None:
        if self._late_check is not None:
            self._late_check.cancel()
        await self.source.aclose()

    # --- the refresh loop --------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="refresh")
    async def _refresh(self, asked: bool = False) -> None:
        """A refresh, and the next ones at once while the source says they are due at once (a
        feed waits for its collector inside ``refresh``): one worker for them, not a timer and
        a worker each. ``asked`` (the ``r`` key) draws even while paused."""
        while True:
            try:
                delay = await self._refresh_once(asked)
            except Exception as exc:  # a bug in the refresh itself must not stop the refreshes
                log.exception("refresh failed")
                delay = self._failed(exc, stage="refresh")
            # Not on cancellation: the app is closing (its widgets may be gone), or a newer
            # refresh (``r``) took over and arms the next one itself.
            resume_gc()  # a first refresh that drew nothing ends the start too
            if bounded_delay(delay, MAX_RETRY_S) > 0 or self.paused:
                break
            asked = False
            self._plan_next(0.0)
            self._try_show_status()
        self._arm(delay)

    def _arm(self, delay: float) -> None:
        """Schedule the next refresh ``delay`` seconds from now (none while paused). Never
        raises: if scheduling fails, a plain retry timer is armed instead."""
        try:
            self._arm_timer(bounded_delay(delay, MAX_RETRY_S))
        except Exception as exc:
            log.exception("scheduling the next refresh failed")
            self._error = f"scheduling: {exc}"
            self._next_at = self._late_at = None
            self._timer = self.set_timer(MAX_RETRY_S, self._refresh)
        self._try_show_status()

    def _try_show_status(self) -> None:
        """``_show_status`` where a failure must not stop the refreshes."""
        try:
            self._show_status()
        except Exception:
            log.exception("status bar update failed")

    def _arm_timer(self, delay: float) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.paused:
            self._next_at = self._late_at = None
            return
        # a feed's refresh waits for the collector itself (delay 0): Textual timers need > 0
        self._timer = self.set_timer(max(delay, 0.01), self._refresh)
        self._plan_next(delay)

    def _plan_next(self, delay: float) -> None:
        """The next refresh is due ``delay`` seconds from now, and late after ``patience``."""
        self._next_at = self.clock() + timedelta(seconds=delay)
        patience = self.source.patience
        self._late_at = (
            None if patience is None else self._next_at + timedelta(seconds=max(delay, patience))
        )

    def _watch(self) -> None:
        """Redraw the status and badges if the data has gone stale (a hung refresh, an old
        stored snapshot); a no-op otherwise, as nothing else changes. Called each second while
        the screen shows an age, and once when a refresh would turn late (``_rewatch``)."""
        try:
            if self._stale_for() is not None or self._stale_parts:
                self._show_status()
        except Exception:  # a timer callback that raises would take the app down
            log.exception("stale check failed")

    async def _refresh_once(self, asked: bool) -> float:
        """Draw the source's frames for one refresh (while paused, only when ``asked``);
        return the seconds until the next."""
        try:
            async for frame in self.source.refresh():
                self._received_at = self.clock()
                self._stale_since = frame.stale_since
                self._stale_parts = frame.stale_parts
                self._error = frame.error_text
                if frame.stale_since is None:
                    self._failures, self._resume_at = 0, None
                if asked or not self.paused:
                    self._draw(frame)
                    await self._painted()  # what follows (the daily work) waits for the paint
                    resume_gc()  # the first screen is drawn: the start is over
                else:
                    self._show_status()
                self._deliver(frame.alerts)
        except Exception as exc:  # any source failure must keep the screen
            return self._failed(exc)
        return self.source.pace(self.clock())

    async def _painted(self) -> None:
        """Returns once the screen has been refreshed with what is drawn so far."""
        painted = asyncio.Event()
        self.call_after_refresh(painted.set)
        await painted.wait()

    def _failed(self, exc: Exception, stage: str | None = None) -> float:
        self._failures += 1
        self._error = str(exc) or type(exc).__name__
        if stage is not None:
            self._error = f"{stage}: {self._error}"
        if isinstance(exc, ProviderError) and exc.parts:  # each part's own cause
            self._error = "; ".join(f"{part}: {why}" for part, why in exc.parts.items())
        log.warning("%s", self._error, exc_info=exc)  # the whole traceback for the log
        log.warning("refresh failed %d times in a row", self._failures)
        delay = bounded_delay(self.source.retry_after(exc, self._failures), MAX_RETRY_S)
        if isinstance(exc, RateLimited) and exc.retry_after:
            self._resume_at = self.clock() + timedelta(seconds=delay)
        return delay

    def _deliver(self, fired: tuple[AlertRow, ...]) -> None:
        """Tell the user about ``fired``: notifications, the bell / desktop notification, and
        the Alerts log if it is open."""
        if not fired:
            return
        for alert in fired:
            self.notify(alert.message, title=f"Alert: {alert.rule}", severity="warning", timeout=15)
        if out := sequences(list(fired), self.delivery, in_tmux=self.in_tmux):
            self._write_terminal(out)
        if self.alerts is None:
            self.viewer_log[:0] = reversed(fired)  # newest first, as the journal's log
        elif self.alerts.error:
            self._error = self.alerts.error
            self._show_status()
        from tui.ui.screens.alerts import AlertsScreen

        for screen in self.screen_stack:
            if isinstance(screen, AlertsScreen):
                screen.show(self._alert_log())

    def _alert_log(self) -> tuple[AlertRow, ...]:
        if self.alerts is None:
            return tuple(self.viewer_log)
        return self.alerts.state.log

    def _write_terminal(self, text: str) -> None:
        """Raw bytes for the terminal (bell, OSC), bypassing the screen: like ``App.bell``."""
        if self.terminal_write is not None:
            self.terminal_write(text)
        elif not self.is_headless and self._driver is not None:
            self._driver.write(text)

    # --- drawing -----------------------------------------------------------------------------

    def _draw(self, frame: Frame) -> None:
        self.frame = frame
        self.views, self.summaries = frame.views, frame.summaries
        now = self.clock()
        for pane in self.panes:
            if pane.PART is not None:
                pane.set_age(frame.fetched.get(pane.PART), now)
        self._show_segment()
        self.release_frames()  # the first data is on screen: no "waiting" frame goes out
        if len(self.screen_stack) > 1:
            from tui.ui.screens.detail import DetailScreen
            from tui.ui.screens.index import IndexScreen
            from tui.ui.screens.signals import SignalsScreen

            screen = self.screen
            if isinstance(screen, DetailScreen):
                self._fill_detail(screen)
            elif isinstance(screen, IndexScreen):
                self._fill_index(screen)
            elif isinstance(screen, SignalsScreen):
                screen.show(self.views.get(self.segment))

    @work(exit_on_error=False, group="detail")
    async def _fill_detail(self, screen: DetailScreen) -> None:
        """Ask the source for the stock's latest detail and show it on ``screen``."""
        screen.show(await self.source.detail(screen.symbol))

    @work(exit_on_error=False, group="detail")
    async def _fill_index(self, screen: IndexScreen) -> None:
        """Ask the source for the index's latest detail and show it on ``screen``."""
        screen.show(await self.source.index_detail(screen.index_name))

    def _show_segment(self) -> None:
        view = self.views.get(self.segment)
        self._segment_bar.show_segments(self.segment, self.summaries)
        if view is not None:
            if self.anchor_index >= len(view.anchors):
                self.anchor_index = 0
            for pane in self.panes:
                pane.set_reading(HORIZONS[self.horizon_index], self.anchor_index)
                pane.show(view)
        self._show_status()

    def _stale_for(self) -> timedelta | None:
        """How old the data shown is, when it is old: a stored snapshot, failing refreshes,
        or a refresh late by more than its interval (a hung server)."""
        now = self.clock()
        if self._stale_since is not None:
            return now - self._stale_since
        if self._received_at is None:
            return None
        late = self._late_at is not None and now > self._late_at and not self.paused
        return now - self._received_at if self._failures or late else None

    def _show_status(self) -> None:
        frame = self.frame
        stale_for = self._stale_for()
        now = self.clock()
        market = frame.market if frame is not None else None
        next_open = market.next_open if market else None
        next_at = frame.next_at if frame is not None and frame.next_at else self._next_at
        status = Status(
            provider=frame.provider if frame else self.source.name,
            simulated=frame.simulated if frame else self.source.simulated,
            phase=market.phase if market else None,
            market_time=market.as_of.astimezone(IST) if market else None,
            next_open=next_open.astimezone(IST) if next_open else None,
            as_of=frame.as_of.astimezone(IST) if frame else None,
            next_at=self._next_shown(next_at),
            paused=self.paused,
            loading=frame is None,
            stale_for=stale_for,
            error=self._error,
            hint=self.hint,
            resume_at=self._resume_at if self._failures else None,
            today=now.astimezone(IST).date(),
        )
        self._status_bar.show_status(status)
        notes = self._pane_notes(now)
        for pane in self.panes:
            note = notes.get(pane.id or "")
            pane.set_stale(stale_for is not None or note is not None, note or "")
        self._rewatch(ages_shown=stale_for is not None or bool(notes))

    def _rewatch(self, ages_shown: bool) -> None:
        """Let ``_watch`` tick each second while ages are shown; else, while a refresh can turn
        late (a local source), call it once, when it would. Nothing wakes a fresh screen
        between refreshes: a feed viewer's source says itself when the feed is down."""
        if self._late_check is not None:
            self._late_check.cancel()
            self._late_check = None
        if ages_shown:
            self._watch_timer.resume()
            return
        self._watch_timer.pause()
        if self._late_at is not None:
            late_in = (self._late_at - self.clock()).total_seconds()
            loop = asyncio.get_running_loop()
            self._late_check = loop.call_later(max(late_in, 0.0) + LATE_MARGIN_S, self._watch)

    def _pane_notes(self, now: datetime) -> dict[str, str]:
        """Pane id -> "3m: why" for the panes showing a stale part (the oldest part wins)."""
        notes: dict[str, tuple[datetime, str]] = {}
        for part, stale in self._stale_parts.items():
            reason = " ".join(stale.reason.split())
            if len(reason) > REASON_CHARS:
                reason = reason[: REASON_CHARS - 1] + "…"
            for pane_id in PANES_OF_PART.get(part, ()):
                if pane_id not in notes or stale.since < notes[pane_id][0]:
                    notes[pane_id] = (stale.since, f"{age(now - stale.since)}: {reason}")
        return {pane_id: note for pane_id, (_, note) in notes.items()}

    def _next_shown(self, next_at: datetime | None) -> datetime | None:
        """The next refresh as the status bar shows it: a simulated market's data time when
        the app paces it (``next_data_time``), else the wall clock."""
        if next_at is not None and self.next_data_time is not None and next_at == self._next_at:
            next_at = self.next_data_time()
        return next_at.astimezone(IST) if next_at is not None else None

    # --- actions -----------------------------------------------------------------------------

    def action_segment(self, value: str) -> None:
        self.segment = scope_of(value)
        self._follow()
        self._show_segment()

    def _follow(self) -> None:
        """Tell the source what is on screen: the segment, and whether its signal lists are."""
        self.source.follow(self.segment, signal_lists=self._lists_shown)

    def _show_lists(self, shown: bool) -> None:
        """The signals screen opened or closed: a feed sends the lists only while it is open."""
        self._lists_shown = shown
        self._follow()

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

    def _set_reading(self) -> None:
        for pane in self.panes:
            pane.set_reading(HORIZONS[self.horizon_index], self.anchor_index)

    def action_anchor(self) -> None:
        """The next configured since-date (``--anchor`` first): Since columns, headers and the
        Since horizon follow."""
        view = self.views.get(self.segment)
        count = len(view.anchors) if view is not None else 0
        if count > 1:
            self.anchor_index = (self.anchor_index + 1) % count
            self._set_reading()
        elif view is not None:
            self.notify("Only one since-date: add more to display.anchors", timeout=4)

    def action_horizon(self) -> None:
        self.horizon_index = (self.horizon_index + 1) % len(HORIZONS)
        self._set_reading()

    def action_news(self) -> None:
        self.query_one("#earnings", EarningsPane).toggle_news()

    def action_signals(self) -> None:
        from tui.ui.screens.signals import SignalsScreen

        if not isinstance(self.screen, SignalsScreen):
            self.push_screen(SignalsScreen(self.views.get(self.segment), self._show_lists))

    @on(BreadthPane.ListsWanted)
    def _lists_wanted(self) -> None:
        self.action_signals()

    @on(IndicesPane.IndexChosen)
    def _index_chosen(self, message: IndicesPane.IndexChosen) -> None:
        self.open_index(message.name)

    @work(exit_on_error=False, group="detail")
    async def open_index(self, name: str) -> None:
        from tui.ui.screens.index import IndexScreen

        detail = await self.source.index_detail(name)
        view = self.views.get(self.segment)
        anchors = view.anchors if view is not None else ()
        anchor = anchors[min(self.anchor_index, len(anchors) - 1)] if anchors else None
        self.push_screen(IndexScreen(name, detail, self.anchor_index, anchor))

    def action_ratings_kind(self) -> None:
        self.query_one("#ratings", RatingsPane).cycle_kind()

    def action_zoom(self) -> None:
        if self.screen.maximized is not None:
            self.screen.minimize()
        elif isinstance(focused := self.screen.focused, Pane):
            self.screen.maximize(focused)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":  # elsewhere "/" is a character: in the box, in another screen
            screen = self.screen
            return isinstance(screen, MainScreen) and screen.focused is not self._filter_box
        return True

    @cached_property
    def _filter_box(self) -> Input:
        return self.query_one("#filter", Input)

    def action_filter(self) -> None:
        box = self._filter_box
        self._before_filter = self.screen.focused
        box.add_class("-shown")
        self.screen.set_focus(box)  # now: ``focus()`` waits for the keys already queued

    def action_clear_filter(self) -> None:
        """Esc: clear the filter if there is one, else restore a zoomed pane."""
        box = self._filter_box
        if box.has_class("-shown") or box.value:
            box.value = ""
            self._close_filter()
        elif self.screen.maximized is not None:
            self.screen.minimize()

    def _close_filter(self) -> None:
        box = self._filter_box
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

    @work(exit_on_error=False, group="detail")
    async def open_detail(self, symbol: str) -> None:
        from tui.ui.screens.detail import DetailScreen  # screens load on first use: faster start

        detail = await self.source.detail(symbol)
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
        if not self.source.computes_views:
            self.notify(NEEDS_STANDALONE.format(what="Editing the watchlist"))
            return
        stocks = self.frame.stocks if self.frame is not None else ()
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
        if self.views and (watch := self.source.watch_view(self.watchlist.symbols)) is not None:
            self.views = ChainMap({WATCH: watch}, self.views)  # the others stay unbuilt
            self.summaries = {**self.summaries, WATCH: SegmentSummary.of(watch)}
            self._show_segment()
        from tui.ui.screens.detail import DetailScreen

        if isinstance(self.screen, DetailScreen) and self.screen.symbol == symbol:
            self.screen.set_watched(watched)

    def action_find(self) -> None:
        """The go-to-any-stock finder over every stock of the latest data."""
        from tui.ui.screens.finder import FinderScreen

        if self.frame is None:
            self.notify("No data yet: the finder opens once the first refresh is in.")
            return
        if not self.source.computes_views:
            self.notify(NEEDS_STANDALONE.format(what="The finder"))
            return
        if isinstance(self.screen, FinderScreen):
            return

        def opened(symbol: str | None) -> None:
            if symbol is not None:
                self.open_detail(symbol)

        finder = FinderScreen(self.frame.stocks, self.watchlist, self.toggle_watch)
        self.push_screen(finder, opened)

    def action_alerts(self) -> None:
        """The Alerts log: today's alerts, newest first (a viewer: those it has received)."""
        from tui.ui.screens.alerts import AlertsScreen

        if isinstance(self.screen, AlertsScreen):
            return
        shown = self.frame.as_of if self.frame is not None else self.clock()
        today = shown.astimezone(IST).date()
        log_rows: tuple[AlertRow, ...] = ()
        if self.alerts is not None:
            state = self.alerts.state  # a journal from an earlier day is not today's log
            log_rows = state.log if state.day == today else ()
        else:
            log_rows = tuple(a for a in self.viewer_log if a.at.astimezone(IST).date() == today)
        rules = len(self.alerts.rules) if self.alerts is not None else 0
        self.push_screen(AlertsScreen(log_rows, rules))

    def action_help(self) -> None:
        from tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_rows(), SYMBOLS, error=self._error))

    def help_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the help screen, from the live bindings."""
        rows = [
            ("Tab / Shift+Tab", "Move between panes"),
            ("Up / Down / PgUp / PgDn", "Move inside a pane"),
            ("Enter", "Open the stock under the cursor (Gainers, Losers, Sectors, ...)"),
            ("Enter on Indices", "Open the index: chart with 50/100/200-day averages, members"),
            ("Enter on Breadth", "The lists behind its counts (same as b)"),
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
        yield SystemCommand("Next since-date", "Cycle display.anchors", self.action_anchor)
        yield SystemCommand(
            "Horizon", "Sectors and movers over Day / 5D / 1M / Since", self.action_horizon
        )
        yield SystemCommand(
            "Signal lists", "Breakouts, 52-week highs/lows, RSI extremes", self.action_signals
        )
        yield SystemCommand("Announcements", "Earnings pane: results / news", self.action_news)
        yield SystemCommand("Help", "List the keys and symbols", self.action_help)


#: Every mark the panes draw, and what it means (the help screen lists them).
SYMBOLS: list[tuple[str, str]] = [
    ("▲ ▼", "up / down: a change's direction (also its sign and colour)"),
    ("MA ▲▲▼", "Indices: price above ▲ or below ▼ its 50-, 100-, 200-day average (· unknown)"),
    ("↑50 ↓200", "Cross: crossed above ↑ / below ↓ that day-average today"),
    ("RDay R5D R1M RSince", "relative: the index's change minus the benchmark's, in points"),
    ("Since 07 Apr", "change since the close on or before that date (a cycles the dates)"),
    ("52wH", "Indices: % below the 52-week high; Breadth: new 52-week highs today"),
    ("↑50DMA ↓50DMA", "Breadth: stocks that crossed above / below their 50-day average today"),
    ("↑100 ↓200", "Breadth: the same crosses of the 100- and 200-day averages"),
    ("52wL", "stocks below their lowest close of 52 weeks today"),
    ("RSI14 ≤30 ≥70", "oversold / overbought by the 14-day RSI (Wilder's levels)"),
    ("A/D 2.61x", "advances per decline; day a–bx is the day's low–high of that ratio"),
    ("4x ⠁⠁⠁ ¼x", "Breadth: the day's A/D on a log scale, ¼x to 4x; the dotted line is 1.0"),
    ("FII DII cr", "net cash flows of foreign / domestic institutions, ₹ crore; k = thousand"),
    ("Nov … (18d)", "the month's flows so far and the trading days they cover"),
    ("UC LC", "at the upper / lower price band (circuit) today"),
    ("Vol", "shares traded today: K thousand, L lakh, Cr crore"),
    ("Vol/avg 2.1×", "today's volume over its 20-day average"),
    ("A  T", "Ratings: analyst rating change / technical-call change"),
    ("●", "Ratings: new in the last 15 minutes"),
    ("Hold → Buy ▲", "rating change; ▲ upgrade, ▼ downgrade, new = initiation"),
    ("done  next", "Earnings: results declared today / coming"),
    ("in 3d  2d ago", "Earnings: days until / since the results date"),
    ("★ best today  #2", "Indices title: this cap segment's rank among the four today"),
    ("STALE 5m", "the data shown is that old (stored, or the provider is failing)"),
    ("DEMO", "simulated market, not real prices"),
    ("↓3 more", "rows below: scroll, or z to zoom the pane"),
]


def _split_keys(binding: Binding) -> list[Binding]:
    return [
        Binding(key.strip(), binding.action, binding.description) for key in binding.key.split(",")
    ]
