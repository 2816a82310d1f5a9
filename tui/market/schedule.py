"""When a live monitor refreshes: the IST market clock, kept current with the provider's
trading-holiday list, and the configured intervals (fast while open, slow when closed, a
heartbeat on long closures). The demo market needs none of this: it runs its own session.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from msgspec import Struct

from providers.base import Provider, ProviderError
from tui.market.clock import MarketClock

log = logging.getLogger(__name__)

#: The demo market's own simulated session ticks this often (seconds).
DEMO_INTERVAL_S = 2.0
#: Without a schedule, a closed market is polled no faster than this (seconds).
CLOSED_INTERVAL_S = 60.0
#: The shortest refresh interval a user may set (seconds): faster only burns CPU, and live
#: sources space requests by their own budget anyway.
MIN_INTERVAL_S = 0.1
#: The longest wait between refreshes (seconds): a day. Longer is a typo (or ``inf``).
MAX_INTERVAL_S = 86400.0
#: Failed refreshes back off exponentially up to this (seconds).
MAX_RETRY_S = 120.0


def bounded_delay(delay: float, fallback: float) -> float:
    """``delay`` as a usable timer: NaN becomes ``fallback``, the rest is kept within
    0..``MAX_INTERVAL_S`` (``timedelta`` overflows on inf or 1e20)."""
    if math.isnan(delay):
        return fallback
    return min(max(delay, 0.0), MAX_INTERVAL_S)


class Refresh(Struct, frozen=True):
    """Seconds between refreshes: market open (and pre-open), closed but opening soon, and
    the slow heartbeat used on long closures (nights, weekends, holidays)."""

    open: float = 20.0  # two NSE calls a refresh; README "Request volume" says why not 10
    closed: float = 120.0
    heartbeat: float = 1800.0


class LiveSchedule:
    def __init__(self, clock: MarketClock, refresh: Refresh) -> None:
        self.clock = clock
        self.refresh = refresh

    def interval(self, now: datetime) -> float:
        """Seconds until the next refresh at ``now`` (see ``MarketClock.refresh_interval``)."""
        r = self.refresh
        return self.clock.refresh_interval(now, r.open, r.closed, r.heartbeat)

    def next_open(self, now: datetime) -> datetime:
        return self.clock.next_open(now)

    async def load_holidays(self, provider: Provider) -> None:
        """Use the provider's holiday list (the optional ``holidays()`` capability, e.g.
        NSE's) over the bundled one; on failure keep what we have."""
        known = getattr(provider, "holidays", None)
        if known is None:
            return
        try:
            days = await known()
        except ProviderError as exc:
            log.warning("holiday list unavailable, using the bundled one: %s", exc)
            return
        if days:
            self.clock = self.clock.with_holidays(days)
