import numpy as np
from factories.analytics import stock

from providers.contract import Segment
from tui.analytics import movers
from tui.analytics.frames import LiveColumns, Universe


def _frames(stocks):
    return Universe.from_stocks(stocks), LiveColumns.from_stocks(stocks)


def test_gainers_and_losers_are_ordered_limited_and_skip_flat_and_unknown():
    quotes = [
        stock("A", 2.0),
        stock("B", -1.0),
        stock("C", 5.0),
        stock("D", 0.0),
        stock("E", None, prev_close=None, last=50.0),
        stock("F", -4.0),
        stock("G", 1.0),
    ]
    universe, columns = _frames(quotes)
    gainers, losers = movers.ranked(universe.members[Segment.ALL], columns.change_pct, 2)
    assert [universe.symbols[i] for i in gainers] == ["C", "A"]
    assert [universe.symbols[i] for i in losers] == ["F", "B"]


def test_ties_keep_universe_order():
    universe, columns = _frames([stock("X", 1.0), stock("Y", 1.0), stock("Z", 1.0)])
    gainers, _ = movers.ranked(np.arange(3), columns.change_pct, None)
    assert [universe.symbols[i] for i in gainers] == ["X", "Y", "Z"]


def test_band_within_one_tick_of_the_exact_limit():
    # prev 10.30, 5% band: exact limit 10.815, the last tick price 10.80 (+4.854%) is at band;
    # 10.75 (+4.369%) is one tick short.
    quotes = [
        stock("AT", None, prev_close=10.30, last=10.80, band_pct=5.0),
        stock("SHORT", None, prev_close=10.30, last=10.75, band_pct=5.0),
        stock("DOWN", None, prev_close=10.30, last=9.80, band_pct=5.0),  # limit 9.785 -> 9.80
        stock("NOBAND", 30.0, band_pct=None),
    ]
    _, columns = _frames(quotes)
    upper, lower = movers.band_flags(columns)
    assert upper.tolist() == [True, False, False, False]
    assert lower.tolist() == [False, False, True, False]


def test_band_without_previous_close_uses_the_reported_change():
    _, columns = _frames([stock("Q", 19.995, prev_close=None, last=12.0)])
    upper, _ = movers.band_flags(columns)
    assert upper.tolist() == [True]


def test_rows_carry_change_band_and_none_for_unknowns():
    quotes = [stock("A", 20.0, prev_close=50.0), stock("B", None, prev_close=None, last=7.0)]
    universe, columns = _frames(quotes)
    upper, lower = movers.band_flags(columns)
    first, second = movers.rows(np.array([0, 1]), universe, columns, upper, lower)
    assert (first.last, first.change, first.band) == (60.0, 10.0, "upper")
    assert first.change_pct == 20.0
    assert (second.change, second.change_pct, second.band) == (None, None, None)
