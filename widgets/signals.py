"""The signal lists behind the Breadth pane's counts: today's moving-average breakouts and
breakdowns, new 52-week highs and lows, and the RSI(14) extremes, one list at a time."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from widgets.format import DIM, MISSING, clean, pct, price
from widgets.pane import Column, Pane
from widgets.views import SIGNAL_LISTS, SignalRow

EXPLAINED = {
    "Oversold": "RSI(14) at or below 30",
    "Overbought": "RSI(14) at or above 70",
    "52wH": "above the highest close of 52 weeks",
    "52wL": "below the lowest close of 52 weeks",
}


def explain(name: str) -> str:
    """One line on what a list holds."""
    if name in EXPLAINED:
        return EXPLAINED[name]
    days = name.strip("↑↓").removesuffix("DMA")
    side = "above" if name.startswith("↑") else "below"
    return f"crossed {side} the {days}-day average today"


def _ratio(value: float | None) -> Text:
    return Text(MISSING, style=DIM) if value is None else Text(f"{value:.1f}×")


class SignalsPane(Pane):
    TITLE = "Signals"
    SORTS = ("change", "RSI", "volume")
    COLUMNS = (
        Column("Symbol", 10, align="left"),
        Column("Name", 16, align="left", flex=True, priority=3),
        Column("Last", 9),
        Column("Chg", 7),
        Column("RSI", 5),
        Column("Vol/avg", 7, priority=2),
        Column("Sector", 14, align="left", priority=4),
    )
    WAITING = "waiting for data…"
    list_index = 0

    @property
    def list_name(self) -> str:
        return SIGNAL_LISTS[self.list_index]

    def step_list(self, step: int) -> None:
        self.list_index = (self.list_index + step) % len(SIGNAL_LISTS)
        self.cursor = self.top = 0
        self.sync()

    def has_content(self) -> bool:
        """A view with its lists (a feed viewer asks for them as the screen opens)."""
        return self.view is not None and self.view.signal_lists

    def title(self) -> str:
        if self.view is None:
            return self.TITLE
        segment = self.view.segment.value.title()
        name = self.list_name
        return f"{segment} · {name} {self.view.signal_count(name)} · {explain(name)}"

    def subtitle(self) -> str:
        return f"{super().subtitle()} · ←/→ list · s sort · Enter stock · Esc back"

    def table_rows(self) -> Sequence[SignalRow]:
        assert self.view is not None
        rows = self.matching(self.view.signal_rows(self.list_name), lambda r: (r.symbol, r.name))
        if self.sort_key == "RSI":
            rows.sort(key=lambda r: r.rsi if r.rsi is not None else 1e9)
        elif self.sort_key == "volume":
            rows.sort(key=lambda r: -(r.volume_ratio or 0.0))
        return rows

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, SignalRow)
        return row.symbol

    def row_cells(self, row: object) -> Sequence[str | Text]:
        assert isinstance(row, SignalRow)
        return (
            clean(row.symbol),
            clean(row.name),
            price(row.last),
            pct(row.change_pct),
            MISSING if row.rsi is None else f"{row.rsi:.0f}",
            _ratio(row.volume_ratio),
            clean(row.sector),
        )
