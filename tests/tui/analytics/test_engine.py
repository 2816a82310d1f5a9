import subprocess
import sys
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from factories.analytics import NOW, history, index, snapshot, stock

from providers.contract import (
    IST,
    EarningsEvent,
    EarningsStatus,
    RatingChange,
    RatingKind,
    Segment,
)
from tui.analytics import AnalyticsSettings, MarketAnalytics, returns


def _stocks():
    return [
        stock("LARGE1", 1.0, segment=Segment.LARGE, sector="Banks", ffmc=9000.0),
        stock("LARGE2", 0.5, segment=Segment.LARGE, sector="Banks", ffmc=1000.0),
        stock("ISGEC", 19.99, segment=Segment.SMALL, sector="Capital Goods", ffmc=100.0),
        stock("DANLAW", -7.39, segment=Segment.SMALL, sector="IT", ffmc=100.0),
        stock("FLAT", 0.0, segment=Segment.SMALL, sector="IT", ffmc=200.0),
        stock("NEWLIST", None, prev_close=None, last=42.0, segment=Segment.MICRO, sector="IT"),
    ]


def _indices():
    return [
        index("NIFTY 50", 25250.0, 25000.0, Segment.LARGE),  # +1%
        index("BSE SMALLCAP", 51260.0, 50000.0, Segment.SMALL),  # +2.52%
        index("NIFTY MICROCAP 250", 20000.0, None, Segment.MICRO),  # no history, no prev
    ]


def _history():
    rising = list(100.0 + np.arange(60))
    return history({"NIFTY 50": [25000.0] * 60, "BSE SMALLCAP": [50000.0] * 60, "ISGEC": rising})


@pytest.fixture
def engine():
    analytics = MarketAnalytics(AnalyticsSettings(movers=2))
    analytics.load_history(_history())
    return analytics


def test_every_segment_gets_its_own_stocks_and_indices(engine):
    views = engine.refresh(snapshot(_stocks(), _indices()))
    assert set(views) == set(Segment)
    small = views[Segment.SMALL]
    assert (small.breadth.advances, small.breadth.declines, small.breadth.unchanged) == (1, 1, 1)
    assert [r.symbol for r in small.gainers] == ["ISGEC"]
    assert [r.symbol for r in small.losers] == ["DANLAW"]
    assert [r.name for r in small.indices] == ["BSE SMALLCAP"]
    assert [r.name for r in views[Segment.ALL].indices] == [q.name for q in _indices()]
    assert [r.sector for r in small.sectors] == ["Capital Goods", "IT"]
    # 19.99% is within one ₹0.05 tick (0.05% of 100) of its 20% band
    assert [r.symbol for r in small.upper_band] == ["ISGEC"]
    assert small.lower_band == ()


def test_zero_declines_and_a_stock_without_previous_close(engine):
    views = engine.refresh(snapshot(_stocks(), _indices()))
    large = views[Segment.LARGE].breadth
    assert (large.advances, large.declines, large.ad_ratio) == (2, 0, 2.0)
    micro = views[Segment.MICRO]
    assert (micro.breadth.advances, micro.breadth.unchanged, micro.breadth.ad_ratio) == (0, 1, None)
    assert micro.gainers == () and micro.losers == ()
    assert micro.change_pct is None and micro.rank_today is None


def test_index_figures_relative_to_benchmark_and_absent_without_history(engine):
    rows = {r.name: r for r in engine.refresh(snapshot(_stocks(), _indices()))[Segment.ALL].indices}
    small = rows["BSE SMALLCAP"]
    assert small.change_pct == pytest.approx(2.52)
    assert small.change_5d_pct == pytest.approx(2.52)  # flat history: 51260 / 50000
    assert small.relative_pct == pytest.approx(1.52)  # 2.52 - NIFTY 50's 1.0
    assert small.above_ma == (True, None, None)
    micro = rows["NIFTY MICROCAP 250"]
    assert micro.change_pct is None and micro.relative_pct is None
    assert micro.change_5d_pct is None and micro.change_1m_pct is None
    assert micro.change_ytd_pct is None and micro.call is None


