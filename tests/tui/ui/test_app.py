"""Pilot tests of the monitor on the demo market. The refresh interval is an hour, so only
the first refresh and the ones a test asks for happen: nothing depends on timing."""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

import pytest
from factories.app import drawn
from factories.demo import demo_market
from textual.pilot import Pilot
from textual.widgets import Input, Static

from providers.base import ProviderUnavailable
from providers.contract import IST, Part, Segment, Snapshot
from tui.settings import memory
from tui.ui.app import CapwatchApp
from tui.ui.no_colour import NoColour
from tui.ui.screens.detail import DetailScreen
from tui.ui.screens.help import HelpScreen
from widgets.pane import Pane
from widgets.status_bar import StatusBar
from widgets.views import WATCH

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)
SIZE = (120, 40)


def clock() -> datetime:
    return START + timedelta(seconds=5)


class FlakyProvider:
    """The demo market, but fetches fail from the ``fail_from``-th call on."""

    def __init__(self, fail_from: int = 2) -> None:
        self.demo = demo_market(7, START)
        self.name, self.parts, self.simulated = "flaky", self.demo.parts, True
        self.fail_from = fail_from
        self.calls = 0

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        self.calls += 1
        if self.calls >= self.fail_from:
            raise ProviderUnavailable(self.name, "connection refused")
        return await self.demo.fetch(parts)

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> object:
        return await self.demo.history(names, days)

    async def aclose(self) -> None:
        await self.demo.aclose()


def make_app(provider: object | None = None, **kwargs: object) -> CapwatchApp:
    provider = provider or demo_market(7, START)
    kwargs.setdefault("clock", clock)
    return CapwatchApp(provider, interval=3600, **kwargs)  # type: ignore[arg-type]


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 15) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not met in time")


def pane(app: CapwatchApp, name: str) -> Pane:
    return app.query_one(f"#{name}", Pane)


def lines(widget: Pane) -> list[str]:
    return [widget.render_line(y).text.rstrip() for y in range(widget.size.height)]


async def started(pilot: Pilot) -> CapwatchApp:
    app = pilot.app
    assert isinstance(app, CapwatchApp)
    await until(pilot, lambda: drawn(app) >= 2)  # live data, then with history
    await app.workers.wait_for_complete()
    return app


async def test_first_refresh_fills_every_pane_and_labels_demo() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        for pane_ in app.panes:
            assert pane_.view is not None and pane_.view.segment == Segment.ALL
            assert not any("waiting" in line for line in lines(pane_)), pane_.id
        status = lines(app.query_one(StatusBar))[0]
        assert "DEMO" in status and "as of 11:30:00" in status and "OPEN" in status
        assert "next 12:30:05" in status  # injected clock + the hour interval
        titles = [p.border_title for p in app.panes]
    assert titles == ["Indices", "Breadth", "Gainers", "Losers", "Sectors", "Ratings", "Earnings"]


async def test_refreshes_due_at_once_run_in_one_worker_not_a_timer_each() -> None:
    """A source whose next refresh is always due (a feed: it waits inside ``refresh``) is
    refreshed in a loop: no timer and worker per refresh."""
    app = CapwatchApp(demo_market(7, START), interval=0, clock=clock)
    armed: list[object] = []
    set_timer = app.set_timer

    def counting(delay: float, callback: object, *args: object, **kwargs: object) -> object:
        if callback == app._refresh:
            armed.append(callback)
        return set_timer(delay, callback, *args, **kwargs)  # type: ignore[arg-type]

    app.set_timer = counting  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: drawn(app) >= 6)
        assert armed == []
        await pilot.press("p")  # paused: the loop ends, and no refresh is armed
        await pilot.pause(0.2)
        assert not any(w.group == "refresh" and w.is_running for w in app.workers)


