"""The frame writer sends the latest screen, once, however many repaints a slow terminal
missed; the frame buffer sends only changed cells; the driver hook falls back cleanly."""

from __future__ import annotations

import logging
import random
import re
import threading
import time

import pyte
import pytest
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from textual._compositor import Compositor
from textual.app import ComposeResult
from textual.drivers import headless_driver
from textual.drivers.headless_driver import HeadlessDriver
from textual.drivers.linux_driver import LinuxDriver
from textual.widgets import Static

from tui.ui import framed_output as terminal
from tui.ui.framebuffer import FrameBuffer
from tui.ui.framed_output import FrameWriter, framed_driver, sgr_maker

WIDTH, HEIGHT = 40, 4
RED = Style(color="red", bgcolor="black")


def _frames() -> FrameBuffer:
    frames = FrameBuffer(sgr_maker(Console(color_system="truecolor", force_terminal=True)))
    frames.resize(WIDTH, HEIGHT)
    return frames


def _screen(*outputs: str) -> list[str]:
    screen = pyte.Screen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    for output in outputs:
        stream.feed(output)
    return [line.rstrip() for line in screen.display]


class SlowTerminal:
    """A file that takes ``delay`` seconds per write, like a saturated SSH link."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.writes: list[str] = []

    def write(self, text: str) -> None:
        time.sleep(self.delay)
        self.writes.append(text)

    def flush(self) -> None:
        pass


def test_a_slow_terminal_gets_far_fewer_frames_than_refreshes_and_ends_current() -> None:
    frames, slow = _frames(), SlowTerminal(delay=0.05)
    writer = FrameWriter(slow, frames)  # type: ignore[arg-type]
    writer.start()
    refreshes = 60
    for n in range(refreshes):
        frames.paint(0, 0, [Segment(f"refresh {n:03d}", RED)])
        frames.paint(0, 2, [Segment(("x" * (n % 7 + 1)).ljust(10), RED)])
        writer.frame_ready(sync=False)
        time.sleep(0.005)
    writer.stop()
    assert writer.frames_written <= refreshes // 4
    screen = _screen(*slow.writes)
    assert screen[0] == f"refresh {refreshes - 1:03d}"
    assert screen[2] == "x" * ((refreshes - 1) % 7 + 1)


def test_text_keeps_its_place_around_frames() -> None:
    frames, slow = _frames(), SlowTerminal(delay=0)
    writer = FrameWriter(slow, frames)  # type: ignore[arg-type]
    gate = threading.Lock()
    with gate:  # everything below is queued before the thread starts writing
        writer.write("<before>")
        frames.paint(0, 0, [Segment("hello")])
        writer.frame_ready(sync=True)
        writer.frame_ready(sync=True)  # a second request moves the frame, never doubles it
        writer.write("<after>")
    writer.start()
    writer.stop()
    output = "".join(slow.writes)
    assert output.startswith("<before>\x1b[?2026h")
    assert output.endswith("\x1b[?2026l<after>")
    assert output.count("hello") == 1


def test_only_changed_cells_are_sent() -> None:
    frames = _frames()
    first = frames.diff()
    frames.paint(0, 1, [Segment("NIFTY 50   28,390.31", RED)])
    second = frames.diff()
    frames.paint(0, 1, [Segment("NIFTY 50   28,390.42", RED)])  # two cells change
    third = frames.diff()
    assert _screen(first, second, third)[1] == "NIFTY 50   28,390.42"
    assert "42" in third and "NIFTY" not in third
    assert len(third) < 40
    frames.paint(0, 1, [Segment("NIFTY 50   28,390.42", RED)])  # a repaint of the same cells
    assert frames.diff() == ""


def _colours(*outputs: str) -> list[list[tuple[str, str, str]]]:
    """Each cell's text, foreground and background once ``outputs`` are shown."""
    screen = pyte.Screen(WIDTH, HEIGHT)
    stream = pyte.Stream(screen)
    for output in outputs:
        stream.feed(output)
    rows = range(HEIGHT)
    return [
        [(c.data, c.fg, c.bg) for c in map(screen.buffer[y].__getitem__, range(WIDTH))]
        for y in rows
    ]


