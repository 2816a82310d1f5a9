"""The NSE provider: which endpoints to ask, in what order, and how parts fail independently.

Payload shapes live in ``payloads``; transport (budget, priming, retries) in ``providers.http``.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from providers.base import ProviderError
from providers.contract import (
    CAP_SEGMENTS,
    IST,
    Breadth,
    EarningsEvent,
    MarketStatus,
    Part,
    Segment,
    Snapshot,
    StockQuote,
)
from providers.http import HttpSource, NotFound, browser_headers, prime_with_page
from providers.nse import payloads
from providers.nse.payloads import AllIndices, Constituents, PastLevel
from providers.nse.settings import NseSettings

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)
T = TypeVar("T")

NSE_REFERER = "https://www.nseindia.com/"
#: The most days ``indicesHistory`` answers in one call.
HISTORY_CHUNK_DAYS = 365
#: Calendar days per trading day, with room for holidays, to turn "N trading days" into a span.
CALENDAR_PER_TRADING_DAY = 7 / 5 * 1.05
_DATE_PARAM = "%d-%m-%Y"

Outcome = tuple[T | None, ProviderError | None]


def _now_ist() -> datetime:
    return datetime.now(IST)


async def _attempt(job: Awaitable[T]) -> Outcome[T]:
    """Run one endpoint's job; a ProviderError becomes data so other parts carry on."""
    try:
        return await job, None
    except ProviderError as exc:
        return None, exc


def _cap_rank(segment: Segment) -> int:
    return CAP_SEGMENTS.index(segment) if segment in CAP_SEGMENTS else len(CAP_SEGMENTS)


