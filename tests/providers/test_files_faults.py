"""File feeds against hostile rows: one bad row costs that row only, named by file and line
(issue 12, items 14, 16 and 18)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from providers.contract import Part
from tests.providers.test_files import fetch_with

HEADER = "symbol,from,to,source,at\n"
GOOD_1 = "KPITTECH,Hold,Buy,Motilal Oswal,2026-11-18\n"
GOOD_2 = "CAMS,,Buy,Jefferies,2026-11-19T10:15:00+05:30\n"


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


async def test_a_far_future_time_with_a_zone_skips_only_its_row(tmp_path: Path) -> None:
    bad = "TCS,Hold,Buy,X,9999-12-31T23:00:00-05:00\n"
    snap = await fetch_with(ratings=write(tmp_path, "r.csv", HEADER + GOOD_1 + bad + GOOD_2))
    assert [r.symbol for r in snap.ratings] == ["KPITTECH", "CAMS"]
    assert "r.csv: skipped 1 bad row(s): line 3, field 'at'" in snap.errors[Part.RATINGS]
    assert "out of range" in snap.errors[Part.RATINGS]


async def test_a_field_over_the_csv_limit_skips_only_its_line(tmp_path: Path) -> None:
    bad = "TCS,Hold,Buy," + "x" * 200_000 + ",2026-11-18\n"
    snap = await fetch_with(ratings=write(tmp_path, "r.csv", HEADER + GOOD_1 + bad + GOOD_2))
    assert [r.symbol for r in snap.ratings] == ["KPITTECH", "CAMS"]
    error = snap.errors[Part.RATINGS]
    assert "line 3: unreadable CSV: field larger than field limit" in error


async def test_an_unterminated_quote_says_so_and_keeps_the_rows_after_it(
    tmp_path: Path,
) -> None:
    bad = 'TCS,Hold,"Buy,X,2026-11-18\n'
    snap = await fetch_with(ratings=write(tmp_path, "r.csv", HEADER + GOOD_1 + bad + GOOD_2))
    assert [r.symbol for r in snap.ratings] == ["KPITTECH", "CAMS"]
    error = snap.errors[Part.RATINGS]
    assert 'line 3: unterminated quote: a " is never closed' in error
    assert "required but empty" not in error


async def test_a_quoted_multiline_field_is_still_fine(tmp_path: Path) -> None:
    multi = 'TCS,Hold,Buy,"Two\nlines",2026-11-18\n'
    snap = await fetch_with(ratings=write(tmp_path, "r.csv", HEADER + GOOD_1 + multi))
    assert [r.source for r in snap.ratings] == ["Motilal Oswal", "Two lines"]
    assert Part.RATINGS not in snap.errors


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


async def test_a_deeply_nested_json_item_skips_only_that_item(tmp_path: Path) -> None:
    good = {"symbol": "KPITTECH", "to": "Buy", "at": "2026-11-18"}
    text = "[" + json.dumps(good) + ', {"symbol": ' + _deep(50_000) + "}, "
    text += json.dumps({**good, "symbol": "CAMS"}) + "]"
    snap = await fetch_with(ratings=write(tmp_path, "r.json", text))
    assert [r.symbol for r in snap.ratings] == ["KPITTECH", "CAMS"]
    assert "r.json: skipped 1 bad row(s): item 2: nested too deeply" in snap.errors[Part.RATINGS]


async def test_a_deeply_nested_item_inside_the_object_form_too(tmp_path: Path) -> None:
    good = json.dumps({"symbol": "TCS", "date": "2026-11-25"})
    text = '{"note": "x", "earnings": [' + good + ", " + _deep(50_000) + "]}"
    snap = await fetch_with(earnings=write(tmp_path, "e.json", text))
    assert [e.symbol for e in snap.earnings] == ["TCS"]
    assert "item 2: nested too deeply" in snap.errors[Part.EARNINGS]


async def test_an_endless_url_feed_is_cut_off_at_the_cap() -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        yield HEADER.encode()
        while True:
            sent += 65536
            yield GOOD_1.encode() * (65536 // len(GOOD_1))

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless(), headers={"Content-Type": "text/csv"})

    snap = await fetch_with(
        ratings="https://research.example/ratings.csv", transport=httpx.MockTransport(handler)
    )
    assert "answer larger than 5 MB; ignored" in snap.errors[Part.RATINGS]
    assert sent < 6 * 1024 * 1024
