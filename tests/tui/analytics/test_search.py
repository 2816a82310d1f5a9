"""Go-to-any-stock ranking: exact, prefix, name word, contains, fuzzy; typing narrows
without changing the answer."""

from __future__ import annotations

import asyncio

from factories.snapshot import make_snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from providers.demo import create
from tui.analytics.search import StockSearch

BASE = make_snapshot().stocks[0]


def stocks(*pairs: tuple[str, str]):
    return tuple(replace(BASE, symbol=symbol, name=name) for symbol, name in pairs)


UNIVERSE = stocks(
    ("SBICARD", "SBI Cards and Payment"),
    ("HDFCBANK", "HDFC Bank"),
    ("BANKBARODA", "Bank of Baroda"),
    ("SBIN", "State Bank of India"),
    ("SBI", "Some Bharat Industries"),
    ("KARURVYSYA", "Karur Vysya Bank"),
    ("ICICIBANK", "ICICI Bank"),
)


def symbols(query: str) -> list[str]:
    return [UNIVERSE[i].symbol for i in StockSearch(UNIVERSE).find(query)]


def test_tiers_rank_exact_then_prefix_then_name_word_then_contains_then_fuzzy() -> None:
    assert symbols("sbi") == ["SBI", "SBIN", "SBICARD"]
    assert symbols("bank") == [
        "BANKBARODA",  # symbol prefix
        "SBIN",  # a name word "Bank", shorter symbols first
        "HDFCBANK",
        "ICICIBANK",
        "KARURVYSYA",
    ]
    assert symbols("hdfcbk") == ["HDFCBANK"]  # fuzzy: letters in order
    assert symbols("of india") == ["SBIN"]
    assert symbols("zzz") == []
    assert symbols("") == [s.symbol for s in UNIVERSE]


def test_limit() -> None:
    assert len(StockSearch(UNIVERSE).find("a", limit=2)) == 2


DEMO = asyncio.run(create({"seed": 3}).fetch()).stocks


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abdehikmnorstuv ", min_size=1, max_size=6))
def test_typing_narrows_to_the_same_answer_as_a_fresh_search(query: str) -> None:
    typing = StockSearch(DEMO)
    for end in range(1, len(query) + 1):
        typed = typing.find(query[:end], limit=None)
    assert typed == StockSearch(DEMO).find(query, limit=None)
