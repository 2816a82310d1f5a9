"""One small app per pane, drawn from hand-made views (``tests/factories/views.py``), as
Textual's own snapshot tests do: a change to the demo simulation re-baselines none of these.
Sizes are pinned per test; the views carry a fixed time. Update with ``--snapshot-update``."""

from __future__ import annotations

import pytest
from factories.views import mover, segment_view
from msgspec.structs import replace
from textual.app import App, ComposeResult

from providers.contract import Segment
from widgets.breadth import BreadthPane
from widgets.earnings import EarningsPane
from widgets.indices import IndicesPane
from widgets.movers import GainersPane, LosersPane
from widgets.pane import Pane
from widgets.ratings import RatingsPane
from widgets.sectors import SectorsPane
from widgets.views import WATCH, BreadthView, SegmentView


class PaneApp(App[None]):
    """A screen holding one pane that shows ``view``."""

    def __init__(self, pane: Pane, view: SegmentView) -> None:
        super().__init__()
        self.pane, self.view = pane, view

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_mount(self) -> None:
        self.pane.show(self.view)


PANES = {
    "indices": IndicesPane,
    "breadth": BreadthPane,
    "gainers": GainersPane,
    "losers": LosersPane,
    "sectors": SectorsPane,
    "ratings": RatingsPane,
    "earnings": EarningsPane,
}


@pytest.mark.parametrize("name", list(PANES))
def test_pane_at_a_third_of_80x24(snap_compare, name: str) -> None:
    app = PaneApp(PANES[name](id=name), segment_view(Segment.SMALL))
    assert snap_compare(app, terminal_size=(40, 9))


def test_gainers_with_hostile_and_long_names(snap_compare) -> None:
    """Markup, control characters and over-long names stay inert text, cut to the pane."""
    view = segment_view(
        gainers=(
            mover("MARKUP", 5.0, name="[bold red]Not bold[/] \x1b]52;c;AAAA\x07 Ltd"),
            mover("LONG", 4.0, name="Very " * 30 + "Long Name Industries"),
            mover("UNKNOWN", None),
        )
    )
    assert snap_compare(PaneApp(GainersPane(id="gainers"), view), terminal_size=(60, 8))


def test_stale_pane_says_so(snap_compare) -> None:
    def run_before(pilot) -> None:
        pilot.app.pane.set_stale(True)

    app = PaneApp(SectorsPane(id="sectors"), replace(segment_view(), sectors=()))
    assert snap_compare(app, terminal_size=(50, 6), run_before=run_before)


def test_empty_watchlist_says_how_to_add_a_stock(snap_compare) -> None:
    """At a third of 80x24: the three short lines fit."""
    empty = BreadthView(0, 0, 0, None, None, ())
    view = replace(segment_view(), segment=WATCH, breadth=empty, gainers=(), losers=())
    assert snap_compare(PaneApp(GainersPane(id="gainers"), view), terminal_size=(40, 6))
