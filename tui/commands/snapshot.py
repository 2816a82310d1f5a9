"""``capwatch snapshot``: print one snapshot as JSON, CSV (the stocks table) or text tables.

Headless: imports neither textual nor the app. The source is chosen as for the monitor
(``tui.settings.wiring``): flags, then the config file, then the demo market. With the demo
market, ``--seed`` without ``--start`` starts the simulated clock at
``tui.settings.wiring.REPRODUCIBLE_START`` so the output is the same on every run; with neither,
the clock starts now (IST).

``--segment`` narrows the segment tables (and the CSV rows) to one segment or to ``watch``,
the user's watchlist (the one the monitor edits, seeded by ``display.watchlist``). The JSON
gains ``alerts``: what the config's ``[[alerts]]`` rules would fire on this snapshot, as if
nothing had fired yet today (nothing is recorded).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from msgspec.structs import replace

from providers.base import Provider, ProviderError
from providers.contract import IST, Segment, Snapshot
from widgets.views import WATCH, Scope, scope_of

if TYPE_CHECKING:
    import pandas as pd

    from tui.alerts import Rule


async def _one_snapshot(
    provider: Provider, with_history: bool = False
) -> tuple[Snapshot, pd.DataFrame | None]:
    """The snapshot and, if asked, the daily closes; without history (the provider failed
    or has none) the horizon figures are simply absent."""
    try:
        snapshot = await provider.fetch()
        history = None
        if with_history:
            import pandas as pd

            from tui.history.backfill import with_reference_closes

            try:
                history = await provider.history()
            except ProviderError:
                history = pd.DataFrame()
            today = snapshot.as_of.astimezone(IST).date()
            history = with_reference_closes(history, provider, today)
            history = None if history.empty else history
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
    *,
    segment: Scope | None = None,
    watchlist: Sequence[str] = (),
    rules: Sequence[Rule] = (),
) -> str:
    """``snapshot`` as ``fmt``; ``segment`` (None: all five) narrows the segment tables,
    ``watchlist`` is what ``watch`` shows, ``rules`` are checked for the JSON's ``alerts``."""
    from tui.output import export

    if fmt == "csv":
        if segment is not None and segment != Segment.ALL:
            kept = [
                quote
                for quote in snapshot.stocks
                if (quote.symbol in watchlist if segment == WATCH else quote.segment == segment)
            ]
            snapshot = replace(snapshot, stocks=tuple(kept))
        return export.stocks_csv(snapshot)
    from tui.alerts import AlertWatcher, views_and_alerts
    from tui.analytics import AnalyticsSettings, MarketAnalytics
    from tui.output import report

    analytics = MarketAnalytics(
        AnalyticsSettings(movers=movers, anchors=anchors, benchmark=benchmark)
    )
    if history is not None:
        analytics.load_history(history)
    watcher = AlertWatcher(rules)  # nothing fired yet today; nothing recorded
    views, fired = views_and_alerts(analytics, snapshot, watchlist, watcher)
    scopes: tuple[Scope, ...] = tuple(Segment) if segment is None else (segment,)
    if fmt == "json":
        return export.to_json(
            snapshot,
            extra={
                "segments": report.segments_json(views, scopes),
                "alerts": report.alerts_json(fired),
            },
            index_extra=report.index_horizons_json(views),
        )
    table = export.to_table(snapshot)
    return table + "\n" + report.segments_table(views, analytics.anchor_date, scopes)


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
    from tui.settings.watchlist import Watchlist

    config = the_plan.config
    display = config.display
    path = the_plan.paths.watchlist(demo=provider.simulated)
    watchlist = Watchlist.load(path, seed=display.watchlist)
    segment = None if args.segment is None else scope_of(args.segment)
    try:
        snapshot, history = asyncio.run(_one_snapshot(provider, args.format != "csv"))
    except ProviderError as exc:
        print(f"capwatch snapshot: {exc}", file=sys.stderr)
        return 1
    try:
        out = render(
            snapshot,
            args.format,
            display.movers,
            history,
            display.anchors,
            display.benchmark,
            segment=segment,
            watchlist=watchlist.symbols,
            rules=config.alerts,
        )
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `capwatch snapshot | head`
        sys.stderr.close()
    return 0
