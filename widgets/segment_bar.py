"""The segment bar: All, Large, Mid, Small, Micro and Watch; the chosen one highlighted, the best
starred."""

from __future__ import annotations

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message

from providers.contract import Segment
from widgets.format import DIM, pct
from widgets.pane import Lines, Pane
from widgets.views import WATCH, Scope, SegmentView

SEGMENTS: tuple[Scope, ...] = (
    Segment.ALL,
    Segment.LARGE,
    Segment.MID,
    Segment.SMALL,
    Segment.MICRO,
    WATCH,
)
CHOSEN = Style(reverse=True, bold=True)


class SegmentBar(Pane, can_focus=False):
    DEFAULT_CSS = """
    SegmentBar { height: 1; border: none; }
    """
    NO_WATCHED = None

    class Picked(Message):
        """A segment was clicked."""

        def __init__(self, segment: Scope) -> None:
            super().__init__()
            self.segment = segment

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chosen: Scope = Segment.ALL
        self.views: Mapping[Scope, SegmentView] = {}
        self._spans: list[tuple[int, int, Scope]] = []

    def show_segments(self, chosen: Scope, views: Mapping[Scope, SegmentView]) -> None:
        self.chosen = chosen
        self.views = views
        self.view = views.get(chosen)
        self.sync()

    def has_content(self) -> bool:
        return True

    def build_lines(self, width: int) -> Lines:
        line = Text()
        self._spans = []
        # all six fit in 80 columns: one decimal, the sign without the arrow, one space apart
        narrow = width < 100
        pad = "" if narrow else " "
        for number, segment in enumerate(SEGMENTS, start=1):
            view = self.views.get(segment)
            label = Text(f"{pad}{number} {segment.value.title()}")
            if view is not None and view.rank_today == 1:
                label.append(" ★")
            change = view.change_pct if view is not None else None
            # the watchlist's change would push a narrow bar past 80 columns
            if change is not None and not (narrow and segment == WATCH):
                label.append(" ").append_text(
                    pct(change, arrowed=not narrow, decimals=1 if narrow else 2)
                )
            label.append(" ")
            if segment == self.chosen:
                label.stylize(CHOSEN)
            start = line.cell_len
            line.append_text(label)
            self._spans.append((start, line.cell_len, segment))
        if line.cell_len + 14 <= width:
            line.append("  ←/→ or 1-6", style=DIM)
        return Lines.of([line])

    def on_click(self, event: events.Click) -> None:
        for start, end, segment in self._spans:
            if start <= event.x < end:
                self.post_message(self.Picked(segment))
