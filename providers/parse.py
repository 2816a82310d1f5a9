"""Tolerant parsers for the values Indian market sites send.

NSE, BSE and Yahoo send numbers as numbers, as strings ("27", "81,287.19"), or as
placeholders ("", "-", null) for "no value"; dates come in half a dozen spellings. Every
provider parses through here so a placeholder becomes ``None`` instead of a crash or a
bogus zero, and every time becomes IST-aware. Company names go through ``clean_text`` so
a name can never smuggle a terminal escape sequence onto the user's screen.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from datetime import date, datetime

from providers.contract import IST

#: Strings sites use for "no value".
_PLACEHOLDERS = frozenset({"", "-", "--", "—", "na", "n/a", "nan", "null", "none", "nil"})

#: Datetime spellings seen in the wild, most specific first.
_DATETIME_FORMATS = (
    "%d-%b-%Y %H:%M:%S",  # 16-Oct-2023 15:30:00 (NSE allIndices, old constituents)
    "%d-%b-%Y %H:%M",  # 23-Oct-2023 18:15 (NSE filings)
    "%Y-%m-%d %H:%M:%S",  # 2026-05-27 11:54:23 (NSE constituents since 2026)
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",  # BSE dt_tm
)
_DATE_FORMATS = (
    "%d-%b-%Y",  # 16-Oct-2023, 15-DEC-2025 (%b matches case-insensitively)
    "%d %b %Y",  # 23 Oct 2023 (BSE)
    "%Y-%m-%d",
    "%Y%m%d",  # 20250101 (BSE query dates)
    "%d-%m-%Y",  # 29-04-2026 (NSE query dates)
    "%d/%m/%Y",
    "%d-%B-%Y",  # 16-October-2023
    "%d %B %Y",
)

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/PM/APC/SOS strings (ended by BEL
# or ST), and two-character escapes. The 8-bit C1 forms (\x9b CSI, \x9d OSC) too.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                    # CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC
  | \x1b[@-Z\\-_]                                        # other two-character escapes
    """,
    re.VERBOSE | re.DOTALL,
)
_HTML_TAG = re.compile(r"<[^<>]{0,200}>")
_WHITESPACE = re.compile(r"\s+")


def to_float(value: object) -> float | None:
    """A finite float from a number or numeric string; ``None`` for placeholders or junk.

    Commas, surrounding spaces and a trailing ``%`` are tolerated ("81,287.19", " 2.5% ").
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").removesuffix("%").strip()
        if text.lower() in _PLACEHOLDERS:
            return None
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def to_int(value: object) -> int | None:
    """An int from a number or numeric string ("27", "1,234", 27.0); ``None`` otherwise.

    A fractional value is rounded: counts and volumes are integral at the source, and a
    float spelling of one ("37.0") must not be rejected.
    """
    number = to_float(value)
    return None if number is None else round(number)


def _normalise_date_text(value: object) -> str | None:
    if isinstance(value, str):
        text = _WHITESPACE.sub(" ", value.strip())
        return None if text.lower() in _PLACEHOLDERS else text
    return None


def parse_datetime(value: object) -> datetime | None:
    """An IST-aware datetime from any spelling the sources use; ``None`` if unparseable.

    A date without a time becomes midnight IST. A naive time is taken as IST (Indian
    sites publish IST wall-clock times); an aware one is converted to IST.
    """
    if isinstance(value, datetime):
        try:
            return value.astimezone(IST) if value.tzinfo else value.replace(tzinfo=IST)
        except OverflowError:
            return None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=IST)
    text = _normalise_date_text(value)
    if text is None:
        return None
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=IST)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is not None:
        try:
            return parsed.astimezone(IST) if parsed.tzinfo else parsed.replace(tzinfo=IST)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable time
            return None
    day = parse_date(text)
    return None if day is None else datetime(day.year, day.month, day.day, tzinfo=IST)


def parse_date(value: object) -> date | None:
    """A calendar date (as meant in IST) from any spelling; ``None`` if unparseable.

    Datetime spellings are accepted too; their date part is returned.
    """
    if isinstance(value, datetime):
        return parse_datetime(value).date()  # type: ignore[union-attr]
    if isinstance(value, date):
        return value
    text = _normalise_date_text(value)
    if text is None:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    with_time = next(
        (parsed for fmt in _DATETIME_FORMATS if (parsed := _strptime(text, fmt)) is not None),
        None,
    )
    return None if with_time is None else with_time.date()


def _strptime(text: str, fmt: str) -> datetime | None:
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        return None


def clean_text(value: object) -> str:
    """Text safe to put on a terminal: entities decoded, tags, escape sequences and
    control/format characters (incl. bidi overrides) removed, whitespace collapsed.

    ``None`` becomes ``""``. Markup brackets such as ``[bold]`` are kept as text: widgets
    must render names as plain text, never as markup.
    """
    if value is None:
        return ""
    text = html.unescape(str(value))
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = "".join(
        " " if char.isspace() else char
        for char in unicodedata.normalize("NFC", text)
        if char.isspace() or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return _WHITESPACE.sub(" ", text).strip()
