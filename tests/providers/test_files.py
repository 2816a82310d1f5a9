"""File feeds: CSV/JSON ratings and earnings from files and URLs, bad rows, reloads."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest

from providers.contract import IST, EarningsStatus, Part, RatingKind
from providers.files import FileFeedProvider, create, normalise_rating

FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=IST)


def feed(tmp_path: Path, name: str) -> str:
    """A private copy of a fixture, so a test may rewrite it."""
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return str(target)


async def fetch_with(**kwargs: object):
    provider = FileFeedProvider(now=lambda: NOW, **kwargs)  # type: ignore[arg-type]
    try:
        return await provider.fetch()
    finally:
        await provider.aclose()


async def test_csv_ratings_keep_good_rows_and_name_each_bad_one(tmp_path: Path) -> None:
    snap = await fetch_with(ratings=feed(tmp_path, "ratings.csv"))

    assert [r.symbol for r in snap.ratings] == ["KPITTECH", "CAMS", "TATAELXSI", "POLYCAB"]
    kpit, cams, elxsi, polycab = snap.ratings
    assert (kpit.from_rating, kpit.to_rating, kpit.source) == ("Hold", "Buy", "Motilal Oswal")
    assert kpit.kind is RatingKind.ANALYST
    assert kpit.at == datetime(2026, 11, 18, tzinfo=IST)
    assert cams.from_rating is None and cams.to_rating == "Buy"  # blank from = initiation
    assert elxsi.to_rating == "Sell" and elxsi.source == "ratings.csv"  # default source
    assert elxsi.at == datetime(2026, 11, 19, 21, 40, tzinfo=IST)  # UTC converted to IST
    assert (polycab.name, polycab.from_rating) == ("Polycab India, Ltd", "Hold")

    error = snap.errors[Part.RATINGS]
    assert "ratings.csv" in error and "skipped 3 bad row(s)" in error
    assert "line 6, field 'to': 'Maybe' is not a rating" in error
    assert "line 8, field 'at'" in error
    assert "line 9, field 'symbol'" in error
    assert snap.sources[Part.RATINGS] == "files"


async def test_json_list_ratings_tolerate_numbers_nulls_and_control_characters(
    tmp_path: Path,
) -> None:
    snap = await fetch_with(ratings=feed(tmp_path, "ratings.json"))

    dixon, reliance = snap.ratings
    assert dixon.symbol == "DIXON" and dixon.to_rating == "Hold"
    assert dixon.name == "Dixon Technologies"  # the escape sequence is gone, not just ESC
    assert dixon.at == datetime(2026, 11, 17, 10, tzinfo=IST)
    assert (reliance.symbol, reliance.from_rating, reliance.to_rating) == ("500325", None, "Buy")
    assert reliance.name == "Reliance Industries"
    error = snap.errors[Part.RATINGS]
    assert "item 3" in error and "item 4, field 'to'" in error


async def test_earnings_status_defaults_by_date_and_purpose_defaults(tmp_path: Path) -> None:
    snap = await fetch_with(earnings=feed(tmp_path, "earnings.csv"))

    by_symbol = {e.symbol: e for e in snap.earnings}
    assert set(by_symbol) == {"INFY", "KAYNES", "SUZLON", "PAST"}
    assert by_symbol["INFY"].status is EarningsStatus.DECLARED
    assert by_symbol["KAYNES"].status is EarningsStatus.UPCOMING
    assert by_symbol["KAYNES"].purpose == "Financial Results"
    assert by_symbol["SUZLON"].date == date(2026, 11, 23)
    assert by_symbol["SUZLON"].purpose == "Financial Results/Dividend"
    assert by_symbol["PAST"].status is EarningsStatus.DECLARED  # before today, no status
    assert "field 'status'" in snap.errors[Part.EARNINGS]


async def test_one_json_object_can_hold_both_parts(tmp_path: Path) -> None:
    path = feed(tmp_path, "combined.json")
    snap = await fetch_with(ratings=path, earnings=path)

    assert [(r.symbol, r.name) for r in snap.ratings] == [("KPITTECH", "KPITTECH")]
    assert [(e.symbol, e.date) for e in snap.earnings] == [
        ("KAYNES", date(2026, 11, 25)),
        ("INFY", date(2026, 10, 16)),
    ]
    assert dict(snap.errors) == {}
    assert dict(snap.sources) == {Part.RATINGS: "files", Part.EARNINGS: "files"}


async def test_missing_file_is_an_error_for_its_part_only(tmp_path: Path) -> None:
    snap = await fetch_with(
        ratings=str(tmp_path / "nowhere.csv"), earnings=feed(tmp_path, "earnings.csv")
    )

    assert snap.ratings == ()
    assert "nowhere.csv: file not found" in snap.errors[Part.RATINGS]
    assert Part.RATINGS not in snap.sources
    assert len(snap.earnings) == 4


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        ("wrong_columns.csv", "missing column(s) symbol, to, at"),
        ("consent_page.html", "HTML"),
    ],
)
async def test_unusable_file_is_reported_not_raised(
    tmp_path: Path, fixture: str, message: str
) -> None:
    snap = await fetch_with(ratings=feed(tmp_path, fixture))

    assert snap.ratings == ()
    assert message in snap.errors[Part.RATINGS]


async def test_truncated_json_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text((FIXTURES / "ratings.json").read_text()[:120])

    snap = await fetch_with(ratings=str(path))

    assert "not valid JSON" in snap.errors[Part.RATINGS]


async def test_file_is_reparsed_only_when_it_changes(tmp_path: Path) -> None:
    path = Path(feed(tmp_path, "combined.json"))
    provider = FileFeedProvider(ratings=str(path), now=lambda: NOW)
    try:
        first = await provider.fetch()
        second = await provider.fetch()
        assert second.ratings is first.ratings  # cached tuple: nothing re-read

        data = json.loads(path.read_text())
        data["ratings"][0]["to"] = "Strong Buy"
        path.write_text(json.dumps(data))
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        third = await provider.fetch()
        assert third.ratings[0].to_rating == "Strong Buy"

        path.unlink()
        fourth = await provider.fetch()
        assert fourth.ratings == () and "file not found" in fourth.errors[Part.RATINGS]
    finally:
        await provider.aclose()


class FeedServer:
    """An httpx.MockTransport handler serving one body with an ETag."""

    def __init__(self, body: str, status: int = 200, content_type: str = "text/csv") -> None:
        self.body, self.status, self.content_type = body, status, content_type
        self.requests: list[httpx.Request] = []
        self.sent_etags: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        etag = f'"{hash(self.body)}"'
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304)
        self.sent_etags.append(etag)
        headers = {"ETag": etag, "Content-Type": self.content_type}
        return httpx.Response(self.status, text=self.body, headers=headers)


async def test_url_feed_uses_etag_and_refresh_interval() -> None:
    server = FeedServer((FIXTURES / "ratings.csv").read_text(encoding="utf-8-sig"))
    clock = [0.0]
    provider = FileFeedProvider(
        ratings="https://research.example/feeds/ratings.csv",
        url_refresh_seconds=60,
        transport=httpx.MockTransport(server),
        now=lambda: NOW,
        monotonic=lambda: clock[0],
    )
    try:
        first = await provider.fetch()
        assert len(first.ratings) == 4 and "ratings.csv" in first.errors[Part.RATINGS]

        clock[0] = 30.0
        await provider.fetch()
        assert len(server.requests) == 1  # within the refresh interval: not asked again

        clock[0] = 90.0
        again = await provider.fetch()
        assert len(server.requests) == 2
        assert "if-none-match" not in server.requests[0].headers
        assert server.requests[1].headers["if-none-match"] == server.sent_etags[0]
        assert again.ratings == first.ratings

        server.body = server.body.replace("Hold,Buy,2026-11-18", "Hold,Strong Buy,2026-11-18")
        clock[0] = 200.0
        changed = await provider.fetch()
        assert changed.ratings[0].to_rating == "Strong Buy"
    finally:
        await provider.aclose()


async def test_url_feed_reports_html_and_http_errors() -> None:
    html = FeedServer((FIXTURES / "consent_page.html").read_text(), content_type="text/html")
    snap = await fetch_with(
        ratings="https://research.example/ratings", transport=httpx.MockTransport(html)
    )
    assert "HTML" in snap.errors[Part.RATINGS]

    gone = FeedServer("nope", status=404)
    snap = await fetch_with(
        ratings="https://research.example/ratings", transport=httpx.MockTransport(gone)
    )
    assert "HTTP 404" in snap.errors[Part.RATINGS]

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    snap = await fetch_with(
        ratings="https://research.example/ratings", transport=httpx.MockTransport(refuse)
    )
    assert "ConnectError" in snap.errors[Part.RATINGS]


@pytest.mark.parametrize(
    ("text", "grade"),
    [("strong buy", "Strong Buy"), ("Accumulate", "Buy"), ("NEUTRAL", "Hold"), ("Reduce", "Sell")],
)
def test_rating_synonyms(text: str, grade: str) -> None:
    assert normalise_rating(text) == grade


async def test_an_unset_feed_says_how_to_set_it(tmp_path: Path) -> None:
    snap = await fetch_with(earnings=feed(tmp_path, "earnings.csv"))

    assert "no ratings feed configured" in snap.errors[Part.RATINGS]
    assert "[providers.files]" in snap.errors[Part.RATINGS]
    assert len(snap.earnings) == 4 and Part.EARNINGS in snap.sources


def test_create_validates_settings() -> None:
    with pytest.raises(ValueError, match="unknown setting"):
        create({"ratings": "r.csv", "ratngs": "typo.csv"})
    with pytest.raises(ValueError, match=r"files\.earnings: expected a non-empty string"):
        create({"earnings": 5})
    assert create({}).parts == frozenset({Part.RATINGS, Part.EARNINGS})
