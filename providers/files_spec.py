"""The file-feed provider's declaration: its settings and the data kinds it supplies. Light,
so config checking and ``capwatch providers`` need not import the provider."""

from __future__ import annotations

from providers.contract import Part
from providers.schema import Kind, ProviderSpec, Setting, timeout, within

SPEC = ProviderSpec(
    name="files",
    factory="providers.files:create",
    parts=frozenset({Part.RATINGS, Part.EARNINGS}),
    description="Your CSV/JSON file or URL of analyst ratings and earnings",
    settings=(
        Setting("ratings", Kind.STRING, None, "CSV/JSON file or URL of analyst rating changes"),
        Setting("earnings", Kind.STRING, None, "CSV/JSON file or URL of results dates"),
        Setting(
            "url_refresh_seconds",
            Kind.NUMBER,
            300.0,
            "seconds between reads of a URL",
            **within(0.1, 86400),
        ),
        timeout(10.0),
    ),
)
