"""The Alerts log: the day's fired alerts, newest first, with time, rule, subject and value."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from widgets.format import DIM, clean
from widgets.pane import Column, Lines, Pane
from widgets.views import AlertRow


class AlertLogPane(Pane):
    TITLE = "Alerts today"
    NO_WATCHED = None
    COLUMNS = (
        Column("Time", 8, align="left"),
        Column("Rule", 16, align="left", priority=2),
        Column("Subject", 12, align="left", priority=3),  # the message names it too
        Column("Value", 12),
        Column("Alert", 30, align="left", flex=True, min_width=16, priority=1),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.alerts: tuple[AlertRow, ...] = ()
        self.rule_count = 0

    def show_alerts(self, alerts: Sequence[AlertRow], rule_count: int) -> None:
        """``alerts`` oldest first (as fired); ``rule_count``: rules configured."""
        self.alerts = tuple(reversed(alerts))
        self.rule_count = rule_count
        self.sync()

    def has_content(self) -> bool:
        return True

    def build_lines(self, width: int) -> Lines:
        if self.alerts:
            return super().build_lines(width)
        if self.rule_count:
            rules = "1 rule" if self.rule_count == 1 else f"{self.rule_count} rules"
            what = f"No alert has fired today ({rules} watching)."
        else:
            what = "No alert rules: add [[alerts]] to the config (README, Alerts)."
        return Lines.of([Text(what, style=DIM)])

    def subtitle(self) -> str:
        return "Enter open · w watch · Esc back"

    def table_rows(self) -> Sequence[AlertRow]:
        return self.matching(self.alerts, lambda a: (a.rule, a.subject, a.message))

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, AlertRow)
        return row.subject if row.stock else None

    def row_cells(self, row: object) -> Sequence[str | Text]:
        assert isinstance(row, AlertRow)
        return (
            row.at.strftime("%H:%M:%S"),
            clean(row.rule),
            clean(row.subject),
            clean(row.value),
            clean(row.message),
        )
