"""The monitor's main screen: Textual's ``Screen`` with the span compositor when it can be wired
(see ``tui.ui.compositor``)."""

from __future__ import annotations

from textual.screen import Screen

from tui.ui.compositor import make_compositor


class MainScreen(Screen[None]):
    def __init__(self, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        compositor = make_compositor()
        if compositor is not None:
            self._compositor = compositor
