"""The NSE provider: which endpoints to ask, in what order, how often, and how parts fail
independently.

Payload shapes live in ``payloads``; transport (budget, cookie lifecycle, retries) in
``providers.http``. Quotes and breadth are asked on every refresh: allIndices (index levels and
breadth) and one total-market call for every member's quote, split into segments by the
constituent lists; each index is asked for its own members only when that call fails, comes
back empty or misses listed members. The results calendar, the holiday list and the
constituent lists (names, industries, membership) sit behind ``providers.cadence.Every`` and
are asked hourly or daily. Index names are sent as each
endpoint wants them: constituents and ``-adu`` the short ``indexSymbol`` allIndices gives,
history the long name (``NseSettings.endpoint_name``).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from msgspec import Struct
from msgspec.structs import replace

from providers.base import ProviderError, ProviderUnavailable
from providers.cadence import Every
from providers.contract import (
    CAP_SEGMENTS,
    IST,
    Announcement,
    Breadth,
    EarningsEvent,
    InstitutionalFlow,
    MarketStatus,
    Part,
    Segment,
    Snapshot,
    StockQuote,
)
from providers.cookies import CookiePolicy
from providers.http import HTML_ACCEPT, HttpSource, NotFound, browser_headers, prime_with_page
from providers.nse import extras, payloads
from providers.nse.lists import LIST_PATH, Company, MemoryTextCache, TextCache, parse_list
from providers.nse.payloads import AllIndices, Constituents, EmptyConstituents, PastLevel
from providers.nse.settings import NseSettings
from providers.nse.spec import SPEC

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
Earnings = tuple[tuple[EarningsEvent, ...], str | None]
#: Index (configured name) -> its constituent list: symbol -> Company.
Lists = dict[str, dict[str, Company]]
#: Parts served from a slow cadence: their data says nothing about whether NSE answers now.
CACHED_PARTS = frozenset({Part.EARNINGS})


def _now_ist() -> datetime:
    return datetime.now(IST)


async def _nothing() -> Outcome[Any]:
    """The outcome of a job not run (allIndices, when its names are known and nothing else
    wants it)."""
    return None, None


async def _attempt(job: Awaitable[T]) -> Outcome[T]:
    """Run one endpoint's job; a ProviderError becomes data so other parts carry on."""
    try:
        return await job, None
    except ProviderError as exc:
        return None, exc


class EndpointUse(Struct, frozen=True):
    """An endpoint's last call: the index name sent ("" if none), the rows it gave, and the
    cookie jar's age then (seconds)."""

    name: str
    rows: int
    cookie_age: float | None


def _named(stock: StockQuote, company: Company | None) -> StockQuote:
    """``stock`` with the list's name where its row had none (no ``meta``), and the list's
    industry always: ``meta`` gives a finer basic industry, and mixing the two taxonomies
    would split one sector in two in the Sectors pane."""
    if company is None:
        return stock
    name = company.name if stock.name == stock.symbol else stock.name
    sector = company.industry or stock.sector
    if (name, sector) == (stock.name, stock.sector):
        return stock
    return replace(stock, name=name, sector=sector or stock.sector)


def _cap_rank(segment: Segment) -> int:
    return CAP_SEGMENTS.index(segment) if segment in CAP_SEGMENTS else len(CAP_SEGMENTS)


