"""From the command line and the config file to a provider: the one place where
``capwatch``, ``capwatch snapshot`` and ``capwatch doctor`` decide where data comes from.

Precedence is flag > config > built-in default. With no config file the built-in default
is the demo market; ``--demo`` always means the simulation, whatever the config says.
Headless: no textual import.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from datetime import datetime

from msgspec import Struct

from providers.base import Provider
from providers.contract import IST
from tui.settings.config import Config, load_config_or_default
from tui.settings.paths import Paths, resolve_paths

#: The demo clock's start when only ``--seed`` is given to ``capwatch snapshot``: a Wednesday
#: in the January-quarter results season, mid-session, so every pane has something to show.
REPRODUCIBLE_START = datetime(2026, 2, 11, 11, 30, tzinfo=IST)


class Plan(Struct, frozen=True):
    """The config in force (flags applied) and where it came from."""

    config: Config
    paths: Paths
    origin: str  # for messages: the config file and why, or "built-in defaults"

    @property
    def routes(self) -> dict[str, tuple[str, ...]]:
        return self.config.sources.routes()


def plan(args: argparse.Namespace) -> Plan:
    """Load the config named by ``--config``/``CAPWATCH_CONFIG`` (or defaults) and apply the
    flags. Raises ``tui.settings.config.ConfigError`` or ``ValueError`` (naming the flag)."""
    from providers.registry import Providers

    paths = resolve_paths(getattr(args, "config", None))
    known = Providers()  # installed plugins are looked for only if a name is not a built-in
    config = load_config_or_default(
        paths.config, explicit=paths.config_is_explicit, known_providers=known
    )
    origin = f"{paths.config} ({paths.config_source})" if config.path else "built-in defaults"
    name = "demo" if getattr(args, "demo", False) else getattr(args, "provider", None)
    if name:
        if name not in known:
            raise ValueError(f"unknown provider {name!r}; known: {', '.join(sorted(known))}")
        config = config.with_overrides(provider=name, provider_parts=known[name].parts or None)
        origin += (
            f", every kind it supplies from --{'demo' if name == 'demo' else 'provider ' + name}"
        )
    config = config.with_overrides(
        interval=getattr(args, "interval", None),
        movers=getattr(args, "movers", None),
        anchor=getattr(args, "anchor", None),
    )
    return Plan(config, paths, origin)


def provider_settings(
    the_plan: Plan, args: argparse.Namespace, *, reproducible: bool = False
) -> dict[str, Mapping[str, object]]:
    """Settings per provider, with ``--seed``/``--start`` applied to the demo market.
    ``reproducible``: a seed without a start pins the clock to ``REPRODUCIBLE_START``."""
    settings = the_plan.config.all_provider_settings()
    if "demo" in settings:
        demo = dict(settings["demo"])
        seed, start = getattr(args, "seed", None), getattr(args, "start", None)
        if seed is not None:
            demo["seed"] = seed
        if start is not None:
            demo["start"] = start
        elif seed is not None and reproducible:
            demo["start"] = REPRODUCIBLE_START
        settings["demo"] = demo
    return settings


def build_provider(the_plan: Plan, settings: Mapping[str, Mapping[str, object]]) -> Provider:
    """One provider when a single one supplies everything, else the composition of all.
    Raises ``UnknownProvider``/``ValueError``/``ImportError`` for bad names or settings."""
    names = the_plan.config.sources.provider_names()
    if len(names) == 1:
        from providers.registry import create

        return create(names[0], settings.get(names[0], {}))
    from providers.compose import build_from_config

    return build_from_config(the_plan.routes, settings)
