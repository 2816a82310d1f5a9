"""View data: what analytics produces and widgets draw.

Plain frozen structs (``msgspec.Struct``) with no pandas or textual in them, so widgets stay
presentation-only and can be tested with hand-made values. ``None`` always means "not known"
(never zero).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum

from msgspec import Struct

from providers.contract import EarningsStatus, RatingKind, Segment

#: The horizons Sectors and Gainers/Losers can be read over (``h`` cycles them).
HORIZONS: tuple[str, ...] = ("Day", "5D", "1M", "Since")
#: Wilder's RSI(14) levels: at or below is oversold, at or above overbought.
OVERSOLD, OVERBOUGHT = 30.0, 70.0
#: Breakout signals, in the order the Breadth pane and the list view show them.
SIGNALS: tuple[str, ...] = (
    "↑50DMA",
    "↓50DMA",
    "↑100DMA",
    "↓100DMA",
    "↑200DMA",
    "↓200DMA",
    "52wH",
    "52wL",
)
#: Every signal list, in the order the list view cycles them: the breakouts, then RSI's.
SIGNAL_LISTS: tuple[str, ...] = (*SIGNALS, "Oversold", "Overbought")


class Relative(Struct, frozen=True):
    """An index's change minus the benchmark's over the same horizon, in percentage points."""

    benchmark: str
    day: float | None
    five_day: float | None
    one_month: float | None
    since: tuple[float | None, ...]  # per ``SegmentView.anchors``


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


class IndexRow(Struct, frozen=True):
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
    since_pcts: tuple[float | None, ...] = ()  # per ``SegmentView.anchors`` (first = since_anchor)
    relative: Relative | None = None


class BreadthPoint(Struct, frozen=True):
    """One intraday breadth reading (analytics keeps one per minute)."""

    time: datetime
    advances: int
    declines: int
    unchanged: int


class BreadthView(Struct, frozen=True):
    advances: int
    declines: int
    unchanged: int
    ad_ratio: float | None  # see analytics.breadth for the zero-declines rule
    pct_advancing: float | None
    ratio_series: tuple[float, ...]  # the day's A/D ratio, oldest first, for a sparkline
    series: tuple[BreadthPoint, ...] = ()  # the day's readings behind ratio_series


class MoverRow(Struct, frozen=True):
    symbol: str
    name: str
    sector: str
    last: float
    change: float | None
    change_pct: float | None
    volume: int
    band: str | None  # "upper" / "lower" when at the price band, else None


class SectorRow(Struct, frozen=True):
    """A sector over one horizon: ``change_pct`` is over that horizon (index methodology),
    ``advances``/``declines``, median, leader and laggard count the same horizon's moves."""

    sector: str
    change_pct: float | None  # free-float-cap weighted, weights at the period start
    median_pct: float | None
    advances: int
    declines: int
    leader: str | None
    leader_pct: float | None
    laggard: str | None
    laggard_pct: float | None
    change_5d_pct: float | None = None  # the same sector over 5 sessions (day rows only)
    change_1m_pct: float | None = None  # and over one month (day rows only)


class HorizonView(Struct, frozen=True):
    """Sectors and movers of a segment over a longer horizon than the day."""

    horizon: str  # one of HORIZONS other than "Day"
    anchor: date | None  # for "Since": the anchor date; else None
    sectors: tuple[SectorRow, ...]
    gainers: tuple[MoverRow, ...]
    losers: tuple[MoverRow, ...]


class SignalRow(Struct, frozen=True):
    """A stock in a signal list: a breakout, a 52-week extreme, oversold or overbought."""

    symbol: str
    name: str
    sector: str
    last: float
    change_pct: float | None
    rsi: float | None  # RSI(14) with today's price
    volume_ratio: float | None  # today's volume / 20-day average volume


class Breakouts(Struct, frozen=True):
    """Per signal (``SIGNALS``), the segment's stocks showing it today, best move first."""

    lists: tuple[tuple[str, tuple[SignalRow, ...]], ...] = ()

    def rows(self, signal: str) -> tuple[SignalRow, ...]:
        return next((rows for name, rows in self.lists if name == signal), ())

    def count(self, signal: str) -> int:
        return len(self.rows(signal))


def count_signals(
    breakouts: Breakouts, oversold: Sequence[SignalRow], overbought: Sequence[SignalRow]
) -> tuple[tuple[str, int], ...]:
    """``SegmentView.signal_counts`` for these lists."""
    rsi = (("Oversold", len(oversold)), ("Overbought", len(overbought)))
    return (*((signal, breakouts.count(signal)) for signal in SIGNALS), *rsi)


class FlowsView(Struct, frozen=True):
    """FII/DII net cash flows (rupees crore): the latest day and the month so far."""

    day: date
    fii_net: float | None
    dii_net: float | None
    month_fii_net: float | None
    month_dii_net: float | None
    month_days: int  # trading days the month's sums cover (what the source has given)


class AnnouncementRow(Struct, frozen=True):
    at: datetime
    symbol: str
    name: str
    subject: str
    text: str


class EventRow(Struct, frozen=True):
    """One line of the ratings feed: analyst or technical change."""

    at: datetime
    symbol: str
    name: str
    kind: RatingKind
    from_rating: str | None
    to_rating: str
    direction: int  # +1 upgrade, -1 downgrade, 0 initiation/unchanged strength
    source: str