@pytest.fixture
def start_without_collector():
    """The monitor's start as ``capwatch`` runs it: the cyclic collector paused."""
    memory.pause_gc()
    assert not gc.isenabled()
    yield
    memory.resume_gc()
    gc.enable()


async def test_collection_resumes_once_the_first_screen_is_drawn(start_without_collector) -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, CapwatchApp)
        await until(pilot, lambda: drawn(app) >= 1)
        await until(pilot, gc.isenabled)


async def test_collection_resumes_when_the_first_refresh_fails(start_without_collector) -> None:
    provider = FlakyProvider(fail_from=1)
    async with make_app(provider).run_test(size=SIZE) as pilot:
        await until(pilot, lambda: provider.calls >= 1)
        await pilot.app.workers.wait_for_complete()
        assert drawn(pilot.app) == 0  # type: ignore[arg-type]
        assert gc.isenabled()


BREAKPOINTS = {"-narrow", "-wide", "-short", "-tall", "-huge"}


@pytest.mark.parametrize(
    ("size", "classes"),
    [
        ((120, 40), {"-wide", "-tall"}),
        ((100, 30), {"-narrow", "-short"}),
        ((130, 55), {"-wide", "-huge"}),
    ],
)
async def test_the_screen_has_its_breakpoint_classes_before_the_first_styling(
    size: tuple[int, int], classes: set[str]
) -> None:
    """Textual adds them at the screen's first resize, after the first styling: every widget
    was styled, laid out and drawn twice before the first screen. The default screen starts
    with the ones that resize gives."""
    async with make_app().run_test(size=size) as pilot:
        app = pilot.app
        assert isinstance(app, CapwatchApp)
        assert set(app.get_default_screen().classes) & BREAKPOINTS == classes
        assert set(app.screen.classes) & BREAKPOINTS == classes  # as Textual's resize set them


async def test_segments_switch_with_arrows_and_numbers() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("right")
        assert app.segment == Segment.LARGE
        assert {p.view.segment for p in app.panes if p.view} == {Segment.LARGE}
        await pilot.press("4")
        assert app.segment == Segment.SMALL
        await pilot.press("left")
        assert app.segment == Segment.MID
        assert all(p.view and p.view.segment == Segment.MID for p in app.panes)
        await pilot.press("left", "left", "left")
        assert app.segment == WATCH  # wraps around to the watchlist, the sixth
        await pilot.press("left")
        assert app.segment == Segment.MICRO
        assert "5 Micro" in lines(app.query_one("#segments", Pane))[0]
        assert "6 Watch" in lines(app.query_one("#segments", Pane))[0]


async def test_mouse_picks_a_segment_and_a_row() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        bar = app.query_one("#segments")
        mid_start = next(start for start, _, seg in bar._spans if seg == Segment.MID)
        await pilot.click("#segments", offset=(mid_start + 2, 0))
        assert app.segment == Segment.MID
        losers = pane(app, "losers")
        await pilot.click("#losers", offset=(5, 4))  # border, header, then the third row
        assert app.focused is losers and losers.cursor == 2


async def test_tab_moves_between_panes() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        assert app.focused is pane(app, "gainers")
        await pilot.press("tab")
        assert app.focused is pane(app, "losers")
        await pilot.press("tab", "tab")
        assert app.focused is pane(app, "ratings")
        await pilot.press("shift+tab")
        assert app.focused is pane(app, "sectors")


async def test_enter_opens_the_stock_and_escape_goes_back() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        gainers = pane(app, "gainers")
        assert gainers.view is not None
        second = gainers.view.gainers[1].symbol
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert screen.symbol == second and screen.detail is not None
        assert screen.detail.symbol == second and len(screen.detail.closes) > 100
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)
        assert app.focused is gainers


async def test_detail_follows_refreshes() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.detail is not None
        shown: list[object] = []
        screen.show = shown.append  # type: ignore[method-assign]
        app.action_refresh()
        await until(pilot, lambda: shown)
        assert app.source.analytics is not None
        assert shown == [app.source.analytics.detail(screen.symbol)]  # the latest data, same stock


