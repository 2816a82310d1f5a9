"""The demo provider's declaration: its settings and the data kinds it supplies (all)."""

from __future__ import annotations

from providers.contract import Part
from providers.schema import Kind, ProviderSpec, Setting

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
            low=0,
            low_inclusive=True,
        ),
        Setting(
            "start", Kind.MOMENT, None, "simulated clock start, ISO 8601 (naive = IST; unset = now)"
        ),
        Setting("step_seconds", Kind.NUMBER, 30.0, "simulated seconds per refresh", low=0),
        Setting(
            "stocks",
            Kind.INTEGER,
            2400,
            "stocks in the simulated universe (enough to fill every index)",
            low=1750,
            low_inclusive=True,
        ),
        Setting(
            "history_days",
            Kind.INTEGER,
            300,
            "trading days of simulated daily closes",
            low=260,
            low_inclusive=True,
        ),
    ),
)
#: Setting -> default (``start`` None = now, IST).
DEFAULTS = SPEC.defaults
