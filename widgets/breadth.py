"""The Breadth pane: advances against declines, as counts, a ratio, a bar and the day's trend."""

from __future__ import annotations

from rich.text import Text

from widgets.format import DIM, DOWN, UP, ratio, resample, sparkline, split_bar
from widgets.pane import Lines, Pane

#: Advances, declines, unchanged: told apart by shape when there is no colour (NO_COLOR).
NO_COLOUR_FILLS = ("█", "░", "·")


class BreadthPane(Pane):
    TITLE = "Breadth"
    SELECTABLE = False

    def build_lines(self, width: int) -> Lines:
        assert self.view is not None
        b = self.view.breadth
        counts = Text()
        counts.append(f"▲ {b.advances} adv", style=UP)
        counts.append("  ")
        counts.append(f"▼ {b.declines} dec", style=DOWN)
        counts.append("  ")
        counts.append(f"= {b.unchanged} unch", style=DIM)
        share = "" if b.pct_advancing is None else f"  {b.pct_advancing:.1f}% advancing"
        summary = Text(f"A/D {ratio(b.ad_ratio)}{share}")
        parts = ((b.advances, UP), (b.declines, DOWN), (b.unchanged, DIM))
        bar = split_bar(parts, width, fills=NO_COLOUR_FILLS if self.app.no_color else ())
        trend = Text("A/D today ", style=DIM)
        points = resample(b.ratio_series, max(0, width - trend.cell_len))
        trend.append(sparkline(points, len(points)))
        return Lines.of([counts, summary, bar, trend])
