"""Pilot tests of issue 16's keys and screens on the demo market: the index drill-down, the
since-date cycle, horizons, the signal lists and the announcements mode."""

from __future__ import annotations

from datetime import date

from test_app import SIZE, lines, make_app, pane, started, until

from tui.analytics import AnalyticsSettings
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.index import IndexScreen
from tui.ui.screens.signals import SignalsScreen
from widgets.indices import IndicesPane
from widgets.signals import SignalsPane

ANCHORS = (date(2026, 4, 7), date(2026, 1, 1))


def reading_app():
    return make_app(analytics_settings=AnalyticsSettings(anchors=ANCHORS))


async def test_enter_on_an_index_opens_its_chart_and_it_follows_refreshes() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        indices = pane(app, "indices")
        indices.focus()
        await pilot.press("down", "enter")  # the second index of All: SENSEX
        await until(pilot, lambda: isinstance(app.screen, IndexScreen))
        screen = app.screen
        assert isinstance(screen, IndexScreen) and screen.detail is not None
        assert screen.index_name == "SENSEX" == screen.detail.row.name
        text = str(screen.query_one("#index-detail").render())
        assert "50DMA" in text and "200DMA" in text and "Best today" in text
        assert "Sector mix" in text and "Members" in text
        assert screen.range_label == "1Y"
        await pilot.press("left")
        assert screen.range_label == "6M"
        shown: list[object] = []
        screen.show = shown.append  # type: ignore[method-assign]
        app.action_refresh()
        await until(pilot, lambda: shown)
        assert app.source.analytics is not None
        assert shown == [app.source.analytics.index_detail("SENSEX")]
        await pilot.press("escape")
        assert not isinstance(app.screen, IndexScreen)


async def test_a_cycles_the_since_dates_and_the_header_names_them() -> None:
    async with reading_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        indices = pane(app, "indices")
        assert isinstance(indices, IndicesPane)
        indices.focus()
        await pilot.press("z")  # zoomed: every column fits
        header = lines(indices)[0]
        assert "Since 07 Apr" in header
        view = app.views[app.segment]
        first = view.indices[0]
        assert first.since_pcts[0] == first.since_anchor_pct
        await pilot.press("a")
        assert app.anchor_index == 1
        assert "Since 01 Jan" in lines(indices)[0]
        assert pane(app, "sectors").anchor_index == 1
        await pilot.press("a")
        assert app.anchor_index == 0 and "Since 07 Apr" in lines(indices)[0]


async def test_an_anchor_from_the_command_line_is_shown_first() -> None:
    from tui.settings.config import Config

    config = Config().with_overrides(anchor="2025-04-07")  # what --anchor does
    assert config.display.anchors[0] == date(2025, 4, 7)
    settings = AnalyticsSettings(anchors=config.display.anchors)
    async with make_app(analytics_settings=settings).run_test(size=SIZE) as pilot:
        app = await started(pilot)
        indices = pane(app, "indices")
        indices.focus()
        await pilot.press("z")
        assert "Since 07 Apr" in lines(indices)[0]


async def test_h_reads_sectors_and_movers_over_each_horizon() -> None:
    async with reading_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        sectors, gainers = pane(app, "sectors"), pane(app, "gainers")
        view = app.views[app.segment]
        await pilot.press("h")
        assert sectors.border_title == "Sectors · 5D" and gainers.border_title == "Gainers · 5D"
        five = view.horizon("5D")
        assert five is not None
        assert five.sectors[0].sector in lines(sectors)[1]
        assert five.gainers[0].symbol in lines(gainers)[1]
        await pilot.press("h", "h")
        assert sectors.border_title == "Sectors · Since 07 Apr"
        await pilot.press("a")
        assert sectors.border_title == "Sectors · Since 01 Jan"
        since = view.horizon("Since", 1)
        assert since is not None and since.anchor == date(2026, 1, 1)
        await pilot.press("h")
        assert sectors.border_title == "Sectors"


async def test_b_opens_the_signal_lists_of_the_segment() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("4")  # small caps
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, SignalsScreen))
        lists = app.screen.query_one(SignalsPane)
        view = app.views[app.segment]
        assert lists.view is view
        assert lists.border_title.startswith(f"Small · ↑50DMA {view.breakouts.count('↑50DMA')}")
        for _ in range(8):
            await pilot.press("right")
        assert lists.list_name == "Oversold"
        assert view.oversold, "the demo's small caps have oversold stocks on this day"
        assert view.oversold[0].symbol in lines(lists)[1]


async def test_n_shows_the_segments_announcements() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        await pilot.press("n")
        earnings = pane(app, "earnings")
        assert earnings.border_title == "Announcements"
        view = app.views[app.segment]
        assert view.announcements
        assert view.announcements[0].symbol in lines(earnings)[1]
        await pilot.press("n")
        assert earnings.border_title == "Earnings"


async def test_help_explains_the_symbols() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        screen = pilot.app.screen
        assert isinstance(screen, HelpScreen)
        text = " ".join(f"{mark} {meaning}" for mark, meaning in screen.symbols)
        for symbol in ("▲▲▼", "↑50", "UC", "A  T", "done", "↑50DMA", "52wH", "RSI14", "FII"):
            assert symbol in text, symbol
        await pilot.press("end")  # the symbols are below the keys: the screen scrolls to them
        svg = pilot.app.export_screenshot()
        assert "Earnings:&#160;results&#160;declared" in svg  # the last rows are on screen


async def test_all_eight_indices_fit_at_120x40() -> None:
    async with make_app().run_test(size=SIZE) as pilot:
        app = await started(pilot)
        shown = "\n".join(lines(pane(app, "indices")))
        for row in app.views[app.segment].indices:
            assert row.name[:12] in shown, row.name
