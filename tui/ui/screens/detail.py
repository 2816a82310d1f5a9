"""The drill-down for one stock: price history, ranges, sector, calls, ratings, results."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from widgets.format import BOLD, DIM, clean, pct, price, resample, sparkline
from widgets.ratings import change
from widgets.views import StockDetail

RANGE_WIDTH = 30


def range_bar(low: float | None, high: float | None, value: float | None) -> Text:
    """``low ━━━●━━ high``: where ``value`` sits between ``low`` and ``high``."""
    if low is None or high is None or value is None or high < low:
        return Text("—", style=DIM)
    span = high - low
    at = 0 if span == 0 else round((value - low) / span * (RANGE_WIDTH - 1))
    at = max(0, min(RANGE_WIDTH - 1, at))
    bar = Text(f"{price(low)} ")
    bar.append("━" * at, style=DIM).append("●", style=BOLD)
    bar.append("━" * (RANGE_WIDTH - 1 - at), style=DIM)
    return bar.append(f" {price(high)}")


def detail_text(detail: StockDetail, width: int = 100, *, watched: bool = False) -> Text:
    """The whole drill-down as one text (rebuilt on every refresh, drawn only if it changed)."""
    out = Text()
    if watched:
        out.append("★ ", style=BOLD)
    out.append(clean(detail.symbol), style=BOLD).append("  " + clean(detail.name))
    out.append(f"   {clean(detail.sector)} · {detail.segment.value} cap\n", style=DIM)
    out.append(f"Last {price(detail.last)}  ").append_text(pct(detail.change_pct))
    out.append(f"   prev close {price(detail.prev_close)}\n\n", style=DIM)
    out.append("Day range  ").append_text(range_bar(detail.day_low, detail.day_high, detail.last))
    out.append("\n52 weeks   ")
    out.append_text(range_bar(detail.year_low, detail.year_high, detail.last))
    out.append("\n\n")
    closes = detail.closes
    if closes:
        out.append(f"Closes, last {len(closes)} sessions", style=BOLD)
        out.append(f"  (low {price(min(closes))} · high {price(max(closes))})\n", style=DIM)
        out.append(sparkline(resample(closes, width), width) + "\n\n")
    out.append("Technical calls\n", style=BOLD)
    for day, call in detail.calls[-8:][::-1] or ():
        out.append(f"  {day:%d %b %Y}  {clean(call)}\n")
    if not detail.calls:
        out.append("  none known\n", style=DIM)
    out.append("\nRating changes\n", style=BOLD)
    for event in detail.ratings[:8]:
        out.append(f"  {event.at:%d %b %H:%M}  ").append_text(change(event))
        out.append(f"  {clean(event.source)}\n", style=DIM)
    if not detail.ratings:
        out.append("  none known\n", style=DIM)
    out.append("\nNext results\n", style=BOLD)
    if (results := detail.next_earnings) is not None:
        days = "today" if results.days_to_go == 0 else f"in {results.days_to_go}d"
        out.append(f"  {results.date:%d %b %Y} ({days})  {clean(results.purpose)}\n")
    else:
        out.append("  none announced\n", style=DIM)
    return out


class DetailScreen(Screen[None]):
    DEFAULT_CSS = """
    DetailScreen > VerticalScroll { border: round $accent; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="detail.back"),
        Binding("w", "watch", "Add to / remove from the watchlist", id="detail.watch"),
    ]

    def __init__(
        self,
        symbol: str,
        detail: StockDetail | None,
        *,
        watched: bool = False,
        toggle_watch: Callable[[str], None] | None = None,
    ) -> None:
        """``toggle_watch(symbol)`` is what ``w`` calls (the app's watchlist edit)."""
        super().__init__()
        self.symbol = symbol
        self.detail = detail
        self.watched = watched
        self.toggle_watch = toggle_watch

    def compose(self) -> ComposeResult:
        box = VerticalScroll()
        box.border_title = clean(self.symbol)
        box.border_subtitle = "w watch · Esc back"
        with box:
            yield Static(self._text(), id="detail")

    def _text(self) -> Text:
        if self.detail is None:
            return Text(f"No details for {clean(self.symbol)} yet.  Esc goes back.")
        return detail_text(self.detail, max(20, self.app.size.width - 6), watched=self.watched)

    def action_watch(self) -> None:
        if self.toggle_watch is not None:
            self.toggle_watch(self.symbol)

    def set_watched(self, watched: bool) -> None:
        """Redraw the ★ after ``w``."""
        if watched != self.watched:
            self.watched = watched
            self.query_one("#detail", Static).update(self._text())

    def show(self, detail: StockDetail | None) -> None:
        """Redraw with the latest data, only if anything on the screen changed."""
        if detail != self.detail:
            self.detail = detail
            self.query_one("#detail", Static).update(self._text())
