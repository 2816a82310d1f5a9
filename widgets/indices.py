"""The Indices pane: each index of the segment with its returns, its returns relative to the
benchmark (``R`` columns, percentage points), moving-average marks and its call. The since
column's header carries its date ("Since 07 Apr"; ``a`` cycles the configured dates), and
Enter opens the index (chart, breadth, members, sector mix)."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec.structs import replace
from rich.text import Text
from textual.message import Message

from widgets.format import BOLD, DIM, DOWN, MISSING, UP, clean, pct, price, since_label
from widgets.pane import Cell, Column, Pane
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


def _at(values: Sequence[float | None], index: int) -> float | None:
    return values[min(index, len(values) - 1)] if values else None


SINCE = Column("Since", 12, priority=3)


def points(value: float | None) -> Text:
    """A relative figure in percentage points: ``+1.2`` (one decimal, no % sign)."""
    if value is None:
        return Text(MISSING, style=DIM)
    shown = round(value, 1) or 0.0
    return Text(f"{shown:+.1f}", style=UP if shown > 0 else DOWN if shown < 0 else "")


class IndicesPane(Pane):
    TITLE = "Indices"
    SORTS = ("order", "day")
    NO_WATCHED = None  # the Watch view shows every index: the market around your stocks

    class IndexChosen(Message):
        """Enter (or a double click) on an index row."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    COLUMNS = (
        Column("Index", 18, align="left", flex=True),
        Column("Last", 9),
        Column("Day", 7),
        Column("5D", 6, priority=2),
        Column("1M", 6, priority=4),
        SINCE,
        Column("RDay", 6, priority=5),
        Column("R5D", 6, priority=8),
        Column("R1M", 6, priority=9),
        Column("RSince", 6, priority=7),
        Column("YTD", 6, priority=10),
        Column("MA", 3, align="left", priority=6),
        Column("Cross", 9, align="left", priority=11),
        Column("52wH", 6, priority=12),
        Column("Call", 14, align="left", priority=13),
    )

    def columns(self) -> tuple[Column, ...]:
        """``Since 07 Apr``: the header says which date the column counts from."""
        label = since_label(self.anchor_date())
        return tuple(
            replace(c, title=label, width=max(6, len(label))) if c is SINCE else c
            for c in self.COLUMNS
        )

    def table_rows(self) -> Sequence[IndexRow]:
        assert self.view is not None
        rows = self.matching(self.view.indices, lambda r: (r.name,))
        if self.sort_key == "day":
            rows.sort(key=lambda r: -(r.change_pct if r.change_pct is not None else -1e9))
        return rows

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, IndexRow)
        return row.name

    def action_choose(self) -> None:
        if (name := self.chosen_key) is not None:
            self.post_message(self.IndexChosen(name))

    def row_cells(self, row: object) -> Sequence[Cell]:
        assert isinstance(row, IndexRow)
        since = _at(row.since_pcts, self.anchor_index) if row.since_pcts else row.since_anchor_pct
        rel = row.relative
        anchor = self.anchor_index
        return (  # the columns a narrow pane drops are made only when shown
            clean(row.name),
            price(row.last),
            pct(row.change_pct),
            lambda: pct(row.change_5d_pct, arrowed=False),
            lambda: pct(row.change_1m_pct, arrowed=False),
            lambda: pct(since, arrowed=False),
            lambda: points(rel.day if rel else row.relative_pct),
            lambda: points(rel.five_day if rel else None),
            lambda: points(rel.one_month if rel else None),
            lambda: points(_at(rel.since, anchor) if rel else None),
            lambda: pct(row.change_ytd_pct, arrowed=False),
            lambda: ma_marks(row),
            lambda: crossings(row),
            lambda: pct(row.from_52w_high_pct, arrowed=False, decimals=1),
            lambda: clean(row.call) if row.call else MISSING,
        )

    def subtitle(self) -> str:
        words = [super().subtitle()]
        rows = self.view.indices if self.view is not None else ()
        benchmark = next((r.relative.benchmark for r in rows if r.relative), None)
        if benchmark:
            words.append(f"R = pts vs {clean(benchmark)}")
        if self.view is not None and self.view.rank_today is not None:
            words.append(
                "★ best today" if self.view.rank_today == 1 else f"#{self.view.rank_today} today"
            )
        return " ".join(w for w in words if w)
