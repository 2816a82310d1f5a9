"""What the monitor draws after a refresh, and the one interface every source of it offers.

The app does not care whether the views were computed here (``local.LocalSource``: provider,
store, analytics) or by a collector on another machine (``subscriber.FeedSource``: NATS).
Both hand it ``Frame``s; both answer the detail screen. The watchlist's Watch view and the
alerts are computed where the analytics run (the standalone monitor, or the collector, which
publishes them); a viewer cannot recompute a Watch view of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from msgspec import Struct, field

from providers.contract import MarketStatus, Part, StockQuote
from tui.market.last_good import StalePart
from tui.settings.watchlist import Watchlist
from widgets.views import (
    AlertRow,
    IndexDetail,
    Scope,
    SegmentSummary,
    SegmentView,
    StockDetail,
)

if TYPE_CHECKING:
    from tui.alerts import AlertWatcher


def _empty() -> Mapping:
    return MappingProxyType({})


class Frame(Struct, frozen=True):
    """Everything the screens show after one refresh.

    ``errors`` maps a stage or data kind to a message (the rest is still good);
    ``stale_since`` is set when the data is old (a stored snapshot at start-up, or a collector
    whose provider fails): the time it was current; ``next_at`` is when its producer
    refreshes next, when someone else paces it (a feed's collector). ``alerts`` are the ones
    this refresh fired (delivered once, by the app); ``stocks`` are every stock of the data
    (the finder's list; empty from a feed); ``fetched`` says when slower parts were fetched
    (the panes' ages); ``stale_parts`` are the parts shown from an earlier refresh because
    they failed, came back empty or lost every row (``tui.market.last_good``);
    ``summaries`` are what the segment bar shows of every segment; ``seq`` numbers the frames
    of one producer (a feed's are its collector's), so a frame can be told from the last.
    """

    provider: str
    simulated: bool
    as_of: datetime
    market: MarketStatus | None
    views: Mapping[Scope, SegmentView]
    errors: Mapping[str, str] = field(default_factory=_empty)
    stale_since: datetime | None = None
    next_at: datetime | None = None
    alerts: tuple[AlertRow, ...] = ()
    stocks: tuple[StockQuote, ...] = ()
    fetched: Mapping[Part, datetime] = field(default_factory=_empty)
    stale_parts: Mapping[Part, StalePart] = field(default_factory=_empty)
    summaries: Mapping[Scope, SegmentSummary] = field(default_factory=_empty)
    seq: int = 0

    @property
    def error_text(self) -> str | None:
        if not self.errors:
            return None
        return "; ".join(f"{part}: {message}" for part, message in self.errors.items())


class RefreshFailed(Exception):
    """A refresh stage failed; the message names the stage (``analytics: ...``)."""


class ViewSource(Protocol):
    """What the app needs from wherever its frames come from. ``watchlist`` is what ``w``
    edits and the Watch view shows; ``alerts`` evaluates the rules each refresh (None: no
    rules here, or a viewer, whose collector evaluates them)."""

    watchlist: Watchlist
    alerts: AlertWatcher | None

    @property
    def computes_views(self) -> bool:
        """True where the analytics run (the Watch view, the finder's stocks, the alerts);
        False for a feed viewer, which draws what its collector computed."""
        ...

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

    @property
    def patience(self) -> float | None:
        """Seconds a refresh may run past its due time before the data shown counts as
        stale (a hung server); None when the source says so itself (a feed's ``FeedDown``)."""
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

    async def index_detail(self, name: str) -> IndexDetail | None:
        """The index screen's data for index ``name`` (None: not known)."""
        ...

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None:
        """The Watch view of ``symbols`` now, after ``w`` (None: cannot be made here)."""
        ...

    def follow(self, scope: Scope, signal_lists: bool = False) -> None:
        """``scope`` is the segment on screen now: a source that sends views over a link may
        send only that one's (the others' summaries travel with every frame), and leave out
        its signal lists (``SegmentView.signal_lists``) unless ``signal_lists``."""
        ...

    async def aclose(self) -> None: ...
