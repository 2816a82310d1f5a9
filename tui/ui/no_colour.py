"""``NO_COLOR``: draw with the terminal's own foreground and background, and no colour codes.

Textual's answer to NO_COLOR maps every colour to a grey, which left losses at 1.65:1
contrast on its dark grey background and still sent 24-bit colour codes. This filter instead
removes colour altogether, so every cell is the user's own legible pair; faint text is made
normal too. What colour alone told apart keeps a mark: direction by sign and ▲/▼ (the panes
already do that), and a highlight drawn only as a background (the command palette's choice,
a scrollbar thumb) becomes reverse video.
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

#: A background this much brighter or darker than the widget's own is a highlight (the
#: command palette's choice differs by 0.08 in textual-dark).
HIGHLIGHT_BRIGHTNESS = 0.05
_PLAIN = Style(dim=False)
_REVERSE = Style(reverse=True)


class NoColour(LineFilter):
    """Remove every colour; keep highlights as reverse video."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        base = background.brightness
        return [
            Segment(text, None if style is None else _plain(style, base), control)
            for text, style, control in segments
        ]


@lru_cache(1024)
def _plain(style: Style, base: float) -> Style:
    plain = style.without_color + _PLAIN
    if style.bgcolor is not None and not style.reverse:
        shade = Color.from_rich_color(style.bgcolor).brightness
        if abs(shade - base) >= HIGHLIGHT_BRIGHTNESS:
            plain += _REVERSE
    return plain
