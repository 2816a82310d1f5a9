"""The NSE provider's declaration: its settings and the data kinds it supplies. Light (no
httpx), so config checking and ``capwatch providers`` need not import the provider."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from providers.contract import Part, Segment
from providers.nse.lists import DEFAULT_LIST_FILES
from providers.schema import (
    Kind,
    ProviderSpec,
    Setting,
    base_url,
    requests_per_second,
    timeout,
    within,
)

DEFAULT_BASE_URL = "https://www.nseindia.com"
DEFAULT_ARCHIVES_URL = "https://nsearchives.nseindia.com"
#: Lets tests and mirrors point the provider elsewhere before the config file says so.
BASE_URL_ENV = "CAPWATCH_NSE_BASE_URL"

DEFAULT_SEGMENTS: Mapping[str, Segment] = MappingProxyType(
    {
        "NIFTY 50": Segment.LARGE,
        "NIFTY MIDCAP 100": Segment.MID,
        "NIFTY SMALLCAP 100": Segment.SMALL,
        "NIFTY SMALLCAP 250": Segment.SMALL,
        "NIFTY MICROCAP 250": Segment.MICRO,
    }
)
#: One index per segment (the widest), so stocks cover all four segments in four requests.
DEFAULT_CONSTITUENTS = ("NIFTY 50", "NIFTY MIDCAP 100", "NIFTY SMALLCAP 250", "NIFTY MICROCAP 250")
#: The index asked once a refresh for every member's quote (NIFTY 500 + MICROCAP 250, about
#: 750 stocks); segments come from the constituent lists. "" asks each index for its members.
DEFAULT_TOTAL_MARKET = "NIFTY TOTAL MARKET"
#: Endpoints whose index spelling can be overridden in ``index_names``.
ENDPOINTS = ("indices", "constituents", "adu", "history")
#: Cookie renewal: stock-nse-india (src/index.ts) renews after cookieMaxAge 60 s or > 10 uses,
#: one call at a time. A capwatch refresh is 2 calls in a burst (up to 6 when each index is
#: asked for its members), so 10 uses would re-prime every few refreshes; the 60 s timer is
#: kept and the use count raised so a jar lives about a minute either way.
COOKIE_MAX_AGE_S = 60.0
COOKIE_MAX_USES = 100
#: Each list is a small CSV; one request a second is plenty and kind to the archives host.
ARCHIVES_REQUESTS_PER_SECOND = 1.0


def _positive(key: str, kind: Kind, default: float, help: str) -> Setting:
    return Setting(key, kind, default, help, low=0)


SPEC = ProviderSpec(
    name="nse",
    factory="providers.nse:create",
    parts=frozenset(
        {
            Part.INDICES,
            Part.STOCKS,
            Part.BREADTH,
            Part.EARNINGS,
            Part.STATUS,
            Part.HISTORY,
            Part.FLOWS,
            Part.ANNOUNCEMENTS,
        }
    ),
    description="NSE India website JSON (unofficial)",
    settings=(
        base_url(DEFAULT_BASE_URL, env=BASE_URL_ENV),
        requests_per_second(3.0),
        timeout(10.0),
        Setting(
            "segments",
            Kind.TEXT_TABLE,
            {name: segment.value for name, segment in DEFAULT_SEGMENTS.items()},
            "index name -> cap segment it stands for",
            choices=tuple(s.value for s in Segment),
        ),
        Setting(
            "constituents",
            Kind.STRINGS,
            DEFAULT_CONSTITUENTS,
            "indices whose stocks are quoted (each must be in segments)",
        ),
        Setting(
            "total_market",
            Kind.STRING,
            DEFAULT_TOTAL_MARKET,
            'index asked once a refresh for every member\'s quote ("" asks each index)',
            allow_empty=True,
        ),
        Setting(
            "history_indices",
            Kind.STRINGS,
            None,
            "indices whose daily closes are backfilled (unset: every index in segments)",
        ),
        Setting(
            "index_names",
            Kind.TABLES,
            {},
            "endpoint -> {index name -> NSE's spelling there}",
            keys=ENDPOINTS,
        ),
        Setting("prime_path", Kind.STRING, "/option-chain", "page fetched for session cookies"),
        Setting(
            "earnings_days",
            Kind.INTEGER,
            30,
            "days of the results calendar to list",
            **within(1, 366),
        ),
        _positive("results_days", Kind.INTEGER, 3, "declared results: filings of the last N days"),
        Setting(
            "max_retries",
            Kind.INTEGER,
            3,
            "retries on timeouts, dropped connections, 5xx, 429",
            **within(0, 10),
        ),
        Setting(
            "blocked_cooldown",
            Kind.NUMBER,
            600.0,
            'seconds without requests after "Access Restricted"',
            **within(0, 86400),
        ),
        Setting(
            "archives_url", Kind.STRING, DEFAULT_ARCHIVES_URL, "host of the constituent lists (CSV)"
        ),
        Setting(
            "archives_requests_per_second",
            Kind.NUMBER,
            ARCHIVES_REQUESTS_PER_SECOND,
            "request rate cap on the archives host",
            **within(0.01, 100.0),
        ),
        Setting(
            "constituent_lists",
            Kind.TEXT_TABLE,
            DEFAULT_LIST_FILES,
            "index name -> CSV file on the archives host, added to the defaults",
        ),
        _positive(
            "cookie_max_age",
            Kind.NUMBER,
            COOKIE_MAX_AGE_S,
            "renew the cookie jar this old (seconds)",
        ),
        _positive(
            "cookie_max_uses", Kind.INTEGER, COOKIE_MAX_USES, "renew it after this many API calls"
        ),
        _positive("primes_per_minute", Kind.INTEGER, 5, "cap on priming requests"),
        _positive(
            "calendar_every", Kind.NUMBER, 3600.0, "seconds between results-calendar fetches"
        ),
        _positive("lists_every", Kind.NUMBER, 86400.0, "seconds between constituent-list fetches"),
        _positive("holidays_every", Kind.NUMBER, 86400.0, "seconds between holiday-list fetches"),
        _positive("flows_every", Kind.NUMBER, 1800.0, "seconds between FII/DII flow fetches"),
        _positive(
            "announcements_every", Kind.NUMBER, 300.0, "seconds between announcement fetches"
        ),
    ),
)
#: Setting -> default.
DEFAULTS = SPEC.defaults