def _index_change(changes_and_caps):
    """An index's day change: weights are the free-float caps at the previous close."""
    weights = [cap / (1 + change / 100) for change, cap in changes_and_caps]
    total = sum(w * change for w, (change, _) in zip(weights, changes_and_caps, strict=True))
    return total / sum(weights)


def test_segments_ranked_by_cap_weighted_change_with_previous_close_weights(engine):
    views = engine.refresh(snapshot(_stocks(), _indices()))
    large = _index_change([(1.0, 9000.0), (0.5, 1000.0)])
    small = _index_change([(19.99, 100.0), (-7.39, 100.0), (0.0, 200.0)])
    assert views[Segment.LARGE].change_pct == pytest.approx(large)
    assert views[Segment.SMALL].change_pct == pytest.approx(small)
    assert small < 3.15  # today's caps as weights would overweight the day's winner
    # = the change of the segment's free-float cap from the previous close to now
    caps_now, caps_before = 400.0, 100 / 1.1999 + 100 / 0.9261 + 200
    assert small == pytest.approx((caps_now / caps_before - 1) * 100)
    assert (views[Segment.SMALL].rank_today, views[Segment.LARGE].rank_today) == (1, 2)
    assert views[Segment.ALL].rank_today is None
    # 5 days, chain-linked: only ISGEC has history (155 five sessions back, 158 yesterday in
    # the history, 100 as today's previous close), so the past steps are ISGEC's alone; today's
    # step is the whole segment's -> small ranks, large (no history) is unknown
    chained = (158 / 155) * (100 / 158) * (1 + small / 100)
    assert views[Segment.SMALL].change_5d_pct == pytest.approx((chained - 1) * 100)
    assert views[Segment.SMALL].rank_5d == 1 and views[Segment.LARGE].rank_5d is None


def test_daily_work_is_cached_per_trading_day_and_history(engine, monkeypatch):
    builds = []
    original = returns.References.build.__func__

    def counting(cls, *args):
        builds.append(args[1])
        return original(cls, *args)

    monkeypatch.setattr(returns.References, "build", classmethod(counting))
    for minutes in range(3):
        engine.refresh(snapshot(_stocks(), _indices(), as_of=NOW + timedelta(minutes=minutes)))
    assert builds == [date(2026, 11, 20)]
    engine.load_history(_history())  # same history again: nothing to redo
    engine.refresh(snapshot(_stocks(), _indices()))
    assert len(builds) == 1
    engine.refresh(snapshot(_stocks(), _indices(), as_of=NOW + timedelta(days=3)))  # Monday
    assert builds == [date(2026, 11, 20), date(2026, 11, 23)]
    engine.load_history(history({"NIFTY 50": [1.0] * 60}, end="2026-11-20"))
    engine.refresh(snapshot(_stocks(), _indices(), as_of=NOW + timedelta(days=3)))
    assert len(builds) == 3


def test_breadth_series_grows_per_minute_and_restarts_next_day(engine):
    for minutes in (0, 1, 2):
        views = engine.refresh(
            snapshot(_stocks(), _indices(), as_of=NOW + timedelta(minutes=minutes))
        )
    assert len(views[Segment.SMALL].breadth.series) == 3
    views = engine.refresh(snapshot(_stocks(), _indices(), as_of=NOW + timedelta(days=1)))
    assert len(views[Segment.SMALL].breadth.series) == 1


def test_ratings_and_earnings_go_to_their_segments(engine):
    upgrade = RatingChange("ISGEC", "ISGEC Ltd", RatingKind.ANALYST, "Hold", "Buy", "B", NOW)
    unknown = RatingChange("ELSEWHERE", "?", RatingKind.ANALYST, "Buy", "Sell", "B", NOW)
    results = EarningsEvent("DANLAW", "Danlaw", date(2026, 11, 23), EarningsStatus.UPCOMING)
    views = engine.refresh(
        snapshot(_stocks(), _indices(), ratings=(upgrade, unknown), earnings=(results,))
    )
    assert [r.symbol for r in views[Segment.SMALL].events if r.kind == "analyst"] == ["ISGEC"]
    assert {r.symbol for r in views[Segment.ALL].events} >= {"ISGEC", "ELSEWHERE"}
    assert views[Segment.LARGE].events == ()
    assert [(r.symbol, r.days_to_go) for r in views[Segment.SMALL].upcoming] == [("DANLAW", 3)]
    assert views[Segment.LARGE].upcoming == ()


