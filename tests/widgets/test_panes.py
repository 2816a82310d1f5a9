"""Panes drawn from hand-made views inside a bare host app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from factories.views import event, mover, sector, segment_view
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace
from rich.segment import Segment as Seg
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from providers.contract import IST, MarketPhase, RatingKind, Segment
from widgets.breadth import BreadthPane
from widgets.earnings import EarningsPane
from widgets.indices import IndicesPane
from widgets.movers import GainersPane, LosersPane
from widgets.pane import (
    Column,
    Pane,
    _overlapping_segments,
    _style_of,
    changed_runs,
    fit_columns,
    styled_strip,
    table_line,
    text_segments,
)
from widgets.ratings import RatingsPane
from widgets.sectors import SectorsPane
from widgets.segment_bar import SegmentBar
from widgets.status_bar import Status, StatusBar, status_line
from widgets.views import WATCH, BreadthView, summaries


class Host(App[None]):
    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_pane_stock_chosen(self, message: Pane.StockChosen) -> None:
        self.chosen.append(message.symbol)


def screen_lines(pane: Pane) -> list[str]:
    return [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]


async def test_gainers_show_rank_symbol_move_and_band() -> None:
    pane = GainersPane()
    async with Host(pane).run_test(size=(80, 12)):
        view = segment_view()
        # 41 at the band, though the view lists only the top ones: the title counts them all
        pane.show(replace(view, upper_band=view.gainers[:1], upper_band_count=41))
        lines = screen_lines(pane)
        assert str(pane.border_subtitle).startswith("41 at UC")
        assert "ISGEC" in lines[1] and "▲+20.0%" in lines[1] and "UC" in lines[1]
        assert lines[0].split()[:2] == ["#", "Symbol"]
        for _ in range(3):  # change -> volume -> name -> at band: the stocks at the band
            pane.cycle_sort()
        assert "by at band" in str(pane.border_subtitle)
        lines = screen_lines(pane)
    assert [line.split()[1] for line in lines[1:] if line.strip()] == ["ISGEC"]


async def test_pane_waits_before_data() -> None:
    pane = LosersPane()
    async with Host(pane).run_test(size=(60, 8)):
        assert "waiting" in screen_lines(pane)[0]


async def test_names_are_text_not_markup_or_control_codes() -> None:
    evil = mover("EVIL", 3.0, name="[bold red]Evil[/] \x1b[2J Co")
    pane = GainersPane()
    async with Host(pane).run_test(size=(120, 8)):
        pane.show(segment_view(gainers=(evil,)))
        row = screen_lines(pane)[1]
    assert "[bold red]Evil[/]" in row and "\x1b" not in row


async def test_narrow_pane_drops_low_priority_columns() -> None:
    pane = GainersPane()
    async with Host(pane).run_test(size=(40, 8)):  # 38 inside the border
        pane.show(segment_view())
        header = screen_lines(pane)[0].split()
    assert header == ["Symbol", "Last", "Chg", "Vol"]


async def test_sort_cycles_and_filter_matches_substrings() -> None:
    pane = SectorsPane()
    view = segment_view(sectors=(sector("Banks", 1.0, 2, 9), sector("Metals", 0.5, 20, 1)))
    async with Host(pane).run_test(size=(60, 8)):
        pane.show(view)
        first_words = lambda: [line.split()[0] for line in screen_lines(pane)[1:3]]  # noqa: E731
        assert first_words() == ["Banks", "Metals"]
        pane.cycle_sort()
        assert pane.sort_key == "A/D" and first_words() == ["Metals", "Banks"]
        pane.set_filter("  BAN ")
        rows = [line for line in screen_lines(pane)[1:] if line]
        subtitle = str(pane.border_subtitle)
    assert len(rows) == 1 and rows[0].startswith("Banks")
    assert "/ban" in subtitle and "by A/D" in subtitle


async def test_cursor_moves_and_enter_chooses_the_stock() -> None:
    pane = LosersPane()
    host = Host(pane)
    async with host.run_test(size=(60, 8)) as pilot:
        pane.show(segment_view())
        pane.focus()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert host.chosen == ["DELTA"]


async def test_a_changed_price_repaints_only_its_cells() -> None:
    pane = GainersPane()
    async with Host(pane).run_test(size=(80, 8)) as pilot:
        view = segment_view()
        pane.show(view)
        await pilot.pause()
        regions: list[Region] = []
        original = pane.refresh

        def spy(*args: Region, **kwargs: object) -> Pane:
            regions.extend(args)
            return original(*args, **kwargs)

        pane.refresh = spy  # type: ignore[method-assign]
        moved = replace(view.gainers[1], last=101.5)
        pane.show(replace(view, gainers=(view.gainers[0], moved, view.gainers[2])))
        line = screen_lines(pane)[2]
        repainted = list(regions)
    assert len(repainted) == 1
    region = repainted[0]
    assert region.y == 2 and region.height == 1
    assert region.width <= 6  # "100.00" -> "101.50" differs in a few cells only
    assert "101.50" in line and line[region.x : region.right] in "101.50"


async def test_unchanged_data_repaints_nothing() -> None:
    pane = RatingsPane()
    async with Host(pane).run_test(size=(80, 8)) as pilot:
        pane.show(segment_view())
        await pilot.pause()
        calls: list[tuple] = []
        pane.refresh = lambda *a, **k: calls.append(a)  # type: ignore[method-assign]
        pane.show(segment_view())
        assert calls == []


@pytest.mark.parametrize("kind", [RatingsPane, EarningsPane, GainersPane, LosersPane])
async def test_a_view_that_reads_the_same_is_not_drawn_again(kind: type[Pane]) -> None:
    """The views are new at every refresh; a pane whose part of one is as it was keeps its
    lines without building them again (most refreshes, for ratings and results)."""
    pane = kind()
    view = segment_view()
    async with Host(pane).run_test(size=(80, 8)) as pilot:
        pane.show(view)
        await pilot.pause()
        built: list[int] = []
        build = pane.build_lines
        pane.build_lines = lambda width: built.append(width) or build(width)  # type: ignore
        later = replace(
            view,
            as_of=view.as_of + timedelta(seconds=2),
            indices=view.indices[1:],
            breadth=replace(view.breadth, advances=view.breadth.advances + 1),
        )
        pane.show(later)
        assert built == [] and pane.view is later
        pane.cycle_sort()  # the pane's own state still redraws it
        assert built == [78]
        pane.show(replace(later, as_of=later.as_of + timedelta(seconds=2)))
        assert built == [78]  # and it reads the same after that redraw too


async def test_each_part_a_pane_reads_redraws_it() -> None:
    view = segment_view()
    gainers, earnings = GainersPane(), EarningsPane()
    async with Host(gainers).run_test(size=(80, 8)) as pilot:
        gainers.show(view)
        await pilot.pause()
        banded = replace(view, upper_band_count=41)
        gainers.show(banded)  # the subtitle counts the band
        assert str(gainers.border_subtitle).startswith("41 at UC")
        gainers.set_reading("Since", 0)
        assert str(gainers.border_title) == "Gainers · Since 07 Apr"
        dated = replace(banded, anchors=(date(2026, 3, 2), *view.anchors[1:]))
        gainers.show(dated)
        assert str(gainers.border_title) == "Gainers · Since 02 Mar"  # same rows, new date
        nothing = BreadthView(0, 0, 0, None, None, ())  # the Watch view, nothing watched
        gainers.show(replace(dated, segment=WATCH, breadth=nothing))
        assert screen_lines(gainers)[0] == "No watched stocks yet."
    async with Host(earnings).run_test(size=(80, 8)) as pilot:
        earnings.toggle_news()
        earnings.show(view)
        await pilot.pause()
        today = screen_lines(earnings)[1]
        earnings.show(replace(view, as_of=view.as_of + timedelta(days=1)))  # times become dates
        assert screen_lines(earnings)[1] != today


async def test_a_new_subtitle_repaints_the_border_row_only() -> None:
    """Textual repaints a whole widget when its border title changes: a pane repaints just
    that row (a count or badge in a subtitle changes often; the lines under it do not)."""
    pane = GainersPane()
    async with Host(pane).run_test(size=(80, 12)) as pilot:
        pane.show(segment_view())
        await pilot.pause()
        compositor = pane.screen._compositor
        render = compositor.render_partial_update
        spans: list[tuple[int, int, int]] = []

        def recorded() -> object:
            update = render()
            spans.extend(update.spans if update is not None else ())
            return update

        compositor.render_partial_update = recorded
        pane.set_stale(True, "3m: provider down")
        await pilot.pause()
        bottom = pane.region.bottom - 1
        assert "STALE 3m: provider down" in str(pane.border_subtitle)
        assert spans and {y for y, _, _ in spans} == {bottom}
        assert "STALE" in pane.screen._compositor.render_strips()[bottom].text
        spans.clear()
        pane.set_reading("5D", 0)  # a new title, and the rows that changed with it
        await pilot.pause()
        top = pane.region.y
        assert top in {y for y, _, _ in spans} and bottom not in {y for y, _, _ in spans}
        assert "Gainers · 5D" in pane.screen._compositor.render_strips()[top].text


async def test_ratings_mark_new_items_and_direction() -> None:
    pane = RatingsPane()
    async with Host(pane).run_test(size=(80, 8)):
        pane.show(segment_view())
        lines = screen_lines(pane)
    assert lines[1].startswith("●") and "Hold → Buy ▲" in lines[1]
    assert not lines[3].startswith("●") and "19 Nov" in lines[3] and "▼" in lines[3]


async def test_ratings_new_mark_goes_when_the_same_event_grows_old() -> None:
    """Rows whose cells are unchanged are not formatted again: the "new" mark is part of what
    makes a ratings row the same, so it still goes after 15 minutes."""
    view = segment_view()
    pane = RatingsPane()
    async with Host(pane).run_test(size=(80, 8)) as pilot:
        pane.show(view)
        await pilot.pause()
        assert screen_lines(pane)[1].startswith("●")
        pane.show(replace(view, as_of=view.as_of + timedelta(minutes=16)))
        await pilot.pause()
        later = screen_lines(pane)
    assert not later[1].startswith("●") and "Hold → Buy ▲" in later[1]


async def test_gainers_redraw_a_changed_row_and_keep_the_others() -> None:
    view = segment_view()
    pane = GainersPane()
    async with Host(pane).run_test(size=(100, 8)) as pilot:
        pane.show(view)
        await pilot.pause()
        before = screen_lines(pane)
        first = view.gainers[0]
        moved = replace(first, last=first.last + 1.25)
        pane.show(replace(view, gainers=(moved, *view.gainers[1:])))
        await pilot.pause()
        after = screen_lines(pane)
    assert after[2:] == before[2:]
    assert f"{moved.last:,.2f}" in after[1] and f"{first.last:,.2f}" not in after[1]


async def test_ratings_kind_key_cycles_all_analyst_technical_upgrades() -> None:
    technical = replace(
        event("FLAIR", 30), kind=RatingKind.TECHNICAL, from_rating="Sideways", to_rating="Bullish"
    )
    pane = RatingsPane()
    async with Host(pane).run_test(size=(80, 10)):
        pane.show(segment_view(events=(*segment_view().events, technical)))
        seen = {}
        for _ in range(5):
            names = {"SHAILY", "RADICO", "OLDCO", "FLAIR"}
            symbols = [w for line in screen_lines(pane)[1:] for w in line.split() if w in names]
            seen.setdefault(str(pane.border_title), symbols)
            pane.cycle_kind()
    assert seen == {
        "Ratings": ["SHAILY", "RADICO", "OLDCO", "FLAIR"],
        "Ratings · Analyst": ["SHAILY", "RADICO", "OLDCO"],
        "Ratings · Technical": ["FLAIR"],
        "Ratings · Upgrades": ["SHAILY", "RADICO", "FLAIR"],
    }
    assert pane.kind == "Analyst"  # five steps: round once and one more


async def test_narrow_ratings_use_short_scale_words() -> None:
    strong = replace(event("SHAILY", 5), from_rating="Strong Sell", to_rating="Sell")
    pane = RatingsPane()
    async with Host(pane).run_test(size=(40, 6)):
        pane.show(segment_view(events=(strong,)))
        narrow = screen_lines(pane)[1]
    async with Host(pane := RatingsPane()).run_test(size=(120, 6)):
        pane.show(segment_view(events=(strong,)))
        wide = screen_lines(pane)[1]
    assert "S.Sell→Sell ▲" in narrow and "Strong Sell → Sell ▲" in wide


async def test_earnings_declared_first_then_upcoming() -> None:
    pane = EarningsPane()
    async with Host(pane).run_test(size=(80, 8)):
        pane.show(segment_view())
        lines = screen_lines(pane)
    assert "TCIEXP" in lines[1] and "today" in lines[1]
    assert "JUPITER" in lines[2] and "in 2d" in lines[2]


async def test_indices_and_breadth() -> None:
    indices, breadth = IndicesPane(), BreadthPane()
    async with Host(indices).run_test(size=(120, 6)):
        indices.show(segment_view(Segment.SMALL))
        text = "\n".join(screen_lines(indices))
        assert indices.border_subtitle and "★ best today" in indices.border_subtitle
    assert "NIFTY 50" in text and "▲▼·" in text and "↑50" in text
    async with Host(breadth).run_test(size=(40, 6)):
        breadth.show(segment_view())
        lines = screen_lines(breadth)
    assert "▲ 873 adv" in lines[0] and "▼ 335 dec" in lines[0]
    assert "2.61x" in lines[1] and "day 1.20–2.61x" in lines[1]  # the day's range
    assert lines[2].startswith(" 4x ") and lines[3].startswith(" ¼x ")  # the stated scale


async def test_status_bar_badges() -> None:
    bar = StatusBar()
    async with Host(bar).run_test(size=(120, 3)):
        bar.show_status(
            Status(provider="nse", simulated=True, stale_for=timedelta(hours=3), error="nse: 503")
        )
        line = screen_lines(bar)[0]
    assert "DEMO" in line and "STALE 3h" in line and "ERROR nse: 503" in line


async def test_segment_bar_marks_chosen_and_best() -> None:
    bar = SegmentBar()
    views = {seg: segment_view(seg) for seg in Segment}
    async with Host(bar).run_test(size=(120, 3)):
        bar.show_segments(Segment.MID, summaries(views))
        line = screen_lines(bar)[0]
    assert "3 Mid ★" in line and "1 All ▲" in line


async def test_segment_bar_redraws_only_new_figures() -> None:
    bar = SegmentBar()
    views = {seg: segment_view(seg) for seg in Segment}
    async with Host(bar).run_test(size=(120, 3)):
        bar.show_segments(Segment.MID, summaries(views))
        built: list[int] = []
        build = bar.build_lines
        bar.build_lines = lambda width: built.append(width) or build(width)  # type: ignore
        bar.show_segments(Segment.MID, summaries(dict(views)))  # equal, not the same
        assert built == []
        moved = {**views, Segment.MID: replace(views[Segment.MID], change_pct=-2.5)}
        bar.show_segments(Segment.MID, summaries(moved))
        assert built == [120] and "▼-2.5" in screen_lines(bar)[0]


def test_fit_columns_drops_highest_priority_first_and_gives_spare_to_flex() -> None:
    columns = (Column("a", 4), Column("b", 4, priority=2), Column("c", 4, flex=True))
    assert fit_columns(columns, 14) == [4, 4, 4]
    assert fit_columns(columns, 12) == [4, 0, 7]
    assert fit_columns(columns, 20) == [4, 4, 10]
    shrinking = (Column("a", 4), Column("b", 4), Column("c", 10, flex=True, min_width=3))
    assert fit_columns(shrinking, 13) == [4, 4, 3]  # shrinks before anything is dropped
    assert fit_columns(shrinking, 12) == [4, 0, 7]  # then b goes, not the flex column


def test_changed_runs_merge_close_cells() -> None:
    assert changed_runs(None, Strip([])) == []
    a = Strip([Seg("abcdefghij")])
    b = Strip([Seg("aXcdXfghiY")])
    assert changed_runs(a, b, merge_gap=3) == [(1, 5), (9, 10)]
    assert changed_runs(a, a) == []


def test_changed_runs_agree_with_a_cell_by_cell_comparison() -> None:
    """Lines cut alike are compared segment by segment; others character by character."""
    red, bold = Style(color="red"), Style(bold=True)
    old = Strip([Seg("1 ABC  "), Seg("+1.00%", red), Seg(" 42")])
    cases = [
        Strip([Seg("1 ABD  "), Seg("+1.20%", red), Seg(" 42")]),  # same cut, two texts
        Strip([Seg("1 ABC  "), Seg("+1.00%", bold), Seg(" 42")]),  # same cut, a new style
        Strip([Seg("1 A"), Seg("BC  +1.0", red), Seg("0% 42")]),  # cut elsewhere
    ]
    for new in cases:
        cells_old = [(c, s.style) for s in old for c in s.text]
        cells_new = [(c, s.style) for s in new for c in s.text]
        differ = [
            x for x, pair in enumerate(zip(cells_old, cells_new, strict=True)) if pair[0] != pair[1]
        ]
        covered = {
            x for start, end in changed_runs(old, new, merge_gap=0) for x in range(start, end)
        }
        assert covered == set(differ), new


def test_text_segments_keep_the_text_style_under_its_spans() -> None:
    dim, red = Style(dim=True), Style(color="red")
    assert text_segments(Text("waiting", style=dim)) == [Seg("waiting", dim)]
    text = Text("a ", style=dim).append("b", style=red)
    assert text_segments(text) == [Seg("a ", dim), Seg("b", dim + red)]
    assert text_segments(Text("")) == []


_STYLES = st.sampled_from([Style(color="red"), Style(bold=True), Style(), "", "green", None])


@st.composite
def _spanned_texts(draw: st.DrawFn) -> Text:
    """Texts with spans in any order, overlapping or not, some past the end."""
    text = Text(draw(st.text(alphabet="ab▲ ", max_size=12)), style=draw(_STYLES) or "")
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, 14))
        text.spans.append(Span(start, draw(st.integers(start, 16)), draw(_STYLES) or ""))
    if draw(st.booleans()):
        text.spans.sort(key=lambda span: span.start)  # as appending makes them
    return text


@settings(max_examples=500, deadline=None)
@given(_spanned_texts())
def test_text_segments_one_pass_agrees_with_the_scan_of_every_span(text: Text) -> None:
    def cells(segments: list[Seg]) -> list[tuple[str, Style | None]]:
        return [(char, segment.style) for segment in segments for char in segment.text]

    segments = text_segments(text)
    scanned = _overlapping_segments(text.plain, _style_of(text.style), text.spans)
    assert cells(segments) == cells(scanned)
    assert all(segment.text for segment in segments)


def test_table_line_pads_text_cells_and_merges_plain_ones() -> None:
    columns = (Column("A", 3, align="left"), Column("B", 6), Column("C", 2, align="left"))
    red = Style(color="red")
    line = table_line(["x", Text("+1.0%", style=red), "yy"], columns, [3, 6, 2])
    assert line == (Seg("x    "), Seg("+1.0%", red), Seg(" yy"))
    exact = table_line(["", Text("+10.0%", style=red), ""], columns, [3, 6, 2])
    assert all(segment.text for segment in exact)  # no empty segment draws a 0-wide cell
    assert "".join(segment.text for segment in exact) == "    +10.0%   "


def test_table_line_makes_a_deferred_cell_only_when_its_column_is_shown() -> None:
    columns = (Column("A", 3, align="left"), Column("B", 6), Column("C", 2, align="left"))
    made: list[str] = []

    def cell(name: str, text: str | Text) -> Callable[[], str | Text]:
        return lambda: made.append(name) or text

    red = Style(color="red")
    line = table_line(
        ["x", cell("b", Text("+1.0%", style=red)), cell("c", "yy")], columns, [3, 0, 2]
    )
    assert made == ["c"]  # B is dropped: its cell is never made
    assert line == (Seg("x   yy"),)
    shown = table_line(["x", cell("b", Text("+1.0%", style=red)), "yy"], columns, [3, 6, 2])
    assert shown == table_line(["x", Text("+1.0%", style=red), "yy"], columns, [3, 6, 2])


@pytest.mark.parametrize("width", [4, 9, 14])
def test_styled_strip_is_rich_simplify_of_the_styled_fitted_line(width: int) -> None:
    red, base = Style(color="red"), Style(bgcolor="blue")
    line = (Seg("ab "), Seg("+1", red), Seg("-2", red), Seg(" c"), Seg("é", Style(bold=True)))
    fitted = Seg.adjust_line_length(list(line), width)
    expected = list(Seg.simplify(Seg.apply_style(fitted, base)))
    strip = styled_strip(line, base, width)
    assert list(strip) == expected and strip.cell_length == width
    if width >= 7:
        assert list(strip)[1].text == "+1-2"  # neighbours in one style merged


def _bar_line(width: int, chosen: Segment = Segment.ALL) -> str:
    bar = SegmentBar()
    ranked = {seg: replace(segment_view(seg), rank_today=n) for n, seg in enumerate(Segment)}
    bar.chosen, bar.summaries = chosen, summaries(ranked)
    return "".join(segment.text for segment in bar.build_lines(width).line(0))


@pytest.mark.parametrize("width", [100, 80, 60, 50, 40])
def test_segment_bar_keeps_every_segment_as_it_narrows(width: int) -> None:
    """At 60 columns "5 Micro" used to fall off the end."""
    line = _bar_line(width, Segment.SMALL)
    assert len(line) <= width
    full = ("All", "Large", "Mid", "Small", "Micro", "Watch")
    names = full if width >= 50 else ("All", "Lrg", "Mid", "Sml", "Mic", "Wch")
    assert all(f"{n} {name}" in line for n, name in enumerate(names, start=1)), line
    if width >= 60:
        assert "4 Small +0.8%" in line or "4 Small ▲+0.8" in line  # the chosen one's move


def test_segment_bar_drops_the_key_hint_then_other_figures() -> None:
    assert "←/→ or 1-6" in _bar_line(120)
    assert "←/→" not in _bar_line(80) and _bar_line(80).count("%") == 5
    assert _bar_line(60, Segment.MID).count("%") == 1


def _status(**changes: object) -> Status:
    at = datetime(2026, 11, 30, 10, 1, 30, tzinfo=IST)
    base = Status(
        provider="demo",
        simulated=True,
        phase=MarketPhase.OPEN,
        market_time=at,
        as_of=at,
        next_at=at + timedelta(seconds=30),
        hint="live data: capwatch config --init",
    )
    return replace(base, **changes)


@pytest.mark.parametrize("width", [140, 120, 100, 80, 60, 40])
def test_status_bar_fits_by_priority_and_keeps_help(width: int) -> None:
    """At 80 columns "? help" used to be cut off."""
    line = status_line(_status(), width).plain
    assert len(line) <= width and line.rstrip().endswith("? help")
    assert "DEMO" in line and "OPEN 10:01" in line
    if width >= 120:
        assert "live data: capwatch config --init" in line and "as of 10:01:30" in line
    if width <= 80:
        assert "live data" not in line  # the hint goes first


def test_long_error_is_cut_to_fit_and_help_stays() -> None:
    error = "nse: /api/equity-stockIndices?index=NIFTY%20SMALLCAP%20250: HTTP 503 " * 4
    for width in (200, 120, 80, 60):
        line = status_line(_status(error=error), width).plain
        assert len(line) <= width and line.endswith("? help"), (width, line)
        assert "ERROR nse: /api/" in line and "…" in line


async def test_breadth_bar_tells_parts_apart_by_shape_without_colour() -> None:
    def bar(lines: list[str]) -> str:
        return next(line for line in lines if line and set(line) <= {"█", "░", "·"})

    pane = BreadthPane()
    async with Host(pane).run_test(size=(40, 16)) as pilot:
        pane.show(segment_view())
        coloured = bar(screen_lines(pane))
        pilot.app.no_color = True
        pane.sync()
        plain = bar(screen_lines(pane))
    assert set(coloured) == {"█"}
    assert "█" in plain and "░" in plain and plain.startswith("█")


def _has_cursor(strip: Strip) -> bool:
    return any(style is not None and style.reverse for _, style, _ in strip)


async def test_alt_tab_keeps_the_cursor_so_only_the_border_restyles() -> None:
    pane = LosersPane()
    host = Host(pane)
    async with host.run_test(size=(60, 8)) as pilot:
        pane.show(segment_view())
        pane.focus()
        await pilot.press("down")
        await pilot.pause()
        focused_lines = [pane.render_line(y) for y in range(pane.size.height)]
        host.post_message(events.AppBlur())
        await pilot.pause()
        assert not pane.has_focus
        away_lines = [pane.render_line(y) for y in range(pane.size.height)]
        host.post_message(events.AppFocus())
        await pilot.pause()
        assert pane.has_focus
    assert _has_cursor(focused_lines[2])
    assert away_lines == focused_lines  # the content is unchanged: the border alone restyles


async def test_a_tick_reuses_the_lines_it_did_not_change() -> None:
    pane = GainersPane()
    async with Host(pane).run_test(size=(80, 8)) as pilot:
        view = segment_view()
        pane.show(view)
        await pilot.pause()
        before = list(pane._shown)
        moved = replace(view.gainers[1], last=101.5)
        pane.show(replace(view, gainers=(view.gainers[0], moved, view.gainers[2])))
        after = list(pane._shown)
    assert after[1] is before[1] and after[3] is before[3]  # untouched rows: the same strips
    assert after[2] is not before[2] and "101.50" in after[2].text


async def test_a_restyle_reaches_the_lines_of_a_pane_that_keeps_its_base_style() -> None:
    """The pane keeps its base style between refreshes (Textual works it out from every
    ancestor): a new theme must still repaint its lines in the new colours."""
    pane = GainersPane()
    async with Host(pane).run_test(size=(80, 12)) as pilot:
        pane.show(segment_view())
        await pilot.pause()
        before = next(iter(pane.render_line(1))).style
        pane.app.theme = "textual-light" if pane.app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        after = next(iter(pane.render_line(1))).style
        assert after is not None and before is not None
        assert after.bgcolor != before.bgcolor
        assert after.bgcolor == pane.rich_style.bgcolor
