"""Terminal output that never queues stale frames: a slow link gets the latest screen, once.

Textual's driver hands every frame to a writer thread through a queue of 30 writes; on a slow
SSH link the queue fills with screens nobody will see, then blocks the event loop, and after a
stalled link the whole backlog replays. Here:

- the app paints each compositor update into a :class:`~tui.ui.framebuffer.FrameBuffer` and only
  marks "a frame is due" (:class:`FramedApp`);
- :class:`FrameWriter` (in place of Textual's writer thread) writes, when the terminal has taken
  the last write, the difference between what the terminal has and what the app wants *now*.
  While a write blocks, any number of repaints and keys coalesce into that one next frame.

Other output (mode switches, titles) keeps its order around the frames. This leans on Textual
internals (``App._display``, the compositor's update classes, ``LinuxDriver``);
:func:`framed_driver` checks their shape and falls back to Textual's own output, with one log
line, if they change. ``tests/tui/ui/test_framed_output.py`` pins both paths.
"""

from __future__ import annotations

import inspect
import logging
import threading
from typing import IO, Any

from rich.console import COLOR_SYSTEMS, Console, RenderableType
from rich.style import Style
from textual.app import App
from textual.driver import Driver
from textual.screen import Screen
from textual.timer import Timer

from tui.ui.framebuffer import RESET, Cell, FrameBuffer

log = logging.getLogger(__name__)

SYNC_START = "\x1b[?2026h"  # synchronized output: the terminal shows a frame all at once
SYNC_END = "\x1b[?2026l"


def sgr_maker(console: Console) -> Any:
    """style -> the SGR sequence that sets it from scratch, for ``console``'s colours.
    Hyperlinks are dropped: the monitor draws none."""
    system = COLOR_SYSTEMS.get(console.color_system or "")

    def sgr(style: Style | None) -> str:
        if style is None or system is None:
            return RESET
        marked = style.render("\0", color_system=system)
        if not marked.startswith("\x1b["):
            return RESET
        return f"\x1b[0;{marked[2 : marked.index('m')]}m"

    return sgr


class _Frame:
    """Where, among the other writes, the next frame goes."""


_FRAME = _Frame()


class FrameWriter(threading.Thread):
    """Writes text in order, and frames as the latest difference when the file is free."""

    def __init__(self, file: IO[str], frames: FrameBuffer) -> None:
        super().__init__(daemon=True, name="capwatch-output")
        self._file = file
        self._frames = frames
        self._ready = threading.Condition()
        self._items: list[str | _Frame] = []
        self._sync = False
        self._stopping = False
        self._broken = False  # the file failed: nothing more is queued
        self.frames_written = 0  # frames that sent something (tests and benchmarks read it)

    def write(self, text: str) -> None:
        with self._ready:
            if self._broken:
                return
            self._items.append(text)
            self._ready.notify()

    def frame_ready(self, sync: bool) -> None:
        """A repaint happened: send the screen at the next chance (once, however many)."""
        with self._ready:
            if self._broken:
                return
            if _FRAME in self._items:
                self._items.remove(_FRAME)
            self._items.append(_FRAME)
            self._sync = sync
            self._ready.notify()

    def run(self) -> None:
        while True:
            with self._ready:
                while not self._items and not self._stopping:
                    self._ready.wait()
                items, self._items = self._items, []
                sync = self._sync
                if not items:
                    return
            out: list[str] = []
            for item in items:
                if isinstance(item, str):
                    out.append(item)
                elif body := self._frames.diff():
                    out.append(f"{SYNC_START}{body}{SYNC_END}" if sync else body)
                    self.frames_written += 1
            if not (text := "".join(out)):
                continue
            try:
                self._file.write(text)
                self._file.flush()
            except OSError as exc:  # the terminal has gone (a dropped SSH session)
                log.warning("terminal output stopped: %s", exc)
                with self._ready:
                    self._broken = True
                    self._items.clear()

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        with self._ready:
            self._stopping = True
            self._ready.notify()
        self.join()


def _check_textual() -> None:
    """Raise if the Textual internals this module uses have changed shape."""
    from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate

    if list(inspect.signature(App._display).parameters) != ["self", "screen", "renderable"]:
        raise TypeError("App._display(screen, renderable) has changed")
    if list(inspect.signature(ChopsUpdate.__init__).parameters) != [
        "self",
        "chops",
        "spans",
        "chop_ends",
    ]:
        raise TypeError("ChopsUpdate(chops, spans, chop_ends) has changed")
    if list(inspect.signature(LayoutUpdate.__init__).parameters) != ["self", "strips", "region"]:
        raise TypeError("LayoutUpdate(strips, region) has changed")
    if not issubclass(ChopsUpdate, CompositorUpdate):
        raise TypeError("ChopsUpdate is no CompositorUpdate")
    if list(inspect.signature(Screen._compositor_refresh).parameters) != ["self"]:
        raise TypeError("Screen._compositor_refresh() has changed")