class NseProvider:
    """Live NSE data: indices, constituents' quotes, breadth, status, earnings, history."""

    name = "nse"
    parts = SPEC.parts
    simulated = False

    def __init__(
        self,
        settings: NseSettings,
        *,
        source: HttpSource | None = None,
        archives: HttpSource | None = None,
        now: Callable[[], datetime] = _now_ist,
        **http_options: Any,
    ) -> None:
        """``http_options`` (``clock``, ``sleep``, ``transport``, ``seed``) go to both HTTP
        sources; tests and the request benchmark use them to run without waiting."""
        self.settings = settings
        self._now = now
        policy = CookiePolicy(
            max_age=settings.cookie_max_age,
            max_uses=settings.cookie_max_uses,
            primes_per_minute=settings.primes_per_minute,
            prime_attempts=3,
            best_effort=True,
        )
        self.source = source or HttpSource(
            self.name,
            settings.base_url,
            headers=browser_headers(NSE_REFERER),
            requests_per_second=settings.requests_per_second,
            timeout=settings.timeout,
            prime=prime_with_page(settings.prime_path),
            cookie_policy=policy,
            max_retries=settings.max_retries,
            blocked_cooldown=settings.blocked_cooldown,
            **http_options,
        )
        self.archives = archives or HttpSource(
            f"{self.name} archives",
            settings.archives_url,
            headers={**browser_headers(NSE_REFERER), "Accept": f"text/csv,{HTML_ACCEPT}"},
            requests_per_second=settings.archives_requests_per_second,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            **http_options,
        )
        self._past_levels: Mapping[str, tuple[PastLevel, ...]] = MappingProxyType({})
        self._flow_book = extras.FlowBook()
        self._symbols: dict[str, str] = {}  # upper-case long name -> allIndices indexSymbol
        self._unanswered: set[str] = set()  # listed symbols an index's own answer lacked too
        self.sent: dict[tuple[str, str], EndpointUse] = {}  # (path, index) -> last use (doctor)
        self.text_cache: TextCache = MemoryTextCache()
        self._calendar: Every[Earnings] = Every("nse calendar", settings.calendar_every, now)
        self._holidays: Every[list[date]] = Every("nse holidays", settings.holidays_every, now)
        self._lists: Every[Lists] = Every("nse constituent lists", settings.lists_every, now)
        self._flows_every: Every[tuple[InstitutionalFlow, ...]] = Every(
            "nse flows", settings.flows_every, now
        )
        self._announcements_every: Every[tuple[Announcement, ...]] = Every(
            "nse announcements", settings.announcements_every, now
        )

    def use_text_cache(self, cache: TextCache) -> None:
        """Keep the constituent lists in ``cache`` (the history store) between runs."""
        self.text_cache = cache

    # -- the Provider protocol -------------------------------------------------------------

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        """One snapshot; each part fails on its own into ``Snapshot.errors``."""
        wanted = (self.parts if parts is None else frozenset(parts) & self.parts) - {Part.HISTORY}
        now = self._now()
        today = now.date()
        jobs: dict[str, Awaitable[Any]] = {}
        if wanted & {Part.INDICES, Part.BREADTH} or (Part.STOCKS in wanted and not self._symbols):
            jobs["indices"] = _attempt(self._all_indices(now))
        if Part.STOCKS in wanted:
            jobs["constituents"] = self._all_constituents(now, after=jobs.get("indices"))
            jobs.pop("indices", None)
        if Part.EARNINGS in wanted:
            jobs["earnings"] = _attempt(self._calendar.get(lambda: self._load_calendar(today)))
        if Part.FLOWS in wanted:
            jobs["flows"] = _attempt(self._flows_every.get(self._flows))
        if Part.ANNOUNCEMENTS in wanted:
            jobs["announcements"] = _attempt(
                self._announcements_every.get(lambda: self._announcements(today))
            )
        done = dict(zip(jobs, await asyncio.gather(*jobs.values()), strict=True))
        if "constituents" in done:  # allIndices went first: its failure is the one to tell
            indices_outcome, members, lists = done.pop("constituents")
            done = {"indices": indices_outcome, "constituents": members, "lists": lists, **done}
        if Part.STATUS in wanted:
            done["status"] = await self._status(done.get("constituents", {}), now)

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
            lists, _lists_error = done["lists"]
            names = {s: c for listed in (lists or {}).values() for s, c in listed.items()}
            stocks_error = self._fill_stocks(constituents, names, fields)
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
        fetched: dict[Part, datetime] = {}
        if Part.EARNINGS in wanted:
            calendar, calendar_error = done["earnings"]
            earnings, earnings_error = calendar or ((), str(calendar_error))
            fields["earnings"] = earnings
            if earnings_error:
                errors[Part.EARNINGS] = earnings_error
            if self._calendar.fetched_at is not None:
                fetched[Part.EARNINGS] = self._calendar.fetched_at
        for part, key in ((Part.FLOWS, "flows"), (Part.ANNOUNCEMENTS, "announcements")):
            if part in wanted:
                value, error = done[key]
                fields[key] = value or ()
                if error:
                    errors[part] = str(error)

        live = wanted - CACHED_PARTS or wanted  # a cached calendar is no sign NSE answers
        if set(errors) >= live and not any(fields.get(p.value) for p in live):
            first = self._first_error(done) or ProviderError(self.name, "; ".join(errors.values()))
            raise first.with_parts(errors)
        return Snapshot(
            provider=self.name,
            as_of=now,
            simulated=False,
            errors=errors,
            sources={part: self.name for part in wanted if part not in errors},
            fetched=fetched,
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
        await asyncio.gather(self.source.aclose(), self.archives.aclose())

    # -- extras beyond the protocol ---------------------------------------------------------

    async def holidays(self) -> list[date]:
        """NSE's cash-market trading holidays for the current year (asked at most daily)."""

        async def load() -> list[date]:
            payload = await self.source.get_json("/api/holiday-master", {"type": "trading"})
            return payloads.parse_holidays(payload)

        return await self._holidays.get(load)

    def _record(self, path: str, index: str, name: str, rows: int) -> None:
        self.sent[path, index] = EndpointUse(name, rows, self.source.session.age)

    def endpoint_report(self) -> list[tuple[str, EndpointUse | None, int]]:
        """Per endpoint asked this hour, one row per index asked of it: (path, its last use
        if it carries an index name or row count, requests to the path in the last hour).
        For ``capwatch doctor``."""
        report = []
        for source in (self.source, self.archives):
            for path in dict.fromkeys(p for _, p in source.sent_log()):
                uses = [use for (sent_to, _), use in self.sent.items() if sent_to == path]
                count = source.requests_in_last_hour(path)
                report.extend((path, use, count) for use in uses or [None])
        return report

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
        self._symbols.update(payloads.index_symbols(payload))
        result = payloads.parse_all_indices(
            payload, self.settings.segments, self.settings.index_names["indices"], now
        )
        self._record("/api/allIndices", "", "", len(result.quotes))
        self._past_levels = MappingProxyType(dict(result.past_levels))
        return result

    async def _flows(self) -> tuple[InstitutionalFlow, ...]:
        """This month's FII/DII days seen so far (NSE answers only the latest day)."""
        payload = await self.source.get_json(extras.FLOWS_PATH)
        return self._flow_book.add(extras.parse_flows(payload))

    async def _announcements(self, today: date) -> tuple[Announcement, ...]:
        params = extras.announcement_params(today)
        payload = await self.source.get_json(extras.ANNOUNCEMENTS_PATH, params)
        return tuple(extras.parse_announcements(payload))

    async def _constituents_as(self, index: str, name: str, now: datetime) -> Constituents:
        """Members of ``index`` asked under ``name``; the old endpoint only if the new 404s."""
        params = {"index": name}
        try:
            payload = await self.source.get_json("/api/equity-stock-indices", params)
            path = "/api/equity-stock-indices"
        except NotFound:
            path = "/api/equity-stockIndices"
            payload = await self.source.get_json(path, params)
        segment = self.settings.segments.get(index, Segment.ALL)  # the total market: ALL
        try:
            result = payloads.parse_constituents(payload, index, segment, name, now)
        except EmptyConstituents:
            self._record(path, index, name, 0)
            raise
        self._record(path, index, name, len(result.symbols))
        return result

    async def _constituents(self, index: str, now: datetime) -> Constituents:
        """Members under the name the endpoint wants; an empty answer is retried once under
        the other spelling (which is then remembered), and is an error if that is empty too."""
        name = self.settings.endpoint_name("constituents", index, self._symbols)
        try:
            return await self._constituents_as(index, name, now)
        except EmptyConstituents as first:
            other = self.settings.other_spelling(index, name)
            if other is None:
                raise
            try:
                result = await self._constituents_as(index, other, now)
            except EmptyConstituents:
                raise ProviderUnavailable(
                    self.name, f"no constituents for {index}: sent {name!r}, then {other!r}"
                ) from first
            log.warning("nse constituents: %s answered as %r, not %r", index, other, name)
            self._symbols[" ".join(index.upper().split())] = other
            return result

    async def _all_constituents(
        self, now: datetime, after: Awaitable[Outcome[AllIndices]] | None
    ) -> tuple[Outcome[AllIndices], dict[str, Outcome[Constituents]], Outcome[Lists]]:
        """allIndices (it says the names to send) and the constituent lists first, then every
        member's quote in one total-market call; the indices it does not cover are asked for
        their own members, concurrently."""
        asked = after if after is not None else _nothing()
        indices, lists = await asyncio.gather(asked, _attempt(self._lists.get(self._load_lists)))
        listed = lists[0] or {}
        found, rest = await self._from_total_market(listed, now)
        outcomes = await asyncio.gather(*(_attempt(self._constituents(n, now)) for n in rest))
        found.update(zip(rest, outcomes, strict=True))
        for name, (result, _error) in zip(rest, outcomes, strict=True):
            if result is not None and name in listed:  # NSE's own gaps, not a capped answer
                self._unanswered.update(set(listed[name]) - set(result.symbols))
        return indices, {n: found[n] for n in self.settings.constituents}, lists

    async def _from_total_market(
        self, lists: Lists, now: datetime
    ) -> tuple[dict[str, Outcome[Constituents]], list[str]]:
        """Each configured index's members cut out of one total-market answer by its list,
        and the indices left to ask one by one: those without a list, every one when the call
        fails or is empty, and one whose listed members the answer lacks (a capped answer, a
        list older than a rebalance), so a segment is never quietly short. A listed member the
        index's own answer lacked too is NSE's gap, not the call's, and is not asked about
        again."""
        names = list(self.settings.constituents)
        total = self.settings.total_market
        covered = [name for name in names if lists.get(name)]
        if not total or not covered:
            return {}, names
        try:
            whole = await self._constituents(total, now)
        except ProviderError as exc:
            log.warning("nse %s: %s; asking each index for its members", total, exc)
            return {}, names
        quotes = {stock.symbol: stock for stock in whole.stocks}
        answered = set(whole.symbols)
        found: dict[str, Outcome[Constituents]] = {}
        rest = [name for name in names if name not in covered]
        for name in covered:
            listed = tuple(s for s in lists[name] if s not in self._unanswered)
            missing = [symbol for symbol in listed if symbol not in answered]
            if missing:
                log.warning(
                    "nse %s: %d of the %d members listed for %s missing (%s); asking %s",
                    total,
                    len(missing),
                    len(listed),
                    name,
                    ", ".join(missing[:5]),
                    name,
                )
                rest.append(name)
                continue
            segment = self.settings.segments[name]
            stocks = tuple(replace(quotes[s], segment=segment) for s in listed if s in quotes)
            found[name] = Constituents(name, listed, stocks, None, whole.status), None
        return found, rest

    async def _adu(self, index: str, now: datetime) -> Breadth:
        name = self.settings.endpoint_name("adu", index, self._symbols)
        payload = await self.source.get_json("/api/equity-stockIndices-adu", {"index": name})
        self._record("/api/equity-stockIndices-adu", index, name, 1)
        return payloads.parse_adu(payload, index, now)

    async def _status(
        self, constituents: Mapping[str, Outcome[Constituents]], now: datetime
    ) -> Outcome[MarketStatus]:
        """The market phase from a constituents answer's ``marketStatus`` block (no extra
        request), else from ``/api/marketStatus``."""
        for result, _error in constituents.values():
            if result is not None and result.status is not None:
                return result.status, None
        return await _attempt(self._market_status(now))

    async def _market_status(self, now: datetime) -> MarketStatus:
        return payloads.parse_market_status(await self.source.get_json("/api/marketStatus"), now)

    async def _load_lists(self) -> Lists:
        """Per configured index, its constituent list (symbol -> Company): each from the
        text cache when younger than ``lists_every``, else from the archives host."""
        files = {
            index: self.settings.constituent_lists[index]
            for index in self.settings.constituents
            if index in self.settings.constituent_lists
        }
        texts = await asyncio.gather(*(_attempt(self._list_text(f)) for f in files.values()))
        companies: Lists = {}
        failures = []
        for (index, file), (text, error) in zip(files.items(), texts, strict=True):
            if text is None:
                failures.append(f"{file}: {error}")
                continue
            try:
                companies[index] = parse_list(text, file)
            except ProviderError as exc:
                failures.append(f"{file}: {exc}")
        if failures and not companies:
            raise ProviderUnavailable(self.name, "no constituent list: " + "; ".join(failures))
        if failures:
            log.warning("nse constituent lists partly failed: %s", "; ".join(failures))
        return companies

    async def _list_text(self, file: str) -> str:
        key = f"nse:{self.settings.archives_url}{LIST_PATH}{file}"
        stored = self.text_cache.load_text(key)
        now = self._now()
        if stored is not None and (now - stored[1]).total_seconds() < self.settings.lists_every:
            return stored[0]
        text = await self.archives.get_text(f"{LIST_PATH}{file}")
        self.text_cache.save_text(key, text, now)
        return text

    async def _load_calendar(self, today: date) -> Earnings:
        """Upcoming and declared results: one unit on the calendar cadence (two requests)."""
        upcoming, declared = await asyncio.gather(
            _attempt(self._upcoming_results(today)), _attempt(self._declared_results(today))
        )
        events, error = self._merge_earnings(upcoming, declared)
        if error is not None and not events:
            raise ProviderUnavailable(self.name, error)
        return events, error

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
        """Filings of the last ``results_days`` days: a window, as the endpoint refuses
        from = to (data-sources.md)."""
        first = today - timedelta(days=self.settings.results_days)
        params = {
            "index": "equities",
            "period": "Quarterly",
            "from_date": first.strftime(_DATE_PARAM),
            "to_date": today.strftime(_DATE_PARAM),
        }
        payload = await self.source.get_json("/api/corporates-financial-results", params)
        return payloads.parse_financial_results(payload, first, today)

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
        self,
        constituents: Mapping[str, Outcome[Constituents]],
        names: Mapping[str, Company],
        fields: dict[str, Any],
    ) -> str | None:
        """Stocks and members from every index that answered; a stock in several indices
        takes the largest-cap segment, and a row without ``meta`` takes its name and industry
        from the constituent lists. Returns the failures: every index that did not answer
        makes the part an error, so a segment is never silently empty."""
        merged: dict[str, StockQuote] = {}
        members: dict[str, tuple[str, ...]] = {}
        failures = []
        for index, (result, error) in constituents.items():
            if result is None:
                failures.append(f"{index}: {error}")
                continue
            members[index] = result.symbols
            for stock in result.stocks:
                stock = _named(stock, names.get(stock.symbol))
                held = merged.get(stock.symbol)
                if held is None or _cap_rank(stock.segment) < _cap_rank(held.segment):
                    merged[stock.symbol] = stock
        fields["stocks"] = tuple(merged.values())
        fields["members"] = members
        return "; ".join(failures) or None

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
    ) -> Earnings:
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
