"""Reading quotes into arrays a refresh at a time: only rebuilt quotes are read again, and the
result is what reading every quote gives (issue 13: the demo rebuilds a few hundred of 2,400)."""

from __future__ import annotations

import numpy as np
from factories.analytics import snapshot, stock
from msgspec.structs import fields, replace

from providers.contract import Segment
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.analytics.frames import LiveColumns, QuoteReader


def _quotes(count: int = 10):
    return [
        stock(f"S{n}", n - 4.5, segment=Segment.SMALL if n % 2 else Segment.MID, volume=n * 10)
        for n in range(count)
    ]


def _columns_equal(left: LiveColumns, right: LiveColumns) -> None:
    for field in fields(LiveColumns):
        np.testing.assert_array_equal(getattr(left, field.name), getattr(right, field.name))


def test_only_rebuilt_quotes_are_read_again_and_the_result_equals_a_full_read() -> None:
    reader = QuoteReader()
    quotes = _quotes()
    first, rebuilt = reader.read(quotes)
    assert rebuilt is None
    first_last = first["last"].copy()
    later = list(quotes)
    later[3] = replace(quotes[3], last=250.0, change_pct=150.0, volume=7)
    later[8] = replace(quotes[8], prev_close=None, change_pct=None, ffmc=None)
    fields, rebuilt = reader.read(later)
    assert rebuilt == [3, 8]
    _columns_equal(LiveColumns.from_fields(fields), LiveColumns.from_stocks(later))
    np.testing.assert_array_equal(first["last"], first_last)  # what was read before stays


def test_most_quotes_rebuilt_or_a_new_universe_reads_everything() -> None:
    reader = QuoteReader()
    reader.read(_quotes())
    assert reader.read([replace(q, volume=1) for q in _quotes()])[1] is None
    fields, rebuilt = reader.read(_quotes(12))
    assert rebuilt is None and len(fields["last"]) == 12


def test_a_rebuilt_quote_that_changes_segment_rebuilds_the_universe() -> None:
    analytics = MarketAnalytics(AnalyticsSettings())
    quotes = _quotes()
    analytics.refresh(snapshot(quotes))
    moved = list(quotes)
    moved[2] = replace(quotes[2], segment=Segment.MICRO)
    views = analytics.refresh(snapshot(moved))
    assert [row.symbol for row in views[Segment.MICRO].losers] == ["S2"]
