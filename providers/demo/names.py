"""Fictional company names and ticker symbols for the demo market.

Names are an invented, Indian-sounding stem ("Karova", "Vindhesh") plus a sector-typical
suffix ("Polychem", "Railtech"), so they read like a listing without naming a real company.
Stems are built from syllables rather than taken from a word list, which keeps them clearly
made up and gives thousands of distinct stems for large benchmark universes.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

# fmt: off
_HEADS = (
    "Vin", "Kar", "Sar", "Nil", "Tar", "Mir", "Dev", "Pra", "Sun", "Ar", "Ved", "Kes", "Jal",
    "Rav", "Amb", "Nav", "Sam", "Vas", "Hem", "Kal", "Shiv", "Tej", "Yash", "Ud", "Bhav", "Chand",
    "Dhan", "Ish", "Lak", "Om", "Pun", "Rish", "Sat", "Vir",
)
_TAILS = (
    "dhya", "mic", "ova", "ira", "esh", "anth", "ika", "ora", "ant", "ita", "ava", "endra",
    "isha", "oda", "unga", "ali", "eera", "atri", "ovan", "ayu",
)
#: Stems that are common given names or surnames: companies named after people are common,
#: so these are the stems most likely to collide with a real listing.
_PERSONAL = frozenset({
    "Ambika", "Arora", "Devika", "Kalika", "Samira", "Vinita", "Nilesh", "Hemant", "Vasant",
    "Sunita", "Sarita", "Vinesh", "Rishika", "Yashika", "Ishika", "Dhanesh", "Samant", "Hemali",
    "Sunanth", "Devesh", "Tejesh", "Kesava", "Ravindra", "Devendra", "Nilima", "Tarika", "Amita",
    "Lakisha", "Rishi", "Ishita", "Vinoda", "Karanth", "Hemanth", "Vasanth", "Samika", "Tejas",
})
# fmt: on


#: Every usable stem, and its upper-case form for symbols: fixed, so built once at import.
_STEMS: tuple[str, ...] = tuple(
    stem for stem in (head + tail for head in _HEADS for tail in _TAILS) if stem not in _PERSONAL
)
_STEMS_UPPER: tuple[str, ...] = tuple(stem.upper() for stem in _STEMS)


@functools.cache
def _suffix_parts(suffix: str) -> tuple[str, str]:
    """(first word, initials) of ``suffix`` in capitals, letters only: what symbols add to a
    stem. Sectors share a few dozen suffixes, so each is worked out once."""
    words = [w for w in suffix.replace("&", " ").split() if w]
    first = "".join(ch for ch in words[0].upper() if ch.isalpha())
    initials = "".join(w[0].upper() for w in words if w[0].isalpha())
    return first, initials


def _symbol_candidates(stem_up: str, suffix: str) -> tuple[str, ...]:
    """Ticker-like candidates, most natural first (NSE symbols are A-Z, at most 10 here)."""
    first, initials = _suffix_parts(suffix)
    return (
        (stem_up + first)[:10],
        (stem_up[:6] + first)[:10],
        (stem_up + initials)[:10],
        (stem_up[:5] + initials + first)[:10],
    )


def generate(
    rng: np.random.Generator, suffixes_per_company: Sequence[Sequence[str]]
) -> tuple[list[str], list[str]]:
    """One unique name and symbol per company; ``suffixes_per_company[i]`` are the
    suffixes typical of company ``i``'s sector. Deterministic for a given ``rng`` state."""
    used_names: set[str] = set()
    used_symbols: set[str] = set()
    names: list[str] = []
    symbols: list[str] = []
    for suffixes in suffixes_per_company:
        while True:
            pick = int(rng.integers(len(_STEMS)))
            stem = _STEMS[pick]
            suffix = suffixes[int(rng.integers(len(suffixes)))]
            name = f"{stem} {suffix}"
            if name not in used_names:
                break
        stem_up = _STEMS_UPPER[pick]
        symbol = next(
            (s for s in _symbol_candidates(stem_up, suffix) if s not in used_symbols), None
        )
        counter = 1
        while symbol is None:
            candidate = f"{stem_up[:8]}{counter}"
            symbol = candidate if candidate not in used_symbols else None
            counter += 1
        used_names.add(name)
        used_symbols.add(symbol)
        names.append(name)
        symbols.append(symbol)
    return names, symbols
