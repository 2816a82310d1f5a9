"""The span compositor is the one in use, writes only the changed cells, and falls back to
Textual's own when the private API it leans on changes."""

from __future__ import annotations

import logging
import sys

import pytest
from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

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
