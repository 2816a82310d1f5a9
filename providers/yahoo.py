"""Yahoo Finance chart API (unofficial): index levels, mainly as a fallback for NSE.

Yahoo wants a session cookie and a "crumb" token: GET the cookie page (``cookie_url``), then
``/v1/test/getcrumb``, then pass ``crumb=`` on every chart call. The crumb is attached by an
``httpx.Auth`` so that when the HTTP core re-primes after a 401/403 the retried request
carries the new crumb. Several Yahoo index symbols are stale for days, so a quote whose
``regularMarketTime`` is older than ``max_age_hours`` is rejected, naming symbol and age.
The previous close is the last daily close before the quote's trading day, never
``chartPreviousClose`` (that is the close before the whole range, not yesterday's).

Transport: Yahoo answers plain HTTP clients with 429 so often that yfinance moved to browser
impersonation with curl_cffi (its ``_http.py``; yfinance issues 2422, 2472). With the optional
``impersonate`` extra installed (``httpx-curl-cffi``: curl_cffi behind httpx's transport API,
so the HTTP core stays the same), requests go out with a Chrome TLS/HTTP2 fingerprint; without
it, plain httpx is used and 429s are likely. Yahoo is the last resort for index levels.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection, Generator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote as url_quote

import httpx

from providers.base import (
    BadPayload,
    ProviderError,
    ProviderUnavailable,
)
from providers.contract import IST, IndexQuote, Part, Snapshot, segment_of_index
from providers.http import HttpSource, NotFound, browser_headers
from providers.parse import clean_text, to_float
from providers.yahoo_spec import DEFAULT_SYMBOLS, SPEC

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

NAME = "yahoo"
CRUMB_PATH = "/v1/test/getcrumb"
_DEFAULTS = SPEC.defaults


def impersonating_transport() -> httpx.AsyncBaseTransport | None:
    """A Chrome-impersonating transport when ``httpx-curl-cffi`` is installed, else None."""
    try:
        from httpx_curl_cffi import AsyncCurlTransport
    except ImportError:
        return None
    return AsyncCurlTransport(impersonate="chrome")


class CrumbAuth(httpx.Auth):
    """Adds ``crumb=`` to chart requests once the crumb is known."""

    def __init__(self) -> None:
        self.crumb: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.crumb and not request.url.path.startswith(CRUMB_PATH):
            request.url = request.url.copy_merge_params({"crumb": self.crumb})
        yield request


def _valid_crumb(text: str) -> bool:
    crumb = text.strip()
    return 0 < len(crumb) <= 64 and not any(ch.isspace() or ch in "<>{}" for ch in crumb)


def parse_chart(
    payload: Any, name: str, symbol: str, now: datetime, max_age_hours: float
) -> IndexQuote:
    """One chart answer -> an IndexQuote; raises BadPayload/ProviderUnavailable saying why."""
    chart = payload.get("chart") if isinstance(payload, dict) else None
    if not isinstance(chart, dict):
        raise BadPayload(NAME, "chart", f"{symbol}: no 'chart' object in the answer")
    results = chart.get("result")
    if not results:
        error = chart.get("error") or {}
        why = clean_text(error.get("description") if isinstance(error, dict) else error)
        raise ProviderUnavailable(NAME, f"{symbol}: {why or 'no result and no error given'}")
    result = results[0] if isinstance(results, list) else results
    meta = result.get("meta") if isinstance(result, dict) else None
    if not isinstance(meta, dict):
        raise BadPayload(NAME, "chart.result[0].meta", f"{symbol}: missing")
    last = to_float(meta.get("regularMarketPrice"))
    stamp = to_float(meta.get("regularMarketTime"))
    if last is None or stamp is None:
        raise BadPayload(
            NAME, "meta.regularMarketPrice", f"{symbol}: no price or market time in the quote"
        )
    when = datetime.fromtimestamp(stamp, UTC).astimezone(IST)
    age_hours = (now - when).total_seconds() / 3600
    if age_hours > max_age_hours:
        raise ProviderUnavailable(
            NAME,
            f"{symbol}: quote is stale, {age_hours / 24:.1f} days old "
            f"({when:%Y-%m-%d %H:%M} IST; max_age_hours={max_age_hours:g})",
        )
    bars = _daily_bars(result)
    today_bar = bars.get(when.date(), {})
    earlier = [day for day in bars if day < when.date()]
    prev_close = bars[max(earlier)]["close"] if earlier else None
    change_pct = (last / prev_close - 1) * 100 if prev_close else None
    exchange = "BSE" if meta.get("exchangeName") == "BSE" or symbol.endswith(".BO") else "NSE"
    return IndexQuote(
        name=name,
        segment=segment_of_index(name),
        last=last,
        prev_close=prev_close,
        change_pct=change_pct,
        time=when,
        exchange=exchange,
        open=today_bar.get("open"),
        high=to_float(meta.get("regularMarketDayHigh")) or today_bar.get("high"),
        low=to_float(meta.get("regularMarketDayLow")) or today_bar.get("low"),
        year_high=to_float(meta.get("fiftyTwoWeekHigh")),
        year_low=to_float(meta.get("fiftyTwoWeekLow")),
    )


def _daily_bars(result: Mapping[str, Any]) -> dict[Any, dict[str, float | None]]:
    """IST trading day -> that day's last bar with a close (nulls and duplicates dropped)."""
    stamps = result.get("timestamp") or []
    indicators = result.get("indicators") or {}
    series = (indicators.get("quote") or [{}])[0] or {}
    columns = {key: series.get(key) or [] for key in ("open", "high", "low", "close")}
    bars: dict[Any, dict[str, float | None]] = {}
    for i, stamp in enumerate(stamps):
        values = {k: to_float(col[i]) if i < len(col) else None for k, col in columns.items()}
        if values["close"] is None or to_float(stamp) is None:
            continue
        day = datetime.fromtimestamp(float(stamp), UTC).astimezone(IST).date()
        bars[day] = values
    return bars


