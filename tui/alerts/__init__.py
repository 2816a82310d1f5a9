"""Alerts: ``[[alerts]]`` rules, when they fire, the day's journal and the terminal sequences
that deliver them.

Pure logic and files only, never textual: ``evaluate`` is a function of one refresh's views
(plus quotes of named stocks) and the rules' state, so the monitor, ``capwatch snapshot`` and a
feed collector all run the same code on the same figures.

The names below load on first use: the config reads rules without the rest, and a feed viewer
(its collector evaluates the rules) never loads the evaluation or the journal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.alerts.firing import AlertState, Market, evaluate
    from tui.alerts.rules import Kind, Rule, RuleError
    from tui.alerts.watcher import AlertWatcher, views_and_alerts

_LAZY = {
    "AlertState": "tui.alerts.firing",
    "Market": "tui.alerts.firing",
    "evaluate": "tui.alerts.firing",
    "Kind": "tui.alerts.rules",
    "Rule": "tui.alerts.rules",
    "RuleError": "tui.alerts.rules",
    "AlertWatcher": "tui.alerts.watcher",
    "views_and_alerts": "tui.alerts.watcher",
}

__all__ = [
    "AlertState",
    "AlertWatcher",
    "Kind",
    "Market",
    "Rule",
    "RuleError",
    "evaluate",
    "views_and_alerts",
]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'tui.alerts' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
