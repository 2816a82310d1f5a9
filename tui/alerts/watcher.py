"""``AlertWatcher``: the rules and their state for one running process, saved as they change.

Whoever computes the views (the monitor's refresh, a feed collector) calls ``check`` once per
refresh; it may run in a worker thread. The state is replaced, never mutated, so another
thread may read ``state.log`` at any time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from tui.alerts import journal
from tui.alerts.firing import AlertState, Market, evaluate, symbols_needed
from tui.alerts.rules import Rule
from widgets.views import AlertRow

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
