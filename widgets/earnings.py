"""The Earnings pane: results declared today, then upcoming results soonest first; or (``n``)
the segment's corporate announcements, newest first."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.text import Text

from providers.contract import EarningsStatus, Part
from widgets.format import BOLD, clean
from widgets.pane import Column, Pane
from widgets.ratings import when
from widgets.views import AnnouncementRow, EarningsRow, SegmentView


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
    NEWS_COLUMNS = (
        Column("When", 6, align="left"),
        Column("Symbol", 10, align="left"),
        Column("Subject", 20, align="left", flex=True, min_width=12),
        Column("Name", 16, align="left", priority=2),
    )
    WAITING = "waiting for results calendar…"
    news = False  # showing announcements instead of results

    def toggle_news(self) -> None:
        self.news = not self.news
        self.cursor = self.top = 0
        self.sync()

    def title(self) -> str:
        return "Announcements" if self.news else self.TITLE

    def columns(self) -> tuple[Column, ...]:
        return self.NEWS_COLUMNS if self.news else self.COLUMNS

    def table_rows(self) -> Sequence[EarningsRow | AnnouncementRow]:
        """Declared today first, then upcoming (each list keeps its order unless sorted);
        in news mode the announcements, newest first."""
        assert self.view is not None
        if self.news:
            news = self.matching(self.view.announcements, lambda a: (a.symbol, a.name))
            if self.sort_key == "symbol":
                news.sort(key=lambda a: a.symbol)
            return news
        declared = self.matching(self.view.declared, lambda r: (r.symbol, r.name))
        upcoming = self.matching(self.view.upcoming, lambda r: (r.symbol, r.name))
        if self.sort_key == "symbol":
            declared.sort(key=lambda r: r.symbol)
            upcoming.sort(key=lambda r: r.symbol)
        return declared + upcoming

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, EarningsRow | AnnouncementRow)
        return row.symbol

    def reads(self, view: SegmentView) -> object:
        """Both lists and the day (announcements before it show their date)."""
        return view.declared, view.upcoming, view.announcements, view.as_of.date()

    def row_cache_key(self, row: object) -> Hashable:
        if isinstance(row, AnnouncementRow):  # its time shows as a date before today
            assert self.view is not None
            return row, row.at.date() == self.view.as_of.date()
        return row

    def row_cells(self, row: object) -> Sequence[str | Text]:
        if isinstance(row, AnnouncementRow):
            assert self.view is not None
            return (
                when(row.at, self.view.as_of),
                clean(row.symbol),
                clean(row.subject),
                clean(row.name),
            )
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
