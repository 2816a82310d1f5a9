"""The drill-down for one index: chart with moving averages, figures, breadth, members, sectors.

Redrawn only when the index's data changes (each refresh builds a new ``IndexDetail``; an
equal one draws nothing) or when the range or size changes, so an open chart costs nothing
between refreshes, over SSH too.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from widgets.format import clean
from widgets.index_detail import RANGES, detail_lines
from widgets.views import IndexDetail


class IndexScreen(Screen[None]):
    DEFAULT_CSS = """
    IndexScreen > VerticalScroll { border: round $accent; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="index.back"),
        Binding("left", "range(-1)", "Shorter range", id="index.range.shorter"),
        Binding("right", "range(1)", "Longer range", id="index.range.longer"),
    ]

    def __init__(
        self,
        name: str,
        detail: IndexDetail | None,
        anchor_index: int = 0,
        anchor: date | None = None,
    ) -> None:
        super().__init__()
        self.index_name = name
        self.detail = detail
        self.anchor_index = anchor_index
        self.anchor = anchor
        self.range_index = len(RANGES) - 1  # a year: where the 200-day average means most

    @property
    def range_label(self) -> str:
        return RANGES[self.range_index][0]

    def compose(self) -> ComposeResult:
        box = VerticalScroll()
        box.border_title = clean(self.index_name)
        box.border_subtitle = "←/→ range 1M 6M 1Y · Esc back"
        with box:
            yield Static(id="index-detail")

    def on_mount(self) -> None:
        self._redraw()

    def on_resize(self, event: events.Resize) -> None:
        self._redraw()

    def _text(self) -> Text:
        if self.detail is None:
            return Text(f"No data for {clean(self.index_name)} yet.  Esc goes back.")
        width, height = self.size
        lines = detail_lines(
            self.detail,
            max(30, width - 4),
            max(12, height - 2),
            self.range_label,
            self.anchor_index,
            self.anchor,
        )
        return Text("\n").join(lines)

    def _redraw(self) -> None:
        self.query_one("#index-detail", Static).update(self._text())

    def action_range(self, step: int) -> None:
        index = max(0, min(len(RANGES) - 1, self.range_index + step))
        if index != self.range_index:
            self.range_index = index
            self._redraw()

    def show(self, detail: IndexDetail | None) -> None:
        """Redraw with the latest data, only if anything on the screen changed."""
        if detail != self.detail:
            self.detail = detail
            self._redraw()
