"""Hand-made views for widget tests: widgets draw views, so no provider or pandas is needed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from providers.contract import IST, EarningsStatus, RatingKind, Segment
from widgets.views import (
    BreadthView,
    EarningsRow,
    EventRow,
    IndexRow,
    MoverRow,
    SectorRow,
    SegmentView,
)

AS_OF = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


def index(name: str = "NIFTY 50", last: float = 24350.55, change: float | None = 0.42) -> IndexRow:
    return IndexRow(
        name=name,
        exchange="NSE",
        last=last,
        change_pct=change,
        change_5d_pct=1.1,
        change_1m_pct=-2.3,
        change_ytd_pct=8.75,
        since_anchor_pct=3.5,
        from_52w_high_pct=-4.2,
        from_52w_low_pct=18.0,
        above_ma=(True, False, None),
        crossed_today=(50,),
        relative_pct=0.0,
        call="Mildly Bullish",
    )


def mover(
    symbol: str,
    change: float | None,
    *,
    name: str | None = None,
    last: float = 100.0,
    volume: int = 250_000,
    band: str | None = None,
) -> MoverRow:
    return MoverRow(
        symbol=symbol,
        name=name if name is not None else f"{symbol.title()} Ltd",
        sector="Capital Goods",
        last=last,
        change=None if change is None else last * change / 100,
        change_pct=change,
        volume=volume,
        band=band,
    )


def sector(name: str, change: float, advances: int = 10, declines: int = 5) -> SectorRow:
    return SectorRow(
        sector=name,
        change_pct=change,
        median_pct=change / 2,
        advances=advances,
        declines=declines,
        leader=f"{name[:4].upper()}LEAD",
        leader_pct=abs(change) * 3,
        laggard=f"{name[:4].upper()}LAG",
        laggard_pct=-abs(change) * 2,
    )


def event(symbol: str, minutes_ago: int, direction: int = 1) -> EventRow:
    at = AS_OF.replace(minute=30 - minutes_ago) if minutes_ago < 30 else AS_OF.replace(day=19)
    return EventRow(
        at=at,
        symbol=symbol,
        name=f"{symbol.title()} Ltd",
        kind=RatingKind.ANALYST,
        from_rating="Hold",
        to_rating="Buy" if direction > 0 else "Sell",
        direction=direction,
        source="Broker",
    )


def results(symbol: str, days: int) -> EarningsRow:
    return EarningsRow(
        symbol=symbol,
        name=f"{symbol.title()} Ltd",
        date=date(2026, 11, 20 + days),
        status=EarningsStatus.DECLARED if days == 0 else EarningsStatus.UPCOMING,
        purpose="Financial Results",
        days_to_go=days,
    )


def segment_view(segment: Segment = Segment.ALL, **changes: object) -> SegmentView:
    """A full view; keyword arguments replace fields (e.g. ``gainers=(...)``)."""
    view = SegmentView(
        segment=segment,
        as_of=AS_OF,
        indices=(index(), index("NIFTY MIDCAP 100", 51234.1, -0.8)),
        breadth=BreadthView(873, 335, 12, 2.61, 71.6, (1.2, 1.8, 2.61)),
        gainers=(mover("ISGEC", 19.99, band="upper"), mover("ALPHA", 4.5), mover("BETA", 2.25)),
        losers=(mover("DANLAW", -7.39), mover("GAMMA", -3.1), mover("DELTA", -0.5)),
        sectors=(sector("Capital Goods", 2.1), sector("IT", -0.7, 3, 12)),
        events=(event("SHAILY", 5), event("RADICO", 20), event("OLDCO", 60, -1)),
        upcoming=(results("JUPITER", 2), results("BLKASHYAP", 3)),
        declared=(results("TCIEXP", 0),),
        rank_today=1 if segment != Segment.ALL else None,
        rank_5d=2 if segment != Segment.ALL else None,
        change_pct=0.8,
    )
    return replace(view, **changes)
