"""NSE trading holidays: the bundled list (``providers.holidays``) for when no provider supplies
one, and a parser for NSE's ``/api/holiday-master?type=trading`` payload (the ``CM`` —
capital market — segment).

Only weekdays are listed: a holiday on a Saturday or Sunday changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from providers.holidays import (  # noqa: F401  (re-exported: the clock and tests use them)
    BUNDLED_HOLIDAYS,
    NSE_HOLIDAYS_2026,
    NSE_HOLIDAYS_2027_PROVISIONAL,
)


class HolidayPayloadError(ValueError):
    """The holiday-master payload was not in the expected shape; the message says where."""


def parse_holiday_master(payload: Mapping[str, object], segment: str = "CM") -> dict[date, str]:
    """Holidays of ``segment`` from NSE's holiday-master JSON:
    ``{"CM": [{"tradingDate": "26-Jan-2026", "description": "Republic Day", ...}], ...}``."""
    rows = payload.get(segment)
    if not isinstance(rows, list):
        raise HolidayPayloadError(f"holiday-master: {segment!r} is missing or not a list")
    holidays: dict[date, str] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise HolidayPayloadError(f"holiday-master: {segment}[{i}] is not an object")
        text = row.get("tradingDate")
        try:
            day = datetime.strptime(str(text).strip(), "%d-%b-%Y").date()
        except ValueError as exc:
            raise HolidayPayloadError(
                f"holiday-master: {segment}[{i}].tradingDate {text!r} is not like 26-Jan-2026"
            ) from exc
        holidays[day] = str(row.get("description") or "").strip()
    return holidays


def merge_holidays(bundled: Iterable[date], provided: Iterable[date]) -> frozenset[date]:
    """The provider's dates replace the bundled ones for every year the provider covers;
    bundled years it does not cover are kept."""
    provided_set = frozenset(provided)
    years = {d.year for d in provided_set}
    return provided_set | {d for d in bundled if d.year not in years}
