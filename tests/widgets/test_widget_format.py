from rich.text import Text

from widgets.format import (
    DOWN,
    UP,
    clean,
    fit,
    pct,
    price,
    ratio,
    resample,
    sparkline,
    split_bar,
    volume,
)


def test_pct_shows_direction_without_colour() -> None:
    assert pct(1.234).plain == "▲+1.23%"
    assert pct(-0.5).plain == "▼-0.50%"
    assert pct(0.0).plain == " +0.00%"
    assert pct(None).plain == "—"
    assert pct(-12.345).plain == "▼-12.3%"  # one decimal fewer keeps the width
    assert pct(2.0).style == UP and pct(-2.0).style == DOWN


def test_tiny_moves_rounding_to_zero_are_not_arrowed() -> None:
    assert pct(0.001).plain == " +0.00%"
    assert pct(-0.001).plain == " +0.00%"


def test_volume_uses_indian_units() -> None:
    assert [volume(v) for v in (950, 12_500, 250_000, 31_000_000)] == [
        "950",
        "12.5K",
        "2.5L",
        "3.1Cr",
    ]


def test_price_and_ratio() -> None:
    assert price(24350.5) == "24,350.50"
    assert price(None) == "—"
    assert ratio(2.614) == "2.61x" and ratio(float("inf")) == "∞" and ratio(None) == "—"


def test_clean_removes_terminal_control_codes() -> None:
    assert clean("Evil\x1b[2J Co\nLtd\x07") == "Evil [2J Co Ltd "


def test_fit_truncates_and_pads_to_exact_cells() -> None:
    assert fit("Reliance Industries", 10) == "Reliance …"
    assert fit("ab", 5, align="right") == "   ab"
    assert fit("ab", 5) == "ab   "
    assert fit("日本語の会社", 7) == "日本語…"  # wide characters count two cells
    styled = fit(Text("▲+1.00%"), 9, align="right")
    assert isinstance(styled, Text) and styled.plain == "  ▲+1.00%"
    assert isinstance(cut := fit(Text("abcdef"), 4), Text) and cut.plain == "abc…"


def test_sparkline_scales_to_range() -> None:
    assert sparkline([1, 2, 3], 10) == "▁▅█"
    assert sparkline([5, 5], 10) == "▄▄"
    assert sparkline([], 5) == ""
    assert len(sparkline(list(range(50)), 10)) == 10


def test_resample_keeps_ends() -> None:
    points = resample(list(range(101)), 5)
    assert points == [0, 25, 50, 75, 100]
    assert resample([1, 2], 5) == [1, 2]


def test_split_bar_fills_width_in_proportion() -> None:
    bar = split_bar(((3, UP), (1, DOWN)), 8)
    assert bar.plain == "█" * 8
    assert [span.end - span.start for span in bar.spans] == [6, 2]
    assert split_bar(((0, UP), (0, DOWN)), 8).plain == ""
