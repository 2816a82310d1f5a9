"""``capwatch snapshot``: print one snapshot as JSON, CSV (the stocks table) or text tables.

Headless: imports neither textual nor the app. With the demo market, ``--seed`` without
``--start`` starts the simulated clock at ``REPRODUCIBLE_START`` so the output is the same on
every run; with neither, the clock starts now (IST).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

from providers.base import Provider, ProviderError
from providers.contract import IST, Snapshot

if TYPE_CHECKING:
    import pandas as pd

#: The demo clock's start when only a seed is given: a Wednesday in the January-quarter
#: results season, mid-session.
REPRODUCIBLE_START = datetime(2026, 2, 11, 11, 30, tzinfo=IST)
DEFAULT_MOVERS = 5


def demo_settings(seed: int | None, start: datetime | None) -> dict[str, object]:
    """Demo provider settings for the command line's ``--seed`` and ``--start``."""
    settings: dict[str, object] = {}
    if seed is not None:
        settings["seed"] = seed
    if start is not None:
        settings["start"] = start
    elif seed is not None:
        settings["start"] = REPRODUCIBLE_START
    return settings


def _provider(args: argparse.Namespace) -> Provider:
    from providers import registry

    name = args.provider or "demo"
    settings = demo_settings(args.seed, args.start) if name == "demo" else {}
    return registry.create(name, settings)


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
    movers: int = DEFAULT_MOVERS,
    history: pd.DataFrame | None = None,
    anchor: date | None = None,
) -> str:
    from tui import export

    if fmt == "csv":
        return export.stocks_csv(snapshot)
    from tui.analytics import AnalyticsSettings, MarketAnalytics, report

    analytics = MarketAnalytics(AnalyticsSettings(movers=movers, anchor=anchor))
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

    try:
        provider = _provider(args)
    except (UnknownProvider, ValueError, ImportError) as exc:  # bad name, settings, plugin
        print(f"capwatch snapshot: {exc}", file=sys.stderr)
        return 2
    try:
        anchor = date.fromisoformat(args.anchor) if args.anchor else None
    except ValueError:
        print(
            f"capwatch snapshot: --anchor must be YYYY-MM-DD, got {args.anchor!r}", file=sys.stderr
        )
        return 2
    try:
        snapshot, history = asyncio.run(_one_snapshot(provider, args.format != "csv"))
    except ProviderError as exc:
        print(f"capwatch snapshot: {exc}", file=sys.stderr)
        return 1
    movers = args.movers if args.movers is not None else DEFAULT_MOVERS
    try:
        sys.stdout.write(render(snapshot, args.format, movers, history, anchor))
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `capwatch snapshot | head`
        sys.stderr.close()
    return 0
