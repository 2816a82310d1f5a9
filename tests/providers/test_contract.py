"""The data contract: frozen, slotted, timezone-aware, segment ranks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from msgspec.structs import fields

from providers.contract import (
    IST,
    Breadth,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    MarketPhase,
    MarketStatus,
    Part,
    RatingChange,
    RatingKind,
    Segment,
    Snapshot,
    StockQuote,
)

NOW = datetime(2026, 2, 11, 11, 30, tzinfo=IST)

EXAMPLES = [
    IndexQuote("NIFTY 50", Segment.LARGE, 25_000.0, 24_900.0, 0.4, NOW),
    StockQuote("ABC", "Abc Polychem", "Chemicals", Segment.SMALL, 10.0, 9.5, 5.26, 100, NOW),
    Breadth("small", 873, 335, 12, NOW),
    RatingChange("ABC", "Abc Polychem", RatingKind.ANALYST, "Hold", "Buy", "Demo Research", NOW),
    EarningsEvent("ABC", "Abc Polychem", date(2026, 2, 11), EarningsStatus.DECLARED),
    MarketStatus(MarketPhase.OPEN, "Open", NOW),
    Snapshot("demo", NOW, True),
]


@pytest.mark.parametrize("value", EXAMPLES, ids=lambda v: type(v).__name__)
def test_contract_types_are_frozen_and_slotted(value: object) -> None:
    first = fields(value)[0].name
    with pytest.raises(AttributeError):
        setattr(value, first, "changed")
    assert not hasattr(value, "__dict__")


def test_snapshot_requires_a_timezone_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Snapshot("demo", datetime(2026, 2, 11, 11, 30), True)


def test_snapshot_mappings_cannot_be_changed_by_a_consumer() -> None:
    errors = {Part.RATINGS: "down"}
    snapshot = Snapshot("demo", NOW, True, errors=errors)
    errors[Part.STOCKS] = "added later"
    with pytest.raises(TypeError):
        snapshot.errors[Part.INDICES] = "x"  # type: ignore[index]
    assert dict(snapshot.errors) == {Part.RATINGS: "down"}


@pytest.mark.parametrize(
    ("rank", "segment"),
    [
        (1, Segment.LARGE),
        (100, Segment.LARGE),
        (101, Segment.MID),
        (250, Segment.MID),
        (251, Segment.SMALL),
        (1000, Segment.SMALL),
        (1001, Segment.MICRO),
        (5000, Segment.MICRO),
    ],
)
def test_segment_for_rank_edges(rank: int, segment: Segment) -> None:
    assert Segment.for_rank(rank) is segment


@pytest.mark.parametrize("rank", [0, -1])
def test_segment_for_rank_rejects_non_ranks(rank: int) -> None:
    with pytest.raises(ValueError):
        Segment.for_rank(rank)
