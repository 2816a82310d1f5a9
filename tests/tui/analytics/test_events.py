from datetime import date, datetime, timedelta

from providers.contract import IST, EarningsEvent, EarningsStatus, RatingChange, RatingKind
from tui.analytics import events

MORNING = datetime(2026, 11, 20, 10, 0, tzinfo=IST)


def _change(symbol, before, after, at=MORNING, kind=RatingKind.ANALYST, source="Broker A"):
    return RatingChange(symbol, f"{symbol} Ltd", kind, before, after, source, at)


def test_direction_by_scale_position():
    assert events.direction(_change("SHAILY", "Hold", "Buy")) == 1
    assert events.direction(_change("X", "Buy", "Strong Sell")) == -1
    assert events.direction(_change("X", None, "Buy")) == 0  # initiation
    assert events.direction(_change("X", "Buy", "Outperform")) == 0  # not on the scale
    assert events.direction(_change("X", "HOLD", "buy")) == 1  # case-insensitive
    technical = _change("TBOTEK", "Sideways", "Mildly Bullish", kind=RatingKind.TECHNICAL)
    assert events.direction(technical) == 1


def test_feed_merges_sources_newest_first_deduplicated_and_limited():
    earlier = MORNING - timedelta(hours=20)
    analyst = events.newest_first(
        [
            events.event_row(_change("A", "Hold", "Buy", at=earlier)),
            events.event_row(_change("B", "Buy", "Hold")),
            events.event_row(_change("A", "Hold", "Buy", at=earlier + timedelta(minutes=5))),
            events.event_row(_change("A", "Hold", "Buy", at=earlier, source="Broker B")),
        ]
    )
    technical = [
        events.event_row(
            _change("C", "Sideways", "Bullish", kind=RatingKind.TECHNICAL, at=MORNING)
        ),
        events.event_row(
            _change("D", "Bullish", "Sideways", kind=RatingKind.TECHNICAL, at=earlier)
        ),
    ]
    feed = events.feed(analyst, technical)
    assert [(r.symbol, r.source, r.at) for r in feed] == [
        ("C", "Broker A", MORNING),
        ("B", "Broker A", MORNING),
        ("A", "Broker A", earlier + timedelta(minutes=5)),  # the same day's copy is dropped
        ("D", "Broker A", earlier),
        ("A", "Broker B", earlier),
    ]
    assert [r.direction for r in feed] == [1, -1, 1, -1, 1]
    assert [r.symbol for r in events.feed(analyst, technical, limit=2)] == ["C", "B"]


def _earnings(symbol, day, status):
    return EarningsEvent(symbol, f"{symbol} Ltd", day, status)


def test_earnings_split_upcoming_soonest_first_and_declared_today():
    today = date(2026, 2, 10)
    upcoming, declared = events.split_earnings(
        [
            _earnings("SIKA", date(2026, 2, 11), EarningsStatus.UPCOMING),
            _earnings("JWL", date(2026, 2, 11), EarningsStatus.UPCOMING),
            _earnings("LATER", date(2026, 3, 1), EarningsStatus.UPCOMING),
            _earnings("STALE", date(2026, 2, 9), EarningsStatus.UPCOMING),
            _earnings("TODAY", today, EarningsStatus.UPCOMING),
            _earnings("TCIEXP", today, EarningsStatus.DECLARED),
            _earnings("OLD", date(2026, 2, 3), EarningsStatus.DECLARED),
        ],
        today,
    )
    assert [(r.symbol, r.days_to_go) for r in upcoming] == [
        ("TODAY", 0),
        ("JWL", 1),
        ("SIKA", 1),
        ("LATER", 19),
    ]
    assert [(r.symbol, r.status) for r in declared] == [("TCIEXP", EarningsStatus.DECLARED)]
