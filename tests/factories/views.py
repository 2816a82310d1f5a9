"""Hand-made views for widget tests: widgets draw views, so no provider or pandas is needed."""

from __future__ import annotations

from datetime import date, datetime

from msgspec.structs import replace

from providers.contract import IST, EarningsStatus, RatingKind, Segment
from widgets.views import (
    AnnouncementRow,
    BreadthView,
    Breakouts,
    EarningsRow,
    EventRow,
    FlowsView,
    HorizonView,
    IndexDetail,
    IndexRow,
    MoverRow,
    Relative,
    SectorRow,
    SectorShare,
    SegmentView,
    SignalRow,
    count_signals,
)

AS_OF = datetime(2026, 11, 20, 11, 30, tzinfo=IST)
ANCHORS = (date(2026, 4, 7), date(2026, 1, 1))


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
        since_pcts=(3.5, 7.25),
        relative=Relative("NIFTY 50", (change or 0.0) - 0.42, 0.8, -1.5, (1.9, -0.6)),
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


def signal(symbol: str, change: float, rsi: float, volume_ratio: float | None = 1.4) -> SignalRow:
    return SignalRow(
        symbol=symbol,
        name=f"{symbol.title()} Ltd",
        sector="Defence",
        last=250.0,
        change_pct=change,
        rsi=rsi,
        volume_ratio=volume_ratio,
    )


BREAKOUTS = Breakouts(
    (
        ("↑50DMA", (signal("ISGEC", 19.99, 78.0, 4.2), signal("ALPHA", 4.5, 61.0))),
        ("↓50DMA", (signal("DANLAW", -7.39, 24.0, 2.5),)),
        ("↑100DMA", (signal("ALPHA", 4.5, 61.0),)),
        ("↓100DMA", ()),
        ("↑200DMA", ()),
        ("↓200DMA", (signal("DANLAW", -7.39, 24.0, 2.5),)),
        ("52wH", (signal("ISGEC", 19.99, 78.0, 4.2),)),
        ("52wL", ()),
    )
)
FLOWS = FlowsView(date(2026, 11, 19), -2407.87, 1361.43, -12345.6, 9876.5, 14)
NEWS = (
    AnnouncementRow(
        AS_OF.replace(hour=10, minute=16),
        "ISGEC",
        "Isgec Heavy Engineering Ltd",
        "Award of Order / Receipt of Order",
        "Isgec has informed the Exchange about an order win.",
    ),
    AnnouncementRow(
        AS_OF.replace(day=19, hour=21, minute=30),
        "TCIEXP",
        "TCI Express Ltd",
        "Financial Results",
        "TCI Express has submitted its financial results.",
    ),
)


def horizons() -> tuple[HorizonView, ...]:
    """5D, 1M and Since for each anchor, with made-up movers and sectors."""
    out = []
    for name, anchor, scale in (
        ("5D", None, 1.9),
        ("1M", None, 4.0),
        ("Since", ANCHORS[0], 13.2),
        ("Since", ANCHORS[1], 6.0),
    ):
        out.append(
            HorizonView(
                horizon=name,
                anchor=anchor,
                sectors=(sector("Defence", scale), sector("Fertilisers", scale / 2)),
                gainers=(mover("ISGEC", scale * 3), mover("JWL", scale * 2)),
                losers=(mover("DANLAW", -scale),),
            )
        )
    return tuple(out)


def index_detail(sessions: int = 260) -> IndexDetail:
    """An index that fell, then recovered above its averages: a smooth made-up curve."""
    import math

    closes = tuple(
        10000 + 800 * math.sin(i / 30) + 6 * i - 900 * math.exp(-((i - 150) ** 2) / 800)
        for i in range(sessions)
    )
    start = date(2025, 11, 1).toordinal()
    dates = tuple(date.fromordinal(start + round(i * 1.45)) for i in range(sessions))

    def average(n: int) -> tuple[float | None, ...]:
        return tuple(
            None if i + 1 < n else sum(closes[i + 1 - n : i + 1]) / n for i in range(sessions)
        )

    row = replace(index("NIFTY SMALLCAP 100", closes[-1], 2.52), name="NIFTY SMALLCAP 100")
    return IndexDetail(
        row=row,
        dates=dates,
        closes=closes,
        averages=tuple((n, average(n)) for n in (50, 100, 200)),
        advances=78,
        declines=21,
        unchanged=1,
        best=(mover("ISGEC", 19.99), mover("JWL", 8.1)),
        worst=(mover("DANLAW", -7.39),),
        sectors=(
            SectorShare("Capital Goods", 24.5, 3.1),
            SectorShare("Chemicals", 18.0, 1.2),
            SectorShare("IT", 9.5, -0.8),
        ),
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
        anchors=ANCHORS,
        horizons=horizons(),
        breakouts=BREAKOUTS,
        oversold=(signal("DANLAW", -7.39, 24.0, 2.5),),
        overbought=(signal("ISGEC", 19.99, 78.0, 4.2),),
        flows=FLOWS,
        announcements=NEWS,
    )
    view = replace(view, **changes)
    if "signal_counts" in changes:
        return view
    return replace(
        view, signal_counts=count_signals(view.breakouts, view.oversold, view.overbought)
    )
