"""When rules fire: once per crossing, re-armed when the condition clears, never on stale data.

A rule looks at one or more *subjects* (a stock, a segment, a rating change, a stock's results
today). For each it reads whether its condition holds. A subject whose condition holds and is
not yet in ``AlertState.active`` fires and becomes active; an active one whose condition no
longer holds is cleared, so it can fire again on the next crossing; an unknown reading (no
quote, no A/D ratio) changes nothing. A condition that already holds at the first look fires:
that is news to the user too. Events (rating changes, results today) stay active for the rest
of the day, so each fires once.

The state is per trading day (the IST date of the data): a new day starts with nothing
active and an empty log. The monitor persists it (``journal``), so a restart on the same day
replays nothing. Stale data (a stored snapshot, a failing provider) fires and clears nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime

from msgspec import Struct, field
from msgspec.structs import replace

from providers.contract import IST, RatingKind, Segment
from tui.alerts.rules import STOCK_KINDS, Kind, Rule
from widgets.views import WATCH, AlertRow, MoverRow, Scope, SegmentView


class Market(Struct, frozen=True):
    """What the rules look at, from one refresh."""

    as_of: datetime
    views: Mapping[Scope, SegmentView]  # each segment's view, and WATCH's
    quotes: Mapping[str, MoverRow]  # every stock a stock rule names or watches, by symbol
    watchlist: Sequence[str] = ()
    stale: bool = False

    @property
    def day(self) -> date:
        return self.as_of.astimezone(IST).date()


class AlertState(Struct, frozen=True):
    """The rules' memory for one trading day: which subjects are active, and what fired."""

    day: date | None = None
    active: frozenset[str] = frozenset()
    log: tuple[AlertRow, ...] = field(default=())  # oldest first


class _Reading(Struct, frozen=True):
    key: str  # rule id + subject: what ``active`` remembers
    subject: str
    holds: bool | None  # None: not known this time
    value: str
    message: str
    stock: bool = True


def symbols_needed(rules: Sequence[Rule], watchlist: Sequence[str]) -> set[str]:
    """Every stock the stock rules look at: ``Market.quotes`` must hold these."""
    needed: set[str] = set()
    for rule in rules:
        if rule.kind in STOCK_KINDS:
            needed.update(rule.symbols or watchlist)
    return needed


def evaluate(
    rules: Sequence[Rule], market: Market, state: AlertState
) -> tuple[list[AlertRow], AlertState]:
    """(alerts fired now, the new state); see the module docstring."""
    if market.stale:
        return [], state
    if state.day != market.day:
        state = AlertState(day=market.day)
    active = set(state.active)
    fired: list[AlertRow] = []
    for rule in rules:
        for reading in _readings(rule, market):
            if reading.holds is None:
                continue
            if reading.holds and reading.key not in active:
                active.add(reading.key)
                fired.append(
                    AlertRow(
                        market.as_of,
                        rule.id,
                        reading.subject,
                        reading.value,
                        reading.message,
                        stock=reading.stock,
                    )
                )
            elif not reading.holds:
                active.discard(reading.key)
    if not fired and active == state.active:
        return [], state
    return fired, replace(state, active=frozenset(active), log=(*state.log, *fired))


def _readings(rule: Rule, market: Market) -> Iterator[_Reading]:
    match rule.kind:
        case Kind.PRICE | Kind.MOVE | Kind.BAND:
            for symbol in rule.symbols or market.watchlist:
                yield _stock_reading(rule, symbol, market.quotes.get(symbol))
        case Kind.BREADTH | Kind.SEGMENT:
            view = market.views.get(rule.segment)
            if view is not None:
                yield _segment_reading(rule, view)
        case Kind.RATING:
            yield from _rating_readings(rule, market)
        case Kind.RESULTS:
            yield from _results_readings(rule, market)


def _crosses(rule: Rule, value: float | None) -> bool | None:
    if value is None:
        return None
    if rule.above is not None:
        return value >= rule.above
    assert rule.below is not None  # rules.build: exactly one of the two
    return value <= rule.below


