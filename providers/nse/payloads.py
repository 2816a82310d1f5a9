"""Pure functions from NSE JSON payloads to contract objects.

No I/O here, so every shape data-sources.md lists (both ``allIndices`` generations, old and
new constituent shapes, ``priority`` rows, placeholders, string numbers) is tested directly on
fixtures. A payload that is not the expected shape raises ``BadPayload`` naming the field;
a single bad row is skipped rather than failing the whole payload.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from providers.base import BadPayload
from providers.contract import (
    Breadth,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    MarketPhase,
    MarketStatus,
    Segment,
    StockQuote,
)
from providers.parse import clean_text, parse_date, parse_datetime, to_float, to_int

PROVIDER = "nse"
log = logging.getLogger(__name__)

#: allIndices past levels: label -> (where 2025-26 rows put the date, where the level is).
#: 2026 rows hold DATE strings only in ``previousDay``/``oneWeekAgo``; the 1M/1Y dates are
#: ``date30dAgo``/``date365dAgo`` (niftyterminal api/indices.py). ``previousDay`` is the trade
#: date itself then and ``previousDayVal`` is not the previous close, so neither is read.
PAST_LEVELS_2026 = {
    "oneWeekAgo": ("oneWeekAgo", "oneWeekAgoVal"),
    "oneMonthAgo": ("date30dAgo", "oneMonthAgoVal"),
    "oneYearAgo": ("date365dAgo", "oneYearAgoVal"),
}
#: 2023 rows hold the LEVEL in these keys and the dates in the top-level ``dates`` object.
PAST_LEVELS_2023 = ("previousDay", "oneWeekAgo", "oneMonthAgo", "oneYearAgo")
#: NSE's ``ffmc`` is in rupees; the contract wants rupees crore.
RUPEES_PER_CRORE = 1e7
#: Markets in ``marketStatus`` that mean the equity cash market.
CASH_MARKET_NAMES = frozenset({"capital market", "cm"})


class PastLevel(Struct, frozen=True):
    """An index level NSE quotes for a past day (``label`` is the allIndices key)."""

    label: str
    on: date | None
    level: float


class AllIndices(Struct, frozen=True):
    quotes: tuple[IndexQuote, ...]
    breadth: tuple[Breadth, ...]
    past_levels: Mapping[str, tuple[PastLevel, ...]]


class Constituents(Struct, frozen=True):
    """One index's members. ``stocks`` omits members without a price; ``symbols`` keeps them.
    ``status`` is the new shape's ``marketStatus`` block, when it parses."""

    index: str
    symbols: tuple[str, ...]
    stocks: tuple[StockQuote, ...]
    breadth: Breadth | None  # only the old shape carries an ``advance`` block
    status: MarketStatus | None = None


def _key(name: str) -> str:
    return " ".join(name.upper().split())


def _rows(payload: Any, field: str = "data") -> list[dict[str, Any]]:
    """The row list of a payload that is either ``{field: [...]}`` or a bare list."""
    rows = payload.get(field) if isinstance(payload, dict) else payload
    if not isinstance(rows, list):
        raise BadPayload(PROVIDER, field, f"expected a list, got {type(rows).__name__}")
    return [row for row in rows if isinstance(row, dict)]


def _change_pct(value: object, last: float, prev_close: float | None) -> float | None:
    pct = to_float(value)
    if pct is None and prev_close:
        pct = (last / prev_close - 1.0) * 100.0
    return pct


def _breadth(scope: str, source: Mapping[str, Any], when: datetime) -> Breadth | None:
    advances, declines = to_int(source.get("advances")), to_int(source.get("declines"))
    if advances is None or declines is None:
        return None
    return Breadth(scope, advances, declines, to_int(source.get("unchanged")) or 0, when)


def _past_levels(row: Mapping[str, Any], top: Mapping[str, Any]) -> tuple[PastLevel, ...]:
    """The reference levels of one row, from whichever generation it is."""
    levels = []
    if any(f"{key}Val" in row for key in PAST_LEVELS_2023):
        for label, (date_key, level_key) in PAST_LEVELS_2026.items():
            level = to_float(row.get(level_key))
            on = parse_date(row.get(date_key)) or parse_date(top.get(date_key))
            if level is not None:
                levels.append(PastLevel(label, on, level))
        return tuple(levels)
    dates = top.get("dates") if isinstance(top.get("dates"), dict) else {}
    fallback = {"oneMonthAgo": "date30dAgo", "oneYearAgo": "date365dAgo"}
    for label in PAST_LEVELS_2023:
        level = to_float(row.get(label))
        on = parse_date(dates.get(label))
        if on is None and label in fallback:
            on = parse_date(row.get(fallback[label])) or parse_date(top.get(fallback[label]))
        if level is not None:
            levels.append(PastLevel(label, on, level))
    return tuple(levels)


def index_symbols(payload: Any) -> dict[str, str]:
    """allIndices ``index`` (long name) -> ``indexSymbol`` (the constituents endpoint's)."""
    found = {}
    for row in _rows(payload):
        index, symbol = clean_text(row.get("index")), clean_text(row.get("indexSymbol"))
        if index and symbol:
            found[_key(index)] = symbol
    return found


