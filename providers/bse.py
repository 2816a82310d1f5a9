"""BSE India website JSON (unofficial): index levels, index breadth, segment movers, results
calendar.

Settings: ``base_url``, ``requests_per_second``, ``timeout``, ``mover_indices`` (index name ->
segment, default BSE SMALLCAP -> small, BSE MIDCAP -> mid), ``index_names`` (index name ->
the spelling to send BSE), ``earnings_days`` (results window, default 14), ``index_board``
(the ``MktCapBoard`` categories to read levels from, default [1]: SENSEX, BSE MIDCAP, BSE
SMALLCAP, BSE 100, BSE 500...).

Index levels come from BSE's index board, ``MktCapBoard/w?cat=1&type=2`` -> ``{"RealTime":
[{"IndexName": "S&P BSE SmallCap", "Curvalue", "Prev_Close", "Chg", "ChgPer", "I_open",
"High", "Low", "Week52High", "Week52Low", "DT_TM"}, ...]}``, as public clients read it (a Java
client's ``BseRealTimeData`` model, a C# index downloader); BSE's own levels are the only
first-hand source for SENSEX and the BSE cap indices.

BSE wants browser headers with ``Origin``/``Referer`` but no cookies, and blocks fast
clients, so requests are spaced to ``requests_per_second`` (default 4, well under the ~8/s
where trouble starts). Every value arrives as a string; index names come both with and
without the old "S&P " prefix, so names are compared with it stripped, case-insensitively.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from providers.base import (
    BadPayload,
    ProviderError,
    ProviderUnavailable,
)
from providers.bse_spec import API_PATH, MAX_REQUESTS_PER_SECOND, SPEC
from providers.contract import (
    IST,
    Breadth,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    Part,
    Segment,
    Snapshot,
    StockQuote,
    segment_of_index,
)
from providers.http import HttpSource, browser_headers
from providers.parse import clean_text, parse_date, parse_datetime, to_float, to_int

if TYPE_CHECKING:
    import httpx
    import pandas as pd

NAME = "bse"
SITE = "https://www.bseindia.com"
_DEFAULTS = SPEC.defaults
#: Indices whose gainers/losers are fetched, and the cap segment each stands for.
DEFAULT_MOVER_INDICES: Mapping[str, Segment] = {
    k: Segment(v)
    for k, v in _DEFAULTS["mover_indices"].items()  # type: ignore[attr-defined]
}


def api_root(base_url: str) -> str:
    """The API root for ``base_url``; a bare host ("https://api.bseindia.com", a local mirror)
    gets the site's ``/BseIndiaAPI/api`` path so either spelling works in the config."""
    if urlsplit(base_url).path.strip("/"):
        return base_url.rstrip("/")
    return f"{base_url.rstrip('/')}{API_PATH}"


def index_key(name: str) -> str:
    """Comparable form of a BSE index name: "S&P BSE SmallCap" and "BSE SMALLCAP" agree."""
    text = " ".join(clean_text(name).upper().split())
    return text.removeprefix("S&P ").strip()


def _rows(payload: Any, where: str) -> list[Mapping[str, Any]]:
    """The list of row objects in a BSE answer (a bare list or ``{"Table": [...]}``)."""
    if isinstance(payload, dict) and "Table" in payload:
        payload = payload["Table"]
    if payload is None:
        return []
    if not isinstance(payload, list):
        raise BadPayload(NAME, where, f"expected a list of rows, got {type(payload).__name__}")
    return [row for row in payload if isinstance(row, dict)]


def parse_breadth(payload: Any, now: datetime) -> tuple[Breadth, ...]:
    """advanceDecline rows -> one Breadth per index; rows without counts are skipped."""
    found = []
    for row in _rows(payload, "advanceDecline"):
        name = index_key(str(row.get("Sens_ind") or ""))
        advances, declines = to_int(row.get("UP")), to_int(row.get("DN"))
        if not name or advances is None or declines is None:
            continue
        unchanged = to_int(row.get("UC"))
        if unchanged is None:  # derive it from the total rather than guess zero
            total = to_int(row.get("TOTAL"))
            unchanged = max(total - advances - declines, 0) if total is not None else 0
        found.append(Breadth(name, advances, declines, unchanged, now))
    if not found and _rows(payload, "advanceDecline"):
        raise BadPayload(NAME, "advanceDecline.UP", "no row had usable advance/decline counts")
    return tuple(found)


#: Index-board names shown under the name the rest of capwatch uses ("SENSEX" in config).
DISPLAY_NAMES = {"BSE SENSEX": "SENSEX"}


