"""``capwatch history``: the daily closes behind 5D, 1M, YTD and "since", as CSV or JSON.

One row per trading day, oldest first, ending at the last close before the snapshot's day —
the closes the horizons compare with — and a column per index (``--stocks`` adds every stock).
The source is chosen as for ``capwatch snapshot`` (same flags, same reproducible demo start),
so ``snapshot --seed N --start T`` and ``history --seed N --start T`` describe one market. The
demo market generates its history; a live source's history is what the history store holds
(the monitor records it): the command reads the store and asks no exchange.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from typing import TYPE_CHECKING

from providers.base import Provider, ProviderError

if TYPE_CHECKING:
    import pandas as pd

    from tui.settings.wiring import Plan


class NoHistory(Exception):
    """Nothing to print; the message says why and what to do."""


async def _demo_history(provider: Provider, days: int) -> tuple[pd.DataFrame, list[str], date]:
    """(closes, index names, snapshot day) from a simulated provider."""
    from providers.contract import IST

    try:
        snapshot = await provider.fetch()
        closes = await provider.history(None, days + 1)
    finally:
        await provider.aclose()
    names = [quote.name for quote in snapshot.indices]
    return closes, names, snapshot.as_of.astimezone(IST).date()


def _stored_history(the_plan: Plan, days: int) -> tuple[pd.DataFrame, list[str], date]:
    """(closes, index names, today) from the history store of a live source."""
    from tui.history.store import HistoryStore
    from tui.market.clock import now_ist

    path = the_plan.paths.history
    if not path.exists():
        raise NoHistory(f"no history stored yet ({path}): run `capwatch` with a live source")
    store = HistoryStore.open(path)
    try:
        last = store.last_snapshot()
        closes = store.daily_closes(None, days + 1)
    finally:
        store.close()
    if last is None or closes.empty:
        raise NoHistory(f"no history stored yet ({path}): run `capwatch` with a live source")
    return closes, [quote.name for quote in last.indices], now_ist().date()


def select(
    closes: pd.DataFrame, indices: list[str], before: date, days: int, stocks: list[str] | None
) -> pd.DataFrame:
    """The last ``days`` rows before ``before``: the indices (in their order) that the
    history has, then ``stocks`` if given."""
    import pandas as pd

    frame = closes[closes.index < pd.Timestamp(before)]
    wanted = [name for name in indices if name in frame.columns]
    if stocks is not None:
        wanted += [name for name in stocks if name in frame.columns and name not in wanted]
    return frame[wanted].iloc[-days:] if days > 0 else frame[wanted].iloc[:0]


def run(args: argparse.Namespace) -> int:
    from providers.registry import UnknownProvider
    from tui.output import export
    from tui.settings import wiring
    from tui.settings.config import ConfigError

    if args.days < 1:
        print("capwatch history: --days must be at least 1", file=sys.stderr)
        return 2
    try:
        the_plan = wiring.plan(args)
        settings = wiring.provider_settings(the_plan, args, reproducible=True)
        provider = wiring.build_provider(the_plan, settings)
    except (ConfigError, UnknownProvider, ValueError, ImportError) as exc:
        print(f"capwatch history: {exc}", file=sys.stderr)
        return 2
    try:
        if provider.simulated:
            closes, indices, day = asyncio.run(_demo_history(provider, args.days))
        else:
            asyncio.run(provider.aclose())
            closes, indices, day = _stored_history(the_plan, args.days)
    except (ProviderError, NoHistory) as exc:
        print(f"capwatch history: {exc}", file=sys.stderr)
        return 1
    stocks = [c for c in closes.columns if c not in indices] if args.stocks else None
    frame = select(closes, indices, day, args.days, stocks)
    text = (
        export.history_csv(frame)
        if args.format == "csv"
        else export.history_json(frame, provider.name, provider.simulated, day)
    )
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `capwatch history | head`
        sys.stderr.close()
    return 0
