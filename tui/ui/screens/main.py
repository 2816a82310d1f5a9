"""The monitor's main screen: Textual's ``Screen`` with the span compositor when it can be wired
(see ``tui.ui.compositor``), no render before the first data (``FramedScreen``), the Gainers
pane focused from the start, and a plain "needs at least WxH" in place of the panes when the
terminal is smaller than that."""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.widgets import Static

from tui.ui.compositor import make_compositor
from tui.ui.framed_output import FramedScreen

_ANY_SIZE = Size(0, 0)


class MainScreen(FramedScreen):
    #: Focused as the screen is composed: focusing it on mount instead moved the focus away from
    #: Textual's first pick, restyling both panes before the first screen.
    AUTO_FOCUS = "#gainers"
    DEFAULT_CSS = """
    MainScreen #too-small { display: none; height: 1fr; content-align: center middle; }
    MainScreen.-too-small > * { display: none; }
    MainScreen.-too-small > #too-small { display: block; }
    """

    def __init__(
        self, name: str | None = None, id: str | None = None, min_size: Size = _ANY_SIZE
    ) -> None:
        """Below ``min_size`` the screen shows how big it needs to be instead of its widgets."""
        super().__init__(name=name, id=id)
        self.min_size = min_size
        compositor = make_compositor()
        if compositor is not None:
            self._compositor = compositor

    def on_mount(self) -> None:
        self.mount(Static(id="too-small"))
        self._fit(self.size)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        least = self.min_size
        small = size.width < least.width or size.height < least.height
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"{self.app.title} needs at least {least.width}x{least.height}\n"
                f"(this terminal is {size.width}x{size.height})\n\nq quits"
            )
