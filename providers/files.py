"""File feeds: analyst rating changes and earnings dates from a CSV or JSON file or URL.

No free feed of Indian analyst rating changes exists, so this is how a user plugs in what their
broker or research service sends them. Each part (``ratings``, ``earnings``) names its own
location in the settings. A local file is re-read only when its mtime or size changed; a URL is
re-fetched at most every ``url_refresh_seconds`` with ``If-None-Match``/``If-Modified-Since``.
Bad rows are skipped and reported (file, line or item, field) in ``Snapshot.errors`` while the
good rows are kept. Column reference: README, "File feeds".
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from msgspec import Struct

from providers.contract import (
    ANALYST_SCALE,
    IST,
    EarningsEvent,
    EarningsStatus,
    Part,
    RatingChange,
    RatingKind,
    Snapshot,
)
from providers.files_spec import SPEC
from providers.http import BodyTooLarge, read_capped
from providers.parse import clean_text, parse_date, parse_datetime

if TYPE_CHECKING:
    import pandas as pd

NAME = "files"

#: Words brokers use for the five analyst grades (lower case) -> the grade on ANALYST_SCALE.
RATING_SYNONYMS: Mapping[str, str] = {
    **{grade.lower(): grade for grade in ANALYST_SCALE},
    "strong-buy": "Strong Buy",
    "conviction buy": "Strong Buy",
    "accumulate": "Buy",
    "add": "Buy",
    "outperform": "Buy",
    "overweight": "Buy",
    "neutral": "Hold",
    "market perform": "Hold",
    "equal-weight": "Hold",
    "equal weight": "Hold",
    "reduce": "Sell",
    "underperform": "Sell",
    "underweight": "Sell",
    "strong-sell": "Strong Sell",
}

_PART_KEYS = {Part.RATINGS: "ratings", Part.EARNINGS: "earnings"}
_MAX_PROBLEMS_SHOWN = 5
#: Characters that make ASCII text need the full clean_text (entities, tags).
_MARKUP_CHARS = frozenset("<>&")


class RowError(ValueError):
    """One field of one row is unusable; ``field`` names it for the message (None: the row
    itself could not be read, e.g. an unterminated quote)."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field

    def describe(self, where: str) -> str:
        return f"{where}, field {self.field!r}: {self}" if self.field else f"{where}: {self}"


class FeedError(Exception):
    """The whole feed is unusable (missing, unreadable, not CSV/JSON, wrong columns)."""


