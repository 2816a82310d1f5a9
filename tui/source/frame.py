"""What the monitor draws after a refresh, and the one interface every source of it offers.

The app does not care whether the views were computed here (``local.LocalSource``: provider,
store, analytics) or by a collector on another machine (``subscriber.FeedSource``: NATS).
Both hand it ``Frame``s; both answer the detail screen.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from providers.contract import MarketStatus, Segment
from widgets.views import SegmentView, StockDetail


@dataclass(frozen=True, slots=True)
class Frame:
    """Everything the screens show after one refresh.

    ``errors`` maps a stage or data kind to a message (the rest is still good);
    ``stale_since`` is set when the data is old (a stored snapshot at start-up, or a collector
    whose provider fails): the time it was current; ``next_at`` is when its producer
    refreshes next, when someone else paces it (a feed's collector).
    """

    provider: str
    simulated: bool
    as_of: datetime
    market: MarketStatus | None
    views: Mapping[Segment, SegmentView]
    errors: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    stale_since: datetime | None = None
    next_at: datetime | None = None

    @property
    def error_text(self) -> str | None:
        if not self.errors:
            return None
        return "; ".join(f"{part}: {message}" for part, message in self.errors.items())


class RefreshFailed(Exception):
    """A refresh stage failed; the message names the stage (``analytics: ...``)."""


class ViewSource(Protocol):
    """What the app needs from wherever its frames come from."""

    @property
    def name(self) -> str:
        """Shown in the status bar before the first frame."""
        ...

    @property
    def simulated(self) -> bool: ...

    def refresh(self) -> AsyncIterator[Frame]:
        """One refresh: the frames to draw, in order (old data first, then new, then new
        with history). Raises when it fails; frames yielded before that stay drawn."""
        ...

    def pace(self, now: datetime) -> float:
        """Seconds from ``now`` until the next refresh after a good one."""
        ...

    def retry_after(self, exc: Exception, failures: int) -> float:
        """Seconds until the next try after ``failures`` failed refreshes in a row."""
        ...

    async def detail(self, symbol: str) -> StockDetail | None:
        """The detail screen's data for ``symbol`` (None: not known)."""
        ...

    async def aclose(self) -> None: ...
