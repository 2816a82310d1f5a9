"""Institutional flows: the latest day's FII/DII net cash flows and the month's sums so far.

NSE publishes one day at a time (``fiidiiTradeReact``), so the month figure is the sum over
the days of that calendar month the source has handed over; ``FlowsView.month_days`` says
how many, so a monitor started mid-month never passes a partial sum off as the month's.
A day whose net is not reported is left out of that side's sum (None when none is known).
"""

from __future__ import annotations

from collections.abc import Sequence

from providers.contract import InstitutionalFlow
from widgets.views import FlowsView


def view(flows: Sequence[InstitutionalFlow]) -> FlowsView | None:
    """The Breadth pane's flows line; None when the source gave no flows."""
    if not flows:
        return None
    latest = max(flows, key=lambda flow: flow.day)
    by_day = {flow.day: flow for flow in flows}  # a day given twice counts once (the last)
    month = [
        flow
        for day, flow in by_day.items()
        if (day.year, day.month) == (latest.day.year, latest.day.month)
    ]
    return FlowsView(
        day=latest.day,
        fii_net=latest.fii_net,
        dii_net=latest.dii_net,
        month_fii_net=_total(flow.fii_net for flow in month),
        month_dii_net=_total(flow.dii_net for flow in month),
        month_days=len(month),
    )


def _total(values) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None
