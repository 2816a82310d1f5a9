"""A compositor that renders and writes only the changed cells, behind a guard on Textual's
private API.

Textual's partial update (``ChopsUpdate.render_segments``) writes every dirty span from the
left edge of the widget it falls in: a price changing at column 60 of a pane re-sends the
whole row up to column 60. The panes already refresh just the cells that changed, so here the
write starts at the span instead (same output on screen, a fraction of the bytes over SSH).

Before writing, Textual's partial update renders every widget under the box around all the
dirty regions — at each tick, with the segment bar at the top and the status bar at the
bottom, every line of every widget on screen — to keep the lines that changed. Here only the
widgets under a dirty span render, and only the rows from their first dirty line to their last
(what is written is the same: the rest was never sent).

``textual._compositor`` is private. pyproject pins textual to the minor series this is tested
with, and :func:`make_compositor` checks the pieces are still shaped as expected: if not, the
stock compositor is used and one line is logged, so an upgrade costs bytes, never a crash.
``tests/tui/ui/test_compositor.py`` pins both paths.
"""

from __future__ import annotations

import inspect
import logging
from bisect import bisect_left, bisect_right
from typing import Any

log = logging.getLogger(__name__)

_EXPECTED_UPDATE_ARGS = ["self", "chops", "spans", "chop_ends"]


def _build_span_compositor() -> type[Any]:
    """The span compositor class; raises if Textual's private pieces have changed shape."""
    from rich.console import Console
    from rich.control import Control
    from textual._compositor import ChopsUpdate, Compositor
    from textual.geometry import Region
    from textual.strip import Strip

    if list(inspect.signature(ChopsUpdate.__init__).parameters) != _EXPECTED_UPDATE_ARGS:
        raise TypeError("ChopsUpdate(chops, spans, chop_ends) has changed")
    for name in ("render_partial_update", "_regions_to_spans"):
        if not callable(getattr(Compositor, name, None)):
            raise TypeError(f"Compositor.{name} is gone")
    for name in ("visible_widgets", "cuts"):
        if not isinstance(getattr(Compositor, name, None), property):
            raise TypeError(f"Compositor.{name} is no longer a property")
    if not isinstance(getattr(Compositor(), "_dirty_regions", None), set):
        raise TypeError("Compositor._dirty_regions is no longer a set")

    class SpanUpdate(ChopsUpdate):
        """A partial update that writes each dirty span from its own first cell."""

        def render_segments(self, console: Console) -> str:
            move_to = Control.move_to
            out: list[str] = []
            last_y = self.spans[-1][0]
            for y, x1, x2 in self.spans:
                for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
                    if strip is None or x >= x2 or end <= x1:
                        continue
                    start, stop = max(x, x1), min(end, x2)
                    piece = strip if (start, stop) == (x, end) else strip.crop(start - x, stop - x)
                    out.append(move_to(start, y).segment.text)
                    out.append(piece.render(console))
                if y != last_y:
                    out.append("\n")
            return "".join(out)

    class SpanCompositor(Compositor):
        update_type = SpanUpdate

        def render_partial_update(self) -> ChopsUpdate | None:
            regions = self._dirty_regions.copy()
            self._dirty_regions.clear()
            if not regions:
                return None
            spans = list(self._regions_to_spans(regions))
            chop_ends = [cut_set[1:] for cut_set in self.cuts]
            return SpanUpdate(self._render_spans(spans), spans, chop_ends)

        def _render_spans(self, spans: list[tuple[int, int, int]]) -> list[dict[int, Strip | None]]:
            """The chops of ``_render_chops``, filled on the spans' lines only, by the widgets
            under a span only (front first: the first to fill a cut wins, as there)."""
            cuts = self.cuts
            chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut[:-1]) for cut in cuts]
            reach: dict[int, tuple[int, int]] = {}  # line -> first and end cell of its spans
            for y, x1, x2 in spans:
                first_x, end_x = reach.get(y, (x1, x2))
                reach[y] = (min(first_x, x1), max(end_x, x2))
            lines = sorted(reach)
            for widget, (region, clip) in self.visible_widgets.items():
                x, top, width, height = region.intersection(clip)
                right = x + width
                rows = [
                    y
                    for y in lines[bisect_left(lines, top) : bisect_left(lines, top + height)]
                    if _unfilled(chops[y], cuts[y], max(x, reach[y][0]), min(right, reach[y][1]))
                ]
                if not rows:
                    continue
                first = rows[0]
                crop = Region(x - region.x, first - region.y, width, rows[-1] - first + 1)
                strips = widget.render_lines(crop)
                for y in rows:
                    line_cuts = [cut for cut in cuts[y] if right >= cut >= x]
                    pieces = strips[y - first].divide([cut - x for cut in line_cuts[1:]])
                    line = chops[y]
                    for cut, piece in zip(line_cuts, pieces, strict=False):
                        if line.get(cut) is None:
                            line[cut] = piece
            return chops

    return SpanCompositor


def _unfilled(line: dict[int, Any], line_cuts: list[int], start: int, end: int) -> bool:
    """Whether a chop of ``line`` over cells ``start``-``end`` is still to fill (a container
    behind its children has none: it is not rendered)."""
    index = bisect_right(line_cuts, start) - 1
    while 0 <= index < len(line_cuts) - 1 and line_cuts[index] < end:
        if line[line_cuts[index]] is None:
            return True
        index += 1
    return False


_span_compositor: type[Any] | None = None


def make_compositor() -> Any | None:
    """A span compositor, or ``None`` (keep the screen's own) when the hook cannot be wired."""
    global _span_compositor
    if _span_compositor is None:
        try:
            _span_compositor = _build_span_compositor()
        except Exception as exc:  # any break in a private API means: use the stock one
            log.warning("span compositor unavailable, using Textual's own (%s)", exc)
            return None
    return _span_compositor()


def is_span_compositor(compositor: object) -> bool:
    return _span_compositor is not None and isinstance(compositor, _span_compositor)
