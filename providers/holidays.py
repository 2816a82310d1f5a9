"""NSE capital-market trading holidays bundled with capwatch, by date.

Data only: the IST market clock (``tui.holidays``) falls back on these when no provider
supplies a list, and the demo market trades on the same calendar. Only weekdays are listed: a
holiday on a Saturday or Sunday changes nothing.
"""

from __future__ import annotations

from datetime import date

#: NSE capital-market trading holidays for 2026, as published by NSE in December 2025.
NSE_HOLIDAYS_2026: dict[date, str] = {
    date(2026, 1, 26): "Republic Day",
    date(2026, 3, 3): "Holi",
    date(2026, 3, 26): "Shri Ram Navami",
    date(2026, 3, 31): "Shri Mahavir Jayanti",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 14): "Dr. Baba Saheb Ambedkar Jayanti",
    date(2026, 5, 1): "Maharashtra Day",
    date(2026, 5, 28): "Bakri Id",
    date(2026, 6, 26): "Muharram",
    date(2026, 9, 14): "Ganesh Chaturthi",
    date(2026, 10, 2): "Mahatma Gandhi Jayanti",
    date(2026, 10, 20): "Dussehra",
    date(2026, 11, 10): "Diwali Balipratipada",
    date(2026, 11, 24): "Prakash Gurpurb Sri Guru Nanak Dev",
    date(2026, 12, 25): "Christmas",
}

#: PROVISIONAL: NSE had not published its 2027 list when this was written. These are the
#: usual national and festival holidays on their expected 2027 dates (lunar festivals are
#: estimates), weekdays only. NSE's own list, fetched by the NSE provider, replaces this.
NSE_HOLIDAYS_2027_PROVISIONAL: dict[date, str] = {
    date(2027, 1, 26): "Republic Day",
    date(2027, 3, 22): "Holi",
    date(2027, 3, 26): "Good Friday",
    date(2027, 4, 14): "Dr. Baba Saheb Ambedkar Jayanti",
    date(2027, 4, 15): "Shri Ram Navami",
    date(2027, 5, 17): "Bakri Id",
    date(2027, 6, 15): "Muharram",
    date(2027, 10, 29): "Diwali Laxmi Pujan",
}

#: Every bundled holiday, by date.
BUNDLED_HOLIDAYS: dict[date, str] = {**NSE_HOLIDAYS_2026, **NSE_HOLIDAYS_2027_PROVISIONAL}

#: The calendar years the bundled list covers (other years have no bundled list).
BUNDLED_YEARS: frozenset[int] = frozenset(day.year for day in BUNDLED_HOLIDAYS)