def test_changes_grouped_by_style_give_the_screen_wanted_in_fewer_bytes() -> None:
    """Frames of prices flipping between colours, wide characters among them: whatever order
    the pieces go out in, the terminal ends with the text and colours painted, and one colour
    change per style, not per piece."""
    styles = [Style(color=c, bgcolor="black") for c in ("green", "red", "white", "yellow")]
    painted, reference, out = _frames(), _frames(), []
    rng = random.Random(13)
    for _ in range(30):
        for _ in range(rng.randint(1, 8)):
            text = rng.choice(["1.5", "-2.25", "世界", "NIFTY", "+0.4", "ab"])
            segment = Segment(text, rng.choice(styles))
            x, y = rng.randrange(WIDTH - 6), rng.randrange(HEIGHT)
            painted.paint(x, y, [segment])
            reference.paint(x, y, [segment])
        out.append(painted.diff())
        reference.forget_sent()  # the whole screen, as a fresh terminal would get it
        assert _colours(*out) == _colours(reference.diff())
    frames = _frames()
    frames.diff()
    for y in range(HEIGHT):  # 32 one-cell changes in two colours, alternating along each row
        for x in range(0, WIDTH, 5):
            frames.paint(x, y, [Segment("7", styles[(x // 5) % 2])])
    change = frames.diff()
    colour_changes = re.findall(r"\x1b\[[0-9;]*m", change)[:-1]  # the last one resets
    assert len(colour_changes) == 2  # one per colour, not one per change (32)
    assert _colours(change)[3][35][:2] == ("7", "red")


def test_a_new_size_or_a_foreign_write_resends_everything() -> None:
    frames = _frames()
    frames.paint(0, 0, [Segment("kept")])
    frames.diff()
    frames.forget_sent()
    assert "kept" in frames.diff()
    frames.resize(WIDTH + 1, HEIGHT)
    assert frames.row_text(0).strip() == ""
    assert frames.diff().count(" ") >= (WIDTH + 1) * HEIGHT


def test_wide_characters_are_never_split() -> None:
    frames = _frames()
    out = [frames.diff()]
    frames.paint(0, 0, [Segment("ab世界cd")])
    out.append(frames.diff())
    frames.paint(3, 0, [Segment("Z")])  # lands on the right half of 世
    out.append(frames.diff())
    assert frames.row_text(0).startswith("ab Z界cd")
    assert _screen(*out)[0] == "ab Z界cd"


def test_a_slice_of_cells_that_cuts_a_wide_character_paints_a_space_for_its_half() -> None:
    frames = _frames()
    cells = frames.cells([Segment("ab世界cd")])  # 世 is cells 2-3, 界 4-5
    assert [text for text, _ in cells] == ["a", "b", "世", "", "界", "", "c", "d"]
    frames.paint_cells(10, 0, cells[3:5])  # the right half of 世, the left half of 界
    frames.paint_cells(0, 1, cells[2:4])  # 世 whole
    assert frames.row_text(0)[10:12] == "  "
    assert _screen(frames.diff())[1].startswith("世")


def test_framed_driver_wraps_terminal_drivers_only() -> None:
    framed = framed_driver(LinuxDriver)
    assert framed is not None and issubclass(framed, LinuxDriver)
    assert framed_driver(HeadlessDriver) is None


def test_a_changed_textual_falls_back_with_one_log_line(monkeypatch, caplog) -> None:
    def changed() -> None:
        raise TypeError("App._display(screen, renderable) has changed")

    monkeypatch.setattr(terminal, "_check_textual", changed)
    with caplog.at_level(logging.WARNING, logger="tui.ui.framed_output"):
        assert framed_driver(LinuxDriver) is None
    assert "framed output unavailable" in caplog.text


class Counter(Static):
    pass


class Framed(terminal.FramedApp):
    def compose(self) -> ComposeResult:
        yield Counter("count 0", id="counter")
        yield Static("a line that stays put")


async def test_compositor_updates_paint_the_buffer_and_a_change_sends_its_cells() -> None:
    app = Framed()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        frames = FrameBuffer(sgr_maker(app.console))
        assert app._paint(frames, app.screen._compositor.render_update(full=True))
        first = frames.diff()
        updates: list[object] = []
        app._display = lambda screen, update: updates.append(update)  # headless skips it
        app.query_one("#counter", Counter).update("count 7")
        await pilot.pause()
        await pilot.pause()
        painted = [app._paint(frames, update) for update in updates if update is not None]
        second = frames.diff()
    assert painted and all(painted)
    assert frames.row_text(0).rstrip() == "count 7"
    assert _screen(first, second)[:2] == ["count 7", "a line that stays put"]
    assert "stays" not in second and len(second) < 60


async def test_first_frames_wait_for_the_content_then_go_out_once() -> None:
    app = Framed()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        ready: list[bool] = []
        driver = app._driver
        driver.frames = FrameBuffer(sgr_maker(app.console))  # type: ignore[union-attr]
        driver.frame_ready = ready.append  # type: ignore[union-attr]
        app.query_one("#counter", Counter).update("count 1")  # a "waiting" repaint
        await pilot.pause()
        held = list(ready)
        app.query_one("#counter", Counter).update("count 2")  # the content
        app.release_frames()
        await pilot.pause()
        await pilot.pause()
    assert held == []
    assert len(ready) >= 1
    assert driver.frames.row_text(0).rstrip() == "count 2"  # type: ignore[union-attr]


class FramesDriver(HeadlessDriver):
    """A headless driver with a frame buffer, as ``framed_driver`` gives a terminal's; each
    frame it is told of is kept as the bytes it would send."""

    def __init__(self, app: terminal.FramedApp, **options: object) -> None:
        super().__init__(app, **options)  # type: ignore[arg-type]
        self.frames = FrameBuffer(sgr_maker(app.console))
        self.sent: list[str] = []

    def frame_ready(self, sync: bool) -> None:
        self.sent.append(self.frames.diff())


class HeldScreenApp(Framed):
    def get_default_screen(self) -> terminal.FramedScreen:
        return terminal.FramedScreen(id="_default")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Framed apps run on ``FramesDriver``; each compositor render is counted."""
    monkeypatch.setattr(headless_driver, "HeadlessDriver", FramesDriver)
    counted: list[bool] = []
    render_update = Compositor.render_update

    def counting(self: Compositor, *args: object, **kwargs: object) -> object:
        counted.append(True)
        return render_update(self, *args, **kwargs)

    monkeypatch.setattr(Compositor, "render_update", counting)
    return counted


async def test_a_framed_screen_renders_nothing_while_held_then_all_of_it(renders) -> None:
    app = HeldScreenApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        app.query_one("#counter", Counter).update("count 1")  # a "waiting" repaint
        await pilot.pause()
        held = len(renders), list(app._driver.sent)  # type: ignore[union-attr]
        app.query_one("#counter", Counter).update("count 2")  # the content
        app.release_frames()
        await pilot.pause()
        await pilot.pause()
        sent = app._driver.sent  # type: ignore[union-attr]
    assert held == (0, [])
    assert renders and sent
    # never dirty after the hold, the second line is there: the whole screen was rendered
    assert _screen(*sent)[:2] == ["count 2", "a line that stays put"]


async def test_a_framed_screen_with_no_content_shows_after_the_wait(renders, monkeypatch) -> None:
    monkeypatch.setattr(terminal, "FIRST_FRAME_WAIT_S", 0.05)
    app = HeldScreenApp()
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.pause(0.3)
        sent = app._driver.sent  # type: ignore[union-attr]
    assert _screen(*sent)[:2] == ["count 0", "a line that stays put"]


class GoneTerminal:
    def write(self, text: str) -> None:
        raise BrokenPipeError("gone")

    def flush(self) -> None:
        pass


def test_a_terminal_that_goes_away_stops_the_queue_growing(caplog) -> None:
    writer = FrameWriter(GoneTerminal(), _frames())  # type: ignore[arg-type]
    writer.start()
    writer.write("first")
    time.sleep(0.1)
    for n in range(100):
        writer.write(f"line {n}")
        writer.frame_ready(sync=False)
    assert writer._items == []
    writer.stop()
    assert "terminal output stopped" in caplog.text


def test_a_wide_character_replaced_by_another_moves_the_cursor_two_cells() -> None:
    """Only the left half of 世 -> 界 differs (both right halves are blank in the buffer), but
    the terminal's cursor moves two cells: the next change must still land in its place."""
    frames = _frames()
    out = [frames.diff()]
    frames.paint(0, 0, [Segment("世", RED)])
    out.append(frames.diff())
    frames.paint(0, 0, [Segment("界", RED)])
    frames.paint(6, 0, [Segment("Z", RED)])
    out.append(frames.diff())
    assert _screen(*out)[0] == "界    Z"
