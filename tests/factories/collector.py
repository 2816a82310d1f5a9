"""A collector's sources for tests: the demo's first frame, repeated at a chosen pace."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime

from msgspec.structs import replace

from providers.contract import IST
from providers.demo import create
from tui.source.frame import Frame
from tui.source.local import LocalSource

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


class PacedSource:
    """A source whose refresh takes ``refresh_s`` and repeats every ``interval_s`` (the
    demo's first frame, numbered afresh)."""

    name = "paced"
    simulated = True

    def __init__(self, frame: Frame, interval_s: float, refresh_s: float) -> None:
        self.frame, self.interval_s, self.refresh_s = frame, interval_s, refresh_s
        self.refreshes = 0

    async def refresh(self) -> AsyncIterator[Frame]:
        await asyncio.sleep(self.refresh_s)
        self.refreshes += 1
        yield replace(self.frame, seq=self.refreshes)

    def pace(self, now: datetime) -> float:
        return self.interval_s

    def retry_after(self, exc: Exception, failures: int) -> float:
        return self.interval_s


async def demo_frame() -> Frame:
    provider = create({"seed": 7, "start": START})
    source = LocalSource(provider, history=provider.closes_table)
    async for frame in source.refresh():
        return frame
    raise AssertionError("the demo gave no frame")
