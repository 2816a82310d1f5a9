"""The Watch view and named quotes: every watched stock in the data, one list each, their
sectors, ratings and results; symbols not in the data are left out."""

from __future__ import annotations

from factories.analytics import NOW, index, snapshot, stock

from providers.contract import (
    EarningsEvent,
    EarningsStatus,
    RatingChange,
    RatingKind,
    Segment,
)
from tui.analytics import MarketAnalytics
from widgets.views import WATCH

STOCKS = [
    stock("LARGE1", 1.0, segment=Segment.LARGE, sector="Banks", ffmc=9000.0),
    stock("ISGEC", 19.99, sector="Capital Goods", ffmc=100.0),
    stock("DANLAW", -7.39, sector="IT", ffmc=100.0),
    stock("FLAT", 0.0, sector="IT", ffmc=200.0),
    stock("NEWLIST", None, prev_close=None, last=42.0, segment=Segment.MICRO, sector="IT"),
]
RATINGS = (
    RatingChange("DANLAW", "Danlaw", RatingKind.ANALYST, "Hold", "Buy", "Broker", NOW),
    RatingChange("LARGE1", "Large 1", RatingKind.ANALYST, "Buy", "Sell", "Broker", NOW),
)
EARNINGS = (
    EarningsEvent("ISGEC", "Isgec", NOW.date(), EarningsStatus.UPCOMING),
    EarningsEvent("LARGE1", "Large 1", NOW.date(), EarningsStatus.DECLARED),
)


def test_watch_view_lists_every_watched_stock_once() -> None:
    analytics = MarketAnalytics()
    assert analytics.watch_view(["ISGEC"]) is None  # nothing refreshed yet
    analytics.refresh(
        snapshot(
            STOCKS,
            [index("NIFTY 50", 25250.0, 25000.0, Segment.LARGE)],
            ratings=RATINGS,
            earnings=EARNINGS,
        )
    )
    view = analytics.watch_view(["NEWLIST", "DANLAW", "ISGEC", "FLAT", "GONE"])
    assert view is not None and view.segment == WATCH
    assert [r.symbol for r in view.gainers] == ["ISGEC", "FLAT", "NEWLIST"]  # unknown last
    assert [r.symbol for r in view.losers] == ["DANLAW"]
    assert (view.breadth.advances, view.breadth.declines, view.breadth.unchanged) == (1, 1, 2)
    assert {row.sector for row in view.sectors} == {"Capital Goods", "IT"}
    assert [e.symbol for e in view.events] == ["DANLAW"]
    assert [r.symbol for r in view.upcoming] == ["ISGEC"] and view.declared == ()
    assert [row.name for row in view.indices] == ["NIFTY 50"]
    # weighted by the previous close's free-float cap (ffmc / (1 + change)), as the segments
    # are; NEWLIST has no change
    caps = {"ISGEC": 100 / 1.1999, "DANLAW": 100 / (1 - 0.0739), "FLAT": 200.0}
    expected = (19.99 * caps["ISGEC"] - 7.39 * caps["DANLAW"]) / sum(caps.values())
    assert view.change_pct is not None and abs(view.change_pct - expected) < 1e-9
    empty = analytics.watch_view([])
    assert empty is not None and empty.gainers == () and empty.breadth.ad_ratio is None


def test_quotes_of_named_stocks() -> None:
    analytics = MarketAnalytics()
    analytics.refresh(snapshot(STOCKS))
    quotes = analytics.quotes(["ISGEC", "GONE", "DANLAW"])
    assert set(quotes) == {"ISGEC", "DANLAW"}
    assert quotes["ISGEC"].band == "upper" and quotes["DANLAW"].change_pct == -7.39
