"""NSE trading holidays: how a provider's list replaces the bundled one
(``providers.holidays``, shared with the demo market) year by year."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


def merge_holidays(bundled: Iterable[date], provided: Iterable[date]) -> frozenset[date]:
    """The provider's dates replace the bundled ones for every year the provider covers;
    bundled years it does not cover are kept."""
    provided_set = frozenset(provided)
    years = {d.year for d in provided_set}
    return provided_set | {d for d in bundled if d.year not in years}
