"""Daily closes for analytics: the history store's, topped up from the provider.

The provider's history is fetched once in full (an empty store), then only the trading days
missing since the last stored close, so a restart does not re-download a year of NSE index
history. Analytics always read the store, which also holds the closes the monitor recorded
itself from live snapshots: a provider with no history of its own (Yahoo, a plugin) still
gets 5-day, 1-month, YTD and moving-average figures once it has run for a while.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from providers.base import Provider, ProviderError
from providers.contract import Part

if TYPE_CHECKING:
    import pandas as pd

    from tui.history.store import HistoryStore

log = logging.getLogger(__name__)

#: Quoted past levels older than this are not merged (see ``with_reference_closes``).
REFERENCE_DAYS = 40
REFERENCE_SPAN = timedelta(days=REFERENCE_DAYS)


def last_day_before(store: HistoryStore, today: date) -> date | None:
    """The last trading day with stored closes before ``today`` (today's own row is only
    the latest price so far)."""
    days = store.daily_closes(names=(), days=2).index
    earlier = [d.date() for d in days if d.date() < today]
    return earlier[-1] if earlier else None


def days_to_fetch(last: date | None, today: date, full: int) -> int:
    """Trading days of history to ask for: everything when nothing is stored, else the
    weekdays strictly between ``last`` and today, plus one in case the provider's newest row
    is today's (holidays make it a little more than needed, never less)."""
    if last is None:
        return full
    missing = int(np.busday_count(last + timedelta(days=1), today))
    return min(full, missing + 1) if missing else 0


async def load_closes(
    provider: Provider, store: HistoryStore, today: date, days: int = 260
) -> pd.DataFrame:
    """Top the store up from ``provider`` (if it supplies history) and return the last
    ``days`` stored days. A failed top-up is logged and the stored closes are used; it raises
    only when nothing is stored at all, so the caller can say why the horizons are empty."""
    if Part.HISTORY in provider.parts:
        last = await asyncio.to_thread(last_day_before, store, today)
        wanted = days_to_fetch(last, today, days)
        if wanted:
            try:
                fresh = await provider.history(None, wanted)
                await asyncio.to_thread(store.append_daily_closes, fresh)
            except ProviderError as exc:
                if last is None and reference_frame(provider).empty:
                    raise
                log.warning("history top-up failed, using stored closes: %s", exc)
    closes = await asyncio.to_thread(store.daily_closes, None, days)
    return with_reference_closes(closes, provider, today)


def reference_frame(provider: Provider) -> pd.DataFrame:
    """The past levels ``provider`` quotes (the optional ``reference_closes()`` capability,
    e.g. NSE's allIndices week/month/year-ago levels) as a sparse history frame."""
    import pandas as pd

    quoted = getattr(provider, "reference_closes", None)
    return quoted() if quoted is not None else pd.DataFrame()


def with_reference_closes(closes: pd.DataFrame, provider: Provider, today: date) -> pd.DataFrame:
    """``closes`` with gaps filled from the provider's quoted past levels, so 5D and 1M show
    from the first refresh, before (or without) a history backfill. Only levels of the last
    ``REFERENCE_DAYS`` days are used: an older one (NSE's year-ago level) would pass for the close
    before the year end or the anchor date. With no history at all, the business days
    between the levels are filled forward so "5 sessions back" counts sessions."""
    import pandas as pd

    reference = reference_frame(provider)
    if reference.empty:
        return closes
    end = pd.Timestamp(today)
    reference = reference[(reference.index < end) & (reference.index >= end - REFERENCE_SPAN)]
    if reference.empty:
        return closes
    if closes.empty:
        sessions = pd.bdate_range(reference.index.min(), end - pd.Timedelta(days=1))
        return reference.reindex(reference.index.union(sessions)).ffill()
    return closes.combine_first(reference)
