"""Number and text formatting shared by the panes.

Direction is always spelled out with ▲/▼ and a sign as well as colour, so the monitor reads the
same in 16 colours, in monochrome and with NO_COLOR. Text from data sources (company names,
sectors) goes through :func:`clean` and into ``rich.text.Text`` as plain text, never as markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

UP = Style(color="green")
DOWN = Style(color="red")
DIM = Style(dim=True)
BOLD = Style(bold=True)
#: Shown wherever a value is not known (``None``), never a made-up zero.
MISSING = "—"

_SPARK_BARS = "▁▂▃▄▅▆▇█"
_CONTROL = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0))}


def clean(value: str) -> str:
    """Data text made safe for one terminal line: control codes (ESC, newlines) become spaces."""
    return value.translate(_CONTROL)


def direction_style(value: float | None) -> Style:
    if value is None or value == 0:
        return Style()
    return UP if value > 0 else DOWN


def arrow(value: float | None) -> str:
    if value is None or value == 0:
        return " "
    return "▲" if value > 0 else "▼"


def pct(value: float | None, *, arrowed: bool = True, decimals: int = 2) -> Text:
    """A signed percentage, e.g. ``▲+1.25%``; ``—`` when unknown. One decimal fewer from 10%
    up and none from 100%, so a column of them keeps its width (``▲+12.5%``, ``▲+222%``)."""
    if value is None or math.isnan(value):
        return Text(MISSING, style=DIM)
    if abs(value) >= 99.95:
        decimals = 0  # ▲+222%: a column keeps its width
    elif abs(value) >= 9.995 and decimals > 1:
        decimals -= 1
    shown = round(value, decimals) or 0.0  # -0.001 shows as +0.00%, not -0.00%
    body = f"{shown:+.{decimals}f}%"
    if arrowed:
        body = arrow(shown) + body
    return Text(body, style=direction_style(shown))


def since_label(day: date | None) -> str:
    """``Since 07 Apr`` (``Since`` alone before the date is known)."""
    return "Since" if day is None else f"Since {day:%d %b}"


def crore(value: float | None) -> str:
    """Rupees crore, signed and short: ``+1,361``, ``-12.3k`` (thousand crore)."""
    if value is None or math.isnan(value):
        return MISSING
    if abs(value) >= 10_000:
        return f"{value / 1000:+.1f}k"
    return f"{value:+,.0f}"


def price(value: float | None) -> str:
    """A price or index level with thousands separators and two decimals."""
    if value is None or math.isnan(value):
        return MISSING
    return f"{value:,.2f}"


def volume(value: int | None) -> str:
    """Traded volume in Indian units: K (thousand), L (lakh), Cr (crore)."""
    if value is None:
        return MISSING
    for size, suffix in ((10_000_000, "Cr"), (100_000, "L"), (1_000, "K")):
        if value >= size:
            return f"{value / size:.1f}{suffix}"
    return str(value)


def ratio(value: float | None) -> str:
    if value is None or math.isnan(value):
        return MISSING
    if math.isinf(value):
        return "∞"
    return f"{value:.2f}x"


def sparkline(values: Sequence[float], width: int) -> str:
    """The last ``width`` values (or all, if fewer) as block characters, scaled to their range."""
    points = [v for v in values[-width:] if not math.isnan(v)] if width > 0 else []
    if not points:
        return ""
    low, high = min(points), max(points)
    span = high - low
    top = len(_SPARK_BARS) - 1
    if span == 0:
        return _SPARK_BARS[top // 2] * len(points)
    return "".join(_SPARK_BARS[round((v - low) / span * top)] for v in points)


def resample(values: Sequence[float], width: int) -> list[float]:
    """Shrink a series to at most ``width`` points by taking evenly spaced ones (keeps the last)."""
    if width <= 0:
        return []
    if len(values) <= width:
        return list(values)
    step = (len(values) - 1) / (width - 1) if width > 1 else 0
    return [values[round(i * step)] for i in range(width)] if width > 1 else [values[-1]]


def split_bar(
    parts: Sequence[tuple[int, Style]], width: int, char: str = "█", fills: Sequence[str] = ()
) -> Text:
    """A horizontal bar of ``width`` cells divided in proportion to ``parts``, each drawn
    with ``char`` or its own character from ``fills`` (told apart without colour)."""
    total = sum(count for count, _ in parts)
    bar = Text()
    if total <= 0 or width <= 0:
        return bar
    used = 0
    for index, (count, style) in enumerate(parts):
        cells = width - used if index == len(parts) - 1 else round(count / total * width)
        cells = max(0, min(cells, width - used))
        bar.append((fills[index] if fills else char) * cells, style=style)
        used += cells
    return bar


def fit(text: str | Text, width: int, *, align: str = "left") -> str | Text:
    """``text`` cut (with …) or padded to exactly ``width`` terminal cells; a ``str`` stays a
    ``str`` (the common case, and several times cheaper than a ``Text``)."""
    if width <= 0:
        return ""
    if isinstance(text, str):
        length = cell_len(text)
        if length > width:
            return set_cell_size(text, width - 1) + "…"
        pad = " " * (width - length)
        return pad + text if align == "right" else text + pad
    text = text.copy()
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    elif align == "right" and text.cell_len < width:
        text = Text(" " * (width - text.cell_len)) + text
    text.truncate(width, pad=True)
    return text
