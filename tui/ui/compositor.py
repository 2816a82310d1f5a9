"""A compositor that writes only the changed cells, behind a guard on Textual's private API.

Textual's partial update (``ChopsUpdate.render_segments``) writes every dirty span from the
left edge of the widget it falls in: a price changing at column 60 of a pane re-sends the
whole row up to column 60. The panes already refresh just the cells that changed, so here the
write starts at the span instead (same output on screen, a fraction of the bytes over SSH).

``textual._compositor`` is private. pyproject pins textual to the minor series this is tested
with, and :func:`make_compositor` checks the pieces are still shaped as expected: if not, the
stock compositor is used and one line is logged, so an upgrade costs bytes, never a crash.
``tests/tui/ui/test_compositor.py`` pins both paths.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

log = logging.getLogger(__name__)

_EXPECTED_UPDATE_ARGS = ["self", "chops", "spans", "chop_ends"]


def _build_span_compositor() -> type[Any]:
    """The span compositor class; raises if Textual's private pieces have changed shape."""
    from rich.console import Console
    from rich.control import Control
    from textual._compositor import ChopsUpdate, Compositor

    if list(inspect.signature(ChopsUpdate.__init__).parameters) != _EXPECTED_UPDATE_ARGS:
        raise TypeError("ChopsUpdate(chops, spans, chop_ends) has changed")
    if not callable(getattr(Compositor, "render_partial_update", None)):
        raise TypeError("Compositor.render_partial_update is gone")

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
            update = super().render_partial_update()
            if update is None:
                return None
            return SpanUpdate(update.chops, update.spans, update.chop_ends)

    return SpanCompositor


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
