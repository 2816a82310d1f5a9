"""``[providers.nse]`` settings resolved into the typed ``NseSettings`` the provider uses.

Keys, defaults, ranges and the ``$CAPWATCH_NSE_BASE_URL`` fallback are declared once, in
``providers.nse.spec``; this module adds what needs more than one key (constituents must be
in segments) and the per-endpoint index spellings.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from msgspec import Struct, field

from providers.contract import Segment
from providers.nse.spec import DEFAULTS, ENDPOINTS, SPEC
from providers.schema import SettingError

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


def _typed(values: Mapping[str, object]) -> dict[str, object]:
    """Resolved ``SPEC`` values as ``NseSettings`` holds them (segments as ``Segment``s,
    maps frozen, lists merged over their defaults); cross-key checks too."""
    segments = MappingProxyType({str(k): Segment(v) for k, v in values["segments"].items()})  # type: ignore[attr-defined]
    constituents = tuple(values["constituents"])  # type: ignore[call-overload]
    missing = [name for name in constituents if name not in segments]
    if missing:
        raise SettingError(
            "nse", "constituents", f"{', '.join(missing)} not in providers.nse.segments"
        )
    names = values["index_names"]
    lists = {**DEFAULTS["constituent_lists"], **values["constituent_lists"]}  # type: ignore[dict-item]
    return {
        **values,
        "segments": segments,
        "constituents": constituents,
        "history_indices": tuple(values["history_indices"] or segments),  # type: ignore[arg-type]
        "index_names": MappingProxyType(
            {e: MappingProxyType(dict(names.get(e, {}))) for e in ENDPOINTS}  # type: ignore[attr-defined]
        ),
        "constituent_lists": MappingProxyType(lists),
    }


_DEFAULTS = _typed(DEFAULTS)


def _default(key: str) -> Any:
    return field(default_factory=lambda: _DEFAULTS[key])


class NseSettings(Struct, frozen=True):
    """What the NSE provider can be told (see ``providers.nse.spec`` for each key). Index
    names are allIndices names; ``index_names`` maps them per endpoint where NSE spells them
    differently (e.g. "NIFTY SMLCAP 100")."""

    base_url: str = _default("base_url")
    requests_per_second: float = _default("requests_per_second")
    timeout: float = _default("timeout")
    segments: Mapping[str, Segment] = _default("segments")
    constituents: tuple[str, ...] = _default("constituents")
    total_market: str = _default("total_market")
    history_indices: tuple[str, ...] = _default("history_indices")
    index_names: Mapping[str, Mapping[str, str]] = _default("index_names")
    prime_path: str = _default("prime_path")
    earnings_days: int = _default("earnings_days")
    results_days: int = _default("results_days")
    max_retries: int = _default("max_retries")
    blocked_cooldown: float = _default("blocked_cooldown")
    archives_url: str = _default("archives_url")
    archives_requests_per_second: float = _default("archives_requests_per_second")
    constituent_lists: Mapping[str, str] = _default("constituent_lists")
    cookie_max_age: float = _default("cookie_max_age")
    cookie_max_uses: int = _default("cookie_max_uses")
    primes_per_minute: int = _default("primes_per_minute")
    calendar_every: float = _default("calendar_every")
    lists_every: float = _default("lists_every")
    holidays_every: float = _default("holidays_every")
    flows_every: float = _default("flows_every")
    announcements_every: float = _default("announcements_every")

    @classmethod
    def from_mapping(cls, settings: Mapping[str, object]) -> NseSettings:
        """Validate ``[providers.nse]`` against ``SPEC``; ``base_url`` falls back to
        ``$CAPWATCH_NSE_BASE_URL``. A bad value raises ``SettingError`` naming the key."""
        return cls(**_typed(SPEC.resolve(settings)))  # type: ignore[arg-type]

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
