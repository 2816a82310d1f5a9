"""BSE provider against an httpx.MockTransport imitating api.bseindia.com (fixtures in
tests/fixtures/bse, real shapes with the traps: strings, commas, "-", "", null, "S&P " names,
HTML block page, 429 with Retry-After, truncated JSON)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest

from providers import registry
from providers.base import ProviderUnavailable
from providers.bse import BseProvider, create, index_key
from providers.contract import IST, EarningsStatus, Part, Segment

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bse"
NOW = datetime(2026, 11, 20, 16, 5, tzinfo=IST)


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def json_response(name: str) -> httpx.Response:
    return httpx.Response(200, content=body(name), headers={"Content-Type": "application/json"})


MOVERS = {
    ("gainer", "BSE SMALLCAP"): "gainers_smallcap.json",
    ("loser", "BSE SMALLCAP"): "losers_smallcap.json",
    ("gainer", "BSE MIDCAP"): "gainers_midcap.json",
    ("loser", "BSE MIDCAP"): "losers_midcap_new_name.json",
    ("loser", "S&P BSE MIDCAP"): "losers_midcap_old_name.json",
}


class FakeBse:
    """Answers like the BSE API; ``override`` lets a test replace one endpoint's answer."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.override: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.clock = 0.0
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(self.clock)
        endpoint = request.url.path.removeprefix("/BseIndiaAPI/api/")
        if endpoint in self.override:
            return self.override[endpoint](request)
        params = request.url.params
        if endpoint == "advanceDecline/w" and params.get("val") == "Index":
            return json_response("advance_decline.json")
        if endpoint == "MktRGainerLoserData/w":
            name = MOVERS.get((params["GLtype"], params["IndxGrpval"]))
            return json_response(name) if name else httpx.Response(200, json={"Table": []})
        if endpoint == "MktCapBoard/w" and (params["cat"], params["type"]) == ("1", "2"):
            return json_response("index_board_cat1.json")
        if endpoint == "Corpforthresults/w":
            assert (params["fromdate"], params["todate"]) == ("20261120", "20261204")
            return json_response("forthcoming_results.json")
        return httpx.Response(404, text="not here")

    async def sleep(self, seconds: float) -> None:
        self.clock += seconds


@pytest.fixture
def server() -> FakeBse:
    return FakeBse()


@pytest.fixture
async def bse(server: FakeBse):
    provider = BseProvider(
        transport=httpx.MockTransport(server),
        now=lambda: NOW,
        sleep=server.sleep,
        clock=lambda: server.clock,
        seed=1,
    )
    yield provider
    await provider.aclose()


async def test_index_levels_from_the_index_board(bse, server: FakeBse) -> None:
    snap = await bse.fetch([Part.INDICES])

    quotes = {q.name: q for q in snap.indices}
    assert set(quotes) == {"SENSEX", "BSE MIDCAP", "BSE SMALLCAP", "BSE 100"}  # 500: "-"
    small = quotes["BSE SMALLCAP"]
    assert (small.last, small.prev_close, small.change_pct) == (52655.40, 52112.85, 1.04)
    assert (small.segment, small.exchange) == (Segment.SMALL, "BSE")
    assert small.time == datetime(2026, 11, 20, 15, 30, tzinfo=IST)
    sensex = quotes["SENSEX"]
    assert (sensex.last, sensex.change_pct, sensex.segment) == (82187.35, 0.39, Segment.LARGE)
    assert (sensex.year_high, sensex.low) == (85978.25, 81802.4)
    assert quotes["BSE MIDCAP"].segment is Segment.MID
    assert snap.sources[Part.INDICES] == "bse"
    assert [r.url.params["cat"] for r in server.requests] == ["1"]  # one request a refresh


def test_an_index_board_without_rows_is_bad_payload() -> None:
    from providers.base import BadPayload
    from providers.bse import parse_index_board

    with pytest.raises(BadPayload, match="RealTime"):
        parse_index_board({"Table": []}, NOW)
    with pytest.raises(BadPayload, match="no row had a level"):
        parse_index_board({"RealTime": [{"IndexName": "S&P BSE SENSEX", "Curvalue": "-"}]}, NOW)


