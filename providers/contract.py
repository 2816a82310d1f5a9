"""The data contract: what every provider hands to the rest of capwatch.

Frozen structs (``msgspec.Struct``: slotted, and far cheaper to define and build than
frozen dataclasses) so a snapshot can be shared between the refresh worker, the
store and the screen without anyone mutating it underneath the others. Times are always
timezone-aware; providers convert to IST (``IST``) before building these.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

from msgspec import Struct, field
from msgspec.structs import force_setattr

IST = ZoneInfo("Asia/Kolkata")


class Segment(StrEnum):
    """Market-cap segments by free-float market-cap rank (SEBI-style buckets)."""

    ALL = "all"
    LARGE = "large"  # ranks 1-100
    MID = "mid"  # ranks 101-250
    SMALL = "small"  # ranks 251-1000
    MICRO = "micro"  # beyond 1000

    @classmethod
    def for_rank(cls, rank: int, small_last: int = 1000) -> Segment:
        """The segment of a stock ranked ``rank`` (1 = largest) by free-float market cap;
        ``small_last`` is the last small-cap rank (SEBI sets none: sources differ)."""
        if rank < 1:
            raise ValueError(f"rank must be >= 1, got {rank}")
        if rank <= 100:
            return cls.LARGE
        if rank <= 250:
            return cls.MID
        if rank <= small_last:
            return cls.SMALL
        return cls.MICRO


#: Words in an index name that say which cap segment it tracks, most specific first.
_SEGMENT_WORDS = (
    ("MICROCAP", Segment.MICRO),
    ("SMALLCAP", Segment.SMALL),
    ("SMLCAP", Segment.SMALL),
    ("MIDCAP", Segment.MID),
    ("MIDSMALL", Segment.ALL),
    ("500", Segment.ALL),
    ("TOTAL", Segment.ALL),
    ("ALLCAP", Segment.ALL),
)


def segment_of_index(index_name: str) -> Segment:
    """The cap segment an index tracks, from its name; broad names default to large caps."""
    upper = index_name.upper().replace(" ", "")
    return next((seg for word, seg in _SEGMENT_WORDS if word in upper), Segment.LARGE)


#: The four segments a stock can belong to (``ALL`` is their union).
CAP_SEGMENTS: tuple[Segment, ...] = (Segment.LARGE, Segment.MID, Segment.SMALL, Segment.MICRO)


class Part(StrEnum):
    """The kinds of data a provider may supply; config picks a provider per part."""

    INDICES = "indices"
    STOCKS = "stocks"
    BREADTH = "breadth"
    RATINGS = "ratings"
    EARNINGS = "earnings"
    STATUS = "status"
    HISTORY = "history"
    FLOWS = "flows"
    ANNOUNCEMENTS = "announcements"


#: The Snapshot field that holds each part (history is not part of a snapshot).
PART_FIELDS: Mapping[Part, str] = {
    Part.INDICES: "indices",
    Part.STOCKS: "stocks",
    Part.BREADTH: "breadth",
    Part.RATINGS: "ratings",
    Part.EARNINGS: "earnings",
    Part.STATUS: "status",
    Part.FLOWS: "flows",
    Part.ANNOUNCEMENTS: "announcements",
}


class RatingKind(StrEnum):
    ANALYST = "analyst"
    TECHNICAL = "technical"


#: Analyst scale, weakest first; the index is the rating's strength.
ANALYST_SCALE: tuple[str, ...] = ("Strong Sell", "Sell", "Hold", "Buy", "Strong Buy")
#: Technical-call scale, weakest first.
TECHNICAL_SCALE: tuple[str, ...] = (
    "Bearish",
    "Mildly Bearish",
    "Sideways",
    "Mildly Bullish",
    "Bullish",
)


class EarningsStatus(StrEnum):
    UPCOMING = "upcoming"
    DECLARED = "declared"


class MarketPhase(StrEnum):
    PRE_OPEN = "pre-open"
    OPEN = "open"
    CLOSED = "closed"


class IndexQuote(Struct, frozen=True):
    """One index level. ``segment`` says which cap segment the index tracks."""

    name: str
    segment: Segment
    last: float
    prev_close: float | None
    change_pct: float | None
    time: datetime
    exchange: str = "NSE"
    open: float | None = None
    high: float | None = None
    low: float | None = None
    year_high: float | None = None
    year_low: float | None = None
    advances: int | None = None
    declines: int | None = None
    unchanged: int | None = None


class StockQuote(Struct, frozen=True):
    """One stock's live quote. ``ffmc`` is free-float market cap in rupees crore."""

    symbol: str
    name: str
    sector: str
    segment: Segment
    last: float
    prev_close: float | None
    change_pct: float | None
    volume: int
    time: datetime
    ffmc: float | None = None
    band_pct: float | None = None  # price band (circuit) in percent, e.g. 5, 10, 20
    day_high: float | None = None
    day_low: float | None = None
    avg_volume: float | None = None  # 20-session average daily volume, where the source has it


