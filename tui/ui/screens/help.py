"""The help screen: every key and what it does (built from the app's bindings), then every
symbol the panes draw and what it means."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from widgets.format import clean


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    HelpScreen #error { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1", "app.pop_screen", "Close help", id="help.close"),
    ]

    def __init__(
        self,
        rows: list[tuple[str, str]],
        symbols: list[tuple[str, str]] | None = None,
        error: str | None = None,
    ) -> None:
        """``error``: the last error in full (the status bar cuts a long one to fit)."""
        super().__init__()
        self.rows = rows
        self.symbols = symbols or []
        self.error = error

    @staticmethod
    def _table(rows: list[tuple[str, str]]) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in rows:
            table.add_row(keys, what)
        return table

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()  # ↑/↓/End scroll down to the symbols

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll()
        scroll.border_title = "Keys and symbols"
        scroll.border_subtitle = "↑/↓ scroll · Esc closes"
        with scroll:
            if self.error:
                yield Static(Text.assemble(("Last error: ", "bold"), clean(self.error)), id="error")
            yield Static(self._table(self.rows))
            if self.symbols:
                yield Static("\nSymbols", classes="heading")
                yield Static(self._table(self.symbols))