class YahooProvider:
    """Index levels from the Yahoo chart API for the names in ``symbols``."""

    name = NAME
    parts = SPEC.parts
    simulated = False
    #: Asked for index levels only when NSE and BSE both failed (providers.compose).
    last_resort = True

    def __init__(
        self,
        *,
        symbols: Mapping[str, str] = DEFAULT_SYMBOLS,
        base_url: str = _DEFAULTS["base_url"],  # type: ignore[assignment]
        cookie_url: str = _DEFAULTS["cookie_url"],  # type: ignore[assignment]
        max_age_hours: float = _DEFAULTS["max_age_hours"],  # type: ignore[assignment]
        requests_per_second: float = _DEFAULTS["requests_per_second"],  # type: ignore[assignment]
        timeout: float = _DEFAULTS["timeout"],  # type: ignore[assignment]
        impersonate: bool = _DEFAULTS["impersonate"],  # type: ignore[assignment]
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(IST),
        **http_options: Any,
    ) -> None:
        if not symbols:
            raise ValueError("yahoo: no index symbols configured")
        self.impersonating = False
        if transport is None and impersonate:
            transport = impersonating_transport()
            self.impersonating = transport is not None
            if transport is None:
                log.info("yahoo: httpx-curl-cffi not installed; plain HTTP (429s likely)")
        self.symbols = dict(symbols)
        self.cookie_url = cookie_url
        self.max_age_hours = max_age_hours
        self._now = now
        self._auth = CrumbAuth()
        self.http = HttpSource(
            NAME,
            base_url,
            headers=browser_headers("https://finance.yahoo.com/"),
            requests_per_second=requests_per_second,
            timeout=timeout,
            transport=transport,
            prime=self._get_crumb,
            **http_options,
        )
        self.http.client.auth = self._auth

    async def _get_crumb(self, source: HttpSource) -> None:
        """Fill the cookie jar from the cookie page, then ask for a crumb."""
        self._auth.crumb = None
        with contextlib.suppress(NotFound):  # fc.yahoo.com answers 404 but sets the cookie
            await source.get_text(self.cookie_url)
        crumb = await source.get_text(CRUMB_PATH)
        if not _valid_crumb(crumb):
            raise ProviderUnavailable(
                NAME,
                f"no crumb from {CRUMB_PATH} (got {clean_text(crumb)[:40]!r}); cookie refused?",
            )
        self._auth.crumb = crumb.strip()

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        now = self._now()
        if parts is not None and Part.INDICES not in parts:
            return Snapshot(provider=NAME, as_of=now, simulated=False)
        names = list(self.symbols)
        results = await asyncio.gather(
            *(self._quote(name, self.symbols[name], now) for name in names),
            return_exceptions=True,
        )
        quotes = [r for r in results if isinstance(r, IndexQuote)]
        failures = []
        for name, result in zip(names, results, strict=True):
            symbol = self.symbols[name]
            if isinstance(result, ProviderError):
                message = result.message
                failures.append(message if symbol in message else f"{symbol}: {message}")
            elif isinstance(result, BaseException):
                raise result
        if not quotes:
            raise ProviderUnavailable(NAME, "; ".join(failures))
        return Snapshot(
            provider=NAME,
            as_of=now,
            simulated=False,
            indices=tuple(quotes),
            errors={Part.INDICES: "; ".join(failures)} if failures else {},
            sources={Part.INDICES: NAME},
        )

    async def _quote(self, name: str, symbol: str, now: datetime) -> IndexQuote:
        try:
            payload = await self.http.get_json(
                f"/v8/finance/chart/{url_quote(symbol, safe='')}",
                {"range": "5d", "interval": "1d"},
            )
        except NotFound:
            raise ProviderUnavailable(NAME, f"{symbol}: HTTP 404 (unknown symbol?)") from None
        return parse_chart(payload, name, symbol, now, self.max_age_hours)

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """Not supplied: Yahoo is a fallback for levels; NSE or the local store has closes."""
        import pandas as pd

        return pd.DataFrame()

    async def aclose(self) -> None:
        await self.http.aclose()


def create(settings: Mapping[str, object]) -> YahooProvider:
    """Yahoo Finance chart API (unofficial): index levels for the configured symbols.

    ``symbols`` adds to or overrides the defaults (name -> Yahoo symbol); an empty symbol
    removes a default. ``max_age_hours`` bounds staleness.
    """
    values = SPEC.resolve(settings)
    symbols = {**DEFAULT_SYMBOLS, **values.pop("symbols")}  # type: ignore[dict-item]
    return YahooProvider(
        symbols={name: symbol for name, symbol in symbols.items() if symbol},
        **values,  # type: ignore[arg-type]
    )
