"""Per-row sanity checks: the one place a snapshot's values are judged before anyone uses them.

Parsers accept any finite number a site sends, but a hostile or broken source can send finite
nonsense: a negative or zero price, a previous close of 0 (shown as -100%), 1e308 (movers at
"+2.7e306%"), breadth of 1e20 (every store write fails: SQLite integers stop at 9.2e18), or the
same index twice (the second row, "1.00", became the day's close). ``check`` drops each such
row, naming provider, part, row and field, and keeps the rest. When every row of a part is
dropped, the part is reported in ``Snapshot.errors`` so the monitor keeps its last good data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from msgspec import Struct
from msgspec.structs import replace

from providers.contract import Breadth, IndexQuote, Part, Snapshot, StockQuote

log = logging.getLogger(__name__)

# Every check is a range with finite bounds, which NaN and the infinities fail: no separate
# finiteness test is needed (they cost a call each, on every row a refresh rebuilds).

#: Above any price an Indian index or stock has had (MRF ~1.5 lakh, SENSEX ~85,000).
MAX_PRICE = 1e8
#: Above any advance/decline count (about 5,000 listed companies per exchange).
MAX_COUNT = 100_000
#: Above any day's traded volume of one stock.
MAX_VOLUME = 1e15
#: Free-float market cap, rupees crore: India's whole market is ~5e7 crore.
MAX_FFMC = 1e9
#: last / previous close outside these is a bad index row: index trading halts at 20 %.
INDEX_RATIO = (0.5, 2.0)
INDEX_MOVE_PCT = (-50.0, 100.0)
#: A stock's day move outside these (percent) is a bad row. Wide on purpose: re-listings,
#: unbanded stocks and long simulated sessions move far; this only stops nonsense (2.7e306 %).
STOCK_MOVE_PCT = (-100.0, 10_000.0)


class Rejected(Struct, frozen=True):
    """One dropped row and why."""

    provider: str
    part: Part
    row: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.provider}: {self.part.value} {self.row!r}: {self.field} {self.problem}"


class Checked(Struct, frozen=True):
    snapshot: Snapshot
    rejected: tuple[Rejected, ...]


class _Bad(Exception):
    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem


def _price(value: float | None, field: str, *, optional: bool = False) -> None:
    if value is None:
        if optional:
            return
        raise _Bad(field, "is missing")
    if not 0 < value <= MAX_PRICE:
        raise _Bad(field, f"{value!r} is not a price")


def _move(value: float | None, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if value is not None and not low <= value <= high:
        raise _Bad("change_pct", f"{value!r}% is not a day's move")


def _count(value: int | None, field: str) -> None:
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise _Bad(field, f"{value!r} is not a count")


def _against_close(last: float, prev_close: float | None, ratio: tuple[float, float]) -> None:
    if prev_close is not None and not ratio[0] <= last / prev_close <= ratio[1]:
        raise _Bad("last", f"{last!r} is implausibly far from prev_close {prev_close!r}")


def _index(quote: IndexQuote) -> None:
    _price(quote.last, "last")
    _price(quote.prev_close, "prev_close", optional=True)
    for name in ("open", "high", "low", "year_high", "year_low"):
        _price(getattr(quote, name), name, optional=True)
    _move(quote.change_pct, INDEX_MOVE_PCT)
    _against_close(quote.last, quote.prev_close, INDEX_RATIO)
    for name in ("advances", "declines", "unchanged"):
        _count(getattr(quote, name), name)


def _stock(quote: StockQuote) -> None:
    _price(quote.last, "last")
    _price(quote.prev_close, "prev_close", optional=True)
    _price(quote.day_high, "day_high", optional=True)
    _price(quote.day_low, "day_low", optional=True)
    _move(quote.change_pct, STOCK_MOVE_PCT)
    if not 0 <= quote.volume <= MAX_VOLUME:
        raise _Bad("volume", f"{quote.volume!r} is not a volume")
    if quote.ffmc is not None and not 0 <= quote.ffmc <= MAX_FFMC:
        raise _Bad("ffmc", f"{quote.ffmc!r} is not a market cap")
    if quote.band_pct is not None and not 0 <= quote.band_pct <= 100:
        raise _Bad("band_pct", f"{quote.band_pct!r} is not a price band")


def _breadth(breadth: Breadth) -> None:
    for name in ("advances", "declines", "unchanged"):
        _count(getattr(breadth, name), name)


#: Per part: the Snapshot field, the row's identity, the row check.
_CHECKS: dict[Part, tuple[str, Callable[[Any], str], Callable[[Any], None]]] = {
    Part.INDICES: ("indices", attrgetter("name"), _index),
    Part.STOCKS: ("stocks", attrgetter("symbol"), _stock),
    Part.BREADTH: ("breadth", attrgetter("scope"), _breadth),
}


class _Judged(NamedTuple):
    """A part's rows as last given, the rejected ones by position, and whether their keys
    were all distinct (no row could then be a repeat)."""

    rows: Sequence[Any]
    rejected: dict[int, Rejected]
    distinct: bool


class SanityCheck:
    """``check`` for a source's successive snapshots. Rows are frozen, and a provider hands
    back the same row object, in the same place, for a stock that has not traded since (the
    demo rebuilds a few hundred of 2,400 a refresh): so only the rebuilt rows are judged
    again, and the others keep their verdict. One per source: two sources in a process judge
    apart."""

    def __init__(self) -> None:
        self._last: dict[Part, _Judged] = {}

    def __call__(self, snapshot: Snapshot) -> Checked:
        """``snapshot`` without its insane rows, and the rows dropped (logged as warnings)."""
        changes: dict[str, tuple[Any, ...]] = {}
        errors = dict(snapshot.errors)
        rejected: list[Rejected] = []
        for part, (field, key_of, check_row) in _CHECKS.items():
            rows = getattr(snapshot, field)
            if not rows:
                self._last.pop(part, None)
                continue
            provider = snapshot.sources.get(part) or snapshot.provider
            judged = self._judge(part, rows, key_of, check_row, provider)
            self._last[part] = judged
            if not judged.rejected:
                continue
            dropped = [judged.rejected[i] for i in sorted(judged.rejected)]
            rejected += dropped
            changes[field] = kept = tuple(
                row for i, row in enumerate(rows) if i not in judged.rejected
            )
            if not kept and part not in errors:
                errors[part] = f"every row rejected ({len(dropped)}), e.g. {dropped[0]}"
        if not rejected:
            return Checked(snapshot, ())
        for item in rejected[:5]:
            log.warning("dropped a row: %s", item)
        if len(rejected) > 5:
            log.warning("dropped %d more rows", len(rejected) - 5)
        return Checked(replace(snapshot, errors=errors, **changes), tuple(rejected))

    def _judge(
        self,
        part: Part,
        rows: Sequence[Any],
        key_of: Callable[[Any], str],
        check_row: Callable[[Any], None],
        provider: str,
    ) -> _Judged:
        """Judge the rows rebuilt since the last call when every other row kept its place
        and every key did too (no repeat can appear then); otherwise every row."""

        def verdict(row: Any, key: str) -> Rejected | None:
            try:
                check_row(row)
            except _Bad as bad:
                return Rejected(provider, part, key, bad.field, bad.problem)
            return None

        last = self._last.get(part)
        if last is not None and last.distinct and len(last.rows) == len(rows):
            old = last.rows
            rebuilt = [i for i, row in enumerate(rows) if row is not old[i]]
            if all(key_of(rows[i]) == key_of(old[i]) for i in rebuilt):
                rejected = {i: bad for i, bad in last.rejected.items() if rows[i] is old[i]}
                for i in rebuilt:
                    if (bad := verdict(rows[i], key_of(rows[i]))) is not None:
                        rejected[i] = bad
                return _Judged(rows, rejected, distinct=True)
        rejected = {}
        keys: set[str] = set()
        kept_keys: set[str] = set()
        for i, row in enumerate(rows):
            key = key_of(row)
            keys.add(key)
            if (bad := verdict(row, key)) is not None:
                rejected[i] = bad
            elif key in kept_keys:
                rejected[i] = Rejected(provider, part, key, "row", "repeated; the first is kept")
            else:
                kept_keys.add(key)
        return _Judged(rows, rejected, distinct=len(keys) == len(rows))


def check(snapshot: Snapshot) -> Checked:
    """One snapshot judged whole (``capwatch doctor``): no memory of any other."""
    return SanityCheck()(snapshot)