#: 29 rising closes (Mildly Bullish), then three sessions well down: Mildly Bearish on the third.
DROP = [*(100.0 + np.arange(29)), 100.0, 96.0, 92.0]


def test_technical_call_changes_join_the_feed():
    closes = history({"DROP": DROP})
    analytics = MarketAnalytics()
    analytics.load_history(closes)
    quotes = [stock("DROP", 1.0, segment=Segment.MID, prev_close=100.0)]
    views = analytics.refresh(snapshot(quotes))
    (row,) = views[Segment.MID].events
    assert (row.symbol, row.kind, row.direction) == ("DROP", RatingKind.TECHNICAL, -1)
    assert row.at == datetime(2026, 11, 19, 15, 30, tzinfo=IST)
    assert views[Segment.ALL].events == (row,)


def test_the_feed_caps_each_kind_so_technical_changes_never_evict_analyst_ones():
    names = [f"T{i}" for i in range(6)]
    closes = history(dict.fromkeys(names, DROP))  # six technical changes on the 19th
    analytics = MarketAnalytics(AnalyticsSettings(max_events=4))
    analytics.load_history(closes)
    quotes = [stock(name, 1.0, segment=Segment.SMALL) for name in names]
    older = NOW - timedelta(days=3)  # analyst notes older than every technical change
    ratings = tuple(
        RatingChange(f"T{i}", f"T{i} Ltd", RatingKind.ANALYST, "Hold", "Buy", "B", older)
        for i in range(3)
    )
    events = analytics.refresh(snapshot(quotes, ratings=ratings))[Segment.SMALL].events
    kinds = [row.kind for row in events]
    assert kinds.count(RatingKind.TECHNICAL) == 4  # capped at max_events ...
    assert kinds.count(RatingKind.ANALYST) == 3  # ... and the analyst ones all stay
    assert [row.at for row in events] == sorted((row.at for row in events), reverse=True)


def test_detail_for_a_stock(engine):
    results = EarningsEvent("ISGEC", "ISGEC", date(2026, 11, 25), EarningsStatus.UPCOMING)
    upgrade = RatingChange("ISGEC", "ISGEC Ltd", RatingKind.ANALYST, "Hold", "Buy", "B", NOW)
    other = RatingChange("FLAT", "Flat Ltd", RatingKind.ANALYST, "Hold", "Buy", "B", NOW)
    engine.refresh(snapshot(_stocks(), _indices(), earnings=(results,), ratings=(other, upgrade)))
    detail = engine.detail("ISGEC")
    assert [(r.symbol, r.direction) for r in detail.ratings] == [("ISGEC", 1)]
    assert detail.closes == tuple(100.0 + np.arange(60))
    assert (detail.year_low, detail.year_high) == (100.0, 159.0)
    assert detail.calls[-1][1] in {"Bullish", "Mildly Bullish"}
    assert detail.next_earnings.days_to_go == 5
    assert engine.detail("NIFTY 50") is None
    no_history = engine.detail("NEWLIST")
    assert no_history.closes == () and no_history.year_high is None
    assert no_history.change_pct is None


def test_detail_before_any_refresh_is_none():
    assert MarketAnalytics().detail("ANY") is None


def test_history_with_strings_and_duplicate_dates_is_cleaned():
    frame = pd.DataFrame(
        {"IDX": ["100", "-", "104"]},
        index=pd.to_datetime(["2026-11-18", "2026-11-18", "2026-11-19"]),
    )
    analytics = MarketAnalytics()
    analytics.load_history(frame)
    (row,) = analytics.refresh(snapshot(indices=[index("IDX", 110.0, 104.0)]))[Segment.ALL].indices
    # the later "-" wins the duplicated 18th, leaving one session (the 19th, 104)
    assert row.change_5d_pct is None
    assert row.from_52w_low_pct == pytest.approx((110 / 104 - 1) * 100)


