"""The go-to-any-stock results: the stocks matching what the user typed, best first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from providers.contract import StockQuote
from widgets.format import BOLD, DIM, clean, pct, price
from widgets.pane import Column, Lines, Pane


class FinderPane(Pane):
    """Rows are (quote, watched) pairs, set by ``show_results``; ★ marks a watched stock."""

    TITLE = "Stocks"
    NO_WATCHED = None
    CELL_DIFF = False
    COLUMNS = (
        Column("", 1, align="left"),
        Column("Symbol", 12, align="left"),
        Column("Name", 20, align="left", flex=True, min_width=12),
        Column("Cap", 5, align="left", priority=2),
        Column("Last", 9),
        Column("Chg", 8, priority=1),
        Column("Sector", 16, align="left", priority=3),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.results: Sequence[tuple[StockQuote, bool]] = ()
        self.total = 0

    def show_results(self, results: Sequence[tuple[StockQuote, bool]], total: int) -> None:
        """``results`` best first; ``total`` is how many stocks there are to search."""
        self.results = results
        self.total = total
        self.cursor = self.top = 0
        self.sync()

    def has_content(self) -> bool:
        return True

    def shows_cursor(self) -> bool:
        """Always: Enter in the search box opens the highlighted stock."""
        return True

    def build_lines(self, width: int) -> Lines:
        if not self.results:
            return Lines.of([Text("No stock matches: try fewer letters.", style=DIM)])
        return super().build_lines(width)

    def table_rows(self) -> Sequence[tuple[StockQuote, bool]]:
        return self.results

    def row_key(self, row: object) -> str | None:
        return row[0].symbol  # type: ignore[index]

    def row_cells(self, row: object) -> Sequence[str | Text]:
        quote, watched = row  # type: ignore[misc]
        return (
            Text("★", style=BOLD) if watched else "",
            clean(quote.symbol),
            clean(quote.name),
            quote.segment.value,
            price(quote.last),
            pct(quote.change_pct),
            clean(quote.sector),
        )

    def subtitle(self) -> str:
        return f"{len(self.results)} shown of {self.total}" if self.total else ""
