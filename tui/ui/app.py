"""The monitor: the Textual app, its keys and the refresh loop.

One refresh is one worker: ask the view source (``tui.source``) for the refresh's frames and
draw each. The source is local (provider + analytics, computed in a thread so keys stay
responsive) or a shared feed; the app draws the same either way. The next refresh is armed
only when the previous one has finished, so a slow source cannot pile refreshes up, and
nothing runs between refreshes (no ticking clocks on screen). A failed refresh keeps every
pane as it was and says so in the status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from providers.base import Provider
from providers.contract import IST, Segment
from tui.source.frame import Frame, ViewSource
from tui.source.local import Analytics, LocalSource, Schedule, SnapshotStore
from tui.ui.screens.main import MainScreen
from widgets.breadth import BreadthPane
from widgets.earnings import EarningsPane
from widgets.indices import IndicesPane
from widgets.movers import GainersPane, LosersPane
from widgets.pane import Pane
from widgets.ratings import RatingsPane
from widgets.sectors import SectorsPane
from widgets.segment_bar import SEGMENTS, SegmentBar
from widgets.status_bar import Status, StatusBar
from widgets.views import SegmentView

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from tui.analytics import AnalyticsSettings
    from tui.ui.screens.detail import DetailScreen


def ist_now() -> datetime:
    return datetime.now(IST)


class CapwatchApp(App[None]):
    """Six live panes over the five cap segments; see ``BINDINGS`` for the keys."""

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
        Binding("slash", "filter", "Filter by symbol or name", id="filter"),
        Binding("escape", "clear_filter", "Clear the filter", id="filter.clear"),
        Binding("s", "sort", "Change sort of the pane", id="sort"),
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
        history: Callable[[], Awaitable[pd.DataFrame]] | None = None,
        schedule: Schedule | None = None,
        hint: str | None = None,
    ) -> None:
        """Draw frames from ``source``, or from a ``tui.source.local.LocalSource`` built from
        ``provider`` and the keywords after ``interval`` (see there); ``hint`` is a standing
        note for the status bar."""
        super().__init__()
        if source is None:
            if provider is None:
                raise TypeError("CapwatchApp needs a provider or a source")
            source = LocalSource(
                provider,
                interval=interval,
                analytics_settings=analytics_settings,
                analytics=analytics,
                store=store,
                history=history,
                schedule=schedule,
            )
        self.source = source
        self.hint = hint
        self.clock = clock
        self.segment = Segment.ALL
        self.views: Mapping[Segment, SegmentView] = {}
        self.paused = False
        self.refreshes = 0  # completed refreshes that drew new data (tests wait on it)
        self._frame: Frame | None = None
        self._received_at: datetime | None = None  # wall clock when the shown data was fetched
        self._stale_since: datetime | None = None  # when the old data shown was current
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
        await self.source.aclose()

    # --- the refresh loop --------------------------------------------------------------------

    @work(exclusive=True, exit_on_error=False, group="refresh")
    async def _refresh(self, asked: bool = False) -> None:
        """One refresh; ``asked`` (the ``r`` key) draws even while paused."""
        delay = 0.0
        try:
            delay = await self._refresh_once(asked)
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
            # a feed's refresh waits for the collector itself (delay 0): Textual timers need > 0
            self._timer = self.set_timer(max(delay, 0.01), self._refresh)
        self._show_status()

    async def _refresh_once(self, asked: bool) -> float:
        """Draw the source's frames for one refresh (while paused, only when ``asked``);
        return the seconds until the next."""
        try:
            async for frame in self.source.refresh():
                self._received_at = self.clock()
                self._stale_since = frame.stale_since
                self._error = frame.error_text
                if frame.stale_since is None:
                    self._failures = 0
                if asked or not self.paused:
                    self._draw(frame)
                else:
                    self._show_status()
        except Exception as exc:  # any source failure must keep the screen
            return self._failed(exc)
        return self.source.pace(self.clock())

    def _failed(self, exc: Exception) -> float:
        self._failures += 1
        self._error = str(exc) or type(exc).__name__
        log.warning("%s", self._error, exc_info=exc)  # the whole traceback for the log
        log.warning("refresh failed %d times in a row", self._failures)
        return self.source.retry_after(exc, self._failures)

    # --- drawing -----------------------------------------------------------------------------

    def _draw(self, frame: Frame) -> None:
        self._frame = frame
        self.views = frame.views
        self.refreshes += 1
        self._show_segment()
        if len(self.screen_stack) > 1:
            from tui.ui.screens.detail import DetailScreen

            if isinstance(self.screen, DetailScreen):
                self._fill_detail(self.screen)

    @work(exit_on_error=False, group="detail")
    async def _fill_detail(self, screen: DetailScreen) -> None:
        """Ask the source for the stock's latest detail and show it on ``screen``."""
        screen.show(await self.source.detail(screen.symbol))

    def _show_segment(self) -> None:
        view = self.views.get(self.segment)
        self.query_one(SegmentBar).show_segments(self.segment, self.views)
        if view is not None:
            for pane in self.panes:
                pane.show(view)
        self._show_status()

    def _show_status(self) -> None:
        frame = self._frame
        stale_for = None
        if self._stale_since is not None:
            stale_for = self.clock() - self._stale_since
        elif self._failures and self._received_at is not None:
            stale_for = self.clock() - self._received_at
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
            next_at=next_at.astimezone(IST) if next_at else None,
            paused=self.paused,
            loading=frame is None,
            stale_for=stale_for,
            error=self._error,
            hint=self.hint,
        )
        self.query_one(StatusBar).show_status(status)
        for pane in self.panes:
            pane.set_stale(stale_for is not None)

    # --- actions -----------------------------------------------------------------------------

    def action_segment(self, value: str) -> None:
        self.segment = Segment(value)
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

    @work(exit_on_error=False, group="detail")
    async def open_detail(self, symbol: str) -> None:
        from tui.ui.screens.detail import DetailScreen  # screens load on first use: faster start

        self.push_screen(DetailScreen(symbol, await self.source.detail(symbol)))

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
        yield SystemCommand("Filter", "Show rows matching a symbol or name", self.action_filter)
        yield SystemCommand("Clear filter", "Show all rows again", self.action_clear_filter)
        yield SystemCommand("Sort", "Change the focused pane's sort order", self.action_sort)
        yield SystemCommand("Zoom pane", "Maximise the focused pane / restore", self.action_zoom)
        yield SystemCommand("Help", "List the keys", self.action_help)


def _split_keys(binding: Binding) -> list[Binding]:
    return [
        Binding(key.strip(), binding.action, binding.description) for key in binding.key.split(",")
    ]