def test_analytics_never_imports_textual():
    code = "import sys, tui.analytics; assert 'textual' not in sys.modules, 'textual imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_refresh_before_any_history_needs_no_pandas():
    """The monitor's first screen comes before the history: pandas (~0.2 s to import) must
    not be on its path."""
    code = """
import asyncio, sys
from providers.demo import create
from tui.analytics import MarketAnalytics
snapshot = asyncio.run(create({"seed": 3, "start": "2026-11-20T11:30"}).fetch())
views = MarketAnalytics().refresh(snapshot)
assert views, "no views"
assert "pandas" not in sys.modules, "pandas imported"
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_band_lists_hold_every_stock_at_its_band():
    quotes = [stock(f"UP{i}", 20.0, band_pct=20.0) for i in range(3)] + [
        stock("DN", -5.0, band_pct=5.0)
    ]
    views = MarketAnalytics(AnalyticsSettings(movers=2)).refresh(snapshot(quotes))
    small = views[Segment.SMALL]
    assert [r.symbol for r in small.gainers] == ["UP0", "UP1"]  # the top N
    assert [r.symbol for r in small.upper_band] == ["UP0", "UP1", "UP2"]  # all of them
    assert (small.upper_band_count, small.lower_band_count) == (3, 1)
    assert [r.band for r in small.lower_band] == ["lower"]


def test_a_history_reaching_past_today_is_cut_at_today():
    closes = history({"DROP": [*DROP, 500.0, 510.0, 520.0]}, end="2026-11-24")
    analytics = MarketAnalytics()
    analytics.load_history(closes)
    # on the 19th, the 500s of the 20th-24th are "the future"
    views = analytics.refresh(snapshot([stock("DROP", 1.0, segment=Segment.MID)]))
    assert [r.at.date() for r in views[Segment.ALL].events] == [date(2026, 11, 19)]
    later = NOW + timedelta(days=5)
    views = analytics.refresh(snapshot([stock("DROP", 1.0, segment=Segment.MID)], as_of=later))
    assert [r.at.date() for r in views[Segment.ALL].events] == [
        date(2026, 11, 24),
        date(2026, 11, 19),
    ]


def test_a_view_read_after_later_refreshes_is_the_view_of_its_own_refresh():
    """Views are built when first read; one read late (the monitor reads only the segment it
    shows) must still be its own refresh's, not the data of whatever came since."""
    eager, lazy = (MarketAnalytics(AnalyticsSettings(movers=2)) for _ in range(2))
    ticks = []
    for minute, move in enumerate((1.0, -3.0, 5.0)):
        stocks = [
            stock(
                s.symbol,
                (s.change_pct or 0.0) + move,
                segment=s.segment,
                sector=s.sector,
                ffmc=s.ffmc,
            )
            for s in _stocks()
        ]
        ticks.append(snapshot(stocks, _indices(), as_of=NOW + timedelta(minutes=minute)))
    for analytics in (eager, lazy):
        analytics.load_history(_history())
    read_at_once = [{s: v for s, v in eager.refresh(tick).items()} for tick in ticks]
    kept = [lazy.refresh(tick) for tick in ticks]
    read_late = [{s: views[s] for s in reversed(list(views))} for views in kept]
    assert read_late == read_at_once
    assert read_at_once[0][Segment.SMALL] != read_at_once[2][Segment.SMALL]


def test_the_segment_bar_figures_known_at_once_match_the_views(engine):
    from widgets.views import SegmentSummary, summaries

    views = engine.refresh(snapshot(_stocks(), _indices()))
    bar = summaries(views)
    assert bar == {s: SegmentSummary.of(views[s]) for s in Segment}


def test_the_same_quotes_again_add_no_breadth_reading(engine):
    """A failed fetch's kept quotes come back as the same objects with a later time: the
    day's A/D chart must not grow a reading for them."""
    from msgspec.structs import replace

    first = snapshot(_stocks(), _indices())
    engine.refresh(first)
    kept = engine.refresh(replace(first, as_of=NOW + timedelta(minutes=5)))
    assert len(kept[Segment.SMALL].breadth.series) == 1
    fresh = engine.refresh(snapshot(_stocks(), _indices(), as_of=NOW + timedelta(minutes=6)))
    assert len(fresh[Segment.SMALL].breadth.series) == 2
