"""Snapshots of issue 16's views at 80x24 and 120x40: each is one small app holding one pane or
screen drawn from hand-made views (``tests/factories/views.py``), so a change to the demo
simulation re-baselines none of them. Sizes are pinned per test; the views carry a fixed time
and no randomness. Update with ``--snapshot-update``."""

from __future__ import annotations

import pytest
from factories.views import ANCHORS, index_detail, segment_view
from textual.app import App, ComposeResult
from textual.screen import Screen

from providers.contract import Segment
from tui.ui.screens.index import IndexScreen
from widgets.breadth import BreadthPane
from widgets.earnings import EarningsPane
from widgets.indices import IndicesPane
from widgets.movers import GainersPane
from widgets.pane import Pane
from widgets.sectors import SectorsPane
from widgets.signals import SignalsPane
from widgets.views import SegmentView

SIZES = [(80, 24), (120, 40)]
IDS = ["80x24", "120x40"]


class PaneApp(App[None]):
    """One pane filling the screen, showing ``view`` read as ``horizon``/``anchor_index``."""

    def __init__(
        self, pane: Pane, view: SegmentView, horizon: str = "Day", anchor_index: int = 0
    ) -> None:
        super().__init__()
        self.pane, self.view = pane, view
        self.reading = (horizon, anchor_index)

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_mount(self) -> None:
        self.pane.set_reading(*self.reading)
        self.pane.show(self.view)


class ScreenApp(App[None]):
    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_breadth_with_chart_breakouts_and_flows(snap_compare, size: tuple[int, int]) -> None:
    app = PaneApp(BreadthPane(), segment_view(Segment.SMALL))
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_indices_with_relative_columns_at_the_second_anchor(snap_compare, size) -> None:
    app = PaneApp(IndicesPane(), segment_view(), anchor_index=1)
    assert snap_compare(app, terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_sectors_since_the_anchor(snap_compare, size) -> None:
    app = PaneApp(SectorsPane(), segment_view(Segment.SMALL), horizon="Since")
    assert snap_compare(app, terminal_size=size)


def test_gainers_over_five_days(snap_compare) -> None:
    app = PaneApp(GainersPane(), segment_view(Segment.SMALL), horizon="5D")
    assert snap_compare(app, terminal_size=(80, 24))


def test_announcements_mode(snap_compare) -> None:
    pane = EarningsPane()
    pane.news = True
    assert snap_compare(PaneApp(pane, segment_view(Segment.SMALL)), terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_signal_list(snap_compare, size) -> None:
    assert snap_compare(PaneApp(SignalsPane(), segment_view(Segment.SMALL)), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
def test_index_detail(snap_compare, size) -> None:
    screen = IndexScreen("NIFTY SMALLCAP 100", index_detail(), 0, ANCHORS[0])
    assert snap_compare(ScreenApp(screen), terminal_size=size)


def test_index_detail_six_months(snap_compare) -> None:
    async def shorter(pilot) -> None:
        await pilot.press("left")

    screen = IndexScreen("NIFTY SMALLCAP 100", index_detail())
    assert snap_compare(ScreenApp(screen), terminal_size=(80, 24), run_before=shorter)