def parse_all_indices(
    payload: Any, segments: Mapping[str, Segment], names: Mapping[str, str], now: datetime
) -> AllIndices:
    """Quotes, breadth and past levels of the indices in ``segments``.

    ``names`` maps a configured index name to its spelling in this endpoint. A row matches on
    ``index`` or ``indexSymbol``. Rows without a level ("-") are skipped.
    """
    rows = _rows(payload)
    top = payload if isinstance(payload, dict) else {}
    when = parse_datetime(top.get("timestamp")) or now
    wanted = {_key(names.get(name, name)): name for name in segments}
    quotes, breadth, past = [], [], {}
    for row in rows:
        spellings = (clean_text(row.get("index")), clean_text(row.get("indexSymbol")))
        name = next((wanted[_key(s)] for s in spellings if _key(s) in wanted), None)
        if name is None:
            continue
        last = to_float(row.get("last"))
        if last is None:
            log.warning("nse allIndices: no level for %s", name)
            continue
        levels = _past_levels(row, top)
        prev_close = to_float(row.get("previousClose"))
        row_breadth = _breadth(name, row, when)
        quotes.append(
            IndexQuote(
                name=name,
                segment=segments[name],
                last=last,
                prev_close=prev_close,
                change_pct=_change_pct(row.get("percentChange"), last, prev_close),
                time=when,
                exchange="NSE",
                open=to_float(row.get("open")),
                high=to_float(row.get("high")),
                low=to_float(row.get("low")),
                year_high=to_float(row.get("yearHigh")),
                year_low=to_float(row.get("yearLow")),
                advances=row_breadth.advances if row_breadth else None,
                declines=row_breadth.declines if row_breadth else None,
                unchanged=row_breadth.unchanged if row_breadth else None,
            )
        )
        if row_breadth is not None:
            breadth.append(row_breadth)
        past[name] = levels
    if rows and not quotes:
        raise BadPayload(
            PROVIDER, "data", f"none of the configured indices found ({', '.join(segments)})"
        )
    return AllIndices(tuple(quotes), tuple(breadth), past)


class EmptyConstituents(BadPayload):
    """The constituents endpoint answered without members: the index name sent is not the
    one it wants (since mid-2026 it wants the short ``indexSymbol``)."""


def _stock(row: Mapping[str, Any], segment: Segment, when: datetime) -> StockQuote | None:
    last = to_float(row.get("lastPrice"))
    symbol = clean_text(row.get("symbol"))
    if last is None or not symbol:
        return None
    meta = row.get("meta") if isinstance(row.get("meta"), dict) else {}
    prev_close = to_float(row.get("previousClose"))
    ffmc = to_float(row.get("ffmc"))
    return StockQuote(
        symbol=symbol,
        name=clean_text(meta.get("companyName")) or symbol,
        sector=clean_text(meta.get("industry")) or "Unknown",
        segment=segment,
        last=last,
        prev_close=prev_close,
        change_pct=_change_pct(row.get("pChange"), last, prev_close),
        volume=to_int(row.get("totalTradedVolume")) or 0,
        time=parse_datetime(row.get("lastUpdateTime")) or when,
        ffmc=None if ffmc is None else ffmc / RUPEES_PER_CRORE,
        day_high=to_float(row.get("dayHigh")),
        day_low=to_float(row.get("dayLow")),
    )


def _is_stock_row(row: Mapping[str, Any], index_spellings: Collection[str]) -> bool:
    """``priority`` 0 is a stock, 1 the index itself; without it, the index row names itself."""
    priority = to_int(row.get("priority"))
    if priority is not None:
        return priority == 0
    return _key(clean_text(row.get("symbol"))) not in index_spellings


def _by_ffmc_rank(stocks: list[StockQuote]) -> list[StockQuote]:
    """Segments for a broad index (``Segment.ALL``) from free-float market-cap rank."""
    ranked = sorted(stocks, key=lambda s: -(s.ffmc or 0.0))
    segment_of = {s.symbol: Segment.for_rank(rank) for rank, s in enumerate(ranked, start=1)}
    return [replace(s, segment=segment_of[s.symbol]) for s in stocks]


def parse_constituents(
    payload: Any, index: str, segment: Segment, endpoint_name: str, now: datetime
) -> Constituents:
    """Members of ``index`` from either constituent shape (old: ``advance``/``metadata``)."""
    rows = _rows(payload)
    top = payload if isinstance(payload, dict) else {}
    when = parse_datetime(top.get("timestamp")) or now
    spellings = {_key(index), _key(endpoint_name), _key(clean_text(top.get("name")))}
    members = [row for row in rows if _is_stock_row(row, spellings)]
    symbols = tuple(s for row in members if (s := clean_text(row.get("symbol"))))
    stocks = [s for row in members if (s := _stock(row, segment, when)) is not None]
    if segment is Segment.ALL:
        stocks = _by_ffmc_rank(stocks)
    advance = top.get("advance")
    breadth = _breadth(index, advance, when) if isinstance(advance, dict) else None
    if not symbols:
        said = f" (sent as {endpoint_name!r})" if endpoint_name != index else ""
        raise EmptyConstituents(
            PROVIDER, "data", f"no constituents for {index}{said}: empty or index row only"
        )
    status = None
    if isinstance(top.get("marketStatus"), dict):
        try:
            status = parse_market_status({"marketState": [top["marketStatus"]]}, now)
        except BadPayload:
            status = None
    return Constituents(index, symbols, tuple(stocks), breadth, status)