def _stock_reading(rule: Rule, symbol: str, row: MoverRow | None) -> _Reading:
    key = f"{rule.id}:{symbol}"
    if row is None:
        return _Reading(key, symbol, None, "", "")
    change = "" if row.change_pct is None else f" ({row.change_pct:+.2f}%)"
    if rule.kind is Kind.PRICE:
        limit = f"above {rule.above:,.2f}" if rule.above is not None else f"below {rule.below:,.2f}"
        value = f"{row.last:,.2f}"
        return _Reading(
            key, symbol, _crosses(rule, row.last), value, f"{symbol} at {value}{change}, {limit}"
        )
    if rule.kind is Kind.MOVE:
        move = row.change_pct
        holds = None
        if move is not None:
            reach = {"up": move, "down": -move, "either": abs(move)}[rule.direction]
            holds = reach >= (rule.pct or 0.0)
        value = "-" if move is None else f"{move:+.2f}%"
        return _Reading(
            key, symbol, holds, value, f"{symbol} {value} on the day (moves of {rule.pct:g}%+)"
        )
    side = row.band if rule.side == "either" else rule.side
    holds = row.band is not None and row.band == side
    circuit = {"upper": "upper circuit", "lower": "lower circuit"}.get(row.band or "", "band")
    return _Reading(key, symbol, holds, f"{row.last:,.2f}", f"{symbol} at {circuit}{change}")


def _scope_label(scope: Scope) -> str:
    """How a message names a segment: "small caps", "the market", "your watchlist"."""
    return {Segment.ALL: "the market", WATCH: "your watchlist"}.get(scope, f"{scope.value} caps")


def _segment_reading(rule: Rule, view: SegmentView) -> _Reading:
    name = rule.segment.value
    label = _scope_label(rule.segment)
    key = f"{rule.id}:{name}"
    if rule.kind is Kind.BREADTH:
        ratio = view.breadth.ad_ratio
        value = "-" if ratio is None else f"{ratio:.2f}x"
        limit = f"above {rule.above:.2f}x" if rule.above is not None else f"below {rule.below:.2f}x"
        return _Reading(
            key, name, _crosses(rule, ratio), value, f"{label} A/D {value}, {limit}", stock=False
        )
    change = view.change_pct
    value = "-" if change is None else f"{change:+.2f}%"
    limit = f"above {rule.above:+.2f}%" if rule.above is not None else f"below {rule.below:+.2f}%"
    return _Reading(
        key,
        name,
        _crosses(rule, change),
        value,
        f"{label} {value} on the day, {limit}",
        stock=False,
    )


def _stock_view(rule: Rule, market: Market) -> tuple[SegmentView | None, set[str]]:
    """The view whose events and results to read, and the symbols to keep from it."""
    if rule.symbols:
        return market.views.get(Segment.ALL), set(rule.symbols)
    return market.views.get(WATCH), set(market.watchlist)


def _rating_readings(rule: Rule, market: Market) -> Iterator[_Reading]:
    view, symbols = _stock_view(rule, market)
    if view is None:
        return
    for row in view.events:
        if row.kind != RatingKind.ANALYST or row.symbol not in symbols:
            continue
        if row.at.astimezone(IST).date() != market.day:
            continue
        if rule.upgrades_only and row.direction <= 0:
            continue
        change = (
            f"{row.from_rating} → {row.to_rating}" if row.from_rating else f"new {row.to_rating}"
        )
        yield _Reading(
            f"{rule.id}:{row.symbol}:{row.source}:{row.from_rating}:{row.to_rating}:"
            f"{row.at.isoformat()}",
            row.symbol,
            True,
            change,
            f"{row.symbol} {change} ({row.source})",
        )


def _results_readings(rule: Rule, market: Market) -> Iterator[_Reading]:
    view, symbols = _stock_view(rule, market)
    if view is None:
        return
    for row in view.upcoming:
        if row.days_to_go == 0 and row.symbol in symbols:
            yield _Reading(
                f"{rule.id}:{row.symbol}:due",
                row.symbol,
                True,
                "due today",
                f"{row.symbol} results due today ({row.purpose})",
            )
    for row in view.declared:
        if row.symbol in symbols:
            yield _Reading(
                f"{rule.id}:{row.symbol}:declared",
                row.symbol,
                True,
                "declared",
                f"{row.symbol} results declared today ({row.purpose})",
            )
