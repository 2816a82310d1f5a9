"""Alert rules: what each ``[[alerts]]`` table in the config means, and its checks.

Every rule has a stable ``id`` (it names the rule in the Alerts log and keys its fired state)
and a ``kind``:

- ``price``: a named stock's last price at or ``above``/``below`` a price;
- ``move``: a stock's day change at least ``pct`` percent (``direction`` up, down or either);
- ``band``: a stock at its price band (``side`` upper, lower or either: the circuit);
- ``breadth``: a segment's A/D ratio at or ``above``/``below`` a value;
- ``segment``: a segment's free-float-weighted day change at or ``above``/``below`` a percent;
- ``rating``: an analyst rating change today (``upgrades_only`` if asked);
- ``results``: results due or declared today.

Stock rules (all but ``breadth`` and ``segment``) look at ``symbols`` when given, else at the
watchlist as it is at each refresh. ``segment`` is one of all, large, mid, small, micro or
watch (the watched stocks taken together).

The config reader (``tui.settings.config``) checks unknown keys against ``keys_for`` and turns
a ``RuleError`` into its usual message naming the file, the key and the line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from msgspec import Struct

from providers.contract import Segment
from widgets.views import Scope, scope_of


class Kind(StrEnum):
    PRICE = "price"
    MOVE = "move"
    BAND = "band"
    BREADTH = "breadth"
    SEGMENT = "segment"
    RATING = "rating"
    RESULTS = "results"


class RuleError(ValueError):
    """A bad value in one rule: ``key`` is the key inside the ``[[alerts]]`` table."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


_COMMON = ("id", "kind")
_KEYS: Mapping[Kind, tuple[str, ...]] = {
    Kind.PRICE: ("symbol", "symbols", "above", "below"),
    Kind.MOVE: ("symbol", "symbols", "pct", "direction"),
    Kind.BAND: ("symbol", "symbols", "side"),
    Kind.BREADTH: ("segment", "above", "below"),
    Kind.SEGMENT: ("segment", "above", "below"),
    Kind.RATING: ("symbol", "symbols", "upgrades_only"),
    Kind.RESULTS: ("symbol", "symbols"),
}
STOCK_KINDS = frozenset({Kind.PRICE, Kind.MOVE, Kind.BAND, Kind.RATING, Kind.RESULTS})
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_SIDES = ("upper", "lower", "either")
_DIRECTIONS = ("up", "down", "either")


def keys_for(kind: Kind) -> tuple[str, ...]:
    """The keys a rule of ``kind`` may have."""
    return (*_COMMON, *_KEYS[kind])


class Rule(Struct, frozen=True):
    """One alert rule; see the module docstring for what each kind watches."""

    id: str
    kind: Kind
    symbols: tuple[str, ...] = ()  # stock rules: these stocks; empty = the watchlist
    segment: Scope = Segment.ALL
    above: float | None = None
    below: float | None = None
    pct: float | None = None
    direction: str = "either"  # move: up, down or either
    side: str = "either"  # band: upper, lower or either
    upgrades_only: bool = False

    def describe(self) -> str:
        """What the rule watches, in a few words (for ``capwatch alerts --check``)."""
        whose = ", ".join(self.symbols) if self.symbols else "watchlist"
        match self.kind:
            case Kind.PRICE:
                return f"{whose} price {_threshold(self, '')}"
            case Kind.MOVE:
                way = {"up": "up ", "down": "down ", "either": ""}[self.direction]
                return f"{whose} moving {way}{self.pct:g}% or more on the day"
            case Kind.BAND:
                side = "either" if self.side == "either" else f"the {self.side}"
                return f"{whose} at {side} price band"
            case Kind.BREADTH:
                return f"{self.segment.value} A/D ratio {_threshold(self, 'x')}"
            case Kind.SEGMENT:
                return f"{self.segment.value} day change {_threshold(self, '%')}"
            case Kind.RATING:
                what = "analyst upgrades" if self.upgrades_only else "analyst rating changes"
                return f"{what} on {whose}"
            case Kind.RESULTS:
                return f"results due or declared today for {whose}"


def _threshold(rule: Rule, unit: str) -> str:
    if rule.above is not None:
        return f"at or above {rule.above:g}{unit}"
    return f"at or below {rule.below:g}{unit}"


def build(table: Mapping[str, object]) -> Rule:
    """A ``Rule`` from one parsed ``[[alerts]]`` table whose keys are already known to be
    ``keys_for(kind)``; raises ``RuleError`` naming the key."""
    kind = parse_kind(table.get("kind"))
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
        raise RuleError(
            "id", f"expected a name of letters, digits, '-', '_' or '.', got {rule_id!r}"
        )
    values: dict[str, object] = {"id": rule_id, "kind": kind}
    if kind in STOCK_KINDS:
        values["symbols"] = _symbols(table)
        if kind is Kind.PRICE and not values["symbols"]:
            raise RuleError("symbol", "a price rule needs symbol or symbols")
    if "segment" in table:
        values["segment"] = _segment(table["segment"])
    if kind in (Kind.PRICE, Kind.BREADTH, Kind.SEGMENT):
        values.update(_one_threshold(table, positive=kind is not Kind.SEGMENT))
    if kind is Kind.MOVE:
        if "pct" not in table:
            raise RuleError("pct", "missing: the move in percent, e.g. pct = 5")
        values["pct"] = _number(table["pct"], "pct", positive=True)
        values["direction"] = _choice(table.get("direction", "either"), "direction", _DIRECTIONS)
    if kind is Kind.BAND:
        values["side"] = _choice(table.get("side", "either"), "side", _SIDES)
    if kind is Kind.RATING and "upgrades_only" in table:
        flag = table["upgrades_only"]
        if not isinstance(flag, bool):
            raise RuleError("upgrades_only", f"expected true or false, got {flag!r}")
        values["upgrades_only"] = flag
    return Rule(**values)  # type: ignore[arg-type]


def parse_kind(value: object) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        known = ", ".join(kind.value for kind in Kind)
        raise RuleError("kind", f"expected one of {known}, got {value!r}") from None


def _symbols(table: Mapping[str, object]) -> tuple[str, ...]:
    if "symbol" in table and "symbols" in table:
        raise RuleError("symbols", "give symbol or symbols, not both")
    if "symbol" in table:
        raw: object = [table["symbol"]]
        key = "symbol"
    else:
        raw, key = table.get("symbols", []), "symbols"
    if not isinstance(raw, list) or not all(isinstance(s, str) and s.strip() for s in raw):
        raise RuleError(
            key, f"expected {'a symbol' if key == 'symbol' else 'symbols'}, got {raw!r}"
        )
    return tuple(dict.fromkeys(s.strip().upper() for s in raw))


def _segment(value: object) -> Scope:
    if isinstance(value, str):
        try:
            return scope_of(value)
        except ValueError:
            pass
    raise RuleError("segment", f"expected all, large, mid, small, micro or watch, got {value!r}")


def _one_threshold(table: Mapping[str, object], *, positive: bool) -> dict[str, float]:
    given = [key for key in ("above", "below") if key in table]
    if len(given) != 1:
        raise RuleError("above", "give exactly one of above or below")
    key = given[0]
    return {key: _number(table[key], key, positive=positive)}


def _number(value: object, key: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleError(key, f"expected a number, got {value!r}")
    if positive and not value > 0:
        raise RuleError(key, f"must be > 0, got {value!r}")
    return float(value)


def _choice(value: object, key: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise RuleError(key, f"expected one of {', '.join(choices)}, got {value!r}")
    return str(value)
