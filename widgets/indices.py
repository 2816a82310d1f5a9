"""The Indices pane: each index of the segment with its returns and moving-average marks."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from widgets.format import BOLD, DIM, DOWN, MISSING, UP, clean, pct, price
from widgets.pane import Column, Pane
from widgets.views import IndexRow


def ma_marks(row: IndexRow) -> Text:
    """▲/▼ per 50-, 100- and 200-day moving average (· when unknown)."""
    marks = Text()
    for above in row.above_ma:
        if above is None:
            marks.append("·", style=DIM)
        else:
            marks.append("▲" if above else "▼", style=UP if above else DOWN)
    return marks


def crossings(row: IndexRow) -> Text:
    """Moving averages crossed today: ``↑50`` broke out above the 50-day, ``↓200`` fell below."""
    text = Text()
    for length in row.crossed_today:
        if text:
            text.append(" ")
        text.append(f"{'↑' if length > 0 else '↓'}{abs(length)}", style=BOLD)
    return text


class IndicesPane(Pane):
    TITLE = "Indices"
    SORTS = ("order", "day")
    SELECTABLE = False
    NO_WATCHED = None  # the Watch view shows every index: the market around your stocks
    COLUMNS = (
        Column("Index", 18, align="left", flex=True),
        Column("Last", 9),
        Column("Day", 7),
        Column("5D", 6, priority=2),
        Column("1M", 6, priority=3),
        Column("YTD", 6, priority=4),
        Column("Since", 6, priority=5),
        Column("MA", 3, align="left", priority=6),
        Column("Cross", 9, align="left", priority=7),
        Column("52wH", 6, priority=8),
        Column("Rel", 6, priority=9),
        Column("Call", 14, align="left", priority=10),
    )

    def table_rows(self) -> Sequence[IndexRow]:
        assert self.view is not None
        rows = [r for r in self.view.indices if self.matches(r.name)]
        if self.sort_key == "day":
            rows.sort(key=lambda r: -(r.change_pct if r.change_pct is not None else -1e9))
        return rows

    def row_cells(self, row: object) -> Sequence[str | Text]:
        assert isinstance(row, IndexRow)
        return (
            clean(row.name),
            price(row.last),
            pct(row.change_pct),
            pct(row.change_5d_pct, arrowed=False),
            pct(row.change_1m_pct, arrowed=False),
            pct(row.change_ytd_pct, arrowed=False),
            pct(row.since_anchor_pct, arrowed=False),
            ma_marks(row),
            crossings(row),
            pct(row.from_52w_high_pct, arrowed=False, decimals=1),
            pct(row.relative_pct, arrowed=False),
            clean(row.call) if row.call else MISSING,
        )

    def subtitle(self) -> str:
        words = [super().subtitle()]
        if self.view is not None and self.view.rank_today is not None:
            words.append(
                "★ best today" if self.view.rank_today == 1 else f"#{self.view.rank_today} today"
            )
        return " ".join(w for w in words if w)
