"""A simulated clock for time-compressed runs against the fake NSE: ``sleep`` advances it
instead of waiting, so a provider's request budget, cookie timers and back-off, and the fake
server's cookie lifetimes, all run on the same simulated seconds (a minute in a blink)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from providers.contract import IST

#: A trading-day morning in the fixtures' week.
SIM_START = datetime(2026, 5, 27, 9, 30, tzinfo=IST)


class SimClock:
    """Simulated seconds since ``start``."""

    def __init__(self, start: datetime = SIM_START) -> None:
        self.start = start
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)