async def test_breadth_per_index_with_string_counts_and_names_normalised(bse) -> None:
    snap = await bse.fetch([Part.BREADTH])

    by_scope = {b.scope: b for b in snap.breadth}
    assert set(by_scope) == {"BSE SENSEX", "BSE SMALLCAP", "BSE 500"}  # "-"/"" row skipped
    small = by_scope["BSE SMALLCAP"]
    assert (small.advances, small.declines, small.unchanged) == (412, 1203, 27)
    assert by_scope["BSE 500"].unchanged == 3  # blank UC derived from TOTAL
    assert small.time == NOW
    assert snap.sources[Part.BREADTH] == "bse" and dict(snap.errors) == {}


async def test_movers_per_segment_from_both_index_spellings(bse, server: FakeBse) -> None:
    snap = await bse.fetch([Part.STOCKS])

    by_symbol = {q.symbol: q for q in snap.stocks}
    assert set(by_symbol) == {"EASEMYTRIP", "BLUEDART", "IDEA", "DRREDDY", "BHEL"}
    trip = by_symbol["EASEMYTRIP"]
    assert (trip.segment, trip.last, trip.prev_close, trip.change_pct) == (
        Segment.SMALL,
        18.45,
        16.77,
        10.02,
    )
    assert trip.volume == 23456789  # Indian digit grouping "2,34,56,789"
    assert trip.time == datetime(2026, 11, 20, 15, 59, 59, tzinfo=IST)
    assert by_symbol["BLUEDART"].last == 6512.30
    assert by_symbol["BLUEDART"].name == "Blue & Dart Express Ltd"
    assert by_symbol["BLUEDART"].time == NOW  # blank dt_tm
    assert by_symbol["BHEL"].segment is Segment.MID  # found under "S&P BSE MIDCAP"
    assert by_symbol["DRREDDY"].last == 1301.5  # numbers as numbers work too
    spellings = [
        r.url.params["IndxGrpval"] for r in server.requests if r.url.params.get("GLtype") == "loser"
    ]
    assert spellings.count("S&P BSE MIDCAP") == 1


async def test_results_calendar(bse) -> None:
    snap = await bse.fetch([Part.EARNINGS])

    assert [(e.symbol, e.name, e.date, e.status) for e in snap.earnings] == [
        ("RELIANCE", "Reliance Industries Ltd", date(2026, 11, 23), EarningsStatus.UPCOMING),
        ("532540", "Tata Consultancy Services Ltd", date(2026, 11, 25), EarningsStatus.UPCOMING),
    ]


async def test_sends_browser_headers_without_cookies(bse, server: FakeBse) -> None:
    await bse.fetch([Part.BREADTH])

    sent = server.requests[0].headers
    assert sent["Origin"] == "https://www.bseindia.com"
    assert sent["Referer"] == "https://www.bseindia.com/"
    assert "Mozilla" in sent["User-Agent"]
    assert "cookie" not in sent


async def test_requests_stay_within_the_budget(bse, server: FakeBse) -> None:
    await bse.fetch()

    gaps = [b - a for a, b in zip(server.times, server.times[1:], strict=False)]
    assert len(server.times) >= 7
    default = registry.builtin_spec("bse").defaults["requests_per_second"]
    assert min(gaps) >= 1 / default - 1e-9  # the declared default rate


async def test_a_refused_endpoint_fails_that_part_only(bse, server: FakeBse) -> None:
    server.override["advanceDecline/w"] = lambda _: httpx.Response(403, json={"error": "denied"})

    snap = await bse.fetch([Part.BREADTH, Part.EARNINGS])

    assert "HTTP 403 from advanceDecline/w" in snap.errors[Part.BREADTH]
    assert snap.breadth == () and len(snap.earnings) == 2
    assert Part.BREADTH not in snap.sources