class NseProvider:
    """Live NSE data: indices, constituents' quotes, breadth, status, earnings, history."""

    name = "nse"
    parts = frozenset(
        {Part.INDICES, Part.STOCKS, Part.BREADTH, Part.EARNINGS, Part.STATUS, Part.HISTORY}
    )
    simulated = False

    def __init__(
        self,
        settings: NseSettings,
        *,
        source: HttpSource | None = None,
        now: Callable[[], datetime] = _now_ist,
    ) -> None:
        self.settings = settings
        self._now = now
        self.source = source or HttpSource(
            self.name,
            settings.base_url,
            headers=browser_headers(NSE_REFERER),
            requests_per_second=settings.requests_per_second,
            timeout=settings.timeout,
            prime=prime_with_page(settings.prime_path),
            max_retries=settings.max_retries,
            blocked_cooldown=settings.blocked_cooldown,
        )
        self._past_levels: Mapping[str, tuple[PastLevel, ...]] = MappingProxyType({})

    # -- the Provider protocol -------------------------------------------------------------

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        """One snapshot; each part fails on its own into ``Snapshot.errors``."""
        wanted = (self.parts if parts is None else frozenset(parts) & self.parts) - {Part.HISTORY}
        now = self._now()
        today = now.date()
        jobs: dict[str, Awaitable[Any]] = {}
        if wanted & {Part.INDICES, Part.BREADTH}:
            jobs["indices"] = _attempt(self._all_indices(now))
        if Part.STOCKS in wanted:
            jobs["constituents"] = self._all_constituents(now)
        if Part.STATUS in wanted:
            jobs["status"] = _attempt(self._market_status(now))
        if Part.EARNINGS in wanted:
            jobs["upcoming"] = _attempt(self._upcoming_results(today))
            jobs["declared"] = _attempt(self._declared_results(today))
        done = dict(zip(jobs, await asyncio.gather(*jobs.values()), strict=True))

        errors: dict[Part, str] = {}
        indices, indices_error = done.get("indices", (None, None))
        constituents: dict[str, Outcome[Constituents]] = done.get("constituents", {})
        fields: dict[str, Any] = {}
        if Part.INDICES in wanted:
            if indices is not None:
                fields["indices"] = indices.quotes
            else:
                errors[Part.INDICES] = str(indices_error)
        if Part.STOCKS in wanted:
            stocks_error = self._fill_stocks(constituents, fields)
            if stocks_error:
                errors[Part.STOCKS] = stocks_error
        if Part.BREADTH in wanted:
            breadth, breadth_error = await self._breadth(indices, indices_error, constituents, now)
            fields["breadth"] = breadth
            if breadth_error and breadth:
                log.warning("nse breadth partly failed: %s", breadth_error)
            elif breadth_error:
                errors[Part.BREADTH] = breadth_error
        if Part.STATUS in wanted:
            status, status_error = done["status"]
            fields["status"] = status
            if status_error:
                errors[Part.STATUS] = str(status_error)
        if Part.EARNINGS in wanted:
            earnings, earnings_error = self._merge_earnings(done["upcoming"], done["declared"])
            fields["earnings"] = earnings
            if earnings_error:
                errors[Part.EARNINGS] = earnings_error

        if wanted and set(errors) >= wanted:
            first = self._first_error(done) or ProviderError(self.name, "; ".join(errors.values()))
            raise first.with_parts(errors)
        return Snapshot(
            provider=self.name,
            as_of=now,
            simulated=False,
            errors=errors,
            sources={part: self.name for part in wanted if part not in errors},
            **fields,
        )

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """Daily closes of ``names`` (default: ``history_indices``) for the last ``days``
        trading days, fetched in chunks of <= 365 calendar days. Names NSE does not know (404)
        are left out; any other failure raises, so a store never caches a gappy series."""
        import pandas as pd

        names = list(self.settings.history_indices if names is None else names)
        if days <= 0 or not names:
            return pd.DataFrame()
        end = self._now().date()
        start = end - timedelta(days=math.ceil(days * CALENDAR_PER_TRADING_DAY) + 7)
        series = await asyncio.gather(*(self._index_closes(name, start, end) for name in names))
        columns = {
            name: pd.Series(closes, dtype="float64")
            for name, closes in zip(names, series, strict=True)
            if closes
        }
        if not columns:
            return pd.DataFrame()
        frame = pd.DataFrame(columns)
        frame.index = pd.DatetimeIndex(pd.to_datetime(list(frame.index)), name="date")
        return frame.sort_index().iloc[-days:]

    async def aclose(self) -> None:
        await self.source.aclose()

    # -- extras beyond the protocol ---------------------------------------------------------

    async def holidays(self) -> list[date]:
        """NSE's cash-market trading holidays for the current year."""
        payload = await self.source.get_json("/api/holiday-master", {"type": "trading"})
        return payloads.parse_holidays(payload)

    @property
    def past_levels(self) -> Mapping[str, tuple[PastLevel, ...]]:
        """Per index, the previous-day/week/month/year-ago levels of the last allIndices fetch."""
        return self._past_levels

    def reference_closes(self) -> pd.DataFrame:
        """``past_levels`` as a sparse history frame (same shape as ``history``), so analytics
        can compute 5D/1M/1Y changes before any daily history has been stored."""
        import pandas as pd

        cells = {
            (level.on, name): level.level
            for name, levels in self._past_levels.items()
            for level in levels
            if level.on is not None
        }
        if not cells:
            return pd.DataFrame()
        frame = pd.Series(cells, dtype="float64").unstack()
        frame.index = pd.DatetimeIndex(pd.to_datetime(list(frame.index)), name="date")
        return frame.sort_index()

    # -- endpoint jobs ------------------------------------------------------------------------

    async def _all_indices(self, now: datetime) -> AllIndices:
        payload = await self.source.get_json("/api/allIndices")
        result = payloads.parse_all_indices(
            payload, self.settings.segments, self.settings.index_names["indices"], now
        )
        self._past_levels = MappingProxyType(dict(result.past_levels))
        return result

    async def _constituents(self, index: str, now: datetime) -> Constituents:
        """Members from the current endpoint, falling back to the old one on 404."""
        endpoint_name = self.settings.endpoint_name("constituents", index)
        params = {"index": endpoint_name}
        try:
            payload = await self.source.get_json("/api/equity-stock-indices", params)
        except NotFound:
            payload = await self.source.get_json("/api/equity-stockIndices", params)
        segment = self.settings.segments[index]
        return payloads.parse_constituents(payload, index, segment, endpoint_name, now)

    async def _all_constituents(self, now: datetime) -> dict[str, Outcome[Constituents]]:
        names = self.settings.constituents
        outcomes = await asyncio.gather(*(_attempt(self._constituents(n, now)) for n in names))
        return dict(zip(names, outcomes, strict=True))

    async def _adu(self, index: str, now: datetime) -> Breadth:
        params = {"index": self.settings.endpoint_name("adu", index)}
        payload = await self.source.get_json("/api/equity-stockIndices-adu", params)
        return payloads.parse_adu(payload, index, now)

    async def _market_status(self, now: datetime) -> MarketStatus:
        return payloads.parse_market_status(await self.source.get_json("/api/marketStatus"), now)

    async def _upcoming_results(self, today: date) -> list[EarningsEvent]:
        until = today + timedelta(days=self.settings.earnings_days)
        params = {
            "index": "equities",
            "from_date": today.strftime(_DATE_PARAM),
            "to_date": until.strftime(_DATE_PARAM),
        }
        payload = await self.source.get_json("/api/event-calendar", params)
        return payloads.parse_event_calendar(payload, today, until)

    async def _declared_results(self, today: date) -> list[EarningsEvent]:
        day = today.strftime(_DATE_PARAM)
        params = {"index": "equities", "period": "Quarterly", "from_date": day, "to_date": day}
        payload = await self.source.get_json("/api/corporates-financial-results", params)
        return payloads.parse_financial_results(payload, today)

    async def _index_closes(self, name: str, start: date, end: date) -> dict[date, float]:
        """Closes of one index between ``start`` and ``end``, newest chunk first."""
        index_type = self.settings.endpoint_name("history", name)
        closes: dict[date, float] = {}
        chunk_end = end
        while chunk_end >= start:
            chunk_start = max(start, chunk_end - timedelta(days=HISTORY_CHUNK_DAYS - 1))
            params = {
                "indexType": index_type,
                "from": chunk_start.strftime(_DATE_PARAM),
                "to": chunk_end.strftime(_DATE_PARAM),
            }
            try:
                payload = await self.source.get_json("/api/historicalOR/indicesHistory", params)
            except NotFound:
                log.warning("nse history: %s unknown to indicesHistory", name)
                return {}
            closes.update(payloads.parse_index_history(payload))
            chunk_end = chunk_start - timedelta(days=1)
        return closes

    # -- assembling parts -------------------------------------------------------------------

    def _fill_stocks(
        self, constituents: Mapping[str, Outcome[Constituents]], fields: dict[str, Any]
    ) -> str | None:
        """Stocks and members from every index that answered; a stock in several indices
        takes the largest-cap segment. Returns an error only when no index answered."""
        merged: dict[str, StockQuote] = {}
        members: dict[str, tuple[str, ...]] = {}
        failures = []
        for index, (result, error) in constituents.items():
            if result is None:
                failures.append(f"{index}: {error}")
                continue
            members[index] = result.symbols
            for stock in result.stocks:
                held = merged.get(stock.symbol)
                if held is None or _cap_rank(stock.segment) < _cap_rank(held.segment):
                    merged[stock.symbol] = stock
        if failures and members:
            log.warning("nse constituents partly failed: %s", "; ".join(failures))
        fields["stocks"] = tuple(merged.values())
        fields["members"] = members
        return "; ".join(failures) if failures and not members else None

    async def _breadth(
        self,
        indices: AllIndices | None,
        indices_error: ProviderError | None,
        constituents: Mapping[str, Outcome[Constituents]],
        now: datetime,
    ) -> tuple[tuple[Breadth, ...], str | None]:
        """A/D per configured index: allIndices first, then the old constituents' ``advance``
        block, then one ``-adu`` call per index still missing."""
        found = {b.scope: b for b in indices.breadth} if indices else {}
        for index, (result, _error) in constituents.items():
            if index not in found and result is not None and result.breadth is not None:
                found[index] = result.breadth
        missing = [name for name in self.settings.segments if name not in found]
        outcomes = await asyncio.gather(*(_attempt(self._adu(name, now)) for name in missing))
        errors = [str(indices_error)] if indices_error else []
        for name, (breadth, error) in zip(missing, outcomes, strict=True):
            if breadth is not None:
                found[name] = breadth
            else:
                errors.append(f"{name}: {error}")
        ordered = tuple(found[name] for name in self.settings.segments if name in found)
        return ordered, "; ".join(errors) or None

    @staticmethod
    def _merge_earnings(
        upcoming: Outcome[list[EarningsEvent]], declared: Outcome[list[EarningsEvent]]
    ) -> tuple[tuple[EarningsEvent, ...], str | None]:
        """Declared results replace the same company's upcoming entry for that day."""
        (coming, coming_error), (filed, filed_error) = upcoming, declared
        filed = filed or []
        done = {(e.symbol, e.date) for e in filed}
        events = [*filed, *(e for e in coming or [] if (e.symbol, e.date) not in done)]
        errors = [str(e) for e in (coming_error, filed_error) if e is not None]
        if errors and events:
            log.warning("nse earnings partly failed: %s", "; ".join(errors))
        return tuple(events), "; ".join(errors) if errors and not events else None

    @staticmethod
    def _first_error(done: Mapping[str, Any]) -> ProviderError | None:
        for outcome in done.values():
            outcomes = outcome.values() if isinstance(outcome, dict) else [outcome]
            for _result, error in outcomes:
                if error is not None:
                    return error
        return None


def create(settings: Mapping[str, object]) -> NseProvider:
    """NSE India website JSON (unofficial)."""
    return NseProvider(NseSettings.from_mapping(settings))
