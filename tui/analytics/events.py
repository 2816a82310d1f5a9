"""The ratings feed (analyst and technical changes merged) and the earnings lists.

Feed: newest first; duplicates — the same change of the same symbol from the same source on
the same day, as when two snapshots or two providers report it — appear once (the newest
copy). Direction compares the two ratings' positions on their scale (ANALYST_SCALE or
TECHNICAL_SCALE, matched case-insensitively): +1 upgrade, -1 downgrade, 0 for an initiation
(no previous rating), an unchanged strength, or a rating name not on the scale.

Earnings: upcoming = not yet declared and dated today or later, soonest first (then by
symbol), with the days to go; declared = declared with today's date, by symbol (events carry
no time of day, so there is no truer "latest").
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import date, datetime

from providers.contract import (
    ANALYST_SCALE,
    IST,
    TECHNICAL_SCALE,
    EarningsEvent,
    EarningsStatus,
    RatingChange,
    RatingKind,
)
from widgets.views import EarningsRow, EventRow

_SCALES: dict[RatingKind, dict[str, int]] = {
    RatingKind.ANALYST: {name.casefold(): i for i, name in enumerate(ANALYST_SCALE)},
    RatingKind.TECHNICAL: {name.casefold(): i for i, name in enumerate(TECHNICAL_SCALE)},
}


def direction(change: RatingChange) -> int:
    """+1 upgrade, -1 downgrade, 0 otherwise (see the module docstring)."""
    if change.from_rating is None:
        return 0
    scale = _SCALES[RatingKind(change.kind)]
    before = scale.get(change.from_rating.casefold())
    after = scale.get(change.to_rating.casefold())
    if before is None or after is None:
        return 0
    return (after > before) - (after < before)


def event_row(change: RatingChange) -> EventRow:
    return EventRow(
        at=change.at,
        symbol=change.symbol,
        name=change.name,
        kind=change.kind,
        from_rating=change.from_rating,
        to_rating=change.to_rating,
        direction=direction(change),
        source=change.source,
    )


def newest_first(rows: Iterable[EventRow]) -> list[EventRow]:
    """``rows`` in feed order (newest first, then by symbol descending), duplicates kept."""
    return sorted(rows, key=_feed_order, reverse=True)


def feed(*sources: Iterable[EventRow], limit: int | None = None) -> tuple[EventRow, ...]:
    """Merge ``sources`` (each already ``newest_first``) into the feed: newest first, without
    duplicates, at most ``limit`` rows. Merging stops at the limit, so a long technical
    history costs nothing per tick beyond the rows shown."""
    seen: set[tuple] = set()
    out: list[EventRow] = []
    for row in heapq.merge(*sources, key=_feed_order, reverse=True):
        if limit is not None and len(out) >= limit:
            break
        key = (
            row.symbol,
            row.kind,
            row.source,
            row.from_rating,
            row.to_rating,
            row.at.astimezone(IST).date(),
        )
        if key not in seen:
            seen.add(key)
            out.append(row)
    return tuple(out)


def _feed_order(row: EventRow) -> tuple[datetime, str]:
    return row.at, row.symbol


def earnings_row(event: EarningsEvent, today: date) -> EarningsRow:
    return EarningsRow(
        symbol=event.symbol,
        name=event.name,
        date=event.date,
        status=event.status,
        purpose=event.purpose,
        days_to_go=(event.date - today).days,
    )


def split_earnings(
    events: Iterable[EarningsEvent], today: date
) -> tuple[tuple[EarningsRow, ...], tuple[EarningsRow, ...]]:
    """(upcoming soonest first, declared today by symbol)."""
    upcoming, declared = [], []
    for event in events:
        if event.status == EarningsStatus.UPCOMING and event.date >= today:
            upcoming.append(earnings_row(event, today))
        elif event.status == EarningsStatus.DECLARED and event.date == today:
            declared.append(earnings_row(event, today))
    upcoming.sort(key=lambda r: (r.date, r.symbol))
    declared.sort(key=lambda r: r.symbol)
    return tuple(upcoming), tuple(declared)