async def test_enter_on_a_sector_opens_its_leader() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        sectors = pane(app, "sectors")
        sectors.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        assert sectors.view is not None
        assert app.screen.symbol == sectors.view.sectors[0].leader  # type: ignore[attr-defined]


async def test_filter_shows_matching_rows_and_escape_clears() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        gainers = pane(app, "gainers")
        assert gainers.view is not None
        symbol = gainers.view.gainers[3].symbol
        await pilot.press("slash", *symbol.lower())
        box, status = app.query_one("#filter"), app.query_one(StatusBar)
        assert box.region.height == 1 and box.region.bottom <= status.region.y  # visible
        rows = [line for line in lines(gainers)[1:] if line]
        assert len(rows) == 1 and symbol in rows[0]
        await pilot.press("enter")  # back to the panes, filter kept
        assert app.focused is gainers and gainers.filter_text == symbol.lower()
        await pilot.press("escape")
        assert gainers.filter_text == "" and len([x for x in lines(gainers)[1:] if x]) > 1


async def test_keys_typed_in_one_burst_after_slash_go_to_the_filter() -> None:
    """Over SSH a fast typist's "/ban" arrives in one read: the keys after "/" are the filter's,
    not the app's ("b" would open the lists, "n" toggle the news)."""
    from textual import events

    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        for key, char in (("slash", "/"), ("b", "b"), ("a", "a"), ("n", "n")):
            app.post_message(events.Key(key, char))  # queued together, as one read parses
        await pilot.pause(0.3)
        assert app.screen is not None and type(app.screen).__name__ == "MainScreen"
        box = app.query_one("#filter", Input)
        assert box.value == "ban" and pane(app, "gainers").filter_text == "ban"
        await pilot.press("slash")  # in the box, "/" is a character
        assert box.value == "ban/"
        await pilot.press("escape", "question_mark", "slash")  # elsewhere, not the filter's
        assert isinstance(app.screen, HelpScreen) and app.focused is not box


async def test_sort_cycles_in_the_focused_pane() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        gainers = pane(app, "gainers")
        await pilot.press("s")
        assert gainers.sort_key == "volume" and "by volume" in str(gainers.border_subtitle)
        assert pane(app, "losers").sort_key == "change"


async def test_zoom_maximises_the_focused_pane_and_escape_restores() -> None:
    async with make_app().run_test(size=(80, 24)) as pilot:
        app = await started(pilot)
        await pilot.press("tab", "z")
        assert app.screen.maximized is pane(app, "losers")
        await pilot.press("escape")
        assert app.screen.maximized is None
        await pilot.press("z", "z")
        assert app.screen.maximized is None


async def test_pause_stops_fetching_and_resume_refreshes() -> None:
    provider = demo_market(7, START)
    async with make_app(provider).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("p")
        assert app.paused and app._timer is None
        assert "PAUSED" in lines(app.query_one(StatusBar))[0]
        shown = drawn(app)
        await pilot.press("r")  # asked for: fetched and drawn, but no timer comes back
        await app.workers.wait_for_complete()
        assert drawn(app) == shown + 1 and app._timer is None
        shown = drawn(app)
        await pilot.press("p")
        await until(pilot, lambda: drawn(app) > shown)
        assert not app.paused and "PAUSED" not in lines(app.query_one(StatusBar))[0]


async def test_help_lists_keys_and_closes() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await started(pilot)
        app = pilot.app
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = dict((what, keys) for keys, what in app.screen.rows)
        assert "Pause / resume" in described and "p" in described["Pause / resume"]
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_every_action_is_in_the_command_palette() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
    expected = {"Refresh now", "Pause", "Filter", "Clear filter", "Sort", "Zoom pane", "Help"}
    assert expected | {f"Segment: {s.value.title()}" for s in Segment} <= titles


