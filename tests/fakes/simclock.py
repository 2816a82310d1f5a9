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
    """Simulated seconds since ``start``. A sleep also waits ``scale`` of its length for
    real, so what the simulated wait stands for happens in order (a request spaced 0.33 s
    after another goes out after the first one's answer came back); concurrent sleepers end
    at the latest of their targets, not at the sum of their lengths."""

    def __init__(self, start: datetime = SIM_START, scale: float = 0.03) -> None:
        self.start = start
        self.scale = scale
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        target = self.t + max(seconds, 0.0)
        await asyncio.sleep(max(seconds, 0.0) * self.scale)
        self.t = max(self.t, target)
