"""NSE's FII/DII flows and corporate announcements: payload parsers and a small fetcher.

Kept apart from the quotes provider (``provider``/``payloads``) so the two endpoints can be
added without touching how quotes are fetched.

Shapes (see tests/fixtures/README.md for the public samples they copy):

- ``/api/fiidiiTradeReact`` answers a bare list, one row per investor category for the latest
  published day: ``{"category": "FII/FPI", "date": "26-May-2026", "buyValue": "13127.02",
  "sellValue": "15534.89", "netValue": "-2407.87"}`` and a ``"DII"`` row; values are rupees
  crore as strings. Older answers spell the categories "FII/FPI *" and "DII **" (footnote
  marks). It has no month figure: ``FlowBook`` keeps the days it has seen this month.
- ``/api/corporate-announcements?index=equities&from_date=..&to_date=..`` answers a bare list
  of rows ``symbol``, ``sm_name``, ``desc`` (the subject), ``attchmntText`` (the summary),
  ``an_dt`` ("18-Oct-2023 22:11:42"), ``attchmntFile`` (a PDF URL) and more.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from providers.base import BadPayload
from providers.contract import Announcement, InstitutionalFlow
from providers.nse.payloads import PROVIDER
from providers.parse import clean_text, parse_date, parse_datetime, to_float

log = logging.getLogger(__name__)

FLOWS_PATH = "/api/fiidiiTradeReact"
ANNOUNCEMENTS_PATH = "/api/corporate-announcements"
#: Announcements asked for: today and the day before (a morning still shows last evening's).
ANNOUNCEMENT_DAYS = 2
_DATE_PARAM = "%d-%m-%Y"


def _list(payload: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(payload, list):
        raise BadPayload(PROVIDER, what, f"expected a list, got {type(payload).__name__}")
    return [row for row in payload if isinstance(row, dict)]


def _category(value: object) -> str | None:
    """The side of a category: FII for "FII/FPI *", DII for "DII **", else None."""
    text = clean_text(value).upper()
    if text.startswith(("FII", "FPI")):
        return "FII"
    if text.startswith("DII"):
        return "DII"
    return None


def parse_flows(payload: Any) -> InstitutionalFlow:
    """The day's FII and DII figures; a side NSE leaves out stays None."""
    sides: dict[str, dict[str, Any]] = {}
    days: set[date] = set()
    for row in _list(payload, "fiidiiTradeReact"):
        side = _category(row.get("category"))
        day = parse_date(row.get("date"))
        if side is None or day is None:
            continue
        sides[side] = row
        days.add(day)
    if not sides:
        raise BadPayload(PROVIDER, "category", "no FII/FPI or DII row")
    if len(days) > 1:
        raise BadPayload(PROVIDER, "date", f"rows for different days: {sorted(days)}")

    def figure(side: str, field: str) -> float | None:
        row = sides.get(side)
        return None if row is None else to_float(row.get(field))

    return InstitutionalFlow(
        day=days.pop(),
        fii_buy=figure("FII", "buyValue"),
        fii_sell=figure("FII", "sellValue"),
        fii_net=figure("FII", "netValue"),
        dii_buy=figure("DII", "buyValue"),
        dii_sell=figure("DII", "sellValue"),
        dii_net=figure("DII", "netValue"),
    )


def parse_announcements(payload: Any) -> list[Announcement]:
    """Announcements newest first; a row without a symbol or a time is skipped."""
    found = []
    for row in _list(payload, "corporate-announcements"):
        symbol = clean_text(row.get("symbol")).upper()
        at = parse_datetime(row.get("an_dt")) or parse_datetime(row.get("sort_date"))
        if not symbol or at is None:
            log.debug("nse announcement skipped: %r", row)
            continue
        attachment = clean_text(row.get("attchmntFile"))
        if not attachment.startswith(("https://", "http://")):  # "-", "" and null: no file
            attachment = None
        found.append(
            Announcement(
                symbol=symbol,
                name=clean_text(row.get("sm_name")) or symbol,
                subject=clean_text(row.get("desc")) or "Announcement",
                text=clean_text(row.get("attchmntText")),
                at=at,
                attachment=attachment,
            )
        )
    found.sort(key=lambda a: (a.at, a.symbol), reverse=True)
    return found


def announcement_params(today: date) -> dict[str, str]:
    first = today - timedelta(days=ANNOUNCEMENT_DAYS - 1)
    return {
        "index": "equities",
        "from_date": first.strftime(_DATE_PARAM),
        "to_date": today.strftime(_DATE_PARAM),
    }


class FlowBook:
    """The FII/DII days seen this month, so the month's sums grow as NSE publishes days.

    NSE answers only the latest day; a monitor that runs all month sees every day, one
    started mid-month sees fewer — ``FlowsView.month_days`` says how many are summed.
    """

    def __init__(self) -> None:
        self._days: dict[date, InstitutionalFlow] = {}

    def add(self, flow: InstitutionalFlow) -> tuple[InstitutionalFlow, ...]:
        """Record ``flow`` (a day published again replaces the old figures); return this
        month's days, oldest first."""
        self._days[flow.day] = flow
        month = (flow.day.year, flow.day.month)
        self._days = {d: f for d, f in self._days.items() if (d.year, d.month) == month}
        return tuple(self._days[d] for d in sorted(self._days))
