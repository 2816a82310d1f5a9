"""``MarketAnalytics``: the stateful facade the monitor and ``capwatch snapshot`` call.

It keeps these caches so that a tick only does tick work:

- the ``Universe`` (static stock attributes, segment member positions), rebuilt only when the
  snapshot's list of stocks, their sectors or segments change;
- the prepared history (cleaned closes and every technical call on every session), built by
  ``load_history`` — the heavy part, so the caller can run it off the UI thread — and only
  when the history differs (its shape, last date or last row);
- the daily figures (horizon references, call-change events, per-stock 5-day references),
  rebuilt on the first refresh after the trading date (``snapshot.as_of`` in IST), the
  history, the universe or the set of indices changed — so a demo rolling to the next day is
  picked up without anyone asking (give it the new day's history with ``load_history``);
- the merged ratings feed and earnings lists, rebuilt only when the snapshot's ratings or
  earnings (or the daily figures) change.

Each segment also keeps its intraday breadth series (``breadth.BreadthSeries``). A refresh
returns ``SegmentViews``: each segment's view is built when first read, so a monitor showing
one segment builds one view a tick (a collector or ``capwatch snapshot`` reads them all).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
from msgspec import Struct

from providers.contract import (
    CAP_SEGMENTS,
    IST,
    ClosesTable,
    EarningsEvent,
    IndexQuote,
    Segment,
    Snapshot,
    StockQuote,
)
from tui.analytics import breadth, events, flows, index_detail, movers, returns, sectors
from tui.analytics.frames import DailyCloses, LiveColumns, QuoteReader, Universe
from tui.analytics.settings import AnalyticsSettings
from tui.analytics.signals import LiveSignals, StockDaily
from tui.analytics.technicals import Calls
from widgets.views import (
    WATCH,
    AnnouncementRow,
    BreadthPoint,
    EarningsRow,
    EventRow,
    HorizonView,
    IndexDetail,
    IndexRow,
    MoverRow,
    Relative,
    Scope,
    SegmentSummary,
    SegmentView,
    SegmentViews,
    StockDetail,
    count_signals,
)

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_SETTINGS = AnalyticsSettings()


class _Prepared(Struct, frozen=True, eq=False):
    """A loaded history, cleaned, with every technical call; ``key`` identifies it."""

    key: tuple | None
    closes: DailyCloses
    calls: Calls


class _Daily(Struct, frozen=True, eq=False):
    """Everything that changes at most once a trading day."""

    key: tuple
    universe: Universe
    closes: DailyCloses
    refs: returns.References
    calls: Calls
    stock: StockDaily  # per universe position: the references of today's signals and horizons
    stock_recent: np.ndarray  # (5, universe): closes of the last 5 sessions (NaN unknown)
    segment_of: dict[str, tuple[Segment, ...]]  # symbol or index name -> views it shows in
    technical_rows: dict[Segment, list[EventRow]]  # events.newest_first order


class _Tick(Struct, frozen=True, eq=False):
    """What ``detail``, ``watch_view`` and ``quotes`` need from the last refresh."""

    snapshot: Snapshot
    columns: LiveColumns
    daily: _Daily
    earnings: dict[Segment, tuple[tuple[EarningsRow, ...], tuple[EarningsRow, ...]]]
    indices: tuple[IndexRow, ...]
    sector_order: np.ndarray
    recent: np.ndarray  # (5, universe): closes 5 sessions back .. the previous close, oldest first
    upper: np.ndarray  # per universe position: at the upper price band
    lower: np.ndarray
    signals: LiveSignals


class _Horizon(Struct, frozen=True, eq=False):
    """One longer horizon of a tick: per stock its reference price, change and start weight."""

    name: str
    anchor: date | None
    reference: np.ndarray
    change: np.ndarray
    weights: np.ndarray
    order: np.ndarray  # sectors.sector_order by ``change``


class _HorizonCache(Struct, frozen=True, eq=False):
    """A minute's horizons, and each segment's views of them once asked for."""

    key: tuple
    universe: Universe
    columns: LiveColumns  # of the tick that began the minute
    bands: tuple[np.ndarray, np.ndarray]
    horizons: list[_Horizon]
    shown: int | None  # movers listed per horizon
    made: dict[Segment, tuple[tuple[HorizonView, ...], tuple[np.ndarray, np.ndarray]]]

    def of_segment(
        self, segment: Segment
    ) -> tuple[tuple[HorizonView, ...], tuple[np.ndarray, np.ndarray]]:
        made = self.made.get(segment)
        if made is None:
            made = self.made[segment] = self._make(segment)
        return made

    def _make(
        self, segment: Segment
    ) -> tuple[tuple[HorizonView, ...], tuple[np.ndarray, np.ndarray]]:
        universe, columns, (upper, lower) = self.universe, self.columns, self.bands
        members = universe.members[segment]
        views = []
        for h in self.horizons:
            gainers, losers = movers.ranked(members, h.change, self.shown)
            views.append(
                HorizonView(
                    horizon=h.name,
                    anchor=h.anchor,
                    sectors=sectors.rows(
                        h.order, members, universe, columns, change=h.change, weights=h.weights
                    ),
                    gainers=movers.rows(
                        gainers, universe, columns, upper, lower, reference=h.reference
                    ),
                    losers=movers.rows(
                        losers, universe, columns, upper, lower, reference=h.reference
                    ),
                )
            )
        five, month = (
            sectors.weighted_by_sector(members, universe, h.change, h.weights)
            for h in self.horizons[:2]
        )
        return tuple(views), (five, month)


def _history_key(closes: pd.DataFrame | ClosesTable | None) -> tuple:
    """Cheap identity of a history: its shape, last date and last row's sum."""
    if isinstance(closes, ClosesTable):
        values = np.asarray(closes.values, dtype=float)
        if values.size == 0:
            return ()
        dates = np.asarray(closes.dates, dtype="datetime64[D]")
        return values.shape, dates.max(), float(np.nansum(values[int(dates.argmax())]))
    if closes is None or closes.empty:
        return ()
    import pandas as pd  # loaded already by whoever built ``closes``

    last_row = closes.iloc[-1].to_numpy(dtype=float, na_value=np.nan)
    return closes.shape, pd.Timestamp(closes.index[-1]), float(np.nansum(last_row))


