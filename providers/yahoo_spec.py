"""The Yahoo provider's declaration: its settings and the data kind it supplies. Light, so
config checking and ``capwatch providers`` need not import the provider."""

from __future__ import annotations

from providers.contract import Part
from providers.schema import (
    Kind,
    ProviderSpec,
    Setting,
    base_url,
    requests_per_second,
    timeout,
    within,
)

BASE_URL = "https://query2.finance.yahoo.com"
COOKIE_URL = "https://fc.yahoo.com"
#: Index name (as capwatch shows it) -> Yahoo symbol. Only these two are reliably fresh.
DEFAULT_SYMBOLS = {"NIFTY 50": "^NSEI", "SENSEX": "^BSESN"}

SPEC = ProviderSpec(
    name="yahoo",
    factory="providers.yahoo:create",
    parts=frozenset({Part.INDICES}),
    description="Yahoo Finance chart API (index levels)",
    settings=(
        base_url(BASE_URL),
        requests_per_second(1.0),
        timeout(10.0),
        Setting(
            "symbols",
            Kind.TEXT_TABLE,
            DEFAULT_SYMBOLS,
            'index name -> Yahoo symbol, added to the defaults ("" removes one)',
            allow_empty=True,
        ),
        Setting(
            "max_age_hours",
            Kind.NUMBER,
            72.0,
            "reject quotes older than this",
            **within(0.01, 8760),
        ),
        Setting("cookie_url", Kind.STRING, COOKIE_URL, "page that hands out the session cookie"),
        Setting(
            "impersonate", Kind.BOOLEAN, True, "look like Chrome when httpx-curl-cffi is installed"
        ),
    ),
)
