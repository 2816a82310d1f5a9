"""The Alerts log: what fired today (kept across restarts), newest first; Enter on a stock's
alert opens that stock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen

from widgets.alerts import AlertLogPane
from widgets.views import AlertRow


class AlertsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,exclamation_mark", "app.pop_screen", "Back", id="alerts.back"),
    ]

    def __init__(self, alerts: Sequence[AlertRow], rule_count: int) -> None:
        super().__init__()
        self.alerts = alerts
        self.rule_count = rule_count

    def compose(self) -> ComposeResult:
        pane = AlertLogPane(id="alert-log")
        yield pane

    def on_mount(self) -> None:
        pane = self.query_one(AlertLogPane)
        pane.show_alerts(self.alerts, self.rule_count)
        pane.focus()

    def show(self, alerts: Sequence[AlertRow]) -> None:
        """Redraw with the day's alerts so far (called when more fire)."""
        self.query_one(AlertLogPane).show_alerts(alerts, self.rule_count)
