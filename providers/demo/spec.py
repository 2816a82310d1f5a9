"""The demo provider's declaration: its settings and the data kinds it supplies (all)."""

from __future__ import annotations

from providers.contract import Part
from providers.schema import Kind, ProviderSpec, Setting, within

SPEC = ProviderSpec(
    name="demo",
    factory="providers.demo:create",
    parts=frozenset(Part),
    description="Simulated Indian market (offline, labelled DEMO)",
    settings=(
        Setting(
            "seed",
            Kind.INTEGER,
            0,
            "random seed: equal seeds, equal markets",
            **within(0, 2**32 - 1),
        ),
        Setting(
            "start", Kind.MOMENT, None, "simulated clock start, ISO 8601 (naive = IST; unset = now)"
        ),
        Setting(
            "step_seconds",
            Kind.NUMBER,
            30.0,
            "simulated seconds per refresh",
            **within(0.001, 86400),
        ),
        Setting(
            "stocks",
            Kind.INTEGER,
            2400,
            "stocks in the simulated universe (enough to fill every index)",
            **within(1750, 20_000),
        ),
        Setting(
            "history_days",
            Kind.INTEGER,
            300,
            "trading days of simulated daily closes",
            **within(260, 10_000),
        ),
    ),
)
#: Setting -> default (``start`` None = now, IST).
DEFAULTS = SPEC.defaults