def parse_index_board(payload: Any, now: datetime) -> tuple[IndexQuote, ...]:
    """MktCapBoard ``RealTime`` rows -> IndexQuotes named without "S&P " ("BSE SMALLCAP",
    "SENSEX"); rows without a level ("-") are skipped."""
    rows = payload.get("RealTime") if isinstance(payload, dict) else None
    if not isinstance(rows, list):
        raise BadPayload(NAME, "MktCapBoard.RealTime", "expected a list of index rows")
    quotes = []
    for row in (r for r in rows if isinstance(r, dict)):
        key = index_key(str(row.get("IndexName") or ""))
        last = to_float(row.get("Curvalue"))
        if not key or last is None:
            continue
        name = DISPLAY_NAMES.get(key, key)
        prev_close = to_float(row.get("Prev_Close"))
        change = to_float(row.get("ChgPer"))
        if change is None and prev_close:
            change = (last / prev_close - 1) * 100
        quotes.append(
            IndexQuote(
                name=name,
                segment=segment_of_index(name),
                last=last,
                prev_close=prev_close,
                change_pct=change,
                time=parse_datetime(row.get("DT_TM")) or now,
                exchange="BSE",
                open=to_float(row.get("I_open")),
                high=to_float(row.get("High")),
                low=to_float(row.get("Low")),
                year_high=to_float(row.get("Week52High")),
                year_low=to_float(row.get("Week52Low")),
            )
        )
    if rows and not quotes:
        raise BadPayload(NAME, "MktCapBoard.RealTime.Curvalue", "no row had a level")
    return tuple(quotes)


def parse_movers(payload: Any, segment: Segment, now: datetime) -> tuple[StockQuote, ...]:
    """MktRGainerLoserData rows -> StockQuotes; rows without a last price are skipped."""
    quotes = []
    for row in _rows(payload, "MktRGainerLoserData.Table"):
        last = to_float(row.get("ltradert"))
        short = clean_text(row.get("scripname"))
        code = clean_text(row.get("scrip_cd"))
        if last is None or not (short or code):
            continue
        quotes.append(
            StockQuote(
                symbol=short or code,
                name=clean_text(row.get("LONG_NAME")) or short or code,
                sector="",
                segment=segment,
                last=last,
                prev_close=to_float(row.get("prevdayclose")),
                change_pct=to_float(row.get("change_percent")),
                volume=to_int(row.get("trd_vol")) or 0,
                time=parse_datetime(row.get("dt_tm")) or now,
            )
        )
    return tuple(quotes)


def parse_results_calendar(payload: Any, today: date) -> tuple[EarningsEvent, ...]:
    """Corpforthresults rows -> EarningsEvents; rows without a date are skipped."""
    events = []
    for row in _rows(payload, "Corpforthresults"):
        day = parse_date(row.get("meeting_date"))
        code = clean_text(row.get("scrip_Code"))
        symbol = clean_text(row.get("short_name")) or code
        if day is None or not symbol:
            continue
        events.append(
            EarningsEvent(
                symbol=symbol,
                name=clean_text(row.get("Long_Name")) or symbol,
                date=day,
                status=EarningsStatus.UPCOMING if day >= today else EarningsStatus.DECLARED,
            )
        )
    return tuple(events)


