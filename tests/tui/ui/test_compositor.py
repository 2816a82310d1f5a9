"""The span compositor is the one in use, writes only the changed cells, and falls back to
Textual's own when the private API it leans on changes."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from tui.ui import compositor
from tui.ui.screens.main import MainScreen

WIDE_LINE = "NIFTY 50 " + "x" * 90 + " 28,390.31"


class OneLine(Widget):
    """A Line-API widget that, like the panes, refreshes only the cells that changed."""

    text = WIDE_LINE

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(self.text if y == 0 else "")])

    def change_last_cell(self, char: str) -> None:
        self.text = self.text[:-1] + char
        self.refresh(Region(len(self.text) - 1, 0, 1, 1))


class OneLineApp(App[None]):
    """A screen holding one long line, so a change at its end shows what the write costs."""

    def compose(self) -> ComposeResult:
        yield OneLine(id="line")

    def get_default_screen(self) -> MainScreen:
        return MainScreen()


async def _one_cell_change(app: OneLineApp) -> tuple[int, object]:
    """Bytes written for a one-cell change, and the compositor that wrote them."""
    written: list[str] = []

    def capture(screen: object, renderable: object) -> None:
        if renderable is not None:
            written.append(renderable.render_segments(app.console))

    async with app.run_test(size=(120, 5)) as pilot:
        await pilot.pause()
        app._display = capture  # the write to the terminal (skipped in headless runs)
        app.query_one("#line", OneLine).change_last_cell("2")
        await pilot.pause()
        await pilot.pause()
        return sum(len(chunk) for chunk in written), app.screen._compositor


async def test_the_span_compositor_is_in_use_and_a_one_cell_change_is_small() -> None:
    app = OneLineApp()
    sent, in_use = await _one_cell_change(app)
    assert compositor.is_span_compositor(in_use)
    assert 0 < sent < 40, sent  # one cursor move and the changed cell, not the whole row


async def test_without_the_private_api_the_stock_compositor_is_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(compositor, "_span_compositor", None)
    monkeypatch.setitem(sys.modules, "textual._compositor", None)  # import now fails
    with caplog.at_level(logging.WARNING, logger="tui.ui.compositor"):
        app = OneLineApp()
        sent, in_use = await _one_cell_change(app)
    assert not compositor.is_span_compositor(in_use)
    assert sent > 100, sent  # the stock write re-sends the row up to the change: it still works
    assert "span compositor unavailable" in caplog.text


def test_partial_updates_write_from_the_span_not_the_widget_edge() -> None:
    from rich.console import Console
    from rich.segment import Segment as RichSegment
    from textual.strip import Strip

    span_update = type(compositor.make_compositor()).update_type
    row = Strip([RichSegment("│"), RichSegment("NIFTY 50  28,390.31"), RichSegment("│")])
    update = span_update(chops=[{0: row}], spans=[(0, 16, 19)], chop_ends=[[21]])
    written = update.render_segments(Console(color_system=None, force_terminal=True))
    assert written == "\x1b[1;17H" + "0.3"  # cursor to column 17 (1-based), cells 16-18 only


class Boxed(Widget):
    """A bordered Line-API widget whose rows can change a few cells at a time."""

    DEFAULT_CSS = "Boxed { border: round white; height: 1fr; }"

    def __init__(self, fill: str) -> None:
        super().__init__()
        self.rows = [fill * 60 for _ in range(20)]

    def render_line(self, y: int) -> Strip:
        return Strip([Segment(self.rows[y] if y < len(self.rows) else "")])

    def change(self, y: int, x: int, text: str) -> None:
        row = self.rows[y]
        self.rows[y] = row[:x] + text + row[x + len(text) :]
        self.refresh(Region(x, y, len(text), 1))


class BoxesApp(App[None]):
    """Two boxes side by side with the screen between them, and a label over the right one
    (a layer above, as a toast)."""

    CSS = """
    Screen { layout: horizontal; layers: base above; }
    Boxed { width: 1fr; margin: 0 1; }
    #over { layer: above; width: 12; height: 3; offset: 60 1; background: red; }
    """

    def compose(self) -> ComposeResult:
        yield Boxed("a")
        yield Boxed("b")
        yield Static("over", id="over")

    def get_default_screen(self) -> MainScreen:
        return MainScreen()


def _span_cells(update: object) -> dict[tuple[int, int], tuple[str, object]]:
    """(x, y) -> (character, style) of every cell an update writes for its spans."""
    cells = {}
    for y, x1, x2 in update.spans:  # type: ignore[attr-defined]
        chops = update.chops[y].items()  # type: ignore[attr-defined]
        for end, (x, strip) in zip(update.chop_ends[y], chops, strict=False):  # type: ignore[attr-defined]
            if strip is None or x >= x2 or end <= x1:
                continue
            at = x
            for segment in strip:
                for char in segment.text:
                    if x1 <= at < x2:
                        cells[at, y] = (char, segment.style)
                    at += 1
    return cells


async def test_a_partial_update_writes_the_cells_textuals_own_would() -> None:
    """Only the widgets under a dirty span render, only their dirty rows: what the spans
    write is what Textual's partial update gives there, front widgets first."""
    from textual._compositor import Compositor

    app = BoxesApp()
    compared: list[tuple[dict, dict, int]] = []
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.pause()
        span_compositor = type(app.screen._compositor)
        assert compositor.is_span_compositor(app.screen._compositor)
        own = span_compositor.render_partial_update

        def both(self: Any) -> Any:
            regions = set(self._dirty_regions)
            stock = Compositor.render_partial_update(self)
            self._dirty_regions.update(regions)
            mine = own(self)
            if stock is not None:
                size = sum(x2 - x1 for _, x1, x2 in stock.spans)
                compared.append((_span_cells(stock), _span_cells(mine), size))
            return mine

        span_compositor.render_partial_update = both  # type: ignore[method-assign]
        try:
            left, right = app.query(Boxed)
            left.change(2, 5, "XYZ")
            right.change(1, 8, "123456")  # half under the label: the label's cells win
            right.change(9, 3, "Q")
            await pilot.pause()
            app.screen.refresh()  # the screen shows between the boxes: its cells come from it
            await pilot.pause()
            await pilot.pause()
        finally:
            span_compositor.render_partial_update = own  # type: ignore[method-assign]
    assert compared
    for stock, mine, size in compared:
        assert mine == stock and len(mine) == size
