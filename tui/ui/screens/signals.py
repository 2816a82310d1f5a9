"""The lists behind the Breadth pane's counts (breakouts, 52-week extremes, RSI extremes) for
the segment on screen; ←/→ change the list, Enter opens a stock, Esc goes back."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from widgets.signals import SignalsPane
from widgets.views import SegmentView


class SignalsScreen(Screen[None]):
    DEFAULT_CSS = """
    SignalsScreen > SignalsPane { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="signals.back"),
        Binding("left", "step(-1)", "Previous list", id="signals.previous"),
        Binding("right", "step(1)", "Next list", id="signals.next"),
    ]

    def __init__(
        self,
        view: SegmentView | None,
        shown: Callable[[bool], None] = lambda shown: None,
        list_index: int = 0,
    ) -> None:
        """``shown`` is told when the screen opens and closes (a feed viewer then asks for
        the lists, and stops)."""
        super().__init__()
        self.first_view = view
        self.shown = shown
        self.list_index = list_index

    def compose(self) -> ComposeResult:
        pane = SignalsPane(id="signals")
        pane.list_index = self.list_index
        if self.first_view is not None:
            pane.view = self.first_view
        yield pane

    def on_mount(self) -> None:
        self.query_one(SignalsPane).focus()
        self.shown(True)

    def action_back(self) -> None:
        self.shown(False)  # not on unmount: quitting from here must not start a new follow
        self.app.pop_screen()

    @property
    def pane(self) -> SignalsPane:
        return self.query_one(SignalsPane)

    def action_step(self, step: int) -> None:
        self.pane.step_list(step)

    def show(self, view: SegmentView | None) -> None:
        if view is not None:
            self.pane.show(view)
