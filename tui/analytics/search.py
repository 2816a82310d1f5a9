"""Go to any stock: rank every stock of a snapshot against what the user types.

Matches, best first (case-insensitive; ties keep snapshot order, i.e. the provider's order):

0. the symbol is the query;
1. the symbol starts with it;
2. a word of the name starts with it;
3. the symbol contains it;
4. the name contains it;
5. its letters appear in order in "symbol name" (fuzzy: ``hdfcbk`` finds HDFCBANK).

Each keystroke costs one pass of plain string tests over the candidates, and when the query
grows (the usual case: typing) only the previous matches are looked at again, since anything
matching the longer query matched the shorter one (every tier implies the fuzzy one). No numpy:
the finder imports this on the UI thread.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from msgspec import Struct

from providers.contract import StockQuote

_FUZZY = 5


class _Last(Struct, frozen=True):
    query: str
    matches: tuple[int, ...]  # positions matching ``query`` at any tier, in position order


class StockSearch:
    """A search over ``stocks``; ``find`` returns positions into it, best first."""

    def __init__(self, stocks: Sequence[StockQuote]) -> None:
        self.stocks = stocks
        self._symbols = [s.symbol.lower() for s in stocks]
        self._names = [" " + s.name.lower() for s in stocks]  # " " + word start = " query"
        self._both = [f"{sym} {name}" for sym, name in zip(self._symbols, self._names, strict=True)]
        self._last = _Last("", tuple(range(len(stocks))))

    def find(self, query: str, limit: int | None = 50) -> list[int]:
        """Positions of the stocks matching ``query``, best first, at most ``limit``; an
        empty query lists the stocks in order."""
        query = " ".join(query.lower().split())
        if not query:
            return list(range(len(self.stocks)))[:limit]
        last = self._last
        pool = last.matches if query.startswith(last.query) else range(len(self.stocks))
        fuzzy = re.compile(".*?".join(map(re.escape, query))).search
        word = " " + query
        symbols, names, both = self._symbols, self._names, self._both
        scored: list[tuple[int, int, int]] = []
        for i in pool:
            symbol = symbols[i]
            if query in symbol:
                tier = 0 if symbol == query else 1 if symbol.startswith(query) else 3
                if tier == 3 and word in names[i]:
                    tier = 2
            elif word in names[i]:
                tier = 2
            elif query in names[i]:
                tier = 4
            elif fuzzy(both[i]):
                tier = _FUZZY
            else:
                continue
            scored.append((tier, len(symbol), i))
        self._last = _Last(query, tuple(i for _, _, i in scored))
        scored.sort()
        return [i for _, _, i in scored[:limit]]
