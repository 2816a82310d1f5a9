"""The last good data of each part, so one failing or empty part cannot blank its panes.

A refresh can come back with a part failed (503 on the constituents alone), empty (``data:
[]``) or with every row rejected (NaN, ±1e308: see ``providers.sanity``). Drawing that would
blank the panes, and storing it would paint blanks on the next start too. ``LastGood.merge``
puts the part's last good rows back instead and says which parts are stale, since when and
why; the monitor marks their panes and does not record them as today's data.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from providers.contract import PART_FIELDS, Part, Snapshot

#: Parts for which an empty answer is normal (no rating changes today, no results due).
MAY_BE_EMPTY = frozenset({Part.RATINGS, Part.EARNINGS})


class StalePart(Struct, frozen=True):
    """A part shown from an earlier refresh: ``since`` is when that data was fetched."""

    reason: str
    since: datetime


class Merged(Struct, frozen=True):
    snapshot: Snapshot
    stale: Mapping[Part, StalePart]


class _Good(Struct, frozen=True):
    value: Any
    at: datetime
    members: Mapping[str, tuple[str, ...]]


def _empty(value: object) -> bool:
    return value is None or value == ()


class LastGood:
    """Remembers each part's last good value; ``parts`` are those the provider supplies."""

    def __init__(self, parts: Collection[Part]) -> None:
        self.parts = frozenset(parts)
        self._good: dict[Part, _Good] = {}

    def remember(self, snapshot: Snapshot, at: datetime) -> None:
        """Take every part of ``snapshot`` that has data as good (a stored snapshot)."""
        for part, field in PART_FIELDS.items():
            value = getattr(snapshot, field)
            if not _empty(value) and part not in snapshot.errors:
                self._good[part] = _Good(value, at, snapshot.members)

    def merge(self, snapshot: Snapshot, at: datetime) -> Merged:
        """``snapshot`` with each failed, empty or rejected part replaced by its last good
        data (when there is some), and the parts so replaced."""
        changes: dict[str, Any] = {}
        errors = dict(snapshot.errors)
        stale: dict[Part, StalePart] = {}
        for part, field in PART_FIELDS.items():
            value = getattr(snapshot, field)
            error = errors.get(part)
            if not _empty(value):  # current data, possibly partial (bad rows skipped)
                self._good[part] = _Good(value, at, snapshot.members)
                continue
            if error is None:
                if part in MAY_BE_EMPTY or part not in self.parts:
                    self._good.pop(part, None)
                    continue
                error = errors[part] = "answered with no data"
            good = self._good.get(part)
            if good is None:
                continue
            changes[field] = good.value
            if part is Part.STOCKS:
                changes["members"] = {**good.members, **snapshot.members}
            stale[part] = StalePart(error, good.at)
        if not changes and errors == snapshot.errors:
            return Merged(snapshot, MappingProxyType({}))
        return Merged(replace(snapshot, errors=errors, **changes), MappingProxyType(stale))