def _text(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise RowError(key, f"expected text, got {type(value).__name__}")
    text = str(value)
    if text.isascii() and text.isprintable() and not _MARKUP_CHARS.intersection(text):
        return " ".join(text.split())  # the common case, 10x cheaper than clean_text
    return clean_text(text)


def _required(row: Mapping[str, Any], key: str) -> str:
    value = _text(row, key)
    if not value:
        raise RowError(key, "is required but empty")
    return value


def normalise_rating(text: str) -> str:
    """The ANALYST_SCALE grade for ``text`` (case-insensitive, broker synonyms allowed)."""
    grade = RATING_SYNONYMS.get(" ".join(text.lower().split()))
    if grade is None:
        raise ValueError(f"{text!r} is not a rating (use one of {', '.join(ANALYST_SCALE)})")
    return grade


def parse_time(text: str) -> datetime:
    """ISO 8601 date or date-time (the exchanges' spellings work too); naive = IST."""
    try:
        iso = datetime.fromisoformat(text)  # fast path for the documented format
    except ValueError:
        value = parse_datetime(text)
    else:
        try:
            value = iso.replace(tzinfo=IST) if iso.tzinfo is None else iso.astimezone(IST)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable time
            raise ValueError(f"{text!r} is out of range") from None
    if value is None:
        raise ValueError(f"{text!r} is not a date or time (use ISO 8601, e.g. 2026-11-20T09:30)")
    return value


def parse_day(text: str) -> date:
    """A calendar date: ISO ``2026-11-20`` (or ``20-Nov-2026`` / ``20 Nov 2026``)."""
    value = parse_date(text)
    if value is None:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")
    return value


def _field(row: Mapping[str, Any], key: str, convert: Callable[[str], Any]) -> Any:
    text = _required(row, key)
    try:
        return convert(text)
    except ValueError as exc:
        raise RowError(key, str(exc)) from None


def rating_from_row(row: Mapping[str, Any], default_source: str) -> RatingChange:
    symbol = _required(row, "symbol").upper()
    before = _text(row, "from")
    try:
        from_rating = normalise_rating(before) if before else None
    except ValueError as exc:
        raise RowError("from", str(exc)) from None
    return RatingChange(
        symbol=symbol,
        name=_text(row, "name") or symbol,
        kind=RatingKind.ANALYST,
        from_rating=from_rating,
        to_rating=_field(row, "to", normalise_rating),
        source=_text(row, "source") or default_source,
        at=_field(row, "at", parse_time),
    )


def earnings_from_row(row: Mapping[str, Any], today: date) -> EarningsEvent:
    symbol = _required(row, "symbol").upper()
    day = _field(row, "date", parse_day)
    status_text = _text(row, "status").lower()
    if status_text:
        try:
            status = EarningsStatus(status_text)
        except ValueError:
            raise RowError("status", f"{status_text!r} is not 'upcoming' or 'declared'") from None
    else:
        status = EarningsStatus.DECLARED if day < today else EarningsStatus.UPCOMING
    return EarningsEvent(
        symbol=symbol,
        name=_text(row, "name") or symbol,
        date=day,
        status=status,
        purpose=_text(row, "purpose") or "Financial Results",
    )


_REQUIRED_COLUMNS = {Part.RATINGS: ("symbol", "to", "at"), Part.EARNINGS: ("symbol", "date")}


Row = Mapping[str, Any] | RowError


def _csv_rows(text: str, part: Part) -> Iterator[tuple[str, Row]]:
    """Rows with their line; a line the csv module cannot read (a field over its 128 KB
    limit, a quote never closed) becomes a ``RowError`` and reading resumes after it."""
    lines = text.splitlines(keepends=True)
    header = [clean_text(name or "").lower() for name in next(csv.reader(lines[:1]), [])]
    missing = [col for col in _REQUIRED_COLUMNS[part] if col not in header]
    if missing:
        raise FeedError(f"missing column(s) {', '.join(missing)} (header: {', '.join(header)})")
    start = 1  # index in ``lines`` where the current reader began
    while start < len(lines):
        reader = csv.reader(io.StringIO("".join(lines[start:])))
        done = 0  # lines the reader has consumed
        try:
            for fields in reader:
                first, done = start + done + 1, reader.line_num
                if start + done == len(lines) and _unterminated(lines[first - 1 : start + done]):
                    yield f"line {first}", RowError(None, 'unterminated quote: a " is never closed')
                    break
                if any(value.strip() for value in fields):
                    yield f"line {first}", _named(header, fields)
            else:
                return
        except csv.Error as exc:
            first = start + done + 1
            yield f"line {first}", RowError(None, f"unreadable CSV: {exc}")
        start = first  # resume on the line after the bad one


def _named(header: list[str], fields: list[str]) -> dict[str | None, Any]:
    """A row as ``csv.DictReader`` gives it: missing fields None, extra ones under None."""
    row: dict[str | None, Any] = dict(zip(header, fields, strict=False))
    row.update((name, None) for name in header[len(fields) :])
    if len(fields) > len(header):
        row[None] = fields[len(header) :]
    return row


def _unterminated(record: list[str]) -> bool:
    """A record whose quotes do not pair up (CSV doubles a quote inside a quoted field)."""
    return sum(line.count('"') for line in record) % 2 == 1


def _json_rows(text: str, part: Part) -> Iterator[tuple[str, Row]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}") from None
    except RecursionError:  # one item nested thousands deep: read the items one by one
        data = _items_one_by_one(text, _PART_KEYS[part])
    key = _PART_KEYS[part]
    if isinstance(data, dict):
        if key not in data:
            raise FeedError(f"JSON object has no {key!r} list")
        data = data[key]
    if not isinstance(data, list):
        raise FeedError(f"expected a JSON list of {key}, got {type(data).__name__}")
    for number, item in enumerate(data, start=1):
        if isinstance(item, RowError):
            yield f"item {number}", item
        elif isinstance(item, dict):
            yield f"item {number}", {str(k).strip().lower(): v for k, v in item.items()}
        else:
            yield f"item {number}", {"__not_an_object__": item}


def _children(text: str, start: int) -> list[tuple[int, int]]:
    """Spans of the direct children of the JSON array or object opening at ``text[start]``
    (for an object: key, value, key, value, ...), found without recursion."""
    spans: list[tuple[int, int]] = []
    depth, begin, in_string, escaped = 0, None, False, False
    for position in range(start, len(text)):
        char = text[position]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char in "[{":
            depth += 1
            if depth == 1:
                begin = position + 1
                continue
        elif char in "]}":
            depth -= 1
        if (depth == 1 and char in ",:") or depth == 0:
            if begin is not None and text[begin:position].strip():
                spans.append((begin, position))
            begin = position + 1
            if depth == 0:
                return spans
        elif char == '"':
            in_string = True
    raise FeedError("not valid JSON: it ends before its last bracket")


def _items_one_by_one(text: str, key: str) -> list[object]:
    """The feed's items parsed separately, so one too deeply nested is one bad item."""
    start = len(text) - len(text.lstrip())
    spans = _children(text, start)
    if text[start] == "{":
        names = [json.loads(text[a:b]) for a, b in spans[0::2]]
        if key not in names:
            raise FeedError(f"JSON object has no {key!r} list")
        a, b = spans[2 * names.index(key) + 1]
        offset = a + len(text[a:b]) - len(text[a:b].lstrip())
        if text[offset] != "[":
            raise FeedError(f"expected a JSON list of {key}")
        spans = _children(text, offset)
    items: list[object] = []
    for a, b in spans:
        try:
            items.append(json.loads(text[a:b]))
        except RecursionError:
            items.append(RowError(None, "nested too deeply to read"))
        except json.JSONDecodeError as exc:
            items.append(RowError(None, f"not valid JSON: {exc}"))
    return items


class FeedResult(Struct, frozen=True):
    """What one read of a feed produced: the good items and one message per bad row."""

    items: tuple[Any, ...]
    problems: tuple[str, ...]


def parse_feed(text: str, part: Part, origin: str, today: date) -> FeedResult:
    """Parse CSV or JSON (sniffed from the first character) into items for ``part``."""
    text = text.lstrip("\ufeff")
    head = text.lstrip()[:1]
    if head == "<":
        raise FeedError("got an HTML/XML page, not CSV or JSON")
    rows = _json_rows(text, part) if head in ("[", "{") else _csv_rows(text, part)
    items: list[Any] = []
    problems: list[str] = []
    for where, row in rows:
        try:
            if isinstance(row, RowError):
                raise row
            if "__not_an_object__" in row:
                raise RowError(None, "expected an object with named fields")
            if part is Part.RATINGS:
                items.append(rating_from_row(row, default_source=origin))
            else:
                items.append(earnings_from_row(row, today))
        except RowError as exc:
            problems.append(exc.describe(where))
        except Exception as exc:  # an input nobody foresaw costs its row, never the feed
            problems.append(f"{where}: unreadable row ({type(exc).__name__}: {exc})")
    return FeedResult(tuple(items), tuple(problems))


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class _Feed:
    """One location for one part, re-read and re-parsed only when it changed."""

    def __init__(
        self,
        part: Part,
        location: str,
        client: httpx.AsyncClient,
        url_refresh_seconds: float,
        monotonic: Callable[[], float],
    ) -> None:
        self.part = part
        self.location = location if _is_url(location) else os.path.expanduser(location)
        self.label = location.rstrip("/").rsplit("/", 1)[-1] or location
        self._client = client
        self._url_refresh = url_refresh_seconds
        self._monotonic = monotonic
        self._text: str | None = None  # the last body read successfully
        self._version: object = None  # (mtime_ns, size) of a file; HTTP validators of a URL
        self._checked_at: float | None = None  # when the URL was last asked
        self._failure: str | None = None  # why the last URL request failed
        self._outcome: FeedResult | FeedError | None = None
        self._parsed_for: date | None = None  # "today" of the outcome (status defaults)

    async def read(self, today: date) -> FeedResult:
        """The feed's items; raises FeedError when the whole feed is unusable."""
        changed = await (self._load_url() if _is_url(self.location) else self._load_file())
        if changed or self._outcome is None or self._parsed_for != today:
            try:
                self._outcome = await asyncio.to_thread(
                    parse_feed, self._text or "", self.part, self.label, today
                )
            except FeedError as exc:
                self._outcome = exc
            self._parsed_for = today
        if isinstance(self._outcome, FeedError):
            raise self._outcome
        return self._outcome

    async def _load_file(self) -> bool:
        """Read the file if its mtime or size changed; True when the text changed."""
        try:
            stat = os.stat(self.location)
            version = (stat.st_mtime_ns, stat.st_size)
            if version == self._version:
                return False
            self._text = await asyncio.to_thread(Path(self.location).read_text, "utf-8-sig")
        except FileNotFoundError:
            self._forget()
            raise FeedError("file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            self._forget()
            raise FeedError(f"cannot read: {exc}") from None
        self._version = version
        return True

    async def _load_url(self) -> bool:
        """GET the URL at most every ``url_refresh_seconds``; True when the body changed."""
        now = self._monotonic()
        if self._checked_at is not None and now - self._checked_at < self._url_refresh:
            if self._failure:
                raise FeedError(self._failure)
            return False
        self._checked_at = now
        validators = self._version if self._text is not None else None
        try:
            response = await read_capped(self._client, self.location, headers=validators)
        except httpx.HTTPError as exc:
            self._failure = f"request failed: {type(exc).__name__}: {exc}"
            raise FeedError(self._failure) from None
        except BodyTooLarge as exc:
            self._failure = str(exc)
            raise FeedError(self._failure) from None
        if response.status_code == 304 and self._text is not None:
            self._failure = None
            return False
        if response.status_code != 200:
            self._failure = f"HTTP {response.status_code} {response.reason_phrase}".strip()
            raise FeedError(self._failure)
        self._failure = None
        self._text = response.text
        self._version = {
            header: value
            for header, value in (
                ("If-None-Match", response.headers.get("etag")),
                ("If-Modified-Since", response.headers.get("last-modified")),
            )
            if value
        }
        return True

    def _forget(self) -> None:
        self._text = self._version = self._outcome = None


def _summary(label: str, problems: tuple[str, ...]) -> str:
    shown = "; ".join(problems[:_MAX_PROBLEMS_SHOWN])
    more = len(problems) - _MAX_PROBLEMS_SHOWN
    suffix = f"; and {more} more" if more > 0 else ""
    return f"{label}: skipped {len(problems)} bad row(s): {shown}{suffix}"


_DEFAULTS = SPEC.defaults


class FileFeedProvider:
    """Ratings and/or earnings from the user's own files or URLs (see module docstring)."""

    name = NAME
    simulated = False

    def __init__(
        self,
        ratings: str | None = None,
        earnings: str | None = None,
        *,
        url_refresh_seconds: float = _DEFAULTS["url_refresh_seconds"],  # type: ignore[assignment]
        timeout: float = _DEFAULTS["timeout"],  # type: ignore[assignment]
        transport: httpx.AsyncBaseTransport | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(IST),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        locations = {Part.RATINGS: ratings, Part.EARNINGS: earnings}
        self._client = httpx.AsyncClient(
            timeout=timeout, transport=transport, follow_redirects=True
        )
        self._now = now
        self._feeds = {
            part: _Feed(part, location, self._client, url_refresh_seconds, monotonic)
            for part, location in locations.items()
            if location
        }
        self.parts = frozenset(locations)  # an unset one is reported by fetch, with the fix

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        wanted = [p for p in self._feeds if parts is None or p in parts]
        unset = [p for p in self.parts - set(self._feeds) if parts is None or p in parts]
        now = self._now()
        results = await asyncio.gather(
            *(self._feeds[p].read(now.date()) for p in wanted), return_exceptions=True
        )
        data: dict[str, tuple[Any, ...]] = {}
        errors: dict[Part, str] = {
            part: f"no {_PART_KEYS[part]} feed configured: set {_PART_KEYS[part]} = "
            '"path or URL" under [providers.files]'
            for part in unset
        }
        for part, result in zip(wanted, results, strict=True):
            feed = self._feeds[part]
            if isinstance(result, FeedError):
                errors[part] = f"{feed.location}: {result}"
            elif isinstance(result, BaseException):
                raise result
            else:
                data[_PART_KEYS[part]] = result.items
                if result.problems:
                    errors[part] = _summary(feed.location, result.problems)
        return Snapshot(
            provider=self.name,
            as_of=now,
            simulated=False,
            errors=errors,
            sources={p: self.name for p in wanted if p not in errors or _PART_KEYS[p] in data},
            **data,
        )

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """File feeds carry no prices."""
        import pandas as pd

        return pd.DataFrame()

    async def aclose(self) -> None:
        await self._client.aclose()


def create(settings: Mapping[str, object]) -> FileFeedProvider:
    """Analyst ratings and earnings from your CSV/JSON file or URL."""
    return FileFeedProvider(**SPEC.resolve(settings))  # type: ignore[arg-type]