class Breadth(Struct, frozen=True):
    """Advances/declines for a scope: an index name or a segment id."""

    scope: str
    advances: int
    declines: int
    unchanged: int
    time: datetime


class RatingChange(Struct, frozen=True):
    """An analyst rating change or a technical-call change. ``from_rating`` None = initiation."""

    symbol: str
    name: str
    kind: RatingKind
    from_rating: str | None
    to_rating: str
    source: str
    at: datetime


class EarningsEvent(Struct, frozen=True):
    symbol: str
    name: str
    date: date
    status: EarningsStatus
    purpose: str = "Financial Results"


class InstitutionalFlow(Struct, frozen=True):
    """One day's institutional cash-market flows, in rupees crore (NSE's FII/DII report).

    ``None`` is "not reported", never zero; ``net`` is ``buy - sell`` as the source states it.
    """

    day: date
    fii_buy: float | None
    fii_sell: float | None
    fii_net: float | None
    dii_buy: float | None
    dii_sell: float | None
    dii_net: float | None


class Announcement(Struct, frozen=True):
    """A corporate announcement filed with the exchange (results, orders, capex, ...)."""

    symbol: str
    name: str
    subject: str  # the exchange's short heading, e.g. "Outcome of Board Meeting"
    text: str  # the one-paragraph summary the exchange shows
    at: datetime
    attachment: str | None = None  # URL of the filing


class MarketStatus(Struct, frozen=True):
    phase: MarketPhase
    message: str
    as_of: datetime
    next_open: datetime | None = None


def _frozen_map(value: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(value or {}))


class Snapshot(Struct, frozen=True):
    """Everything one refresh produced.

    ``errors`` maps a part to a message for parts that failed (the rest are still good);
    ``sources`` maps a part to the provider that supplied it (composed providers differ);
    ``members`` maps an index name to its constituent symbols, where known;
    ``fetched`` maps a part served on a slower cadence than the refresh (results calendar) to
    when its data was fetched from the source, so its pane can show how old it is; ``flows``
    are the FII/DII days the source knows this month, ``announcements`` recent filings.
    """

    provider: str
    as_of: datetime
    simulated: bool
    indices: tuple[IndexQuote, ...] = ()
    stocks: tuple[StockQuote, ...] = ()
    breadth: tuple[Breadth, ...] = ()
    ratings: tuple[RatingChange, ...] = ()
    earnings: tuple[EarningsEvent, ...] = ()
    status: MarketStatus | None = None
    errors: Mapping[Part, str] = field(default_factory=_frozen_map)
    sources: Mapping[Part, str] = field(default_factory=_frozen_map)
    members: Mapping[str, tuple[str, ...]] = field(default_factory=_frozen_map)
    fetched: Mapping[Part, datetime] = field(default_factory=_frozen_map)
    flows: tuple[InstitutionalFlow, ...] = ()  # oldest first
    announcements: tuple[Announcement, ...] = ()  # newest first

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise ValueError("Snapshot.as_of must be timezone-aware")
        for name in ("errors", "sources", "members", "fetched"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                force_setattr(self, name, _frozen_map(value))


class ClosesTable(Struct, frozen=True, eq=False):
    """Daily closes as plain arrays: what ``Provider.history`` gives as a DataFrame, for a
    provider that has them in memory already (the demo), so the monitor needs no pandas.

    ``dates``: ``datetime64[D]`` per row (IST trading days); ``names``: index names and/or
    stock symbols per column; ``values``: float array of shape (len(dates), len(names)),
    NaN where unknown. Rows need not be sorted or unique (they are cleaned like a frame)."""

    dates: object  # numpy datetime64[D] array (the contract itself imports no numpy)
    names: tuple[str, ...]
    values: object  # numpy float array
