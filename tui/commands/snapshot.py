"""``capwatch snapshot``: print one snapshot as JSON, CSV (the stocks table) or text tables.

Headless: imports neither textual nor the app. The source is chosen as for the monitor
(``tui.settings.wiring``): flags, then the config file, then the demo market. With the demo
market, ``--seed`` without ``--start`` starts the simulated clock at
``tui.settings.wiring.REPRODUCIBLE_START`` so the output is the same on every run; with neither,
the clock starts now (IST).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import TYPE_CHECKING

from providers.base import Provider, ProviderError
from providers.contract import Snapshot

if TYPE_CHECKING:
    import pandas as pd


async def _one_snapshot(
    provider: Provider, with_history: bool = False
) -> tuple[Snapshot, pd.DataFrame | None]:
    """The snapshot and, if asked, the daily closes; without history (the provider failed
    or has none) the horizon figures are simply absent."""
    try:
        snapshot = await provider.fetch()
        history = None
        if with_history:
            try:
                history = await provider.history()
            except ProviderError:
                history = None
        return snapshot, history
    finally:
        await provider.aclose()


def render(
    snapshot: Snapshot,
    fmt: str,
    movers: int = 10,
    history: pd.DataFrame | None = None,
    anchors: tuple[date, ...] = (),
    benchmark: str = "NIFTY 50",
) -> str:
    from tui.output import export

    if fmt == "csv":
        return export.stocks_csv(snapshot)
    from tui.analytics import AnalyticsSettings, MarketAnalytics
    from tui.output import report

    analytics = MarketAnalytics(
        AnalyticsSettings(movers=movers, anchors=anchors, benchmark=benchmark)
    )
    if history is not None:
        analytics.load_history(history)
    views = analytics.refresh(snapshot)
    if fmt == "json":
        return export.to_json(
            snapshot,
            extra={"segments": report.segments_json(views)},
            index_extra=report.index_horizons_json(views),
        )
    table = export.to_table(snapshot)
    return table + "\n" + report.segments_table(views, analytics.anchor_date)


def run(args: argparse.Namespace) -> int:
    from providers.registry import UnknownProvider
    from tui.settings import wiring
    from tui.settings.config import ConfigError

    try:
        the_plan = wiring.plan(args)
        settings = wiring.provider_settings(the_plan, args, reproducible=True)
        provider = wiring.build_provider(the_plan, settings)
    except (ConfigError, UnknownProvider, ValueError, ImportError) as exc:  # config, names, plugin
        print(f"capwatch snapshot: {exc}", file=sys.stderr)
        return 2
    display = the_plan.config.display
    try:
        snapshot, history = asyncio.run(_one_snapshot(provider, args.format != "csv"))
    except ProviderError as exc:
        print(f"capwatch snapshot: {exc}", file=sys.stderr)
        return 1
    try:
        sys.stdout.write(
            render(
                snapshot, args.format, display.movers, history, display.anchors, display.benchmark
            )
        )
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `capwatch snapshot | head`
        sys.stderr.close()
    return 0