async def test_failing_provider_keeps_the_panes_and_reports(caplog) -> None:
    provider = FlakyProvider(fail_from=2)
    now = [clock()]
    async with make_app(provider, clock=lambda: now[0]).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        before = {p.id: lines(p) for p in app.panes}
        now[0] += timedelta(seconds=65)
        app.action_refresh()
        await until(pilot, lambda: provider.calls == 2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {p.id: lines(p) for p in app.panes} == before
        status = lines(app.query_one(StatusBar))[0]
        assert "ERROR flaky: connection refused" in status and "STALE 1m" in status
        assert "next 11:33:10" in status  # first retry after the capped backoff (120 s)
        assert all(str(p.border_subtitle).startswith("STALE") for p in app.panes)
        assert app._timer is not None
    logged = [r for r in caplog.records if r.exc_info and "connection refused" in r.getMessage()]
    assert logged and logged[0].exc_info[0] is ProviderUnavailable  # the traceback is kept


async def test_offline_start_paints_the_stored_snapshot_as_stale() -> None:
    stored = await demo_market(7, START - timedelta(days=1)).fetch()
    assert clock() - stored.as_of == timedelta(days=1, seconds=5)

    appended: list[Snapshot] = []

    class Store:
        def last_snapshot(self) -> Snapshot:
            return stored

        def append_snapshot(self, snapshot: Snapshot) -> None:
            appended.append(snapshot)

    provider = FlakyProvider(fail_from=1)  # offline: every fetch fails
    async with make_app(provider, store=Store()).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, CapwatchApp)
        await until(pilot, lambda: provider.calls >= 1 and drawn(app) >= 1)
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = lines(app.query_one(StatusBar))[0]
        assert "STALE 1d" in status and "as of 11:30:00" in status and "ERROR" in status
        assert pane(app, "gainers").view is not None
    assert appended == []  # nothing new was fetched, so nothing is stored


def test_bad_option_values_exit_2_with_a_message(capsys) -> None:
    from tui.cli import main

    assert main(["--demo", "--anchor", "7 April"]) == 2
    assert "--anchor must be a date like 2025-04-07, got '7 April'" in capsys.readouterr().err


async def test_demo_status_bar_shows_one_clock() -> None:
    """The demo's "next" used to be wall-clock time beside the simulated market time."""
    demo = demo_market(7, START)
    async with make_app(demo, next_data_time=demo.next_time).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        status = app.query_one(StatusBar).status
        assert status.next_at == demo.next_time()
        assert status.market_time is not None and status.next_at is not None
        assert timedelta(0) < status.next_at - status.market_time <= timedelta(minutes=1)
        assert f"next {status.next_at:%H:%M:%S}" in lines(app.query_one(StatusBar))[0]


async def test_help_shows_the_whole_of_a_long_error() -> None:
    async with make_app(FlakyProvider(fail_from=2)).run_test(size=(80, 30)) as pilot:
        app = await started(pilot)
        await pilot.press("r")
        await until(pilot, lambda: app.query_one(StatusBar).status.error)
        await pilot.press("question_mark")
        error = app.screen.query_one("#error", Static)
        assert "connection refused" in str(error.render())


async def test_below_the_minimum_size_it_says_how_big_it_needs() -> None:
    async with make_app().run_test(size=(50, 20)) as pilot:
        app = pilot.app
        await pilot.pause()
        assert app.screen.has_class("-too-small")
        message = str(app.screen.query_one("#too-small", Static).render())
        assert "needs at least 60x16" in message and "50x20" in message
        assert not app.query_one("#panes").display
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")
        assert app.query_one("#panes").display


async def test_no_color_filter_replaces_textual_greys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    assert [type(f) for f in app.get_line_filters()] == [NoColour]
    monkeypatch.delenv("NO_COLOR")
    assert NoColour not in [type(f) for f in make_app().get_line_filters()]
