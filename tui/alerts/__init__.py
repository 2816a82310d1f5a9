"""Alerts: ``[[alerts]]`` rules, when they fire, the day's journal and the terminal sequences
that deliver them.

Pure logic and files only, never textual: ``evaluate`` is a function of one refresh's views
(plus quotes of named stocks) and the rules' state, so the monitor, ``capwatch snapshot`` and a
feed collector all run the same code on the same figures.
"""

from tui.alerts.firing import AlertState, Market, evaluate
from tui.alerts.rules import Kind, Rule, RuleError
from tui.alerts.watcher import AlertWatcher, views_and_alerts

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
