"""NO_COLOR: no colour codes, legible text, highlights kept as reverse video."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color

from tui.ui.no_colour import NoColour

BACKGROUND = Color.parse("#121212")


def _apply(style: Style) -> Style:
    [segment] = NoColour().apply([Segment("▼-1.25%", style)], BACKGROUND)
    assert segment.style is not None
    return segment.style


def test_losses_lose_their_grey_and_keep_the_terminals_own_colours() -> None:
    """Textual's monochrome turned red losses into grey on dark grey (1.65:1)."""
    style = _apply(Style(color="#3b3b3b", bgcolor="#121212", bold=True))
    assert style.color is None and style.bgcolor is None and style.bold
    assert not style.reverse
    assert "38;" not in style._make_ansi_codes("truecolor")


def test_faint_text_is_made_normal() -> None:
    assert not _apply(Style(color="grey50", dim=True)).dim


def test_a_highlight_drawn_only_as_background_becomes_reverse() -> None:
    assert _apply(Style(color="white", bgcolor="#0178d4")).reverse
    assert not _apply(Style(color="white", bgcolor="#161616")).reverse  # a panel, not a mark
    assert _apply(Style(reverse=True, bgcolor="#0178d4")).reverse  # already marked: kept


def test_the_command_palettes_faint_highlight_becomes_reverse() -> None:
    """textual-dark's highlighted palette option: #0e395a over the list's own #141f27."""
    segments = [Segment("Filter", Style(color="white", bgcolor="#0e395a"))]
    [segment] = NoColour().apply(segments, Color.parse("#141f27"))
    assert segment.style is not None and segment.style.reverse
