"""``[providers.nse]`` settings: defaults, validation, and the base_url fallback chain."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from providers.base import reject_unknown_settings
from providers.contract import Segment
from providers.nse.lists import DEFAULT_LIST_FILES

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
#: Endpoints whose index spelling can be overridden in ``index_names``.
ENDPOINTS = ("indices", "constituents", "adu", "history")
#: Endpoints that want allIndices' short ``indexSymbol`` (the rest take the long name).
SHORT_NAME_ENDPOINTS = frozenset({"constituents", "adu"})
#: Long name -> ``indexSymbol``, for when allIndices (which says it) is unavailable. From
#: NseIndiaApi docs/source/listEquityStocksByIndex.rst (2026) and allIndices samples.
DEFAULT_INDEX_SYMBOLS: Mapping[str, str] = MappingProxyType(
    {
        "NIFTY SMALLCAP 50": "NIFTY SMLCAP 50",
        "NIFTY SMALLCAP 100": "NIFTY SMLCAP 100",
        "NIFTY SMALLCAP 250": "NIFTY SMLCAP 250",
        "NIFTY MICROCAP 250": "NIFTY MICROCAP250",
        "NIFTY MIDSMALLCAP 400": "NIFTY MIDSML 400",
        "NIFTY LARGEMIDCAP 250": "NIFTY LARGEMID250",
        "NIFTY TOTAL MARKET": "NIFTY TOTAL MKT",
    }
)
#: Cookie renewal: stock-nse-india (src/index.ts) renews after cookieMaxAge 60 s or > 10 uses,
#: one call at a time. A capwatch refresh is 5-6 calls in a burst, so 10 uses would re-prime
#: every other refresh (~290 priming pages an hour at the default 10 s refresh); the 60 s
#: timer is kept and the use count raised so a jar lives about a minute either way.
COOKIE_MAX_AGE_S = 60.0
COOKIE_MAX_USES = 100


def _positive(settings: Mapping[str, object], key: str, default: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"providers.nse.{key}: expected a number > 0, got {value!r}")
    return float(value)


def _non_negative(settings: Mapping[str, object], key: str, default: float) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"providers.nse.{key}: expected a number >= 0, got {value!r}")
    return float(value)


def _names(settings: Mapping[str, object], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = settings.get(key, default)
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):  # type: ignore[union-attr]
        raise ValueError(f"providers.nse.{key}: expected a list of index names, got {value!r}")
    return tuple(value)  # type: ignore[arg-type]


def _segments(settings: Mapping[str, object]) -> Mapping[str, Segment]:
    value = settings.get("segments", DEFAULT_SEGMENTS)
    if not isinstance(value, Mapping):
        raise ValueError(f"providers.nse.segments: expected a table, got {value!r}")
    try:
        return MappingProxyType({str(k): Segment(str(v)) for k, v in value.items()})
    except ValueError as exc:
        choices = ", ".join(s.value for s in Segment)
        raise ValueError(f"providers.nse.segments: {exc}; choose from {choices}") from exc


def _string_map(settings: Mapping[str, object], key: str, default: Mapping[str, str]):
    value = settings.get(key, default)
    if not isinstance(value, Mapping):
        raise ValueError(f"providers.nse.{key}: expected a table of index name -> text")
    return MappingProxyType({**default, **{str(k): str(v) for k, v in value.items()}})


def _index_names(settings: Mapping[str, object]) -> Mapping[str, Mapping[str, str]]:
    value = settings.get("index_names", {})
    if not isinstance(value, Mapping) or not set(value) <= set(ENDPOINTS):
        raise ValueError(
            f"providers.nse.index_names: expected a table with keys among {', '.join(ENDPOINTS)}"
        )
    return MappingProxyType(
        {endpoint: MappingProxyType(dict(value.get(endpoint, {}))) for endpoint in ENDPOINTS}
    )


@dataclass(frozen=True, slots=True)
class NseSettings:
    """What the NSE provider can be told. Index names are allIndices names; ``index_names``
    maps them per endpoint where NSE spells them differently (e.g. "NIFTY SMLCAP 100")."""

    base_url: str = DEFAULT_BASE_URL
    requests_per_second: float = 3.0
    timeout: float = 10.0
    segments: Mapping[str, Segment] = field(default_factory=lambda: DEFAULT_SEGMENTS)
    constituents: tuple[str, ...] = DEFAULT_CONSTITUENTS
    history_indices: tuple[str, ...] = tuple(DEFAULT_SEGMENTS)
    index_names: Mapping[str, Mapping[str, str]] = field(
        default_factory=lambda: MappingProxyType({e: MappingProxyType({}) for e in ENDPOINTS})
    )
    prime_path: str = "/option-chain"
    earnings_days: int = 30
    results_days: int = 3  # declared results: filings of the last N days (a window, not a day)
    max_retries: int = 3  # per request, on timeouts, dropped connections, 5xx and 429
    blocked_cooldown: float = 600.0  # seconds without requests after "Access Restricted"
    archives_url: str = DEFAULT_ARCHIVES_URL  # host of the constituent lists (CSV)
    constituent_lists: Mapping[str, str] = field(default_factory=lambda: DEFAULT_LIST_FILES)
    cookie_max_age: float = COOKIE_MAX_AGE_S  # renew the cookie jar this old (seconds)
    cookie_max_uses: int = COOKIE_MAX_USES  # renew it after this many API calls
    primes_per_minute: int = 5  # cap on priming requests
    calendar_every: float = 3600.0  # seconds between results-calendar fetches
    lists_every: float = 86400.0  # seconds between constituent-list fetches
    holidays_every: float = 86400.0

    @classmethod
    def from_mapping(cls, settings: Mapping[str, object]) -> NseSettings:
        """Validate ``[providers.nse]``; ``base_url`` falls back to ``$CAPWATCH_NSE_BASE_URL``."""
        reject_unknown_settings("nse", settings, cls.__dataclass_fields__)
        base_url = settings.get("base_url") or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        segments = _segments(settings)
        constituents = _names(settings, "constituents", DEFAULT_CONSTITUENTS)
        missing = [name for name in constituents if name not in segments]
        if missing:
            raise ValueError(
                f"providers.nse.constituents: {', '.join(missing)} not in providers.nse.segments"
            )
        return cls(
            base_url=str(base_url),
            requests_per_second=_positive(settings, "requests_per_second", 3.0),
            timeout=_positive(settings, "timeout", 10.0),
            segments=segments,
            constituents=constituents,
            history_indices=_names(settings, "history_indices", tuple(segments)),
            index_names=_index_names(settings),
            prime_path=str(settings.get("prime_path", "/option-chain")),
            earnings_days=int(_positive(settings, "earnings_days", 30)),
            results_days=int(_positive(settings, "results_days", 3)),
            max_retries=int(_non_negative(settings, "max_retries", 3)),
            blocked_cooldown=_non_negative(settings, "blocked_cooldown", 600.0),
            archives_url=str(settings.get("archives_url", DEFAULT_ARCHIVES_URL)),
            constituent_lists=_string_map(settings, "constituent_lists", DEFAULT_LIST_FILES),
            cookie_max_age=_positive(settings, "cookie_max_age", COOKIE_MAX_AGE_S),
            cookie_max_uses=int(_positive(settings, "cookie_max_uses", COOKIE_MAX_USES)),
            primes_per_minute=int(_positive(settings, "primes_per_minute", 5)),
            calendar_every=_positive(settings, "calendar_every", 3600.0),
            lists_every=_positive(settings, "lists_every", 86400.0),
            holidays_every=_positive(settings, "holidays_every", 86400.0),
        )

    def endpoint_name(
        self, endpoint: str, index: str, symbols: Mapping[str, str] | None = None
    ) -> str:
        """How ``endpoint`` spells ``index``: the configured override; else, for the
        endpoints that want it, the ``indexSymbol`` allIndices gave (``symbols``, keyed by
        the upper-case long name) or the default map; else the long name itself."""
        override = self.index_names[endpoint].get(index)
        if override:
            return override
        if endpoint in SHORT_NAME_ENDPOINTS:
            key = " ".join(index.upper().split())
            return (symbols or {}).get(key) or DEFAULT_INDEX_SYMBOLS.get(key, index)
        return index

    def other_spelling(self, index: str, sent: str) -> str | None:
        """The one other name to try when ``sent`` got no constituents: the long name after a
        short one, the default short name after the long one; None when there is none."""
        if sent != index:
            return index
        short = DEFAULT_INDEX_SYMBOLS.get(" ".join(index.upper().split()))
        return short if short and short != sent else None
