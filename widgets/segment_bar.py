"""The segment bar: All, Large, Mid, Small, Micro; the chosen one highlighted, the best starred."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message

from providers.contract import Segment
from widgets.format import DIM, pct
from widgets.pane import Lines, Pane
from widgets.views import SegmentView

SEGMENTS: tuple[Segment, ...] = (
    Segment.ALL,
    Segment.LARGE,
    Segment.MID,
    Segment.SMALL,
    Segment.MICRO,
)
CHOSEN = Style(reverse=True, bold=True)


class SegmentBar(Pane, can_focus=False):
    DEFAULT_CSS = """
    SegmentBar { height: 1; border: none; }
    """

    class Picked(Message):
        """A segment was clicked."""

        def __init__(self, segment: Segment) -> None:
            super().__init__()
            self.segment = segment

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chosen = Segment.ALL
        self.views: Mapping[Segment, SegmentView] = {}
        self._spans: list[tuple[int, int, Segment]] = []

    def show_segments(self, chosen: Segment, views: Mapping[Segment, SegmentView]) -> None:
        self.chosen = chosen
        self.views = views
        self.view = views.get(chosen)
        self.sync()

    def has_content(self) -> bool:
        return True

    def build_lines(self, width: int) -> Lines:
        line = Text()
        self._spans = []
        decimals = 2 if width >= 100 else 1  # all five fit in 80 columns
        for number, segment in enumerate(SEGMENTS, start=1):
            view = self.views.get(segment)
            label = Text(f" {number} {segment.value.title()}")
            if view is not None and view.rank_today == 1:
                label.append(" ★")
            if view is not None and view.change_pct is not None:
                label.append(" ").append_text(pct(view.change_pct, decimals=decimals))
            label.append(" ")
            if segment == self.chosen:
                label.stylize(CHOSEN)
            start = line.cell_len
            line.append_text(label)
            self._spans.append((start, line.cell_len, segment))
        if line.cell_len + 14 <= width:
            line.append("  ←/→ or 1-5", style=DIM)
        return Lines.of([line])

    def on_click(self, event: events.Click) -> None:
        for start, end, segment in self._spans:
            if start <= event.x < end:
                self.post_message(self.Picked(segment))
