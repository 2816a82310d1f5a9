"""Invariants that must hold for any snapshot, checked on generated ones."""

from factories.analytics import snapshot, stock
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.contract import CAP_SEGMENTS, Segment
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.analytics.frames import Universe

changes = st.one_of(
    st.none(),
    st.just(0.0),
    st.floats(min_value=-20, max_value=20, allow_nan=False),
)
quotes = st.lists(
    st.tuples(
        changes,
        st.sampled_from(CAP_SEGMENTS),
        st.sampled_from(["Banks", "IT", "Power", "Textiles"]),
        st.one_of(st.none(), st.floats(min_value=1, max_value=1e6)),
    ),
    max_size=40,
)


def _views(rows, movers=5):
    stocks = [
        stock(
            f"S{i}",
            change,
            segment=segment,
            sector=sector,
            ffmc=ffmc,
            prev_close=None if change is None else 100.0,
            last=None if change is not None else 10.0,
        )
        for i, (change, segment, sector, ffmc) in enumerate(rows)
    ]
    return stocks, MarketAnalytics(AnalyticsSettings(movers=movers)).refresh(snapshot(stocks))


@settings(max_examples=150, deadline=None)
@given(quotes)
def test_breadth_adds_up_to_the_segment_count(rows):
    stocks, views = _views(rows)
    for segment, view in views.items():
        members = [s for s in stocks if segment == Segment.ALL or s.segment == segment]
        counts = view.breadth
        assert counts.advances + counts.declines + counts.unchanged == len(members)


@settings(max_examples=150, deadline=None)
@given(quotes, st.integers(min_value=0, max_value=8))
def test_gainers_sorted_disjoint_from_losers_and_limited(rows, movers):
    _, views = _views(rows, movers)
    for view in views.values():
        up = [r.change_pct for r in view.gainers]
        down = [r.change_pct for r in view.losers]
        assert up == sorted(up, reverse=True) and all(c > 0 for c in up)
        assert down == sorted(down) and all(c < 0 for c in down)
        assert not {r.symbol for r in view.gainers} & {r.symbol for r in view.losers}
        assert len(up) <= movers and len(down) <= movers


@settings(max_examples=150, deadline=None)
@given(quotes)
def test_cap_segments_partition_all(rows):
    stocks, views = _views(rows)
    all_breadth = views[Segment.ALL].breadth
    for field in ("advances", "declines", "unchanged"):
        parts = sum(getattr(views[s].breadth, field) for s in CAP_SEGMENTS)
        assert parts == getattr(all_breadth, field)
    for field in ("advances", "declines"):
        by_sector = sum(getattr(r, field) for s in CAP_SEGMENTS for r in views[s].sectors)
        assert by_sector == getattr(all_breadth, field)
    universe = Universe.from_stocks(stocks)
    positions = sorted(p for s in CAP_SEGMENTS for p in universe.members[s].tolist())
    assert positions == universe.members[Segment.ALL].tolist()
