"""Hand-made snapshots in the contract's shape for store and codec tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

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

AS_OF = datetime(2026, 11, 20, 11, 30, 15, 123456, tzinfo=IST)


def make_snapshot(
    as_of: datetime = AS_OF, stocks: int = 3, simulated: bool = False, shift: float = 0.0
) -> Snapshot:
    """A snapshot touching every field kind: optional Nones, enums, zones, mappings."""
    indices = (
        IndexQuote("NIFTY 50", Segment.LARGE, 24_100.55 + shift, 24_000.0, 0.42, as_of),
        IndexQuote(
            "NIFTY SMALLCAP 100",
            Segment.SMALL,
            17_250.1 + shift,
            None,
            None,
            as_of,
            advances=61,
            declines=38,
            unchanged=1,
        ),
    )
    quotes = tuple(
        StockQuote(
            symbol=f"SYM{i:04d}",
            name=f"Company <{i}> & Sons",
            sector="Capital Goods",
            segment=Segment.for_rank(i + 1),
            last=100.0 + i + shift,
            prev_close=99.5 + i,
            change_pct=0.5,
            volume=1_000 + i,
            time=as_of,
            ffmc=None if i % 2 else 1234.5,
            band_pct=20.0,
        )
        for i in range(stocks)
    )
    return Snapshot(
        provider="composed",
        as_of=as_of,
        simulated=simulated,
        indices=indices,
        stocks=quotes,
        breadth=(
            Breadth("small", 61, 38, 1, as_of),
            Breadth("NIFTY 50", 30, 20, 0, as_of.astimezone(UTC)),
        ),
        ratings=(
            RatingChange(
                "SYM0001",
                "Company <1> & Sons",
                RatingKind.ANALYST,
                None,
                "Buy",
                "broker.csv",
                as_of - timedelta(hours=3),
            ),
            RatingChange(
                "SYM0002",
                "Company <2> & Sons",
                RatingKind.TECHNICAL,
                "Sideways",
                "Mildly Bullish",
                "computed",
                as_of.astimezone(timezone(timedelta(hours=-5))),
            ),
        ),
        earnings=(
            EarningsEvent(
                "SYM0001", "Company <1> & Sons", date(2026, 11, 25), EarningsStatus.UPCOMING
            ),
        ),
        status=MarketStatus(MarketPhase.OPEN, "Normal Market is Open", as_of, None),
        errors={Part.RATINGS: "files: ratings.csv not found"},
        sources={Part.INDICES: "nse", Part.STOCKS: "nse", Part.BREADTH: "nse"},
        members={"NIFTY 50": ("SYM0000", "SYM0001")},
    )