def _index_change(quote: IndexQuote | None) -> float | None:
    if quote is None:
        return None
    if quote.change_pct is not None:
        return quote.change_pct
    return None if quote.prev_close is None else returns.pct(quote.last, quote.prev_close)


class MarketAnalytics:
    """Snapshot (+ daily history) -> one ``SegmentView`` per segment, cheaply per tick."""

    def __init__(self, settings: AnalyticsSettings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        empty = DailyCloses.from_frame(None)
        self._prepared: _Prepared = _Prepared(None, empty, Calls.compute(empty))
        self._universe: Universe | None = None
        self._universe_of: Sequence[StockQuote] | None = None  # the quotes it was checked on
        self._live: LiveSignals | None = None  # the last refresh's signals, for their rows
        self._quotes = QuoteReader()
        self._daily: _Daily | None = None
        self._series = {segment: breadth.BreadthSeries() for segment in Segment}
        self._feed_cache: tuple[tuple, _Daily, dict] | None = None
        self._earnings_cache: tuple[tuple, _Daily, dict] | None = None
        self._tick: _Tick | None = None
        self._horizon_cache: _HorizonCache | None = None

    def load_history(self, closes: pd.DataFrame | ClosesTable) -> None:
        """Use ``closes`` (wide daily closes, see ``providers.base``, or the same as a
        ``ClosesTable``, which needs no pandas) from the next refresh.

        Does the heavy, date-independent part of the daily work now — cleaning and every
        technical call — so a caller can run it off the UI thread; loading the same history
        again is free."""
        key = _history_key(closes)
        if key == self._prepared.key:
            return
        if isinstance(closes, ClosesTable):
            cleaned = DailyCloses.from_table(closes)
        else:
            cleaned = DailyCloses.from_frame(closes)
        self._prepared = _Prepared(key, cleaned, Calls.compute(cleaned))  # one atomic swap

    @property
    def anchor_date(self) -> date | None:
        """The first "since" date in use (None before the first refresh), for headers."""
        return None if self._daily is None else self._daily.refs.anchor_date

    def refresh(self, snapshot: Snapshot) -> SegmentViews:
        """Every segment's view of ``snapshot``; records a breadth reading per segment."""
        moment = snapshot.as_of.astimezone(IST)
        today = moment.date()
        # The universe was checked against the quotes read last: compare only those re-read.
        checked = self._universe_of is not None and self._universe_of is self._quotes.stocks
        fields, rebuilt = self._quotes.read(snapshot.stocks)
        if self._universe is None or not self._universe.matches(
            snapshot.stocks, rebuilt if checked else None
        ):
            self._universe = Universe.from_stocks(snapshot.stocks)
            self._live = None  # its rows are by position in the old universe
        self._universe_of = snapshot.stocks
        universe = self._universe
        columns = LiveColumns.from_fields(fields)
        daily = self._daily_for(today, universe, snapshot.indices)
        upper, lower = movers.band_flags(columns)
        order = sectors.sector_order(universe, columns)
        # The 5-day path: four past closes, then today's previous close, then the live price.
        recent = np.vstack([daily.stock_recent[:-1], columns.prev_close])
        live = LiveSignals.compute(daily.stock, columns).with_rows(universe, columns, self._live)
        self._live = live
        horizon_parts = self._horizon_views(snapshot, daily, universe, columns, (upper, lower))
        flows_view = flows.view(snapshot.flows)
        news = self._announcements(snapshot, daily)
        today_change, five_day_change = {}, {}
        for segment in Segment:
            members = universe.members[segment]
            today_change[segment] = returns.weighted_change(
                columns.change_pct[members], columns.cap_prev[members]
            )
            five_day_change[segment] = returns.chain_linked_change(
                recent[:, members], columns.shares[members], columns.last[members]
            )
        rank_today = returns.rank({s: today_change[s] for s in CAP_SEGMENTS})
        rank_5d = returns.rank({s: five_day_change[s] for s in CAP_SEGMENTS})
        index_rows = self._index_rows(snapshot.indices, daily)
        anchors = daily.refs.anchor_dates
        feeds = self._feeds(snapshot, daily)
        earnings = self._earnings(snapshot, today, daily)

        # A reading is taken of new quotes only: the same quote objects again are the last
        # refresh's (a failed fetch's kept data), and must not be stamped with a new time.
        fresh_quotes = rebuilt is None or bool(rebuilt)
        breadth_now = {}  # the counts and the day's series as of this refresh, for every view
        for segment in Segment:
            counts = breadth.count(columns.change_pct[universe.members[segment]])
            series = self._series[segment]
            if fresh_quotes:
                series.add(BreadthPoint(moment, *counts))
            breadth_now[segment] = (counts, series.points)
        shown = self.settings.movers

        def build(segment: Scope) -> SegmentView:
            """The segment's view; run when first read (``SegmentViews``)."""
            assert isinstance(segment, Segment)
            members = universe.members[segment]
            gainers, losers = movers.ranked(members, columns.change_pct, shown)
            at_upper, _ = movers.ranked(members[upper[members]], columns.change_pct, None)
            _, at_lower = movers.ranked(members[lower[members]], columns.change_pct, None)
            upcoming, declared = earnings[segment]
            oversold, overbought = live.extremes(members)
            breakouts = live.breakouts(members, columns)
            horizon_views, longer = horizon_parts(segment)
            counts, points = breadth_now[segment]
            return SegmentView(
                segment=segment,
                as_of=snapshot.as_of,
                indices=tuple(
                    row
                    for quote, row in zip(snapshot.indices, index_rows, strict=True)
                    if segment == Segment.ALL or quote.segment == segment
                ),
                breadth=breadth.view(*counts, points),
                gainers=movers.rows(gainers, universe, columns, upper, lower),
                losers=movers.rows(losers, universe, columns, upper, lower),
                sectors=sectors.rows(order, members, universe, columns, longer=longer),
                events=feeds[segment],
                upcoming=upcoming,
                declared=declared,
                rank_today=rank_today.get(segment),
                rank_5d=rank_5d.get(segment),
                change_pct=today_change[segment],
                change_5d_pct=five_day_change[segment],
                upper_band=movers.rows(at_upper, universe, columns, upper, lower),
                lower_band=movers.rows(at_lower, universe, columns, upper, lower),
                upper_band_count=len(at_upper),
                lower_band_count=len(at_lower),
                anchors=anchors,
                horizons=horizon_views,
                breakouts=breakouts,
                oversold=oversold,
                overbought=overbought,
                signal_counts=count_signals(breakouts, oversold, overbought),
                flows=flows_view,
                announcements=news[segment],
            )

        self._tick = _Tick(
            snapshot,
            columns,
            daily,
            earnings,
            tuple(index_rows),
            order,
            recent,
            upper,
            lower,
            live,
        )
        return SegmentViews(
            build,
            {s: SegmentSummary(rank_today.get(s), today_change[s]) for s in Segment},
        )

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None:
        """The Watch view of the last refresh: ``symbols`` (those in the data) as a segment.

        Every watched stock is listed: Gainers has the risers and those unchanged or not yet
        traded (best first, unknown last), Losers the fallers; the other panes show their
        sectors, rating changes and results, and every index as the market around them. No
        intraday breadth series (the list changes whenever the user edits it). Cheap enough
        to call on the UI thread when the watchlist changes."""
        tick = self._tick
        if tick is None:
            return None
        universe, columns = tick.daily.universe, tick.columns
        watched = set(symbols)
        members = np.array(
            sorted(p for s in watched if (p := universe.position.get(s)) is not None),
            dtype=np.intp,
        )
        change = columns.change_pct
        _, losers = movers.ranked(members, change, None)
        rest = members[~(change[members] < 0)]
        rest = rest[np.argsort(-np.nan_to_num(change[rest], nan=-np.inf), kind="stable")]
        advances, declines, unchanged = breadth.count(change[members])
        upcoming, declared = tick.earnings[Segment.ALL]
        analyst = events.newest_first(
            events.event_row(c) for c in tick.snapshot.ratings if c.symbol in watched
        )
        technical = [r for r in tick.daily.technical_rows[Segment.ALL] if r.symbol in watched]
        return SegmentView(
            segment=WATCH,
            as_of=tick.snapshot.as_of,
            indices=tick.indices,
            breadth=breadth.view(advances, declines, unchanged, ()),
            gainers=movers.rows(rest, universe, columns, tick.upper, tick.lower),
            losers=movers.rows(losers, universe, columns, tick.upper, tick.lower),
            sectors=sectors.rows(tick.sector_order, members, universe, columns),
            events=events.feed(analyst, technical, limit=self.settings.max_events),
            upcoming=tuple(row for row in upcoming if row.symbol in watched),
            declared=tuple(row for row in declared if row.symbol in watched),
            rank_today=None,
            rank_5d=None,
            change_pct=returns.weighted_change(change[members], columns.cap_prev[members]),
            change_5d_pct=returns.chain_linked_change(
                tick.recent[:, members], columns.shares[members], columns.last[members]
            ),
        )

    def quotes(self, symbols: Collection[str]) -> dict[str, MoverRow]:
        """Symbol -> its row as of the last refresh, for those of ``symbols`` in the data
        (what alert rules on named stocks look at)."""
        tick = self._tick
        if tick is None:
            return {}
        universe = tick.daily.universe
        found = [p for s in dict.fromkeys(symbols) if (p := universe.position.get(s)) is not None]
        rows = movers.rows(
            np.array(found, dtype=np.intp), universe, tick.columns, tick.upper, tick.lower
        )
        return {row.symbol: row for row in rows}

    def detail(self, symbol: str) -> StockDetail | None:
        """The drill-down for ``symbol`` as of the last refresh; None if it is not a stock there."""
        tick = self._tick
        if tick is None:
            return None
        universe = tick.daily.universe
        position = universe.position.get(symbol)
        if position is None:
            return None
        quote = tick.snapshot.stocks[position]
        daily = tick.daily
        closes: tuple[float, ...] = ()
        column = daily.closes.columns.get(symbol)
        if column is not None:
            past = daily.closes.values[
                : daily.closes.before(tick.snapshot.as_of.astimezone(IST).date()), column
            ]
            closes = tuple(float(v) for v in past[~np.isnan(past)])
        year_low, year_high = returns.year_range(daily.refs, symbol, quote.last)
        upcoming, _ = tick.earnings[Segment.ALL]
        change_pct = tick.columns.change_pct[position]
        return StockDetail(
            symbol=symbol,
            name=quote.name,
            sector=quote.sector,
            segment=quote.segment,
            last=quote.last,
            prev_close=quote.prev_close,
            change_pct=None if np.isnan(change_pct) else float(change_pct),
            day_low=quote.day_low,
            day_high=quote.day_high,
            year_low=year_low,
            year_high=year_high,
            closes=closes,
            calls=daily.calls.history(symbol),
            ratings=events.feed(
                events.newest_first(
                    events.event_row(change)
                    for change in tick.snapshot.ratings
                    if change.symbol == symbol
                ),
                [row for row in daily.technical_rows[Segment.ALL] if row.symbol == symbol],
            ),
            next_earnings=next((row for row in upcoming if row.symbol == symbol), None),
            rsi=_known(tick.signals.rsi[position]),
            volume=quote.volume,
            avg_volume=quote.avg_volume,
        )

    def index_detail(self, name: str) -> IndexDetail | None:
        """The drill-down for index ``name`` as of the last refresh; None if it is not there."""
        tick = self._tick
        row = None if tick is None else next((r for r in tick.indices if r.name == name), None)
        if tick is None or row is None:
            return None
        quote = next(q for q in tick.snapshot.indices if q.name == name)
        return index_detail.build(
            quote,
            row,
            tick.daily.closes,
            tick.snapshot.as_of.astimezone(IST).date(),
            tick.snapshot.members.get(name, ()),
            tick.daily.universe,
            tick.columns,
            (tick.upper, tick.lower),
        )

    # -- caches ---------------------------------------------------------------------------

    def _daily_for(self, today: date, universe: Universe, indices: Sequence[IndexQuote]) -> _Daily:
        index_segments = tuple((quote.name, quote.segment) for quote in indices)
        prepared = self._prepared
        key = (today, prepared.key, index_segments)
        daily = self._daily
        if daily is not None and daily.key == key and daily.universe is universe:
            return daily
        closes, calls = prepared.closes, prepared.calls
        cut = closes.through(today)
        if cut is not closes:  # a replayed history reaching past today
            closes, calls = cut, Calls.compute(cut)
        anchors = self.settings.anchors
        refs = returns.References.build(
            closes, today, anchors[0] if anchors else None, tuple(anchors[1:])
        )
        stock_columns = closes.gather(universe.symbols)
        found = stock_columns >= 0
        rows = closes.before(today)
        stock_recent = np.full((returns.FIVE_DAY_SESSIONS, len(universe.symbols)), np.nan)
        if rows >= returns.FIVE_DAY_SESSIONS:
            window = closes.values[rows - returns.FIVE_DAY_SESSIONS : rows]
            stock_recent[:, found] = window[:, stock_columns[found]]
        names = dict(zip(universe.symbols, universe.names, strict=True))
        names.update({quote.name: quote.name for quote in indices})
        segment_of = self._segment_map(universe, indices)
        technical = calls.changes(names, self.settings.event_sessions)
        self._daily = _Daily(
            key=key,
            universe=universe,
            closes=closes,
            refs=refs,
            calls=calls,
            stock=StockDaily.build(closes, refs, universe, closes.before(today)),
            stock_recent=stock_recent,
            segment_of=segment_of,
            technical_rows=_by_segment(map(events.event_row, technical), segment_of),
        )
        return self._daily

    @staticmethod
    def _segment_map(
        universe: Universe, indices: Sequence[IndexQuote]
    ) -> dict[str, tuple[Segment, ...]]:
        """symbol or index name -> the segment views its events belong to."""

        def views(segment: Segment) -> tuple[Segment, ...]:
            # compared, not hashed: an enum's hash is a Python call, 2,400 names each refresh
            return (Segment.ALL,) if segment == Segment.ALL else (Segment.ALL, segment)

        segment_of = {quote.name: views(quote.segment) for quote in indices}
        segment_of.update(zip(universe.symbols, map(views, universe.segments), strict=True))
        return segment_of

    def _horizon_views(
        self,
        snapshot: Snapshot,
        daily: _Daily,
        universe: Universe,
        columns: LiveColumns,
        bands: tuple[np.ndarray, np.ndarray],
    ) -> Callable[[Segment], tuple[tuple[HorizonView, ...], tuple[np.ndarray, np.ndarray]]]:
        """Per segment (made when first asked), its 5D/1M/Since views and its sectors' 5D and
        1M changes.

        Recomputed at most once a minute of data time (and whenever the day or the universe
        changes), from the tick that began the minute: these horizons move little within a
        minute, and ranking every sector and stock over four of them would otherwise cost
        most of a tick."""
        minute = snapshot.as_of.replace(second=0, microsecond=0)
        key = (daily.key, minute)
        cached = self._horizon_cache
        if cached is None or cached.key != key or cached.universe is not universe:
            horizons = self._horizons(daily, universe, columns)
            cached = _HorizonCache(
                key, universe, columns, bands, horizons, self.settings.movers, {}
            )
            self._horizon_cache = cached
        return cached.of_segment

    def _horizons(self, daily: _Daily, universe: Universe, columns: LiveColumns) -> list[_Horizon]:
        """5D, 1M and Since (each anchor): every stock's change and start-of-period weight."""
        stock = daily.stock
        named = [("5D", None, stock.five_day), ("1M", None, stock.one_month)]
        named += [("Since", day, stock.anchors[k]) for k, day in enumerate(daily.refs.anchor_dates)]
        out = []
        for name, anchor, reference in named:
            change = returns.pct_array(columns.last, reference)
            out.append(
                _Horizon(
                    name=name,
                    anchor=anchor,
                    reference=reference,
                    change=change,
                    weights=returns.start_weights(columns.shares, reference),
                    order=sectors.sector_order(universe, columns, change),
                )
            )
        return out

    def _index_rows(self, indices: Sequence[IndexQuote], daily: _Daily) -> list[IndexRow]:
        all_figures = [
            returns.horizons(daily.refs, q.name, q.last, q.year_high, q.year_low) for q in indices
        ]
        benchmark_name = self.settings.benchmark
        benchmark = next(
            ((q, f) for q, f in zip(indices, all_figures, strict=True) if q.name == benchmark_name),
            None,
        )
        benchmark_change = _index_change(benchmark[0]) if benchmark else None
        rows = []
        for quote, figures in zip(indices, all_figures, strict=True):
            change = _index_change(quote)
            rows.append(
                IndexRow(
                    name=quote.name,
                    exchange=quote.exchange,
                    last=quote.last,
                    change_pct=change,
                    change_5d_pct=figures.change_5d_pct,
                    change_1m_pct=figures.change_1m_pct,
                    change_ytd_pct=figures.change_ytd_pct,
                    since_anchor_pct=figures.since_anchor_pct,
                    from_52w_high_pct=figures.from_52w_high_pct,
                    from_52w_low_pct=figures.from_52w_low_pct,
                    above_ma=figures.above_ma,
                    crossed_today=figures.crossed_today,
                    relative_pct=None
                    if change is None or benchmark_change is None
                    else change - benchmark_change,
                    call=daily.calls.latest(quote.name),
                    since_pcts=figures.since_pcts,
                    relative=None
                    if benchmark is None
                    else Relative(
                        benchmark=benchmark_name,
                        day=_minus(change, benchmark_change),
                        five_day=_minus(figures.change_5d_pct, benchmark[1].change_5d_pct),
                        one_month=_minus(figures.change_1m_pct, benchmark[1].change_1m_pct),
                        since=tuple(
                            _minus(mine, theirs)
                            for mine, theirs in zip(
                                figures.since_pcts, benchmark[1].since_pcts, strict=True
                            )
                        ),
                    ),
                )
            )
        return rows

    def _announcements(
        self, snapshot: Snapshot, daily: _Daily
    ) -> dict[Segment, tuple[AnnouncementRow, ...]]:
        """Filings per segment view, newest first; a symbol outside the universe shows in All."""
        out: dict[Segment, list[AnnouncementRow]] = {segment: [] for segment in Segment}
        for item in sorted(snapshot.announcements, key=lambda a: a.at, reverse=True):
            row = AnnouncementRow(item.at, item.symbol, item.name, item.subject, item.text)
            for segment in daily.segment_of.get(item.symbol, (Segment.ALL,)):
                out[segment].append(row)
        return {segment: tuple(rows) for segment, rows in out.items()}

    def _feeds(self, snapshot: Snapshot, daily: _Daily) -> dict[Segment, tuple[EventRow, ...]]:
        cached = self._feed_cache
        if cached is not None and cached[1] is daily and cached[0] == snapshot.ratings:
            return cached[2]
        analyst = _by_segment(map(events.event_row, snapshot.ratings), daily.segment_of)
        limit = self.settings.max_events
        # The cap is per kind: a busy day of technical changes never pushes analyst ones out.
        feeds = {
            segment: events.feed(
                events.feed(analyst[segment], limit=limit),
                events.feed(daily.technical_rows[segment], limit=limit),
            )
            for segment in Segment
        }
        self._feed_cache = (snapshot.ratings, daily, feeds)
        return feeds

    def _earnings(
        self, snapshot: Snapshot, today: date, daily: _Daily
    ) -> dict[Segment, tuple[tuple[EarningsRow, ...], tuple[EarningsRow, ...]]]:
        cached = self._earnings_cache  # ``daily`` stands for today's date too
        if cached is not None and cached[1] is daily and cached[0] == snapshot.earnings:
            return cached[2]
        by_segment: dict[Segment, list[EarningsEvent]] = {segment: [] for segment in Segment}
        for event in snapshot.earnings:
            for segment in daily.segment_of.get(event.symbol, (Segment.ALL,)):
                by_segment[segment].append(event)
        split = {segment: events.split_earnings(by_segment[segment], today) for segment in Segment}
        self._earnings_cache = (snapshot.earnings, daily, split)
        return split


def _minus(value: float | None, benchmark: float | None) -> float | None:
    return None if value is None or benchmark is None else value - benchmark


def _known(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _by_segment(
    rows: Iterable[EventRow], segment_of: dict[str, tuple[Segment, ...]]
) -> dict[Segment, list[EventRow]]:
    """Feed rows per segment view, newest first; unknown symbols only show under ALL."""
    out: dict[Segment, list[EventRow]] = {segment: [] for segment in Segment}
    for row in rows:
        for segment in segment_of.get(row.symbol, (Segment.ALL,)):
            out[segment].append(row)
    return {segment: events.newest_first(found) for segment, found in out.items()}
