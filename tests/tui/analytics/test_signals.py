"""Breakouts, 52-week extremes, RSI(14) and volume ratios with today's price, through the
engine on hand-made histories (every expected figure worked out by hand)."""

import numpy as np
import pytest
from factories.analytics import history, snapshot, stock
from msgspec.structs import replace

from providers.contract import Segment
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.analytics.technicals import rsi


def _views(quotes, closes):
    analytics = MarketAnalytics(AnalyticsSettings())
    analytics.load_history(history(closes))
    return analytics, analytics.refresh(snapshot(quotes))


def test_a_stock_crossing_its_50_day_average_and_a_new_52_week_high_are_listed():
    flat = [100.0] * 60  # 50-day average 100; the last close sits on it (not above)
    falling = [100.0] * 59 + [90.0]  # yesterday well below its average
    quotes = [
        stock("UP", 5.0, prev_close=100.0),  # 105 > (49*100 + 105) / 50: crosses up
        stock("BACK", 20.0, prev_close=90.0),  # 108 > (48*100 + 90 + 108) / 50 = 99.96
        stock("STAY", -1.0, prev_close=100.0),  # 99: was not above, is not above
    ]
    _, views = _views(quotes, {"UP": flat, "BACK": falling, "STAY": flat})
    breakouts = views[Segment.SMALL].breakouts
    assert [r.symbol for r in breakouts.rows("↑50DMA")] == ["BACK", "UP"]  # best move first
    assert breakouts.count("↓50DMA") == 0
    assert [r.symbol for r in breakouts.rows("52wH")] == ["BACK", "UP"]  # above every close
    assert breakouts.count("52wL") == 1 and breakouts.rows("52wL")[0].symbol == "STAY"
    assert views[Segment.LARGE].breakouts.count("↑50DMA") == 0  # other segments untouched


def test_a_fall_below_the_average_is_a_breakdown():
    rising = [100.0 + i for i in range(60)]  # last close 159, above its 50-day average
    _, views = _views([stock("DOWN", -30.0, prev_close=159.0)], {"DOWN": rising})
    breakouts = views[Segment.ALL].breakouts
    assert [r.symbol for r in breakouts.rows("↓50DMA")] == ["DOWN"]
    assert breakouts.count("↑50DMA") == 0


def test_rsi_with_todays_price_is_the_rsi_of_the_closes_with_today_appended():
    rng = np.random.default_rng(4)
    closes = list(100 * np.cumprod(1 + rng.normal(0, 0.02, 40)))
    today = closes[-1] * 1.03
    analytics, _ = _views([stock("X", 3.0, prev_close=closes[-1])], {"X": closes})
    expected = rsi(np.array([*closes, today])[:, None])[-1, 0]
    detail = analytics.detail("X")
    assert detail is not None and detail.rsi == pytest.approx(expected)


def test_oversold_and_overbought_lists_use_wilders_levels():
    down = [200.0 - 5 * i for i in range(20)]  # only losses: RSI 0
    up = [100.0 + 5 * i for i in range(20)]  # only gains: RSI 100
    quotes = [
        stock("SOLD", -1.0, prev_close=down[-1]),
        stock("BOUGHT", 1.0, prev_close=up[-1]),
    ]
    _, views = _views(quotes, {"SOLD": down, "BOUGHT": up})
    view = views[Segment.SMALL]
    assert [r.symbol for r in view.oversold] == ["SOLD"] and view.oversold[0].rsi == 0.0
    assert [r.symbol for r in view.overbought] == ["BOUGHT"] and view.overbought[0].rsi == 100.0


def test_volume_ratio_is_volume_over_the_sources_average_and_unknown_without_one():
    quotes = [
        replace(stock("AVG", 1.0, volume=3000), avg_volume=1500.0),
        stock("NONE", 1.0, volume=3000),
    ]
    analytics, _ = _views(quotes, {"AVG": [100.0] * 20, "NONE": [100.0] * 20})
    detail = analytics.detail("AVG")
    assert detail is not None and (detail.volume, detail.avg_volume) == (3000, 1500.0)
    ups = analytics.refresh(snapshot(quotes))[Segment.SMALL]
    rows = {r.symbol: r for r in ups.breakouts.rows("52wH")}
    assert rows["AVG"].volume_ratio == 2.0 and rows["NONE"].volume_ratio is None


def test_too_short_a_history_gives_no_52_week_extremes():
    _, views = _views([stock("NEW", 10.0)], {"NEW": [100.0] * 5})
    assert views[Segment.SMALL].breakouts.count("52wH") == 0


def test_a_signal_row_is_kept_while_its_figures_stay_and_rebuilt_when_one_moves():
    """A refresh reuses the last refresh's row for a stock whose figures are unchanged (most,
    a tick), and never shows an old figure for one that moved."""
    down = [200.0 - 5 * i for i in range(20)]
    quotes = [stock("SOLD", -1.0, prev_close=down[-1]), stock("ALSO", -2.0, prev_close=down[-1])]
    analytics, first = _views(quotes, {"SOLD": down, "ALSO": down})
    before = {r.symbol: r for r in first[Segment.SMALL].oversold}
    moved = [quotes[0], stock("ALSO", -3.0, prev_close=down[-1])]
    after = {r.symbol: r for r in analytics.refresh(snapshot(moved))[Segment.SMALL].oversold}
    assert after["SOLD"] is before["SOLD"]
    assert after["ALSO"] is not before["ALSO"]
    assert after["ALSO"].change_pct == pytest.approx(-3.0)
    assert after["ALSO"].last == pytest.approx(down[-1] * 0.97)
