"""The Ratings pane: analyst upgrades/downgrades and technical-call changes, newest first.

Which changes it lists is the reader's choice (``cycle_kind``, the ``k`` key): all, analyst
only, technical only, or upgrades only (either kind); the title says which."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime, timedelta

from rich.text import Text

from providers.contract import RatingKind
from widgets.format import BOLD, DIM, DOWN, UP, clean
from widgets.pane import Column, Lines, Pane, fit_columns
from widgets.views import EventRow, SegmentView

#: An event this much older than the data (``view.as_of``) or less is marked new (●).
NEW_WITHIN = timedelta(minutes=15)


def when(at: datetime, now: datetime) -> str:
    """``14:05`` for today, ``18 Nov`` before."""
    return at.strftime("%H:%M") if at.date() == now.date() else at.strftime("%d %b")


#: Short forms for narrow panes; the full scale words otherwise.
SHORT = {
    "Strong Sell": "S.Sell",
    "Strong Buy": "S.Buy",
    "Mildly Bullish": "M.Bull",
    "Mildly Bearish": "M.Bear",
    "Bullish": "Bull",
    "Bearish": "Bear",
    "Sideways": "Side",
}


def change(event: EventRow, *, short: bool = False) -> Text:
    """``Hold → Buy ▲`` (``short``: ``S.Sell→Sell ▲``): the change and its direction."""

    def word(rating: str) -> str:
        return clean(SHORT.get(rating, rating) if short else rating)

    text = Text()
    if event.from_rating is None:
        text.append("new ", style=DIM)
    else:
        text.append(word(event.from_rating) + ("→" if short else " → "))
    text.append(word(event.to_rating), style=BOLD)
    if event.direction:
        text.append(
            " ▲" if event.direction > 0 else " ▼", style=UP if event.direction > 0 else DOWN
        )
    return text


CHANGE = Column("Change", 24, align="left", flex=True, min_width=14)


#: What ``cycle_kind`` steps through: (title word, test of a row).
KINDS: tuple[tuple[str, Callable[[EventRow], bool]], ...] = (
    ("All", lambda row: True),
    ("Analyst", lambda row: row.kind == RatingKind.ANALYST),
    ("Technical", lambda row: row.kind == RatingKind.TECHNICAL),
    ("Upgrades", lambda row: row.direction > 0),
)


class RatingsPane(Pane):
    TITLE = "Ratings"
    SORTS = ("time", "symbol", "kind")
    kind_index = 0
    COLUMNS = (
        Column("", 1, align="left"),
        Column("When", 6, align="left"),
        Column("Symbol", 10, align="left"),
        Column("", 1, align="left"),
        CHANGE,
        Column("Source", 12, align="left", priority=2),
        Column("Name", 18, align="left", priority=3),
    )
    WAITING = "waiting for ratings…"
    _short = False

    def build_lines(self, width: int) -> Lines:
        self._short = fit_columns(self.COLUMNS, width)[self.COLUMNS.index(CHANGE)] < 24
        return super().build_lines(width)

    @property
    def kind(self) -> str:
        return KINDS[self.kind_index][0]

    def cycle_kind(self) -> None:
        """All -> Analyst -> Technical -> Upgrades -> All; the title names the choice."""
        self.kind_index = (self.kind_index + 1) % len(KINDS)
        self.cursor = self.top = 0
        self.sync()

    def title(self) -> str:
        return self.TITLE if self.kind_index == 0 else f"{self.TITLE} · {self.kind}"

    def table_rows(self) -> Sequence[EventRow]:
        assert self.view is not None
        wanted = KINDS[self.kind_index][1]
        events = [e for e in self.view.events if wanted(e)] if self.kind_index else self.view.events
        rows = self.matching(events, lambda e: (e.symbol, e.name))
        if self.sort_key == "symbol":
            rows.sort(key=lambda e: e.symbol)
        elif self.sort_key == "kind":
            rows.sort(key=lambda e: e.kind != RatingKind.ANALYST)
        return rows

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, EventRow)
        return row.symbol

    def reads(self, view: SegmentView) -> object:
        """The events, which of them are new (●) and the day (times before it show a date)."""
        since = view.as_of - NEW_WITHIN  # as row_cells tells new ones, one subtraction in all
        return view.events, view.as_of.date(), [event.at >= since for event in view.events]

    def row_cache_key(self, row: object) -> Hashable:
        assert isinstance(row, EventRow) and self.view is not None
        now = self.view.as_of
        return row, now - row.at <= NEW_WITHIN, row.at.date() == now.date(), self._short

    def row_cells(self, row: object) -> Sequence[str | Text]:
        assert isinstance(row, EventRow) and self.view is not None
        now = self.view.as_of
        return (
            Text("●", style=BOLD) if now - row.at <= NEW_WITHIN else "",
            when(row.at, now),
            clean(row.symbol),
            "A" if row.kind == RatingKind.ANALYST else "T",
            change(row, short=self._short),
            clean(row.source),
            clean(row.name),
        )
