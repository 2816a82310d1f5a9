"""``AlertWatcher``: the rules and their state for one running process, saved as they change;
``views_and_alerts``: one refresh's views (the Watch view among them) and what they fire.

Whoever computes the views (the monitor's refresh, a feed collector, ``capwatch snapshot``)
calls ``views_and_alerts`` once per snapshot; it may run in a worker thread. The state is
replaced, never mutated, so another thread may read ``state.log`` at any time.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from providers.contract import Segment, Snapshot
from tui.alerts import journal
from tui.alerts.firing import AlertState, Market, evaluate, symbols_needed
from tui.alerts.rules import Rule
from widgets.views import WATCH, AlertRow, MoverRow, Scope, SegmentView, SegmentViews

log = logging.getLogger(__name__)


class AlertWatcher:
    """``path``: the day's journal (None: nothing persisted, as in ``capwatch snapshot``)."""

    def __init__(self, rules: Sequence[Rule], path: Path | None = None) -> None:
        self.rules = tuple(rules)
        self.path = path
        self.state = journal.load(path) if path is not None else AlertState()
        self.error: str | None = None  # the last failure to save, for the status bar

    def symbols(self, watchlist: Sequence[str]) -> set[str]:
        """The stocks whose quotes ``check`` needs in ``Market.quotes``."""
        return symbols_needed(self.rules, watchlist)

    def check(self, market: Market) -> list[AlertRow]:
        """Evaluate every rule on ``market``; return what fired (already saved)."""
        if not self.rules:
            return []
        fired, state = evaluate(self.rules, market, self.state)
        if state is self.state:
            return fired
        self.state = state
        if self.path is not None:
            try:
                journal.save(self.path, state)
                self.error = None
            except OSError as exc:  # alerts still show; a restart may repeat them
                self.error = f"alerts: cannot save {self.path}: {exc.strerror or exc}"
                log.warning("%s", self.error)
        return fired


class ViewMaker(Protocol):
    """What ``views_and_alerts`` needs from ``tui.analytics.MarketAnalytics``."""

    def refresh(self, snapshot: Snapshot) -> Mapping[Segment, SegmentView]: ...

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None: ...

    def quotes(self, symbols: Collection[str]) -> dict[str, MoverRow]: ...


def _with(views: Mapping[Scope, SegmentView], watch: SegmentView) -> Mapping[Scope, SegmentView]:
    """``views`` plus the Watch view, still lazy where ``views`` was."""
    if isinstance(views, SegmentViews):
        views.add(watch)
        return views
    return {**views, WATCH: watch}


def views_and_alerts(
    analytics: ViewMaker,
    snapshot: Snapshot,
    watchlist: Sequence[str],
    watcher: AlertWatcher | None,
    *,
    stale: bool = False,
) -> tuple[Mapping[Scope, SegmentView], list[AlertRow]]:
    """Every view of ``snapshot`` plus the Watch view of ``watchlist``, and the alerts
    ``watcher``'s rules fire on them (none on ``stale`` data, none without a watcher)."""
    views = analytics.refresh(snapshot)  # built as they are read: see ``SegmentViews``
    if (watch := analytics.watch_view(watchlist)) is not None:
        views = _with(views, watch)
    if watcher is None:
        return views, []
    quotes = analytics.quotes(watcher.symbols(watchlist))
    return views, watcher.check(Market(snapshot.as_of, views, quotes, watchlist, stale=stale))
