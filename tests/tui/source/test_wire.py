"""The feed's codec: the views the demo market really produces survive JSON unchanged, and a
wrong shape is an error, never a half-built view."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime

import msgspec
import numpy as np
import pytest

from providers.contract import IST, MarketPhase, MarketStatus, Part, Segment
from providers.demo import create
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.source import wire
from tui.source.bus import FeedStatus
from widgets.views import WATCH, AlertRow, SegmentSummary, SegmentView, StockDetail

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


@pytest.fixture(scope="module")
def computed() -> tuple[MarketAnalytics, Mapping[Segment, SegmentView]]:
    """The demo market's analytics with history, and the views of one refresh."""
    provider = create({"seed": 7, "start": START})
    snapshot = asyncio.run(provider.fetch())
    engine = MarketAnalytics(AnalyticsSettings())
    engine.load_history(asyncio.run(provider.history()))
    return engine, engine.refresh(snapshot)


def test_every_segment_view_round_trips(computed) -> None:
    _, views = computed
    for view in views.values():
        assert view.gainers and view.events  # real content, not empty tuples
        back = wire.loads(SegmentView, wire.dumps(view))
        assert back == view
        assert type(back.indices[0].above_ma) is tuple and type(back.as_of) is datetime
        assert back.segment is view.segment  # the enum, not its string


def test_a_packed_view_is_a_quarter_of_its_json_and_reads_back_the_same(computed) -> None:
    _, views = computed
    for view in views.values():
        plain = wire.dumps(view)
        packed = wire.deflate(plain)
        assert len(packed) < len(plain) / 3
        assert wire.loads(SegmentView, packed) == view == wire.loads(SegmentView, plain)


def test_the_watch_view_round_trips_as_the_watch_scope(computed) -> None:
    analytics, views = computed
    symbols = [row.symbol for row in views[Segment.ALL].gainers[:2]]
    watch = analytics.watch_view(symbols)
    assert watch is not None and watch.segment is WATCH
    back = wire.loads(SegmentView, wire.dumps(watch))
    assert back == watch and back.segment is WATCH


def test_a_stock_detail_round_trips_and_none_is_none(computed) -> None:
    analytics, views = computed
    view = next(iter(views.values()))
    detail = analytics.detail(view.gainers[0].symbol)
    assert detail is not None and detail.closes and detail.calls
    assert wire.loads(StockDetail | None, wire.dumps(detail)) == detail
    assert wire.loads(StockDetail | None, wire.dumps(None)) is None


def test_status_round_trips() -> None:
    status = FeedStatus(
        seq=3,
        provider="nse",
        simulated=False,
        as_of=START,
        market=MarketStatus(MarketPhase.CLOSED, "Closed", START, next_open=START),
        errors=(("ratings", "file missing"),),
        stale_since=None,
        next_at=START,
        sent_at=START,
        beat=5.0,
        alerts=(AlertRow(START, "small-breadth", "small", "2.60", "Small A/D above 2.5"),),
        fetched=((Part.EARNINGS, START),),
        summaries=((Segment.SMALL, SegmentSummary(2, -0.4)), (WATCH, SegmentSummary(None, 1.2))),
    )
    back = wire.loads(FeedStatus, wire.dumps(status))
    assert back == status and back.fetched[0][0] is Part.EARNINGS
    # a scope is a union of two string enums, which msgspec cannot read by itself
    assert [scope for scope, _ in back.summaries] == [Segment.SMALL, WATCH]
    assert back.summaries[1][0] is WATCH


def test_a_scope_that_is_neither_a_segment_nor_watch_is_an_error() -> None:
    status = FeedStatus(3, "demo", True, None, None, (), None, None, START, 5.0)
    data = wire.dumps(
        msgspec.structs.replace(status, summaries=((Segment.MID, SegmentSummary(1, 0.1)),))
    )
    assert b'"mid"' in data
    with pytest.raises(ValueError, match="none of"):
        wire.loads(FeedStatus, data.replace(b'"mid"', b'"mega"'))


def test_numpy_numbers_left_in_a_view_travel_as_numbers() -> None:
    summary = SegmentSummary(np.int64(3), np.float64(0.25))
    assert wire.dumps(summary) == b'{"rank_today":3,"change_pct":0.25}'
    assert wire.loads(SegmentSummary, wire.dumps(summary)) == SegmentSummary(3, 0.25)


@pytest.mark.parametrize(
    "data",
    [b'{"symbol": "X"}', b"[1, 2]", b'{"seq": "three"}', b"not json", b"x\x01 cut short"],
)
def test_a_wrong_shape_is_an_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        wire.loads(FeedStatus, data)