def parse_adu(payload: Any, index: str, now: datetime) -> Breadth:
    """``{"advances": "37", "declines": "13", "unchanged": "0"}`` for one index."""
    if not isinstance(payload, dict):
        raise BadPayload(PROVIDER, "advances", f"expected an object, got {type(payload).__name__}")
    breadth = _breadth(index, payload, now)
    if breadth is None:
        raise BadPayload(PROVIDER, "advances", f"no advances/declines for {index}")
    return breadth


def parse_market_status(payload: Any, now: datetime) -> MarketStatus:
    """The cash market's phase ("Capital Market" or "CM"; "Open"/"Closed"/"Close")."""
    rows = _rows(payload, "marketState")
    row = next((r for r in rows if clean_text(r.get("market")).lower() in CASH_MARKET_NAMES), None)
    if row is None:
        raise BadPayload(PROVIDER, "marketState", "no Capital Market entry")
    status = clean_text(row.get("marketStatus"))
    message = clean_text(row.get("marketStatusMessage")) or status
    if "pre-open" in message.lower() or "pre open" in message.lower():
        phase = MarketPhase.PRE_OPEN
    elif status.lower() == "open":
        phase = MarketPhase.OPEN
    elif status.lower() in {"close", "closed", "halted"}:
        phase = MarketPhase.CLOSED
    else:
        raise BadPayload(PROVIDER, "marketState[].marketStatus", f"unknown status {status!r}")
    return MarketStatus(phase=phase, message=message, as_of=now)


def parse_event_calendar(payload: Any, first: date, last: date) -> list[EarningsEvent]:
    """Upcoming results meetings in [first, last]; other purposes (dividends...) dropped."""
    events = []
    for row in _rows(payload):
        purpose = clean_text(row.get("purpose"))
        day = parse_date(row.get("date"))
        symbol = clean_text(row.get("symbol"))
        if "result" not in purpose.lower() or day is None or not symbol:
            continue
        if first <= day <= last:
            name = clean_text(row.get("company")) or symbol
            events.append(EarningsEvent(symbol, name, day, EarningsStatus.UPCOMING, purpose))
    return sorted(events, key=lambda e: (e.date, e.symbol))


#: Fields of a results filing that carry when it was made public, best first: the recorded
#: row (NseIndiaApi src/samples/financial_results.json) has ``filingDate`` "16-Jan-2025 15:30"
#: and ``broadCastDate``; the company name is ``comp`` there, ``companyName`` in other clients.
_FILING_TIME_FIELDS = ("filingDate", "broadCastDate")
_COMPANY_FIELDS = ("comp", "companyName")


def parse_financial_results(payload: Any, first: date, last: date) -> list[EarningsEvent]:
    """Results filed in [first, last], one event per symbol (its latest filing: a company
    files standalone and consolidated results separately)."""
    events: dict[str, EarningsEvent] = {}
    for row in _rows(payload):
        symbol = clean_text(row.get("symbol"))
        filed = next(
            (d for f in _FILING_TIME_FIELDS if (d := parse_date(row.get(f))) is not None), None
        )
        if not symbol or filed is None or not first <= filed <= last:
            continue
        if symbol in events and events[symbol].date >= filed:
            continue
        name = next((n for f in _COMPANY_FIELDS if (n := clean_text(row.get(f)))), symbol)
        events[symbol] = EarningsEvent(symbol, name, filed, EarningsStatus.DECLARED)
    return sorted(events.values(), key=lambda e: (e.date, e.symbol))


def parse_holidays(payload: Any, market: str = "CM") -> list[date]:
    """Trading holidays of ``market`` (the cash market is ``CM``), sorted."""
    if not isinstance(payload, dict) or not isinstance(payload.get(market), list):
        raise BadPayload(PROVIDER, market, "no holiday list for this market")
    days = {d for row in _rows(payload, market) if (d := parse_date(row.get("tradingDate")))}
    return sorted(days)


def parse_index_history(payload: Any) -> dict[date, float]:
    """Daily closes from ``indicesHistory`` (newest first; older payloads nest the rows in
    ``data.indexCloseOnlineRecords``). Rows without a close are skipped."""
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, dict):
        payload = data.get("indexCloseOnlineRecords")
    closes = {}
    for row in _rows(payload):
        day = parse_date(row.get("EOD_TIMESTAMP"))
        close = to_float(row.get("EOD_CLOSE_INDEX_VAL"))
        if day is not None and close is not None:
            closes[day] = close
    return closes
