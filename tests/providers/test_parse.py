"""The tolerant parsers against every number/date/name spelling in data-sources.md."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from providers.contract import IST
from providers.parse import clean_text, parse_date, parse_datetime, to_float, to_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("27", 27.0),
        ("22.29", 22.29),
        ("81,287.19", 81287.19),
        (" -0.43 ", -0.43),
        ("2.5%", 2.5),
        (19731.75, 19731.75),
        (5, 5.0),
    ],
)
def test_to_float_reads_numbers_and_numeric_strings(raw: object, expected: float) -> None:
    assert to_float(raw) == pytest.approx(expected)


@pytest.mark.parametrize(
    "raw", ["", "-", "--", "NA", "null", None, "abc", "1.2.3", True, float("nan"), [1], {}]
)
def test_to_float_gives_none_for_placeholders_and_junk(raw: object) -> None:
    assert to_float(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"), [("27", 27), ("1,234", 1234), (37.0, 37), ("0", 0), ("", None)]
)
def test_to_int(raw: object, expected: int | None) -> None:
    assert to_int(raw) == expected


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_to_float_round_trips_comma_grouped_strings(number: float) -> None:
    assert to_float(f"{number:,.2f}") == pytest.approx(round(number, 2))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("16-Oct-2023 15:30:00", datetime(2023, 10, 16, 15, 30, tzinfo=IST)),
        ("01-Jan-2025 15:59:50", datetime(2025, 1, 1, 15, 59, 50, tzinfo=IST)),
        ("2026-05-27 11:54:23", datetime(2026, 5, 27, 11, 54, 23, tzinfo=IST)),
        ("23-Oct-2023 18:15", datetime(2023, 10, 23, 18, 15, tzinfo=IST)),
        ("16-Oct-2023", datetime(2023, 10, 16, tzinfo=IST)),
        ("23 Oct 2023", datetime(2023, 10, 23, tzinfo=IST)),
        ("15-DEC-2025", datetime(2025, 12, 15, tzinfo=IST)),
        ("20250101", datetime(2025, 1, 1, tzinfo=IST)),
    ],
)
def test_parse_datetime_spellings_become_ist(raw: str, expected: datetime) -> None:
    parsed = parse_datetime(raw)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=5, minutes=30)


def test_parse_datetime_converts_aware_times_to_ist() -> None:
    parsed = parse_datetime("2026-05-27T06:24:23+00:00")
    assert parsed == datetime(2026, 5, 27, 11, 54, 23, tzinfo=IST)
    assert parsed.tzinfo is IST
    utc = datetime(2026, 1, 1, 4, 0, tzinfo=UTC)
    assert parse_datetime(utc).hour == 9  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("16-Oct-2023", date(2023, 10, 16)),
        ("15-DEC-2025", date(2025, 12, 15)),
        ("23 Oct 2023", date(2023, 10, 23)),
        ("20250101", date(2025, 1, 1)),
        ("29-04-2026", date(2026, 4, 29)),
        ("2026-05-27 11:54:23", date(2026, 5, 27)),
        ("16-Oct-2023 15:30:00", date(2023, 10, 16)),
        (datetime(2026, 1, 1, 23, 0, tzinfo=UTC), date(2026, 1, 2)),
    ],
)
def test_parse_date_spellings(raw: object, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", "-", None, "yesterday", "31-Feb-2026", 20250101])
def test_parse_date_and_datetime_give_none_for_junk(raw: object) -> None:
    assert parse_date(raw) is None
    assert parse_datetime(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Larsen &amp; Toubro Ltd.", "Larsen & Toubro Ltd."),
        ("Evil\x1b[31m Red\x1b[0m Ltd", "Evil Red Ltd"),
        ("Title\x1b]0;pwned\x07 Co", "Title Co"),
        ("Bell\x07Ltd", "BellLtd"),
        ("C1\x9b2J Ltd", "C1 Ltd"),
        ("Spoof\u202egnp.exe Ltd", "Spoofgnp.exe Ltd"),
        ("Multi\nline\tname  ", "Multi line name"),
        ("<b>Bold</b> Industries", "Bold Industries"),
        ("[bold red]Markup[/] Ltd", "[bold red]Markup[/] Ltd"),
        ("Zero\u200bWidth", "ZeroWidth"),
        (None, ""),
    ],
)
def test_clean_text_strips_terminal_tricks(raw: object, expected: str) -> None:
    assert clean_text(raw) == expected


@given(st.text())
def test_clean_text_never_returns_control_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert "\x1b" not in cleaned
    assert all(ch == " " or not (ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F) for ch in cleaned)
    assert cleaned == cleaned.strip()
