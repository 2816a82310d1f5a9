"""The monitor's main screen, with a compositor that writes only the changed cells.

Textual's partial update (``ChopsUpdate.render_segments``) writes every dirty span from the
left edge of the widget it falls in: a price changing at column 60 of a pane re-sends the
whole row up to column 60. The panes already refresh just the cells that changed, so here the
write starts at the span instead (same output on screen, a fraction of the bytes over SSH).
This leans on Textual's private compositor (textual is pinned in constraints.txt); the
monitor's benchmark and ``tests/tui/test_app.py`` guard it.
"""

from __future__ import annotations

from rich.console import Console
from rich.control import Control
from textual import events
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static


class SpanUpdate(ChopsUpdate):
    """A partial update that writes each dirty span from its own first cell."""

    def render_segments(self, console: Console) -> str:
        move_to = Control.move_to
        out: list[str] = []
        last_y = self.spans[-1][0]
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                start, stop = max(x, x1), min(end, x2)
                piece = strip if (start, stop) == (x, end) else strip.crop(start - x, stop - x)
                out.append(move_to(start, y).segment.text)
                out.append(piece.render(console))
            if y != last_y:
                out.append("\n")
        return "".join(out)


class SpanCompositor(Compositor):
    def render_partial_update(self) -> ChopsUpdate | None:
        update = super().render_partial_update()
        if update is None:
            return None
        return SpanUpdate(update.chops, update.spans, update.chop_ends)


#: Below this the panes cannot show a row of data each; the screen says so instead.
MIN_WIDTH, MIN_HEIGHT = 60, 16


class MainScreen(Screen[None]):
    """The screen the panes live on: ``Screen`` with the span compositor, and a plain
    "needs at least WxH" in place of the panes when the terminal is smaller than that."""

    DEFAULT_CSS = """
    MainScreen #too-small { display: none; height: 1fr; content-align: center middle; }
    MainScreen.-too-small > * { display: none; }
    MainScreen.-too-small > #too-small { display: block; }
    """

    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._compositor = SpanCompositor()

    def on_mount(self) -> None:
        self.mount(Static(id="too-small"))
        self._fit(self.size)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"capwatch needs at least {MIN_WIDTH}x{MIN_HEIGHT}\n"
                f"(this terminal is {size.width}x{size.height})\n\nq quits"
            )
