"""Line charts in braille cells: 2x4 dots per terminal cell, so an 80-column line holds 160
points and a chart needs no library, no images and no colour to be read (a series is a line
of dots; the styles only help).

A chart is plain ``rich.text.Text`` lines, rebuilt only when its data changes, so over SSH it
costs what its changed cells cost, like every pane. Series are drawn in the order given and
the first one wins a cell's colour (the price over its averages); a reference line is drawn
dotted and dim beneath them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

from widgets.format import DIM

_BRAILLE = 0x2800
#: Dot bit for (x, y) inside a cell: x in 0..1, y in 0..3 from the top.
_DOT = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
#: Labels beside the A/D chart: its rows run 4x (top) to 1/4x (bottom), 1.0 in the middle.
AD_SCALE = 4.0


def _resample(values: Sequence[float | None], count: int) -> list[float | None]:
    """``count`` points evenly spaced over ``values`` (the last point kept)."""
    if count <= 0 or not values:
        return []
    if len(values) <= count:
        return list(values)
    step = (len(values) - 1) / (count - 1) if count > 1 else 0
    return [values[round(i * step)] for i in range(count)]


def braille_lines(
    series: Sequence[tuple[Sequence[float | None], Style]],
    width: int,
    height: int,
    row_of: Callable[[float], int],
    reference_row: int | None = None,
) -> list[Text]:
    """``height`` lines of ``width`` braille cells. ``row_of`` maps a value to a dot row
    (0 = top, ``height * 4 - 1`` = bottom; clipped); every series is stretched over the
    whole width; consecutive points are joined by a straight run of dots."""
    rows, columns = height * 4, width * 2
    bits = [[0] * width for _ in range(height)]
    owner: list[list[int | None]] = [[None] * width for _ in range(height)]

    def dot(x: int, y: int, who: int | None) -> None:
        y = max(0, min(rows - 1, y))
        cell_y, cell_x = divmod(y, 4)[0], x // 2
        bits[cell_y][cell_x] |= _DOT[x % 2][y % 4]
        if who is not None and (owner[cell_y][cell_x] is None or who < owner[cell_y][cell_x]):
            owner[cell_y][cell_x] = who

    for number, (values, _) in enumerate(series):
        points = _resample(values, columns)
        if not points:
            continue
        spread = (columns - 1) / max(1, len(points) - 1)
        previous: tuple[int, int] | None = None
        for i, value in enumerate(points):
            if value is None or math.isnan(value):
                previous = None
                continue
            x, y = round(i * spread), row_of(value)
            if previous is None:
                dot(x, y, number)
            else:  # join to the previous point: a straight run of dots, no gaps
                x0, y0 = previous
                steps = max(x - x0, abs(y - y0), 1)
                for k in range(1, steps + 1):
                    dot(x0 + round((x - x0) * k / steps), y0 + round((y - y0) * k / steps), number)
            previous = (x, y)
    if reference_row is not None:
        for x in range(0, columns, 2):
            y = max(0, min(rows - 1, reference_row))
            if not bits[y // 4][x // 2] & _DOT[x % 2][y % 4]:
                dot(x, y, None)

    lines = []
    for cell_y in range(height):
        # one span per run of cells in the same style, not one per cell: a pane turns the
        # spans into segments at every refresh, and a span per cell made that the dearest line
        line = Text()
        styles = [DIM if who is None else series[who][1] for who in owner[cell_y]]
        start = 0
        for end in range(1, width + 1):
            if end == width or styles[end] is not styles[start]:
                cells = bits[cell_y][start:end]
                line.append("".join(chr(_BRAILLE + cell) for cell in cells), style=styles[start])
                start = end
        lines.append(line)
    return lines


def linear_rows(low: float, high: float, height: int) -> Callable[[float], int]:
    """Value -> dot row for a chart ``height`` cells tall spanning ``low``..``high``."""
    rows = height * 4
    span = (high - low) or 1.0

    def row_of(value: float) -> int:
        return round((high - value) / span * (rows - 1))

    return row_of


def ratio_rows(height: int, scale: float = AD_SCALE) -> Callable[[float], int]:
    """Value -> dot row on a log scale from ``scale`` (top) to ``1/scale`` (bottom), so 2x
    and 0.5x sit equally far above and below 1.0, and 7.64 -> 7.62 draws the same."""
    rows = height * 4
    top = math.log2(scale)

    def row_of(value: float) -> int:
        position = (top - math.log2(max(value, 1e-9))) / (2 * top) * rows
        return max(0, min(rows - 1, int(position)))

    return row_of