class BseProvider:
    """BSE index levels and breadth, Smallcap/Midcap gainers and losers, forthcoming results."""

    name = NAME
    parts = SPEC.parts
    simulated = False

    def __init__(
        self,
        *,
        base_url: str = _DEFAULTS["base_url"],  # type: ignore[assignment]
        requests_per_second: float = _DEFAULTS["requests_per_second"],  # type: ignore[assignment]
        timeout: float = _DEFAULTS["timeout"],  # type: ignore[assignment]
        mover_indices: Mapping[str, Segment] = DEFAULT_MOVER_INDICES,
        index_names: Mapping[str, str] | None = None,
        earnings_days: int = _DEFAULTS["earnings_days"],  # type: ignore[assignment]
        index_board: tuple[int, ...] = _DEFAULTS["index_board"],  # type: ignore[assignment]
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(IST),
        **http_options: Any,
    ) -> None:
        if not 0 < requests_per_second <= MAX_REQUESTS_PER_SECOND:
            raise ValueError(
                f"bse: requests_per_second must be in (0, {MAX_REQUESTS_PER_SECOND:g}]"
            )
        self.http = HttpSource(
            NAME,
            api_root(base_url),
            headers=browser_headers(f"{SITE}/", origin=SITE),
            requests_per_second=requests_per_second,
            timeout=timeout,
            transport=transport,
            **http_options,
        )
        self.mover_indices = dict(mover_indices)
        self.index_names = {index_key(k): v for k, v in (index_names or {}).items()}
        self.earnings_days = earnings_days
        self.index_board = index_board
        self._now = now

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        now = self._now()
        loaders = {
            Part.INDICES: self._indices,
            Part.BREADTH: self._breadth,
            Part.STOCKS: self._movers,
            Part.EARNINGS: self._earnings,
        }
        wanted = [p for p in loaders if parts is None or p in parts]
        results = await asyncio.gather(*(loaders[p](now) for p in wanted), return_exceptions=True)
        fields: dict[str, tuple[Any, ...]] = {}
        errors: dict[Part, str] = {}
        for part, result in zip(wanted, results, strict=True):
            if isinstance(result, ProviderError):
                errors[part] = result.message
            elif isinstance(result, BaseException):
                raise result
            else:
                fields[part.value] = result
        if wanted and len(errors) == len(wanted):
            raise ProviderUnavailable(NAME, "; ".join(dict.fromkeys(errors.values())))
        return Snapshot(
            provider=NAME,
            as_of=now,
            simulated=False,
            errors=errors,
            sources={p: NAME for p in wanted if p not in errors},
            **fields,
        )

    async def _indices(self, now: datetime) -> tuple[IndexQuote, ...]:
        """Levels from each configured index-board category (one request each)."""
        boards = await asyncio.gather(
            *(self.http.get_json("MktCapBoard/w", {"cat": c, "type": 2}) for c in self.index_board)
        )
        quotes = {q.name: q for board in boards for q in parse_index_board(board, now)}
        return tuple(quotes.values())

    async def _breadth(self, now: datetime) -> tuple[Breadth, ...]:
        return parse_breadth(await self.http.get_json("advanceDecline/w", {"val": "Index"}), now)

    async def _movers(self, now: datetime) -> tuple[StockQuote, ...]:
        asks = [
            (index, segment, kind)
            for index, segment in self.mover_indices.items()
            for kind in ("gainer", "loser")
        ]
        answers = await asyncio.gather(*(self._mover_rows(index, kind) for index, _, kind in asks))
        quotes: dict[str, StockQuote] = {}
        for (_, segment, _), payload in zip(asks, answers, strict=True):
            for quote in parse_movers(payload, segment, now):
                quotes.setdefault(quote.symbol, quote)
        return tuple(quotes.values())

    async def _mover_rows(self, index: str, kind: str) -> Any:
        """One gainers/losers table, asked under the configured spelling first, then under
        the spellings with and without "S&P " while it comes back empty."""
        key = index_key(index)
        spellings = dict.fromkeys([self.index_names.get(key, index), key, f"S&P {key}"])
        payload: Any = None
        for spelling in spellings:
            payload = await self.http.get_json(
                "MktRGainerLoserData/w",
                {"GLtype": kind, "IndxGrp": "index", "IndxGrpval": spelling, "orderby": "all"},
            )
            if _rows(payload, "MktRGainerLoserData.Table"):
                break
        return payload

    async def _earnings(self, now: datetime) -> tuple[EarningsEvent, ...]:
        today = now.date()
        last = today + timedelta(days=self.earnings_days)
        payload = await self.http.get_json(
            "Corpforthresults/w",
            {"fromdate": today.strftime("%Y%m%d"), "todate": last.strftime("%Y%m%d")},
        )
        return parse_results_calendar(payload, today)

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """BSE history is not fetched; NSE or the local store supplies closes."""
        import pandas as pd

        return pd.DataFrame()

    async def aclose(self) -> None:
        await self.http.aclose()


def create(settings: Mapping[str, object]) -> BseProvider:
    """BSE India website JSON (unofficial): breadth, Smallcap/Midcap movers, results."""
    values = SPEC.resolve(settings)
    return BseProvider(
        base_url=values["base_url"],  # type: ignore[arg-type]
        requests_per_second=values["requests_per_second"],  # type: ignore[arg-type]
        timeout=values["timeout"],  # type: ignore[arg-type]
        mover_indices={k: Segment(v) for k, v in values["mover_indices"].items()},  # type: ignore[attr-defined]
        index_names=values["index_names"],  # type: ignore[arg-type]
        earnings_days=values["earnings_days"],  # type: ignore[arg-type]
        index_board=values["index_board"],  # type: ignore[arg-type]
    )
