"""Go to any stock: type a symbol or a name, Enter opens its detail.

Every stock of the latest snapshot is searched (``tui.analytics.search``), not only the rows a
pane shows. Up/Down move through the results while typing; Tab moves into the list, where
``w`` adds the stock under the cursor to the watchlist (or removes it).
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from providers.contract import StockQuote
from tui.analytics.search import StockSearch
from widgets.finder import FinderPane
from widgets.pane import Pane

RESULTS = 200  # a longer list is never read; more letters narrow it


class FinderScreen(ModalScreen[str | None]):
    """Dismissed with the chosen symbol (None: closed)."""

    DEFAULT_CSS = """
    FinderScreen { align: center top; }
    FinderScreen > Vertical {
        width: 100; max-width: 100%; height: 80%; margin-top: 2;
        border: round $accent; background: $surface;
    }
    FinderScreen Input { margin: 0 0 1 0; }
    FinderScreen FinderPane { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="finder.close"),
        Binding("down", "move(1)", "Next result", show=False),
        Binding("up", "move(-1)", "Previous result", show=False),
        Binding("pagedown", "move(10)", "Next page", show=False),
        Binding("pageup", "move(-10)", "Previous page", show=False),
        Binding("w", "watch", "Watch / unwatch", show=False),  # the Input takes it as a letter
    ]

    def __init__(
        self,
        stocks: Sequence[StockQuote],
        watched: Container[str],
        toggle_watch: Callable[[str], None],
    ) -> None:
        super().__init__()
        self.search = StockSearch(stocks)
        self.watched = watched
        self.toggle_watch = toggle_watch

    def compose(self) -> ComposeResult:
        box = Vertical()
        box.border_title = "Go to stock"
        box.border_subtitle = "Enter open · ↑↓ choose · Tab then w watch · Esc close"
        with box:
            query = Input(placeholder="symbol or name, e.g. hdfc bank", compact=True)
            query.cursor_blink = False
            yield query
            yield FinderPane(id="results")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._show("")

    @property
    def results(self) -> FinderPane:
        return self.query_one(FinderPane)

    def _show(self, text: str) -> None:
        stocks = self.search.stocks
        found = self.search.find(text, RESULTS)
        rows = [(stocks[i], stocks[i].symbol in self.watched) for i in found]
        self.results.show_results(rows, len(stocks))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.results.action_choose()

    @on(Pane.StockChosen)
    def _chosen(self, message: Pane.StockChosen) -> None:
        message.stop()
        self.dismiss(message.symbol)

    def action_move(self, delta: int) -> None:
        self.results.action_move(delta)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_watch(self) -> None:
        """``w`` in the results list (typed into the box it is a letter)."""
        symbol = self.results.chosen_key
        if symbol is not None:
            self.toggle_watch(symbol)
            self.results.results = [
                (quote, quote.symbol in self.watched) for quote, _ in self.results.results
            ]
            self.results.sync()