def framed_driver(base: type[Driver]) -> type[Driver] | None:
    """``base`` writing through a :class:`FrameWriter`, or None (keep ``base``) when it is not
    a driver with its own writer thread or Textual's internals have changed."""
    try:
        from textual.drivers.linux_driver import LinuxDriver

        _check_textual()
    except Exception as exc:  # a changed private API: Textual's own output still works
        log.warning("framed output unavailable, using Textual's own (%s)", exc)
        return None
    if not issubclass(base, LinuxDriver):
        return None

    class FramedDriver(base):  # type: ignore[valid-type, misc]
        """``base`` with its writes going through a FrameWriter."""

        def __init__(self, app: App[Any], **options: Any) -> None:
            super().__init__(app, **options)
            self.frames = FrameBuffer(sgr_maker(app.console))
            self.frame_writer: FrameWriter | None = None

        def start_application_mode(self) -> None:
            self.frames.forget_sent()  # a new alternate screen: nothing is on it
            if self.frame_writer is None:
                self.frame_writer = FrameWriter(self._file, self.frames)
                self.frame_writer.start()
            super().start_application_mode()

        def write(self, data: str) -> None:
            if self.frame_writer is None:
                super().write(data)
            else:
                self.frame_writer.write(data)

        def frame_ready(self, sync: bool) -> None:
            if self.frame_writer is not None:
                self.frame_writer.frame_ready(sync)

        def close(self) -> None:
            if self.frame_writer is not None:
                self.frame_writer.stop()
                self.frame_writer = None
            super().close()

    return FramedDriver


#: Longest the first frame waits for :meth:`FramedApp.release_frames` (the data's first draw).
FIRST_FRAME_WAIT_S = 1.0


class FramedApp(App[None]):
    """An app whose frames go through a FrameBuffer and FrameWriter when the driver allows.

    The first frames are held until :meth:`release_frames` (or ``FIRST_FRAME_WAIT_S``): a
    "waiting" screen that data replaces a moment later would cost a whole extra screen of
    bytes on the link, and time before the screen a person wants."""

    _frames_held = True
    _hold_timer: Timer | None = None

    def get_driver_class(self) -> type[Driver]:
        base = super().get_driver_class()
        return framed_driver(base) or base

    def _display(self, screen: Screen[Any], renderable: RenderableType | None) -> None:
        driver = self._driver
        frames: FrameBuffer | None = getattr(driver, "frames", None)
        if (
            frames is None
            or renderable is None
            or self._batch_count
            or not self._running
            or self._closed
            or not self._paint(frames, renderable)
        ):
            super()._display(screen, renderable)
            return
        try:
            x, y = self.screen.outer_size.clamp_offset(self.cursor_position)
            frames.place_cursor(x, y)
            if not self._frames_held:
                driver.frame_ready(self._sync_available)  # type: ignore[union-attr]
            else:
                self._limit_hold()
        finally:
            self.post_display_hook()

    def release_frames(self) -> None:
        """Let frames out (the first real content is painted); sends what is on screen now."""
        if not self._frames_held:
            return
        self._frames_held = False
        if self._hold_timer is not None:
            self._hold_timer.stop()
        driver = self._driver
        if getattr(driver, "frames", None) is not None:
            if isinstance(self.screen, FramedScreen):
                self.screen.refresh()  # it rendered nothing while held: all of it now
            self.call_after_refresh(driver.frame_ready, self._sync_available)  # type: ignore

    def renders_held(self) -> bool:
        """True while the first frames are held on their way to a frame buffer: a render now
        would be painted over by the content's before anyone saw it (:class:`FramedScreen`).
        Starts the hold's time limit, as a held frame does."""
        if not self._frames_held or getattr(self._driver, "frames", None) is None:
            return False
        self._limit_hold()
        return True

    def _limit_hold(self) -> None:
        """Release the first frames ``FIRST_FRAME_WAIT_S`` after the first one held, content
        or not."""
        if self._hold_timer is None:
            self._hold_timer = self.set_timer(FIRST_FRAME_WAIT_S, self.release_frames)

    def _paint(self, frames: FrameBuffer, renderable: RenderableType) -> bool:
        """Paint a compositor update into ``frames``; False for anything else (which then
        goes to the terminal as Textual writes it, so the sent screen is no longer known)."""
        from textual._compositor import ChopsUpdate, LayoutUpdate

        frames.resize(*self.size)
        if isinstance(renderable, ChopsUpdate):
            chops, chop_ends = renderable.chops, renderable.chop_ends
            cells: dict[int, list[Cell]] = {}  # id(strip) -> its cells: a row has many spans
            for y, x1, x2 in renderable.spans:
                for end, (x, strip) in zip(chop_ends[y], chops[y].items(), strict=False):
                    if strip is None or x >= x2 or end <= x1:
                        continue
                    start, stop = max(x, x1), min(end, x2)
                    if (strip_cells := cells.get(id(strip))) is None:
                        strip_cells = cells[id(strip)] = frames.cells(strip)
                    # sliced, not Strip.crop: a tick paints ~100 spans, and crop is dear
                    frames.paint_cells(start, y, strip_cells[start - x : stop - x])
            return True
        if isinstance(renderable, LayoutUpdate):
            region = renderable.region
            for y, line in enumerate(renderable.strips, region.y):
                x = region.x
                for strip in line:
                    frames.paint(x, y, strip)
                    x += strip.cell_length
            return True
        frames.forget_sent()
        return False


class FramedScreen(Screen[None]):
    """A screen that renders nothing while its :class:`FramedApp` holds the first frames.

    The layout is still done; only the render, which the content's draw would replace before
    it went out, waits: for the monitor's screen of empty panes, ~9 ms of the start.
    ``release_frames`` then has the whole screen rendered once."""

    def _compositor_refresh(self) -> None:  # Textual's, private: ``_check_textual`` pins it
        app = self.app
        if isinstance(app, FramedApp) and app.renders_held():
            self._dirty_widgets.clear()  # their regions wait in the compositor
            return
        super()._compositor_refresh()
