"""What the index drill-down shows: the chart of closes with its 50/100/200-day averages over a
chosen range, the index's returns and relative figures, its members' breadth, best and worst
members, and its sector mix — as text lines, built only when the data or the size change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.style import Style
from rich.text import Text

from widgets.chart import braille_lines, linear_rows
from widgets.format import BOLD, DIM, DOWN, UP, clean, pct, price, ratio, since_label
from widgets.views import IndexDetail, MoverRow

#: Ranges the chart can show: label -> sessions back from today.
RANGES: tuple[tuple[str, int], ...] = (("1M", 21), ("6M", 126), ("1Y", 250))
CLOSE_STYLE = Style(bold=True)
MA_STYLES = {50: Style(color="yellow"), 100: Style(color="cyan"), 200: Style(color="magenta")}
AXIS_WIDTH = 10
#: Lines the text needs besides the chart at 80 columns (figures 2, range 1, axis 1, legend
#: 2, members 1, best/worst 4, sectors 2), so the chart takes what the screen has left.
OTHER_LINES = 13
MIN_CHART_HEIGHT = 4
#: Best and worst members listed: fewer on a short screen, so the chart keeps its height.
BEST_WORST_SHOWN = 5
BEST_WORST_SHORT = 3
TALL = 32


def chart_height(screen_height: int) -> int:
    return max(MIN_CHART_HEIGHT, screen_height - OTHER_LINES)


def _window(values: Sequence, sessions: int) -> list:
    return list(values[-(sessions + 1) :])


def _figures(detail: IndexDetail, anchor_index: int, anchor: date | None) -> Text:
    row = detail.row
    text = Text(clean(row.name), style=BOLD).append(f"  {price(row.last)} ")
    text.append_text(pct(row.change_pct))
    since = row.since_pcts[min(anchor_index, len(row.since_pcts) - 1)] if row.since_pcts else None
    for label, value in (("5D", row.change_5d_pct), ("1M", row.change_1m_pct)):
        text.append(f"  {label} ", style=DIM).append_text(pct(value, arrowed=False))
    text.append(f"  {since_label(anchor)} ", style=DIM).append_text(pct(since, arrowed=False))
    if (rel := row.relative) is not None and rel.benchmark != row.name:
        day = "—" if rel.day is None else f"{rel.day:+.1f}"
        text.append(f"  vs {clean(rel.benchmark)} {day} pts today", style=DIM)
    return text


def _legend(detail: IndexDetail) -> Text:
    text = Text("━ close ", style=CLOSE_STYLE).append(price(detail.closes[-1]))
    for n, values in detail.averages:
        latest = values[-1] if values else None
        text.append(f"  ━ {n}DMA ", style=MA_STYLES[n]).append(price(latest))
        if latest is not None:
            above = detail.closes[-1] > latest
            text.append(" ▲" if above else " ▼", style=UP if above else DOWN)
    return text


def _movers(title: str, rows: Sequence[MoverRow], width: int, shown: int) -> list[Text]:
    lines = [Text(title, style=BOLD)]
    for row in rows[:shown]:
        line = Text(f"{clean(row.symbol):<11}").append_text(pct(row.change_pct))
        line.truncate(width, pad=True)
        lines.append(line)
    return lines


def detail_lines(
    detail: IndexDetail,
    width: int,
    height: int,
    range_label: str,
    anchor_index: int = 0,
    anchor: date | None = None,
) -> list[Text]:
    """The whole drill-down at ``width`` x about ``height`` cells."""
    sessions = dict(RANGES)[range_label]
    closes = _window(detail.closes, sessions)
    dates = _window(detail.dates, sessions)
    averages = [(n, _window(values, sessions)) for n, values in detail.averages]
    known = [v for _, values in averages for v in values if v is not None] + closes
    low, high = min(known), max(known)
    rows = chart_height(height)
    chart_width = max(8, width - AXIS_WIDTH)
    series = [(closes, CLOSE_STYLE)] + [(values, MA_STYLES[n]) for n, values in averages]
    chart = braille_lines(series, chart_width, rows, linear_rows(low, high, rows))
    lines = [_figures(detail, anchor_index, anchor)]
    tabs = Text()
    for label, _ in RANGES:
        tabs.append(f" {label} ", style=Style(reverse=True) if label == range_label else DIM)
    tabs.append(f"  {len(closes) - 1} sessions + today", style=DIM)
    lines.append(tabs)
    for y, line in enumerate(chart):
        label = price(high) if y == 0 else price(low) if y == rows - 1 else ""
        lines.append(Text(f"{label:>{AXIS_WIDTH - 1}} ", style=DIM).append_text(line))
    axis = f"{dates[0]:%d %b %Y}"
    end = f"{dates[-1]:%d %b %Y}"
    lines.append(
        Text(" " * AXIS_WIDTH + axis + " " * max(1, chart_width - len(axis) - len(end)) + end,
             style=DIM)
    )  # fmt: skip
    lines.append(_legend(detail))
    breadth = Text("Members ", style=BOLD)
    if detail.advances is None or detail.declines is None:
        breadth.append("breadth not known", style=DIM)
    else:
        breadth.append(f"▲ {detail.advances}", style=UP).append("  ")
        breadth.append(f"▼ {detail.declines}", style=DOWN).append("  ")
        breadth.append(f"= {detail.unchanged or 0}", style=DIM)
        moved = detail.advances or detail.declines
        breadth.append(
            f"  A/D {ratio(detail.advances / max(detail.declines, 1) if moved else None)}"
        )
    lines.append(breadth)
    half = max(10, width // 2)
    shown = BEST_WORST_SHOWN if height >= TALL else BEST_WORST_SHORT
    best = _movers("Best today", detail.best, half, shown)
    worst = _movers("Worst today", detail.worst, half, shown)
    for i in range(max(len(best), len(worst))):
        left = best[i] if i < len(best) else Text(" " * half)
        left = left.copy()
        left.truncate(half, pad=True)
        lines.append(left.append_text(worst[i] if i < len(worst) else Text()))
    mix = Text("Sector mix ", style=BOLD).append("(weight, day) ", style=DIM)
    for share in detail.sectors:
        mix.append(f"{clean(share.sector)} {share.weight_pct:.0f}% ")
        mix.append_text(pct(share.change_pct, arrowed=False, decimals=1)).append("  ")
    if not detail.sectors:
        mix.append("members not known", style=DIM)
    lines.append(mix)
    return lines
