"""Pilot tests of the watchlist, the finder and alerts on the demo market (refresh interval an
hour, so only the refreshes a test asks for happen)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta
from pathlib import Path

from factories.app import drawn
from factories.demo import demo_market
from msgspec.structs import replace
from test_app import SIZE, START, FlakyProvider, lines, make_app, pane, started, until
from textual.pilot import Pilot
from textual.widgets._toast import Toast

from providers.contract import Part, Segment, Snapshot
from tui.alerts import AlertState, AlertWatcher, Kind, Rule
from tui.alerts.journal import save
from tui.alerts.terminal import Delivery, Desktop, osc9, tmux_passthrough
from tui.settings.watchlist import Watchlist
from tui.ui.app import CapwatchApp
from tui.ui.screens.alerts import AlertsScreen
from tui.ui.screens.detail import DetailScreen
from tui.ui.screens.finder import FinderScreen
from widgets.views import WATCH, AlertRow

BREADTH = Rule("all-breadth", Kind.BREADTH, segment=Segment.ALL, above=0.1)


def toasts(app: CapwatchApp) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query(Toast)]


async def refresh_once(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, CapwatchApp)
    before = drawn(app)
    app.action_refresh()
    await until(pilot, lambda: drawn(app) > before)
    await app.workers.wait_for_complete()
    await pilot.pause()


# -- watchlist -------------------------------------------------------------------------------


async def test_w_on_the_first_gainer_then_6_shows_it_and_it_survives_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "watchlist.json"
    async with make_app(watchlist=Watchlist.load(path)).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("6")
        assert app.segment == WATCH
        assert "No watched stocks yet." in lines(pane(app, "gainers"))[0]
        await pilot.press("1")
        first = pane(app, "gainers").chosen_key
        assert first is not None
        await pilot.press("w", "6")
        assert [r.symbol for r in pane(app, "gainers").view.gainers] == [first]
        assert first in lines(pane(app, "gainers"))[1]
        assert "6 Watch" in lines(app.query_one("#segments"))[0]
    async with make_app(watchlist=Watchlist.load(path)).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("6")
        assert first in lines(pane(app, "gainers"))[1]
        await pilot.press("w")  # removes it again
        assert "No watched stocks yet." in lines(pane(app, "gainers"))[0]
    assert Watchlist.load(path).symbols == ()


async def test_finder_goes_to_any_stock_and_w_in_its_detail_watches_it() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        shown = {r.symbol for p in ("gainers", "losers") for r in getattr(pane(app, p).view, p)}
        target = next(s for s in app.frame.stocks if s.symbol not in shown)
        await pilot.press("g")
        assert isinstance(app.screen, FinderScreen)
        for key in target.symbol.lower():
            await pilot.press(key)
        assert app.screen.results.chosen_key == target.symbol
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.symbol == target.symbol
        await pilot.press("w")
        assert target.symbol in app.watchlist and app.screen.watched
        await pilot.press("escape", "ctrl+f")
        assert isinstance(app.screen, FinderScreen)
        await pilot.press(*target.symbol.lower(), "tab", "w")  # in the list: w unwatches
        assert target.symbol not in app.watchlist
        assert app.screen.query_one("Input").value == target.symbol.lower()
        await pilot.press("escape")
        assert not isinstance(app.screen, FinderScreen)


# -- alerts ----------------------------------------------------------------------------------


async def test_an_ad_rule_fires_within_one_refresh_as_a_notification_and_in_the_log_once(
    tmp_path: Path,
) -> None:
    written: list[str] = []
    watcher = AlertWatcher([BREADTH], tmp_path / "alerts.json")
    app = make_app(alerts=watcher, terminal_write=written.append, in_tmux=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: drawn(app) >= 1)
        await pilot.pause()
        assert any("the market A/D" in text for text in toasts(app))
        assert written == ["\x07"]  # the bell, once
        await started(pilot)
        await refresh_once(pilot)
        await refresh_once(pilot)
        assert len(watcher.state.log) == 1 and written == ["\x07"]  # once, not every refresh
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, AlertsScreen)
        log = lines(app.screen.query_one("#alert-log"))
        assert "all-breadth" in log[1] and "the market A/D" in log[1]
        assert log[1].startswith("11:30:00")


async def test_a_restart_does_not_replay_the_days_alerts(tmp_path: Path) -> None:
    journal = tmp_path / "alerts.json"
    written: list[str] = []
    async with make_app(alerts=AlertWatcher([BREADTH], journal)).run_test(size=SIZE) as pilot:
        await started(pilot)
    restarted = AlertWatcher([BREADTH], journal)
    app = make_app(alerts=restarted, terminal_write=written.append)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot)
        assert written == [] and not any("the market A/D" in text for text in toasts(app))
        await pilot.press("exclamation_mark")
        assert "all-breadth" in lines(app.screen.query_one("#alert-log"))[1]  # still logged
    assert len(restarted.state.log) == 1


class PriceScript:
    """The demo market with one stock's price set per fetch, to cross a price level."""

    def __init__(self, prices: list[float]) -> None:
        self.demo = demo_market(7, START)
        self.name, self.parts, self.simulated = "demo", self.demo.parts, True
        self.prices = prices
        self.symbol = ""

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        snapshot = await self.demo.fetch(parts)
        first, *rest = snapshot.stocks
        self.symbol = first.symbol
        price = self.prices.pop(0)
        quote = replace(first, last=price, change_pct=(price / first.prev_close - 1) * 100)
        return replace(snapshot, stocks=(quote, *rest))

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> object:
        return await self.demo.history(names, days)

    async def aclose(self) -> None:
        await self.demo.aclose()


