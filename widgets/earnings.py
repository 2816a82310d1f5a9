"""The Earnings pane: results declared today, then upcoming results soonest first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from providers.contract import EarningsStatus, Part
from widgets.format import BOLD, clean
from widgets.pane import Column, Pane
from widgets.views import EarningsRow


def days_to_go(row: EarningsRow) -> Text:
    if row.days_to_go == 0:
        return Text("today", style=BOLD)
    if row.days_to_go < 0:
        return Text(f"{-row.days_to_go}d ago")
    return Text(f"in {row.days_to_go}d")


class EarningsPane(Pane):
    TITLE = "Earnings"
    PART = Part.EARNINGS
    SORTS = ("date", "symbol")
    COLUMNS = (
        Column("", 4, align="left"),
        Column("Date", 6, align="left"),
        Column("In", 6),
        Column("Symbol", 10, align="left"),
        Column("Name", 16, align="left", flex=True, priority=2),
        Column("Purpose", 18, align="left", priority=3),
    )
    WAITING = "waiting for results calendar…"

    def table_rows(self) -> Sequence[EarningsRow]:
        """Declared today first, then upcoming (each list keeps its order unless sorted)."""
        assert self.view is not None
        declared = [r for r in self.view.declared if self.matches(r.symbol, r.name)]
        upcoming = [r for r in self.view.upcoming if self.matches(r.symbol, r.name)]
        if self.sort_key == "symbol":
            declared.sort(key=lambda r: r.symbol)
            upcoming.sort(key=lambda r: r.symbol)
        return declared + upcoming

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, EarningsRow)
        return row.symbol

    def row_cells(self, row: object) -> Sequence[str | Text]:
        assert isinstance(row, EarningsRow)
        declared = row.status == EarningsStatus.DECLARED
        return (
            Text("done", style=BOLD) if declared else "next",
            row.date.strftime("%d %b"),
            days_to_go(row),
            clean(row.symbol),
            clean(row.name),
            clean(row.purpose),
        )