class EarningsRow(Struct, frozen=True):
    symbol: str
    name: str
    date: date
    status: EarningsStatus
    purpose: str
    days_to_go: int  # 0 today; negative for declared in the past


class SegmentView(Struct, frozen=True):
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
    anchors: tuple[date, ...] = ()  # the since-dates, in the order a key cycles them
    horizons: tuple[HorizonView, ...] = ()  # 5D, 1M, then Since per anchor
    breakouts: Breakouts = Breakouts()
    oversold: tuple[SignalRow, ...] = ()  # RSI(14) <= 30, lowest first
    overbought: tuple[SignalRow, ...] = ()  # RSI(14) >= 70, highest first
    flows: FlowsView | None = None  # market-wide: the same in every segment
    announcements: tuple[AnnouncementRow, ...] = ()  # newest first
    #: Per ``SIGNAL_LISTS`` name, how many stocks the list holds (what the Breadth pane shows).
    signal_counts: tuple[tuple[str, int], ...] = ()
    #: False when the lists themselves were left out and only their counts stand: a feed
    #: viewer receives them only while its signals screen is open (they are half the bytes).
    signal_lists: bool = True

    def signal_count(self, name: str) -> int:
        """How many stocks the ``SIGNAL_LISTS`` list ``name`` holds."""
        return next((count for key, count in self.signal_counts if key == name), 0)

    def signal_rows(self, name: str) -> tuple[SignalRow, ...]:
        """The stocks of the ``SIGNAL_LISTS`` list ``name`` (empty when left out)."""
        if name == "Oversold":
            return self.oversold
        if name == "Overbought":
            return self.overbought
        return self.breakouts.rows(name)

    def horizon(self, name: str, anchor_index: int = 0) -> HorizonView | None:
        """The 5D/1M view, or Since at the ``anchor_index``-th anchor; None for Day/unknown."""
        found = [h for h in self.horizons if h.horizon == name]
        if name == "Since" and found:
            return found[min(anchor_index, len(found) - 1)]
        return found[0] if found else None


class SegmentSummary(Struct, frozen=True):
    """What the segment bar shows of a segment: its rank among the cap segments and its change
    today. A feed viewer gets these for every segment and decodes only the view it shows."""

    rank_today: int | None
    change_pct: float | None

    @classmethod
    def of(cls, view: SegmentView) -> SegmentSummary:
        return cls(view.rank_today, view.change_pct)


def summaries(views: Mapping[Scope, SegmentView]) -> dict[Scope, SegmentSummary]:
    if isinstance(views, SegmentViews):  # known without building a view
        return dict(views.summaries)
    return {scope: SegmentSummary.of(view) for scope, view in views.items()}


class SegmentViews(Mapping[Scope, SegmentView]):
    """One refresh's views, each built on first read by ``build(scope)``.

    A monitor shows one segment at a time: building the other six every tick was about half
    of the analytics' work. The segment bar's figures (``summaries``) are known at once.
    ``build`` reads only that refresh's arrays, which nothing changes afterwards, so any
    thread may read a view, and a view built once is kept."""

    def __init__(
        self,
        build: Callable[[Scope], SegmentView],
        summaries: Mapping[Scope, SegmentSummary],
    ) -> None:
        self._build = build
        self.summaries = dict(summaries)
        self._built: dict[Scope, SegmentView] = {}

    def add(self, view: SegmentView) -> None:
        """Add a view built elsewhere (the Watch view), before the views are handed on."""
        self._built[view.segment] = view
        self.summaries[view.segment] = SegmentSummary.of(view)

    def __getitem__(self, scope: Scope) -> SegmentView:
        view = self._built.get(scope)
        if view is None:
            if scope not in self.summaries:
                raise KeyError(scope)
            view = self._built[scope] = self._build(scope)
        return view

    def __iter__(self) -> Iterator[Scope]:
        return iter(self.summaries)

    def __len__(self) -> int:
        return len(self.summaries)


class StockDetail(Struct, frozen=True):
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
    rsi: float | None = None  # RSI(14) with today's price
    volume: int | None = None  # traded today so far
    avg_volume: float | None = None  # 20-day average daily volume


class SectorShare(Struct, frozen=True):
    sector: str
    weight_pct: float  # share of the index's free-float cap
    change_pct: float | None  # the sector's members in the index, today


class IndexDetail(Struct, frozen=True):
    """The drill-down screen for one index: its chart, breadth, members and sector mix."""

    row: IndexRow
    dates: tuple[date, ...]  # session dates of ``closes``, oldest first; today last
    closes: tuple[float, ...]  # daily closes, then today's level
    averages: tuple[tuple[int, tuple[float | None, ...]], ...]  # (n, n-day MA per close)
    advances: int | None
    declines: int | None
    unchanged: int | None
    best: tuple[MoverRow, ...]
    worst: tuple[MoverRow, ...]
    sectors: tuple[SectorShare, ...]  # largest weight first


class AlertRow(Struct, frozen=True):
    """One fired alert, as the Alerts log lists it and a notification says it."""

    at: datetime  # the time of the data that fired it
    rule: str  # the rule's id
    subject: str  # a symbol or a segment
    value: str  # the figure that crossed, formatted
    message: str  # one line for a person
    stock: bool = False  # the subject is a stock symbol (Enter in the log opens it)
