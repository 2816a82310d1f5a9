"""View data: what analytics produces and widgets draw.

Plain frozen dataclasses with no pandas or textual in them, so widgets stay presentation-only
and can be tested with hand-made values. ``None`` always means "not known" (never zero).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from providers.contract import EarningsStatus, RatingKind, Segment


class Watch(StrEnum):
    """The view beside the cap segments that holds the user's watched stocks (a scope of its
    own, not a market segment: no stock belongs to it by its market cap)."""

    WATCH = "watch"


WATCH = Watch.WATCH
#: What the segment bar switches between: a cap segment (or All), or the watchlist.
Scope = Segment | Watch


def scope_of(value: str) -> Scope:
    """``"small"`` -> ``Segment.SMALL``, ``"watch"`` -> ``WATCH``; ValueError otherwise."""
    return WATCH if value == WATCH.value else Segment(value)


@dataclass(frozen=True, slots=True)
class IndexRow:
    name: str
    exchange: str
    last: float
    change_pct: float | None
    change_5d_pct: float | None
    change_1m_pct: float | None
    change_ytd_pct: float | None
    since_anchor_pct: float | None
    from_52w_high_pct: float | None  # <= 0: how far below the 52-week high
    from_52w_low_pct: float | None  # >= 0: how far above the 52-week low
    above_ma: tuple[bool | None, bool | None, bool | None]  # vs 50-, 100-, 200-day MA
    crossed_today: tuple[int, ...]  # signed MA lengths crossed today: 50 = up through, -50 = down
    relative_pct: float | None  # day change minus the benchmark's day change
    call: str | None  # technical call (TECHNICAL_SCALE)


@dataclass(frozen=True, slots=True)
class BreadthPoint:
    """One intraday breadth reading (analytics keeps one per minute)."""

    time: datetime
    advances: int
    declines: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class BreadthView:
    advances: int
    declines: int
    unchanged: int
    ad_ratio: float | None  # see analytics.breadth for the zero-declines rule
    pct_advancing: float | None
    ratio_series: tuple[float, ...]  # the day's A/D ratio, oldest first, for a sparkline
    series: tuple[BreadthPoint, ...] = ()  # the day's readings behind ratio_series


@dataclass(frozen=True, slots=True)
class MoverRow:
    symbol: str
    name: str
    sector: str
    last: float
    change: float | None
    change_pct: float | None
    volume: int
    band: str | None  # "upper" / "lower" when at the price band, else None


@dataclass(frozen=True, slots=True)
class SectorRow:
    sector: str
    change_pct: float | None  # free-float-cap weighted
    median_pct: float | None
    advances: int
    declines: int
    leader: str | None
    leader_pct: float | None
    laggard: str | None
    laggard_pct: float | None


@dataclass(frozen=True, slots=True)
class EventRow:
    """One line of the ratings feed: analyst or technical change."""

    at: datetime
    symbol: str
    name: str
    kind: RatingKind
    from_rating: str | None
    to_rating: str
    direction: int  # +1 upgrade, -1 downgrade, 0 initiation/unchanged strength
    source: str


@dataclass(frozen=True, slots=True)
class EarningsRow:
    symbol: str
    name: str
    date: date
    status: EarningsStatus
    purpose: str
    days_to_go: int  # 0 today; negative for declared in the past


@dataclass(frozen=True, slots=True)
class SegmentView:
    """Everything the six panes show for one segment (or the watchlist) at one refresh."""

    segment: Scope
    as_of: datetime
    indices: tuple[IndexRow, ...]
    breadth: BreadthView
    gainers: tuple[MoverRow, ...]
    losers: tuple[MoverRow, ...]
    sectors: tuple[SectorRow, ...]  # ranked best first
    events: tuple[EventRow, ...]  # newest first; at most max_events of each kind
    upcoming: tuple[EarningsRow, ...]  # soonest first
    declared: tuple[EarningsRow, ...]  # declared today (latest first)
    rank_today: int | None  # 1 = best-performing cap segment today (None for ALL)
    rank_5d: int | None
    #: The segment's stocks as an index: free-float-cap weighted with the caps at the previous
    #: close (today) and chain-linked daily (5 sessions, what rank_5d ranks).
    change_pct: float | None = None
    change_5d_pct: float | None = None
    upper_band: tuple[MoverRow, ...] = ()  # every stock at its upper price band, best first
    lower_band: tuple[MoverRow, ...] = ()  # every stock at its lower price band, worst first
    upper_band_count: int = 0  # len(upper_band)
    lower_band_count: int = 0


@dataclass(frozen=True, slots=True)
class StockDetail:
    """The drill-down screen for one stock."""

    symbol: str
    name: str
    sector: str
    segment: Segment
    last: float
    prev_close: float | None
    change_pct: float | None
    day_low: float | None
    day_high: float | None
    year_low: float | None
    year_high: float | None
    closes: tuple[float, ...]  # past daily closes, oldest first
    calls: tuple[tuple[date, str], ...]  # technical-call history: (day the call began, call)
    ratings: tuple[EventRow, ...]
    next_earnings: EarningsRow | None


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One fired alert, as the Alerts log lists it and a notification says it."""

    at: datetime  # the time of the data that fired it
    rule: str  # the rule's id
    subject: str  # a symbol or a segment
    value: str  # the figure that crossed, formatted
    message: str  # one line for a person
    stock: bool = False  # the subject is a stock symbol (Enter in the log opens it)
