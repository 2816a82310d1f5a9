"""Company names and industries from NSE's index constituent lists (CSV, archives host).

Since 2026 the constituents endpoint may send rows without ``meta``, so without these lists a
stock would show as a bare symbol in sector "Unknown". Each list is
``/content/indices/<file>`` on the archives host with the columns ``Company Name, Industry,
Symbol, Series, ISIN Code`` (nselib and many 2026 clients read them). They change only when an
index is rebalanced, so they are fetched at most daily and kept in a ``TextCache`` (the
monitor's history store) so a restart does not fetch them again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from msgspec import Struct

from providers.base import BadPayload
from providers.parse import clean_text

#: Index (allIndices long name) -> its list's file name. The microcap file has an extra "_"
#: (ind_niftymicrocap250_list.csv), as the clients that read it spell it.
DEFAULT_LIST_FILES: Mapping[str, str] = MappingProxyType(
    {
        "NIFTY 50": "ind_nifty50list.csv",
        "NIFTY 100": "ind_nifty100list.csv",
        "NIFTY MIDCAP 100": "ind_niftymidcap100list.csv",
        "NIFTY MIDCAP 150": "ind_niftymidcap150list.csv",
        "NIFTY SMALLCAP 100": "ind_niftysmallcap100list.csv",
        "NIFTY SMALLCAP 250": "ind_niftysmallcap250list.csv",
        "NIFTY MICROCAP 250": "ind_niftymicrocap250_list.csv",
        "NIFTY 500": "ind_nifty500list.csv",
    }
)
LIST_PATH = "/content/indices/"


class Company(Struct, frozen=True):
    name: str
    industry: str


class TextCache(Protocol):
    """Somewhere to keep fetched text between runs (the monitor's history store)."""

    def load_text(self, key: str) -> tuple[str, datetime] | None: ...

    def save_text(self, key: str, text: str, fetched_at: datetime) -> None: ...


class MemoryTextCache:
    """A ``TextCache`` that lives as long as the process (one-shot commands, tests)."""

    def __init__(self) -> None:
        self._texts: dict[str, tuple[str, datetime]] = {}

    def load_text(self, key: str) -> tuple[str, datetime] | None:
        return self._texts.get(key)

    def save_text(self, key: str, text: str, fetched_at: datetime) -> None:
        self._texts[key] = (text, fetched_at)


def parse_list(text: str, source: str) -> dict[str, Company]:
    """Symbol -> Company from one list; header names are matched case-insensitively."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or ()}
    wanted = ("symbol", "company name", "industry")
    if not all(column in columns for column in wanted):
        raise BadPayload(
            "nse",
            source,
            f"expected columns Company Name, Industry, Symbol; got {reader.fieldnames}",
        )
    companies = {}
    for row in reader:
        symbol = clean_text(row.get(columns["symbol"]))
        if symbol:
            name = clean_text(row.get(columns["company name"])) or symbol
            companies[symbol] = Company(name, clean_text(row.get(columns["industry"])))
    return companies
