"""The live monitor's refresh loop on a simulated clock, for time-compressed runs against the
fake NSE: fetch every part, wait ``interval`` (or the app's back-off after a refresh that
raised, as ``tui.app`` does), do the day's work (holidays, history) after the first screen."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from fakes.simclock import SimClock

from providers.base import ProviderError
from providers.contract import Part
from providers.nse import NseProvider

#: The app's cap on the back-off after failed refreshes (tui.app.MAX_RETRY_S).
MAX_RETRY_S = 300.0
#: Parts whose failure leaves the panes that show prices STALE.
LIVE_PARTS = frozenset({Part.INDICES, Part.STOCKS, Part.BREADTH})


@dataclass(frozen=True, slots=True)
class Refresh:
    at: float  # simulated seconds when it started
    stale: bool  # the fetch raised, or a live part failed: the screen shows old data
    error: str | None


async def run_refreshes(
    provider: NseProvider, sim: SimClock, interval: float, seconds: float
) -> list[Refresh]:
    """Refresh like the monitor for ``seconds`` of simulated time; one ``Refresh`` each."""
    refreshes: list[Refresh] = []
    failures = 0
    while sim.t < seconds:
        started = sim.t
        try:
            snapshot = await provider.fetch()
        except ProviderError as exc:
            failures += 1
            refreshes.append(Refresh(started, True, str(exc)))
            sim.t += min(MAX_RETRY_S, interval * 2 ** (failures - 1))
            continue
        failures = 0
        broken = {part: error for part, error in snapshot.errors.items() if part in LIVE_PARTS}
        refreshes.append(Refresh(started, bool(broken), "; ".join(broken.values()) or None))
        if len(refreshes) == 1:
            for daily in (provider.holidays(), provider.history(None, 260)):
                with contextlib.suppress(ProviderError):
                    await daily
        sim.t += interval
    return refreshes