async def test_a_price_rule_re_arms_only_after_the_price_falls_back() -> None:
    provider = PriceScript([5000.0, 5000.0, 5100.0, 10.0, 10.0, 6000.0])
    await provider.fetch()  # learn the symbol; the app sees the prices from the second on
    rule = Rule("level", Kind.PRICE, symbols=(provider.symbol,), above=4000.0)
    watcher = AlertWatcher([rule])
    async with make_app(provider, alerts=watcher).run_test(size=SIZE) as pilot:
        await started(pilot)  # 5000: fires (the second draw, with history, is the same data)
        assert [a.value for a in watcher.state.log] == ["5,000.00"]
        await refresh_once(pilot)  # 5100: still above, nothing
        await refresh_once(pilot)  # 10: cleared
        await refresh_once(pilot)  # 10
        assert len(watcher.state.log) == 1
        await refresh_once(pilot)  # 6000: crosses again
        assert [a.value for a in watcher.state.log] == ["5,000.00", "6,000.00"]


async def test_stale_data_fires_nothing() -> None:
    stored = await demo_market(7, START).fetch()

    class Store:
        def last_snapshot(self) -> Snapshot:
            return stored

        def append_snapshot(self, snapshot: Snapshot) -> None:
            raise AssertionError("nothing fetched, nothing stored")

    written: list[str] = []
    watcher = AlertWatcher([BREADTH])
    provider = FlakyProvider(fail_from=1)  # offline: only the stored snapshot, marked STALE
    app = make_app(provider, store=Store(), alerts=watcher, terminal_write=written.append)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: provider.calls >= 1 and drawn(app) >= 1)
        await app.workers.wait_for_complete()
        assert pane(app, "breadth").stale and pane(app, "breadth").view.breadth.ad_ratio > 0.1
        assert watcher.state.log == () and written == []


async def test_desktop_notifications_pass_through_tmux() -> None:
    written: list[str] = []
    app = make_app(
        alerts=AlertWatcher([BREADTH]),
        delivery=Delivery(bell=True, desktop=Desktop.OSC9),
        terminal_write=written.append,
        in_tmux=True,
    )
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
    (alert,) = app.alerts.state.log
    assert written == ["\x07" + tmux_passthrough(osc9(f"capwatch: {alert.message}"))]


async def test_help_and_palette_list_the_new_keys() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        rows = dict((what, keys) for keys, what in app.help_rows())
        assert rows["Add to / remove from the watchlist"] == "w"
        assert rows["Go to any stock (search by symbol or name)"] == "g / ^f"
        assert rows["Alerts log: today's alerts"] == "!"
        assert rows["Segment: Watch"] == "6"
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Watchlist: add / remove", "Go to stock", "Alerts log", "Segment: Watch"} <= titles


async def test_yesterdays_journal_is_not_todays_log(tmp_path: Path) -> None:
    journal_path = tmp_path / "alerts.json"
    old = AlertRow(START - timedelta(days=1), "all-breadth", "all", "2.00x", "yesterday's")
    save(journal_path, AlertState(old.at.date(), frozenset({"all-breadth:all"}), (old,)))
    never = Rule("all-breadth", Kind.BREADTH, segment=Segment.ALL, above=1e9)
    watcher = AlertWatcher([never], journal_path)
    async with make_app(alerts=watcher).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("exclamation_mark")
        log = lines(app.screen.query_one("#alert-log"))
        assert "No alert has fired today (1 rule watching)." in log[0]
    assert watcher.state.day == START.date() and watcher.state.log == ()


async def test_an_index_in_the_ratings_feed_cannot_be_watched() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        app.toggle_watch("NIFTY 50")
        assert app.watchlist.symbols == ()
