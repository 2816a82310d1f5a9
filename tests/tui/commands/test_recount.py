"""An independent recount of ``capwatch snapshot --format json`` with ``capwatch history``.

Everything here is recomputed from the printed output alone — the stocks' last and previous
closes, free-float caps and bands, and the daily closes — with plain arithmetic written from
the definitions in README "Analytics", not with capwatch's analytics code. Several seeds and
times of day. Tolerances are the rounding of the printed figures (2 decimals).
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import io
import itertools
import json
import math
from collections import defaultdict
from datetime import date

import pytest

from tui.cli import main

CASES = [
    ("7", "2026-02-11T11:30"),
    ("13", "2026-06-17T14:45"),
    ("21", "2026-11-20T10:05"),
    ("4", "2026-09-30T15:20"),
]
TICK = 0.05
#: One worker builds the markets (1-2 s each) for every test here (``--dist loadgroup``).
pytestmark = pytest.mark.xdist_group("recount markets")
SEGMENTS = ("large", "mid", "small", "micro")


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"seed{case[0]}-{case[1]}")
def market(request: pytest.FixtureRequest) -> tuple[dict, list[str], list[dict[str, str]]]:
    seed, start = request.param
    flags = ["--demo", "--seed", seed, "--start", start]

    snap_out, hist_out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(snap_out):
        assert main(["snapshot", *flags, "--format", "json"]) == 0
    with contextlib.redirect_stdout(hist_out):
        assert main(["history", *flags, "--stocks", "--days", "300"]) == 0
    reader = csv.DictReader(io.StringIO(hist_out.getvalue()))
    return json.loads(snap_out.getvalue()), list(reader.fieldnames or []), list(reader)


def by_segment(data: dict) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for stock in data["stocks"]:
        groups["all"].append(stock)
        groups[stock["segment"]].append(stock)
    return groups


def change(stock: dict) -> float:
    return (stock["last"] / stock["prev_close"] - 1) * 100


def prev_cap(stock: dict) -> float:
    return stock["ffmc"] * stock["prev_close"] / stock["last"]


def weighted(stocks: list[dict]) -> float:
    """Index methodology: weights are the free-float caps at the previous close."""
    return sum(prev_cap(s) * change(s) for s in stocks) / sum(prev_cap(s) for s in stocks)


def segment_of(data: dict, segment: str) -> dict:
    return next(s for s in data["segments"] if s["id"] == segment)


def test_breadth_movers_and_band_counts(market) -> None:
    data, _, _ = market
    for segment, stocks in by_segment(data).items():
        shown = segment_of(data, segment)
        up = [s for s in stocks if s["last"] > s["prev_close"]]
        down = [s for s in stocks if s["last"] < s["prev_close"]]
        assert (shown["advances"], shown["declines"], shown["unchanged"]) == (
            len(up),
            len(down),
            len(stocks) - len(up) - len(down),
        )
        gainers = sorted(up, key=lambda s: -change(s))[: len(shown["gainers"])]
        losers = sorted(down, key=change)[: len(shown["losers"])]
        assert [g["change_pct"] for g in shown["gainers"]] == [round(change(s), 2) for s in gainers]
        assert [g["change_pct"] for g in shown["losers"]] == [round(change(s), 2) for s in losers]
        assert len(shown["gainers"]) == min(10, len(up))

        def at_band(s: dict) -> bool:
            """At the exchange's limit price: the band around the previous close, rounded
            inwards to the 0.05 tick (``math.floor``/``ceil`` in ticks, float noise aside)."""
            band = s["band_pct"] / 100
            if s["last"] > s["prev_close"]:
                limit = math.floor(s["prev_close"] * (1 + band) / TICK + 1e-9) * TICK
                return s["last"] >= limit - 1e-9
            limit = math.ceil(s["prev_close"] * (1 - band) / TICK - 1e-9) * TICK
            return s["last"] <= limit + 1e-9

        assert shown["upper_band"] == sum(at_band(s) for s in up)
        assert shown["lower_band"] == sum(at_band(s) for s in down)


def test_segment_and_sector_change_use_previous_close_weights(market) -> None:
    data, _, _ = market
    for segment, stocks in by_segment(data).items():
        shown = segment_of(data, segment)
        assert shown["change_pct"] == pytest.approx(weighted(stocks), abs=0.006)
        sectors = defaultdict(list)
        for stock in stocks:
            sectors[stock["sector"]].append(stock)
        for row in shown["sectors"]:
            assert row["change_pct"] == pytest.approx(weighted(sectors[row["sector"]]), abs=0.006)


def test_segment_five_day_change_is_chain_linked(market) -> None:
    data, _, history = market
    groups = by_segment(data)
    for segment in SEGMENTS:
        stocks = groups[segment]
        growth = 1.0
        # closes 5, 4, 3 and 2 sessions back, then yesterday's (the previous close), then now;
        # each step weighted by the free-float caps at its start
        past = [{s["symbol"]: float(row[s["symbol"]]) for s in stocks} for row in history[-5:-1]]
        prev_close = {s["symbol"]: s["prev_close"] for s in stocks}
        last = {s["symbol"]: s["last"] for s in stocks}
        path = [*past, prev_close, last]
        shares = {s["symbol"]: s["ffmc"] / s["last"] for s in stocks}
        for before, after in itertools.pairwise(path):
            start = sum(shares[k] * before[k] for k in before)
            growth *= sum(shares[k] * after[k] for k in before) / start
        shown = segment_of(data, segment)["change_5d_pct"]
        assert shown == pytest.approx((growth - 1) * 100, abs=0.006)


def _on_or_before(history: list[dict[str, str]], day: date) -> dict[str, str]:
    return [row for row in history if date.fromisoformat(row["date"]) <= day][-1]


def test_index_day_five_day_month_and_ytd(market) -> None:
    data, columns, history = market
    today = date.fromisoformat(data["as_of"][:10])
    assert date.fromisoformat(history[-1]["date"]) < today
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    month_ago = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    for index in data["indices"]:
        name, last = index["name"], index["last"]
        assert name in columns
        assert float(history[-1][name]) == index["prev_close"]
        assert index["change_pct"] == pytest.approx(
            (last / index["prev_close"] - 1) * 100, abs=0.006
        )
        references = {
            "change_5d_pct": history[-5],
            "change_1m_pct": _on_or_before(history, month_ago),
            "change_ytd_pct": _on_or_before(history, date(today.year - 1, 12, 31)),
        }
        for key, row in references.items():
            expected = (last / float(row[name]) - 1) * 100
            assert index[key] == pytest.approx(expected, abs=0.006), (name, key)
