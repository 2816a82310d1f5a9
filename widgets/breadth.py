"""The Breadth pane: advances against declines — counts, ratio, the day's A/D chart on a stated
scale with its 1.0 line and the day's range — then today's breakouts, RSI extremes and the
institutional flows. Enter (or ``b``) opens the lists behind the counts."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.message import Message

from widgets.chart import AD_SCALE, braille_lines, ratio_rows
from widgets.format import BOLD, DIM, DOWN, UP, crore, ratio, split_bar
from widgets.pane import Lines, Pane
from widgets.views import BreadthView, FlowsView, SegmentView

CHART_HEIGHT = 2
_TOP, _BOTTOM = f"{AD_SCALE:g}x", "¼x"


def ad_chart(b: BreadthView, width: int) -> list[Text]:
    """Two lines of braille: the day's A/D ratio on a log scale from 4x (top) to ¼x
    (bottom), with a dotted 1.0 line across the middle; labels on the left."""
    label_width = 4
    chart = braille_lines(
        [(b.ratio_series, UP)],
        max(1, width - label_width),
        CHART_HEIGHT,
        ratio_rows(CHART_HEIGHT),
        reference_row=ratio_rows(CHART_HEIGHT)(1.0),
    )
    top, bottom = chart
    return [
        Text(f"{_TOP:>3} ", style=DIM).append_text(top),
        Text(f"{_BOTTOM:>3} ", style=DIM).append_text(bottom),
    ]


def signal_counts(view: SegmentView, signals: tuple[str, ...], short: bool = False) -> Text:
    """``↑50DMA 41 ↓50DMA 12 52wH 9``: rises green, falls red (``short``: ``↑100 5``)."""
    text = Text()
    for signal in signals:
        if text:
            text.append(" ")
        rising = signal.startswith("↑") or signal == "52wH"
        text.append(signal.removesuffix("DMA") if short else signal, style=UP if rising else DOWN)
        text.append(f" {view.signal_count(signal)}", style=BOLD)
    return text


def flows_lines(flows: FlowsView) -> list[Text]:
    """``FII -2,408 DII +1,361 cr 26 May`` and ``May FII -12.3k DII +9.8k cr (18d)``."""
    day, month = Text(), Text(f"{flows.day:%b} ", style=DIM)
    for label, value in (("FII", flows.fii_net), ("DII", flows.dii_net)):
        day.append(f"{label} ").append(crore(value), style=_side(value)).append(" ")
    day.append(f"cr {flows.day:%d %b}", style=DIM)
    for label, value in (("FII", flows.month_fii_net), ("DII", flows.month_dii_net)):
        month.append(f"{label} ").append(crore(value), style=_side(value)).append(" ")
    month.append(f"cr ({flows.month_days}d)", style=DIM)
    return [day, month]


def _side(value: float | None) -> Style:
    return UP if value is not None and value > 0 else DOWN if value else DIM


#: Advances, declines, unchanged: told apart by shape when there is no colour (NO_COLOR).
NO_COLOUR_FILLS = ("█", "░", "·")


class BreadthPane(Pane):
    TITLE = "Breadth"
    SELECTABLE = False

    class ListsWanted(Message):
        """Enter on the pane: show the breakout and RSI lists behind its counts."""

    def action_choose(self) -> None:
        self.post_message(self.ListsWanted())

    def build_lines(self, width: int) -> Lines:
        assert self.view is not None
        view: SegmentView = self.view
        b = view.breadth
        counts = Text()
        counts.append(f"▲ {b.advances} adv", style=UP)
        counts.append("  ")
        counts.append(f"▼ {b.declines} dec", style=DOWN)
        counts.append("  ")
        counts.append(f"= {b.unchanged} unch", style=DIM)
        summary = Text(f"A/D {ratio(b.ad_ratio)}")
        if b.pct_advancing is not None:
            summary.append(f"  {b.pct_advancing:.1f}% adv")
        if b.ratio_series:
            low, high = min(b.ratio_series), max(b.ratio_series)
            summary.append(f"  day {low:.2f}–{high:.2f}x", style=DIM)
        legend = Text("    A/D today, log scale · ⠁⠁⠁ 1.0", style=DIM)
        lines = [counts, summary, *ad_chart(b, width), legend]
        lines.append(signal_counts(view, ("↑50DMA", "↓50DMA", "52wH", "52wL")))
        lines.append(signal_counts(view, ("↑100DMA", "↓100DMA", "↑200DMA", "↓200DMA"), short=True))
        lines.append(
            Text("RSI14 ")
            .append("≤30 ", style=DOWN)
            .append(str(view.signal_count("Oversold")), style=BOLD)
            .append("  ≥70 ", style=UP)
            .append(str(view.signal_count("Overbought")), style=BOLD)
            .append("  Enter: lists", style=DIM)
        )
        if view.flows is not None:
            lines.extend(flows_lines(view.flows))
        parts = ((b.advances, UP), (b.declines, DOWN), (b.unchanged, DIM))
        lines.append(split_bar(parts, width, fills=NO_COLOUR_FILLS if self.app.no_color else ()))
        return Lines.of(lines)
