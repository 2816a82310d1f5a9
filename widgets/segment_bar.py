"""The segment bar: All, Large, Mid, Small, Micro and Watch; the chosen one highlighted, the best
starred."""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message

from providers.contract import Segment
from widgets.format import DIM, pct
from widgets.pane import Lines, Pane
from widgets.views import WATCH, Scope, SegmentSummary

SEGMENTS: tuple[Scope, ...] = (
    Segment.ALL,
    Segment.LARGE,
    Segment.MID,
    Segment.SMALL,
    Segment.MICRO,
    WATCH,
)
CHOSEN = Style(reverse=True, bold=True)
KEY_HINT = "  ←/→ or 1-6"
_SHORT = {"Large": "Lrg", "Small": "Sml", "Micro": "Mic", "Watch": "Wch"}


class _Form(Struct, frozen=True):
    """How much the bar says: per-segment figures (``"all"``, ``"chosen"``, ``"none"``)."""

    decimals: int = 1
    arrows: bool = True
    spaced: bool = True
    figures: str = "all"
    short: bool = False
    hint: bool = False


#: Richest first; the first that fits the width is drawn.
_FORMS = (
    _Form(decimals=2, hint=True),
    _Form(hint=True),
    _Form(),
    _Form(arrows=False, spaced=False),  # all six in 80 columns
    _Form(spaced=False, figures="chosen"),
    _Form(spaced=False, figures="none"),
    _Form(spaced=False, figures="none", short=True),
)


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
        self.summaries: Mapping[Scope, SegmentSummary] = {}
        self._spans: list[tuple[int, int, Scope]] = []

    def show_segments(self, chosen: Scope, summaries: Mapping[Scope, SegmentSummary]) -> None:
        """Draw the bar for ``chosen`` with ``summaries``, unless it shows them already (a
        closed market's refreshes; a resize or restyle redraws it by itself)."""
        if (chosen, summaries) != (self.chosen, self.summaries):
            self.chosen, self.summaries = chosen, summaries
            self.sync()

    def has_content(self) -> bool:
        return True

    def build_lines(self, width: int) -> Lines:
        """The richest form that fits, dropping detail by priority: the key hint, arrows and
        spacing, the other segments' figures, all figures, then long names; every segment
        stays (at 60 columns "5 Micro" used to fall off the end)."""
        for form in _FORMS:
            line, spans = self._line(form)
            if line.cell_len <= width:
                break
        self._spans = spans
        return Lines.of([line])

    def _line(self, form: _Form) -> tuple[Text, list[tuple[int, int, Scope]]]:
        line = Text()
        spans: list[tuple[int, int, Scope]] = []
        pad = " " if form.spaced else ""
        for number, segment in enumerate(SEGMENTS, start=1):
            view = self.summaries.get(segment)
            name = segment.value.title()
            label = Text(f"{pad}{number} {_SHORT.get(name, name) if form.short else name}")
            if view is not None and view.rank_today == 1:
                label.append(" ★")
            change = view.change_pct if view is not None else None
            shown = form.figures == "all" or (form.figures == "chosen" and segment == self.chosen)
            crowded = segment == WATCH and form.figures == "all" and not form.spaced
            if change is not None and shown and not crowded:
                # the watchlist's change goes with the spacing: it would push 80 columns over
                label.append(" ").append_text(
                    pct(change, decimals=form.decimals, arrowed=form.arrows)
                )
            label.append(" ")
            if segment == self.chosen:
                label.stylize(CHOSEN)
            start = line.cell_len
            line.append_text(label)
            spans.append((start, line.cell_len, segment))
        if form.hint:
            line.append(KEY_HINT, style=DIM)
        return line, spans

    def on_click(self, event: events.Click) -> None:
        for start, end, segment in self._spans:
            if start <= event.x < end:
                self.post_message(self.Picked(segment))