async def test_access_restricted_page_pauses_the_whole_provider(bse, server: FakeBse) -> None:
    blocked = httpx.Response(
        403, content=body("access_restricted.html"), headers={"Content-Type": "text/html"}
    )
    for endpoint in (
        "MktCapBoard/w",
        "advanceDecline/w",
        "MktRGainerLoserData/w",
        "Corpforthresults/w",
    ):
        server.override[endpoint] = lambda _: blocked

    with pytest.raises(ProviderUnavailable, match="'Access Restricted'"):
        await bse.fetch()
    asked = len(server.requests)
    with pytest.raises(ProviderUnavailable, match="not asking again"):
        await bse.fetch()
    assert len(server.requests) == asked  # the cooldown keeps us off the site


async def test_html_instead_of_json_and_truncated_json_are_bad_payloads(
    bse, server: FakeBse
) -> None:
    server.override["advanceDecline/w"] = lambda _: httpx.Response(
        200, text="<html><title>BSE - Maintenance</title></html>"
    )
    server.override["Corpforthresults/w"] = lambda _: httpx.Response(
        200, content=body("forthcoming_results.json")[:150]
    )

    snap = await bse.fetch([Part.BREADTH, Part.EARNINGS, Part.STOCKS])

    assert "got an HTML page 'BSE - Maintenance'" in snap.errors[Part.BREADTH]
    assert "truncated JSON" in snap.errors[Part.EARNINGS]
    assert len(snap.stocks) == 5


async def test_429_with_retry_after_is_honoured(bse, server: FakeBse) -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "7"}), json_response("advance_decline.json")]
    )
    server.override["advanceDecline/w"] = lambda _: next(answers)

    snap = await bse.fetch([Part.BREADTH])

    assert len(snap.breadth) == 3
    assert server.times[1] - server.times[0] >= 7


async def test_every_part_failing_raises(bse, server: FakeBse) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    for endpoint in (
        "MktCapBoard/w",
        "advanceDecline/w",
        "MktRGainerLoserData/w",
        "Corpforthresults/w",
    ):
        server.override[endpoint] = timeout

    with pytest.raises(ProviderUnavailable, match="timed out"):
        await bse.fetch()


def test_index_names_match_with_the_sp_prefix_stripped() -> None:
    assert index_key("S&P BSE SmallCap") == index_key("BSE SMALLCAP") == "BSE SMALLCAP"
    assert index_key("  s&p  bse   midcap ") == "BSE MIDCAP"


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.bseindia.com",
        "https://api.bseindia.com/",
        "https://api.bseindia.com/BseIndiaAPI/api/",
    ],
)
def test_base_url_with_or_without_the_api_path(base_url: str) -> None:
    assert (
        create({"base_url": base_url}).http.base_url == "https://api.bseindia.com/BseIndiaAPI/api"
    )


async def test_configured_spelling_is_asked_first(server: FakeBse) -> None:
    provider = BseProvider(
        index_names={"BSE MIDCAP": "S&P BSE MIDCAP"},
        transport=httpx.MockTransport(server),
        now=lambda: NOW,
        sleep=server.sleep,
        clock=lambda: server.clock,
    )
    try:
        snap = await provider.fetch([Part.STOCKS])
    finally:
        await provider.aclose()

    loser_asks = [
        r.url.params["IndxGrpval"]
        for r in server.requests
        if r.url.params["GLtype"] == "loser" and "MIDCAP" in r.url.params["IndxGrpval"]
    ]
    assert loser_asks == ["S&P BSE MIDCAP"]  # found at once: no retry under "BSE MIDCAP"
    assert "BHEL" in {q.symbol for q in snap.stocks}


def test_create_checks_settings() -> None:
    with pytest.raises(ValueError, match=r"bse\.requests_per_second: must be 0\.01 to 8, got 10"):
        create({"requests_per_second": 10})
    with pytest.raises(ValueError, match="unknown setting"):
        create({"base_ur1": "http://127.0.0.1"})
    with pytest.raises(ValueError, match="mover_indices"):
        create({"mover_indices": {"BSE SMALLCAP": "tiny"}})
