"""The NSE provider on fixtures in the real shapes, over httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fakes.nse_server import TOTAL_MARKET, total_market_payload

from providers import registry
from providers.base import BadPayload, Provider, ProviderUnavailable
from providers.contract import IST, EarningsStatus, MarketPhase, Part, Segment
from providers.http import HttpSource, browser_headers, prime_with_page
from providers.nse import BASE_URL_ENV, NseProvider, NseSettings
from providers.nse import payloads as nse_payloads

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nse"
NOW = datetime(2026, 5, 27, 11, 55, tzinfo=IST)
ALL_PARTS = frozenset(
    {
        Part.INDICES,
        Part.STOCKS,
        Part.BREADTH,
        Part.STATUS,
        Part.EARNINGS,
        Part.FLOWS,
        Part.ANNOUNCEMENTS,
    }
)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


#: The short names the constituents endpoint wants since mid-2026 (allIndices indexSymbol).
SHORT = {
    "NIFTY 50": "NIFTY 50",
    "NIFTY MIDCAP 100": "NIFTY MIDCAP 100",
    "NIFTY SMALLCAP 250": "NIFTY SMLCAP 250",
    "NIFTY MICROCAP 250": "NIFTY MICROCAP250",
}


def constituents_fixture(index: str) -> Any:
    return fixture(f"constituents_{SHORT.get(index, index).replace(' ', '_')}.json")


def all_indices_without_breadth(*indices: str) -> Any:
    """allIndices with ``indices``' advances/declines blank (the case ``-adu`` is for; no
    recorded sample shows one, so it is made here rather than in the fixture)."""
    payload = fixture("allIndices_2026.json")
    for row in payload["data"]:
        if row["index"] in indices:
            row.update(advances="", declines="", unchanged="")
    return payload


Answer = Any  # a JSON-able payload, an httpx.Response, or a callable(request) -> either


class FakeNse:
    """Routes by path (and ``index`` param) to payloads; records requests; checks cookies."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.cookie = "first"
        self.routes: dict[str, Answer] = {
            "/api/allIndices": fixture("allIndices_2026.json"),
            "/api/marketStatus": fixture("marketStatus_open.json"),
            "/api/event-calendar": fixture("event_calendar.json"),
            "/api/corporates-financial-results": fixture("financial_results.json"),
            "/api/equity-stockIndices": httpx.Response(404, text="Not Found"),
            "/api/equity-stockIndices-adu": fixture("adu_NIFTY_SMLCAP_250.json"),
            "/api/holiday-master": fixture("holidays.json"),
            "/api/fiidiiTradeReact": fixture("fiidiiTradeReact.json"),
            "/api/corporate-announcements": fixture("corporate_announcements.json"),
            "/api/equity-stock-indices": {"data": [], "timestamp": "27-May-2026 11:54:31"},
        }
        for index, short in SHORT.items():
            self.routes[f"/api/equity-stock-indices?{short}"] = constituents_fixture(index)
        self.routes[f"/api/equity-stock-indices?{TOTAL_MARKET}"] = total_market_payload()

    def paths(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path.startswith("/content/indices/"):
            csv = FIXTURES / "archives" / path.rsplit("/", 1)[-1]
            if not csv.exists():
                return httpx.Response(404, html="<title>404 Not Found</title>")
            return httpx.Response(200, content=csv.read_bytes())
        if path == "/option-chain":
            cookie = f"nseappid={self.cookie}; Path=/; HttpOnly"
            return httpx.Response(200, html="<html></html>", headers={"Set-Cookie": cookie})
        if f"nseappid={self.cookie}" not in request.headers.get("Cookie", ""):
            return httpx.Response(401, json={"message": "unauthorised"})
        index = request.url.params.get("index")
        answer = self.routes.get(f"{path}?{index}", self.routes.get(path))
        if callable(answer) and not isinstance(answer, httpx.Response):
            answer = answer(request)
        if answer is None:
            return httpx.Response(404, text="Not Found")
        if isinstance(answer, httpx.Response):
            return answer
        return httpx.Response(200, json=answer)


class FakeSleep:
    """Records backoff waits; the request budget's millisecond spacing is not recorded."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    async def __call__(self, seconds: float) -> None:
        if seconds > 0.01:
            self.sleeps.append(seconds)


def make_provider(
    fake: FakeNse, sleep: FakeSleep | None = None, now: datetime = NOW, **settings: Any
) -> NseProvider:
    source = HttpSource(
        "nse",
        "https://www.nseindia.test",
        headers=browser_headers("https://www.nseindia.com/"),
        requests_per_second=1000,
        transport=httpx.MockTransport(fake),
        prime=prime_with_page("/option-chain"),
        sleep=sleep or FakeSleep(),
        seed=1,
    )
    archives = HttpSource(
        "nse archives",
        "https://nsearchives.nseindia.test",
        requests_per_second=1000,
        transport=httpx.MockTransport(fake),
        sleep=sleep or FakeSleep(),
    )
    return NseProvider(
        NseSettings.from_mapping(settings), source=source, archives=archives, now=lambda: now
    )


@pytest.fixture
def fake() -> FakeNse:
    return FakeNse()


# -- allIndices --------------------------------------------------------------------------------


async def test_indices_2026_generation(fake: FakeNse) -> None:
    snapshot = await make_provider(fake).fetch([Part.INDICES])
    quotes = {q.name: q for q in snapshot.indices}
    assert set(quotes) == {
        "NIFTY 50",
        "NIFTY MIDCAP 100",
        "NIFTY SMALLCAP 100",
        "NIFTY SMALLCAP 250",
        "NIFTY MICROCAP 250",
    }
    small = quotes["NIFTY SMALLCAP 100"]
    assert small.segment is Segment.SMALL
    assert small.last == 17950.25 and small.prev_close == 17696.35
    assert small.change_pct == pytest.approx(1.43)
    assert small.year_low is None  # "-"
    assert (small.advances, small.declines, small.unchanged) == (79, 21, 0)
    assert quotes["NIFTY SMALLCAP 100"].advances == 79
    assert quotes["NIFTY MICROCAP 250"].segment is Segment.MICRO
    assert small.time == datetime(2026, 5, 27, 11, 54, tzinfo=IST)  # 2026: no seconds
    assert snapshot.errors == {} and snapshot.sources == {Part.INDICES: "nse"}


async def test_2026_previous_day_is_never_the_previous_close(fake: FakeNse) -> None:
    """2026 rows: previousDay is the trade date, previousDayVal differs from previousClose."""
    payload = fixture("allIndices_2026.json")
    row = next(r for r in payload["data"] if r["index"] == "NIFTY 50")
    assert row["previousDayVal"] != row["previousClose"]
    row["previousClose"], row["percentChange"] = "-", 0.5
    fake.routes["/api/allIndices"] = payload
    provider = make_provider(fake)
    snapshot = await provider.fetch([Part.INDICES])
    nifty = next(q for q in snapshot.indices if q.name == "NIFTY 50")
    assert nifty.prev_close is None and nifty.change_pct == 0.5
    assert {level.label for level in provider.past_levels["NIFTY 50"]} == {
        "oneWeekAgo",
        "oneMonthAgo",
        "oneYearAgo",
    }
    month = next(lv for lv in provider.past_levels["NIFTY 50"] if lv.label == "oneMonthAgo")
    assert (month.on, month.level) == (date(2026, 4, 27), 24342.0)  # date30dAgo


async def test_past_levels_2026_generation_come_from_val_keys(fake: FakeNse) -> None:
    provider = make_provider(fake)
    await provider.fetch([Part.INDICES])
    nifty = {level.label: level for level in provider.past_levels["NIFTY 50"]}
    assert nifty["oneWeekAgo"].level == 24510.3
    assert nifty["oneWeekAgo"].on == date(2026, 5, 20)
    assert nifty["oneYearAgo"].on == date(2025, 5, 27)
    mid = {level.label: level.level for level in provider.past_levels["NIFTY MIDCAP 100"]}
    assert mid["oneWeekAgo"] == 55980.10  # "55,980.10"
    small = {level.label for level in provider.past_levels["NIFTY SMALLCAP 100"]}
    assert "oneYearAgo" not in small  # null level


async def test_past_levels_2023_generation_are_numbers_with_top_level_dates(
    fake: FakeNse,
) -> None:
    fake.routes["/api/allIndices"] = fixture("allIndices_2023.json")
    provider = make_provider(fake)
    snapshot = await provider.fetch([Part.INDICES])
    quotes = {q.name: q for q in snapshot.indices}
    assert set(quotes) == {"NIFTY 50", "NIFTY MIDCAP 100", "NIFTY SMALLCAP 100"}
    assert quotes["NIFTY SMALLCAP 100"].last == 13085.10  # "13,085.10"
    assert quotes["NIFTY 50"].advances == 23
    levels = {level.label: level for level in provider.past_levels["NIFTY SMALLCAP 100"]}
    assert levels["previousDay"].level == 13013.15
    assert levels["oneWeekAgo"].on == date(2023, 10, 9)
    assert levels["oneMonthAgo"].level == 13140.7
    nifty = {level.label: level.level for level in provider.past_levels["NIFTY 50"]}
    five_day = quotes["NIFTY 50"].last / nifty["oneWeekAgo"] - 1
    assert five_day == pytest.approx(19731.75 / 19653.5 - 1)


async def test_reference_closes_is_a_sparse_history_frame(fake: FakeNse) -> None:
    provider = make_provider(fake)
    assert provider.reference_closes().empty
    await provider.fetch([Part.INDICES])
    frame = provider.reference_closes()
    assert frame.index.is_monotonic_increasing
    assert frame.loc["2026-05-20", "NIFTY 50"] == 24510.3
    assert frame.loc["2026-04-27", "NIFTY SMALLCAP 100"] == 16914.95
    assert "2026-05-27" not in frame.index  # previousDay (the trade date) is no reference
    assert frame.index.tz is None


def test_all_indices_without_any_configured_index_is_bad_payload() -> None:
    payload = {"data": [{"index": "NIFTY IT", "last": 1.0}]}
    with pytest.raises(BadPayload, match="none of the configured indices") as caught:
        nse_payloads.parse_all_indices(payload, {"NIFTY 50": Segment.LARGE}, {}, NOW)
    assert caught.value.field == "data"


def test_all_indices_that_is_not_a_row_list_is_bad_payload() -> None:
    with pytest.raises(BadPayload) as caught:
        nse_payloads.parse_all_indices({"data": "oops"}, {"NIFTY 50": Segment.LARGE}, {}, NOW)
    assert caught.value.field == "data"


async def test_index_names_map_per_endpoint(fake: FakeNse) -> None:
    provider = make_provider(
        fake,
        segments={"Smallcap 100": "small"},
        constituents=["Smallcap 100"],
        index_names={
            "indices": {"Smallcap 100": "NIFTY SMLCAP 100"},
            "constituents": {"Smallcap 100": "NIFTY SMLCAP 250"},
            "adu": {"Smallcap 100": "NIFTY SMLCAP 250"},
        },
    )
    snapshot = await provider.fetch([Part.INDICES, Part.STOCKS])
    assert [q.name for q in snapshot.indices] == ["Smallcap 100"]
    assert snapshot.indices[0].last == 17950.25
    assert snapshot.members["Smallcap 100"] == ("ISGEC", "JWL", "TCIEXP")
    asked = fake.paths("/api/equity-stock-indices")[0].url.params["index"]
    assert asked == "NIFTY SMLCAP 250"


async def test_constituents_are_asked_by_the_index_symbol_all_indices_gives(
    fake: FakeNse,
) -> None:
    payload = fixture("allIndices_2026.json")
    for row in payload["data"]:  # a symbol the default map does not know: learnt, not guessed
        if row["index"] == "NIFTY SMALLCAP 250":
            row["indexSymbol"] = "NIFTY SML 250 NEW"
    fake.routes["/api/allIndices"] = payload
    fake.routes["/api/equity-stock-indices?NIFTY SML 250 NEW"] = constituents_fixture(
        "NIFTY SMALLCAP 250"
    )
    snapshot = await make_provider(fake, total_market="").fetch([Part.STOCKS])  # index by index
    asked = [r.url.params["index"] for r in fake.paths("/api/equity-stock-indices")]
    assert sorted(asked) == [
        "NIFTY 50",
        "NIFTY MICROCAP250",
        "NIFTY MIDCAP 100",
        "NIFTY SML 250 NEW",
    ]
    assert snapshot.members["NIFTY SMALLCAP 250"] == ("ISGEC", "JWL", "TCIEXP")
    assert fake.paths("/api/allIndices")  # asked first: it says the names
    assert not snapshot.errors


async def test_empty_constituents_are_retried_once_under_the_other_spelling(
    fake: FakeNse,
) -> None:
    fake.routes["/api/equity-stock-indices?NIFTY SMALLCAP 250"] = constituents_fixture(
        "NIFTY SMALLCAP 250"
    )
    del fake.routes["/api/equity-stock-indices?NIFTY SMLCAP 250"]
    provider = make_provider(fake, total_market="")  # index by index
    snapshot = await provider.fetch([Part.STOCKS])
    asked = [
        r.url.params["index"]
        for r in fake.paths("/api/equity-stock-indices")
        if "SMALL" in r.url.params["index"] or "SMLCAP" in r.url.params["index"]
    ]
    assert asked == ["NIFTY SMLCAP 250", "NIFTY SMALLCAP 250"]
    assert snapshot.members["NIFTY SMALLCAP 250"] == ("ISGEC", "JWL", "TCIEXP")
    await provider.fetch([Part.STOCKS])  # the spelling that worked is remembered
    assert len(fake.paths("/api/equity-stock-indices")) == (4 + 1) + 4


async def test_a_segment_with_no_constituents_under_either_name_is_an_error(
    fake: FakeNse,
) -> None:
    del fake.routes["/api/equity-stock-indices?NIFTY MICROCAP250"]
    snapshot = await make_provider(fake, total_market="").fetch([Part.STOCKS])
    error = snapshot.errors[Part.STOCKS]
    assert "NIFTY MICROCAP 250" in error
    assert "'NIFTY MICROCAP250'" in error and "then 'NIFTY MICROCAP 250'" in error
    assert "NIFTY MICROCAP 250" not in snapshot.members
    assert snapshot.stocks  # the other segments still show


# -- every member in one total-market call ------------------------------------------------------


def asked_for_members(fake: FakeNse) -> list[str]:
    return [r.url.params["index"] for r in fake.paths("/api/equity-stock-indices")]


async def test_one_total_market_call_fills_every_segment_from_the_lists(fake: FakeNse) -> None:
    snapshot = await make_provider(fake).fetch([Part.STOCKS, Part.STATUS])
    assert asked_for_members(fake) == ["NIFTY TOTAL MKT"]  # allIndices' indexSymbol
    segments = {s.symbol: s.segment for s in snapshot.stocks}
    assert segments["RELIANCE"] is Segment.LARGE
    assert segments["PERSISTENT"] is Segment.MID
    assert segments["ISGEC"] is Segment.SMALL
    assert segments["DANLAW"] is Segment.MICRO
    assert snapshot.members["NIFTY 50"] == ("RELIANCE", "LT", "INFY", "HDFCBANK", "ITC")  # list
    assert "ITC" not in segments  # a member without a price is listed, not quoted
    danlaw = next(s for s in snapshot.stocks if s.symbol == "DANLAW")  # a row without meta
    assert danlaw.name == "Danlaw Technologies India Ltd." and danlaw.sector != "Unknown"
    assert snapshot.status is not None and not fake.paths("/api/marketStatus")
    assert not snapshot.errors


async def test_a_refresh_costs_nse_two_calls_once_the_lists_are_kept(fake: FakeNse) -> None:
    provider = make_provider(fake)
    await provider.fetch(ALL_PARTS)
    before = len(fake.requests)
    snapshot = await provider.fetch(ALL_PARTS)
    again = [r.url.path for r in fake.requests[before:]]
    assert again == ["/api/allIndices", "/api/equity-stock-indices"]  # lists and calendar kept
    assert {b.scope for b in snapshot.breadth} == set(NseSettings().segments)  # no -adu needed
    assert not snapshot.errors


async def test_stocks_outside_the_configured_lists_are_left_out(fake: FakeNse) -> None:
    payload = total_market_payload()
    outsider = {**payload["data"][1], "symbol": "NEXTFIFTY", "identifier": "NEXTFIFTYEQN"}
    payload["data"].append(outsider)  # a NIFTY NEXT 50 stock: in no configured index
    fake.routes[f"/api/equity-stock-indices?{TOTAL_MARKET}"] = payload
    snapshot = await make_provider(fake).fetch([Part.STOCKS])
    assert "NEXTFIFTY" not in {s.symbol for s in snapshot.stocks}
    assert all("NEXTFIFTY" not in members for members in snapshot.members.values())


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(500, text="Internal Server Error"),
        {"data": [], "timestamp": "27-May-2026 11:54:31"},  # empty, under either spelling
    ],
    ids=["fails", "empty"],
)
async def test_each_index_is_asked_when_the_total_market_call_fails(
    fake: FakeNse, answer: Any
) -> None:
    fake.routes[f"/api/equity-stock-indices?{TOTAL_MARKET}"] = answer
    snapshot = await make_provider(fake).fetch([Part.STOCKS])
    asked = asked_for_members(fake)
    assert asked[-4:] == ["NIFTY 50", "NIFTY MIDCAP 100", "NIFTY SMLCAP 250", "NIFTY MICROCAP250"]
    assert {s.segment for s in snapshot.stocks} == {
        Segment.LARGE,
        Segment.MID,
        Segment.SMALL,
        Segment.MICRO,
    }
    assert not snapshot.errors


async def test_an_index_whose_listed_members_the_answer_lacks_is_asked_itself(
    fake: FakeNse,
) -> None:
    payload = total_market_payload()
    payload["data"] = [row for row in payload["data"] if row["symbol"] != "DANLAW"]  # capped?
    fake.routes[f"/api/equity-stock-indices?{TOTAL_MARKET}"] = payload
    snapshot = await make_provider(fake).fetch([Part.STOCKS])
    assert asked_for_members(fake) == ["NIFTY TOTAL MKT", "NIFTY MICROCAP250"]
    assert "DANLAW" in {s.symbol for s in snapshot.stocks}
    assert snapshot.members["NIFTY MICROCAP 250"] == ("DANLAW", "BLKASHYAP", "ISGEC")


async def test_a_listed_member_nse_leaves_out_everywhere_costs_one_extra_call_once(
    fake: FakeNse,
) -> None:
    """A suspended stock, say: missing from the index's own answer too, so not a capped one."""
    for route in (
        f"/api/equity-stock-indices?{TOTAL_MARKET}",
        "/api/equity-stock-indices?NIFTY 50",
    ):
        payload = fake.routes[route]
        payload["data"] = [row for row in payload["data"] if row["symbol"] != "HDFCBANK"]
    provider = make_provider(fake)
    first = await provider.fetch([Part.STOCKS])
    assert asked_for_members(fake) == ["NIFTY TOTAL MKT", "NIFTY 50"]
    second = await provider.fetch([Part.STOCKS])
    assert asked_for_members(fake)[2:] == ["NIFTY TOTAL MKT"]
    assert (
        first.members["NIFTY 50"]
        == second.members["NIFTY 50"]
        == (
            "RELIANCE",
            "LT",
            "INFY",
            "ITC",
        )
    )


async def test_without_the_lists_each_index_is_asked(fake: FakeNse) -> None:
    """No membership to cut the total market by: the per-index answers say the segments."""
    provider = make_provider(fake, constituent_lists={i: "gone.csv" for i in SHORT})
    snapshot = await provider.fetch([Part.STOCKS])
    assert TOTAL_MARKET not in asked_for_members(fake)
    assert len(asked_for_members(fake)) == 4
    assert {s.segment for s in snapshot.stocks} >= {Segment.LARGE, Segment.MICRO}


# -- constituents ------------------------------------------------------------------------------


async def test_constituents_new_shape(fake: FakeNse) -> None:
    snapshot = await make_provider(fake).fetch([Part.STOCKS])
    stocks = {s.symbol: s for s in snapshot.stocks}
    assert "NIFTY 50" not in stocks  # the priority-1 row is the index itself
    assert snapshot.members["NIFTY 50"] == ("RELIANCE", "LT", "INFY", "HDFCBANK", "ITC")
    assert "ITC" not in stocks  # lastPrice "-"
    reliance = stocks["RELIANCE"]
    assert reliance.name == "Reliance Industries Limited"
    assert reliance.sector == "Oil Gas & Consumable Fuels"  # the list's: one taxonomy
    assert reliance.segment is Segment.LARGE
    assert reliance.ffmc == pytest.approx(945234.5678901)  # rupees -> crore
    assert reliance.time == datetime(2026, 5, 27, 11, 54, 23, tzinfo=IST)
    lt = stocks["LT"]
    assert lt.name == "Larsen & Toubro Limited"
    assert (lt.last, lt.prev_close, lt.volume) == (3648.20, 3610.40, 1234567)
    # INFY has no meta: name and industry come from the constituent list (CSV)
    assert (
        stocks["INFY"].name == "Infosys Ltd." and stocks["INFY"].sector == "Information Technology"
    )
    assert stocks["HDFCBANK"].ffmc is None
    assert stocks["TCIEXP"].name == "TCI Express Limited"  # OSC sequence stripped
    assert stocks["TCIEXP"].sector == "Services"  # industry "" in meta: the list's
    assert stocks["PERSISTENT"].segment is Segment.MID
    danlaw = stocks["DANLAW"]  # the microcap index sends no meta at all
    assert (danlaw.name, danlaw.sector) == (
        "Danlaw Technologies India Ltd.",
        "Information Technology",
    )
    lists = [r.url.path for r in fake.requests if r.url.path.startswith("/content/")]
    assert sorted(lists) == [
        "/content/indices/ind_nifty50list.csv",
        "/content/indices/ind_niftymicrocap250_list.csv",
        "/content/indices/ind_niftymidcap100list.csv",
        "/content/indices/ind_niftysmallcap250list.csv",
    ]


async def test_constituent_lists_are_fetched_at_most_daily_and_kept_in_the_cache(
    fake: FakeNse,
) -> None:
    clock = {"now": NOW}
    provider = make_provider(fake)
    provider._now = lambda: clock["now"]
    provider._lists._now = lambda: clock["now"]
    await provider.fetch([Part.STOCKS])
    clock["now"] = NOW + timedelta(hours=23)
    await provider.fetch([Part.STOCKS])
    lists = [r for r in fake.requests if r.url.path.startswith("/content/")]
    assert len(lists) == 4
    fresh = make_provider(fake)  # a restart: the lists come from the cache, not the host
    fresh.use_text_cache(provider.text_cache)
    snapshot = await fresh.fetch([Part.STOCKS])
    assert len([r for r in fake.requests if r.url.path.startswith("/content/")]) == 4
    assert {s.symbol: s.name for s in snapshot.stocks}["DANLAW"] == "Danlaw Technologies India Ltd."


async def test_no_constituent_list_leaves_bare_symbols_without_failing_stocks(
    fake: FakeNse,
) -> None:
    provider = make_provider(fake, constituent_lists={"NIFTY MICROCAP 250": "missing.csv"})
    snapshot = await provider.fetch([Part.STOCKS])
    assert not snapshot.errors
    assert {s.symbol: s.name for s in snapshot.stocks}["DANLAW"] == "DANLAW"


async def test_a_stock_in_several_indices_takes_the_largest_cap_segment(fake: FakeNse) -> None:
    snapshot = await make_provider(fake).fetch([Part.STOCKS])
    stocks = {s.symbol: s for s in snapshot.stocks}
    assert "ISGEC" in snapshot.members["NIFTY MICROCAP 250"]
    assert "ISGEC" in snapshot.members["NIFTY SMALLCAP 250"]
    assert stocks["ISGEC"].segment is Segment.SMALL
    assert stocks["DANLAW"].segment is Segment.MICRO
    assert [s.symbol for s in snapshot.stocks].count("ISGEC") == 1


async def test_constituents_fall_back_to_the_old_endpoint_and_shape(fake: FakeNse) -> None:
    fake.routes["/api/equity-stock-indices"] = httpx.Response(404, text="Not Found")
    fake.routes["/api/equity-stockIndices?NIFTY SMLCAP 100"] = fixture(
        "constituents_old_NIFTY_SMALLCAP_100.json"
    )
    provider = make_provider(
        fake,
        constituents=["NIFTY SMALLCAP 100"],
        index_names={"constituents": {"NIFTY SMALLCAP 100": "NIFTY SMLCAP 100"}},
    )
    snapshot = await provider.fetch([Part.STOCKS])
    assert len(fake.paths("/api/equity-stock-indices")) == 1
    assert len(fake.paths("/api/equity-stockIndices")) == 1
    stocks = {s.symbol: s for s in snapshot.stocks}
    assert set(stocks) == {"DANLAW", "M&M FIN", "SIKA"}
    assert stocks["DANLAW"].name == "Danlaw Technologies India Ltd"
    assert stocks["DANLAW"].time == datetime(2025, 1, 1, 15, 59, 50, tzinfo=IST)
    mmfin = stocks["M&M FIN"]
    assert mmfin.name == "Mahindra & Mahindra Financial Services Limited"
    assert (mmfin.last, mmfin.volume, mmfin.ffmc) == (274.85, 3456789, None)
    assert stocks["SIKA"].volume == 0 and stocks["SIKA"].sector == "Unknown"
    assert all(s.segment is Segment.SMALL for s in stocks.values())


def test_old_shape_carries_breadth_in_its_advance_block() -> None:
    payload = fixture("constituents_old_NIFTY_SMALLCAP_100.json")
    result = nse_payloads.parse_constituents(
        payload, "NIFTY SMALLCAP 100", Segment.SMALL, "NIFTY SMLCAP 100", NOW
    )
    assert result.breadth is not None
    assert (result.breadth.advances, result.breadth.declines, result.breadth.unchanged) == (
        65,
        34,
        1,
    )


def test_rows_without_priority_are_told_apart_by_the_index_name() -> None:
    payload = {
        "name": "NIFTY SMLCAP 100",
        "data": [
            {"symbol": "NIFTY SMLCAP 100", "lastPrice": 1.0},
            {"symbol": "ABC", "lastPrice": "10"},
        ],
    }
    result = nse_payloads.parse_constituents(
        payload, "NIFTY SMALLCAP 100", Segment.SMALL, "NIFTY SMALLCAP 100", NOW
    )
    assert result.symbols == ("ABC",)


def test_a_broad_index_segments_its_stocks_by_free_float_rank() -> None:
    rows = [
        {"priority": 0, "symbol": f"S{i:03}", "lastPrice": 10, "ffmc": (300 - i) * 1e9}
        for i in range(1, 300)
    ]
    payload = {"data": [{"priority": 1, "symbol": "NIFTY 500", "lastPrice": 1}, *rows]}
    result = nse_payloads.parse_constituents(payload, "NIFTY 500", Segment.ALL, "NIFTY 500", NOW)
    segment = {s.symbol: s.segment for s in result.stocks}
    assert segment["S001"] is Segment.LARGE and segment["S100"] is Segment.LARGE
    assert segment["S101"] is Segment.MID and segment["S250"] is Segment.MID
    assert segment["S251"] is Segment.SMALL


def test_constituents_without_stock_rows_is_bad_payload_naming_the_name_sent() -> None:
    payload = {"data": [{"priority": 1, "symbol": "NIFTY 50", "lastPrice": 1}]}
    with pytest.raises(BadPayload, match="no constituents for NIFTY 50"):
        nse_payloads.parse_constituents(payload, "NIFTY 50", Segment.LARGE, "NIFTY 50", NOW)
    with pytest.raises(BadPayload, match="sent as 'NIFTY SMLCAP 250'"):
        nse_payloads.parse_constituents(
            {"data": []}, "NIFTY SMALLCAP 250", Segment.SMALL, "NIFTY SMLCAP 250", NOW
        )


# -- breadth -----------------------------------------------------------------------------------


async def test_breadth_uses_all_indices_then_adu_only_where_missing(fake: FakeNse) -> None:
    fake.routes["/api/allIndices"] = all_indices_without_breadth("NIFTY SMALLCAP 250")
    snapshot = await make_provider(fake).fetch([Part.BREADTH])
    breadth = {b.scope: b for b in snapshot.breadth}
    assert (breadth["NIFTY 50"].advances, breadth["NIFTY 50"].declines) == (37, 13)
    small250 = breadth["NIFTY SMALLCAP 250"]
    assert (small250.advances, small250.declines, small250.unchanged) == (171, 77, 2)
    adu = fake.paths("/api/equity-stockIndices-adu")
    assert [r.url.params["index"] for r in adu] == ["NIFTY SMLCAP 250"]  # the short name
    assert not fake.paths("/api/equity-stock-indices")  # breadth alone needs no constituents


async def test_breadth_survives_a_truncated_all_indices(fake: FakeNse) -> None:
    fake.routes["/api/allIndices"] = httpx.Response(
        200,
        content=b'{"data": [{"index": "NIFTY 50", "last": 248',
        headers={"Content-Type": "application/json"},
    )
    snapshot = await make_provider(fake).fetch([Part.INDICES, Part.BREADTH])
    assert "truncated JSON" in snapshot.errors[Part.INDICES]
    assert Part.BREADTH not in snapshot.errors
    assert len(fake.paths("/api/equity-stockIndices-adu")) == 5
    assert {b.scope for b in snapshot.breadth} == set(NseSettings().segments)
    assert snapshot.sources == {Part.BREADTH: "nse"}


def test_adu_without_counts_is_bad_payload() -> None:
    with pytest.raises(BadPayload) as caught:
        nse_payloads.parse_adu({"advances": "-", "declines": ""}, "NIFTY 50", NOW)
    assert caught.value.field == "advances"


# -- market status ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "phase", "message"),
    [
        ("marketStatus_open.json", MarketPhase.OPEN, "Normal Market is Open"),
        ("marketStatus_closed_cm.json", MarketPhase.CLOSED, "Normal Market has Closed"),
        ("marketStatus_preopen.json", MarketPhase.PRE_OPEN, "Pre-Open Session is Open"),
    ],
)
async def test_market_status(fake: FakeNse, name: str, phase: MarketPhase, message: str) -> None:
    fake.routes["/api/marketStatus"] = fixture(name)
    snapshot = await make_provider(fake).fetch([Part.STATUS])
    assert snapshot.status is not None
    assert (snapshot.status.phase, snapshot.status.message) == (phase, message)


def test_market_status_without_the_cash_market_is_bad_payload() -> None:
    payload = {"marketState": [{"market": "Currency", "marketStatus": "Open"}]}
    with pytest.raises(BadPayload, match="Capital Market"):
        nse_payloads.parse_market_status(payload, NOW)


def test_market_status_with_an_unknown_status_is_bad_payload() -> None:
    payload = {"marketState": [{"market": "CM", "marketStatus": "Suspended?"}]}
    with pytest.raises(BadPayload, match="Suspended"):
        nse_payloads.parse_market_status(payload, NOW)


# -- earnings ----------------------------------------------------------------------------------


async def test_earnings_window_purpose_filter_and_declared_today(fake: FakeNse) -> None:
    snapshot = await make_provider(fake).fetch([Part.EARNINGS])
    calendar = fake.paths("/api/event-calendar")[0].url.params
    assert (calendar["from_date"], calendar["to_date"]) == ("27-05-2026", "26-06-2026")
    results = fake.paths("/api/corporates-financial-results")[0].url.params
    assert (results["from_date"], results["to_date"]) == ("24-05-2026", "27-05-2026")  # a window
    events = {(e.symbol, e.status): e for e in snapshot.earnings}
    assert set(events) == {
        ("TCIEXP", EarningsStatus.DECLARED),
        ("ISGEC", EarningsStatus.DECLARED),  # two filings (standalone, consolidated): one event
        ("JWL", EarningsStatus.DECLARED),  # filed yesterday evening
        ("JWL", EarningsStatus.UPCOMING),
        ("BLKASHYAP", EarningsStatus.UPCOMING),
        ("SHRIADHI", EarningsStatus.UPCOMING),
    }  # DHUNINV is a dividend, SIKA has date "-", OLDCO filed last week
    assert events["JWL", EarningsStatus.UPCOMING].date == date(2026, 5, 29)
    assert events["JWL", EarningsStatus.DECLARED].date == date(2026, 5, 26)
    assert events["BLKASHYAP", EarningsStatus.UPCOMING].purpose == "Financial Results/Dividend"
    assert events["TCIEXP", EarningsStatus.DECLARED].name == "TCI Express Limited"  # "comp"
    assert snapshot.fetched[Part.EARNINGS] == NOW


async def test_the_results_calendar_is_asked_hourly_not_every_refresh(fake: FakeNse) -> None:
    clock = {"now": NOW}
    provider = make_provider(fake)
    provider._calendar._now = lambda: clock["now"]
    for minutes in (0, 10, 59):
        clock["now"] = NOW + timedelta(minutes=minutes)
        snapshot = await provider.fetch([Part.EARNINGS])
        assert snapshot.fetched[Part.EARNINGS] == NOW  # the age the pane shows
    assert len(fake.paths("/api/event-calendar")) == 1
    clock["now"] = NOW + timedelta(minutes=61)
    await provider.fetch([Part.EARNINGS])
    assert len(fake.paths("/api/event-calendar")) == 2
    assert len(fake.paths("/api/corporates-financial-results")) == 2


def test_event_calendar_drops_days_outside_the_window() -> None:
    events = nse_payloads.parse_event_calendar(
        fixture("event_calendar.json"), date(2026, 5, 28), date(2026, 6, 1)
    )
    assert {e.symbol for e in events} == {"JWL", "BLKASHYAP"}


async def test_earnings_survive_one_endpoint_timing_out(fake: FakeNse) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    fake.routes["/api/corporates-financial-results"] = timeout
    snapshot = await make_provider(fake).fetch([Part.EARNINGS])
    assert Part.EARNINGS not in snapshot.errors
    assert {e.status for e in snapshot.earnings} == {EarningsStatus.UPCOMING}


async def test_earnings_error_when_both_endpoints_time_out(fake: FakeNse) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    fake.routes["/api/corporates-financial-results"] = timeout
    fake.routes["/api/event-calendar"] = timeout
    snapshot = await make_provider(fake).fetch([Part.EARNINGS, Part.STATUS])
    assert "timed out" in snapshot.errors[Part.EARNINGS]
    assert snapshot.status is not None


# -- failures across parts ---------------------------------------------------------------------


async def test_one_failing_endpoint_leaves_the_others_filled(fake: FakeNse) -> None:
    fake.routes["/api/event-calendar"] = httpx.Response(500, text="oops")
    fake.routes["/api/corporates-financial-results"] = httpx.Response(500, text="oops")
    sleep = FakeSleep()
    snapshot = await make_provider(fake, sleep).fetch()
    assert set(snapshot.errors) == {Part.EARNINGS}
    assert "HTTP 500" in snapshot.errors[Part.EARNINGS]
    assert len(fake.paths("/api/event-calendar")) == 4  # first try + 3 retries
    assert snapshot.indices and snapshot.stocks and snapshot.breadth and snapshot.status
    assert set(snapshot.sources) == ALL_PARTS - {Part.EARNINGS}
    assert snapshot.earnings == ()


async def test_status_comes_from_the_constituents_answer_without_a_request(
    fake: FakeNse,
) -> None:
    snapshot = await make_provider(fake).fetch([Part.STOCKS, Part.STATUS])
    assert snapshot.status is not None and snapshot.status.phase is MarketPhase.OPEN
    assert not fake.paths("/api/marketStatus")
    alone = await make_provider(fake).fetch([Part.STATUS])  # no constituents asked: the endpoint
    assert alone.status is not None and len(fake.paths("/api/marketStatus")) == 1


async def test_html_instead_of_json_names_the_body(fake: FakeNse) -> None:
    consent = httpx.Response(200, html="<html><title>Consent required</title></html>")
    for path in [p for p in fake.routes if p.startswith("/api/equity-stock-indices")]:
        fake.routes[path] = consent
    snapshot = await make_provider(fake).fetch([Part.STOCKS, Part.INDICES])
    assert "'<body>'" in snapshot.errors[Part.STOCKS]
    assert "Consent required" in snapshot.errors[Part.STOCKS]
    assert snapshot.indices


async def test_access_restricted_everywhere_raises(fake: FakeNse) -> None:
    blocked = httpx.Response(
        403,
        content=(FIXTURES / "access_restricted.html").read_bytes(),
        headers={"Content-Type": "text/html"},
    )
    for path in list(fake.routes):
        fake.routes[path] = blocked
    fake.routes["/api/equity-stock-indices"] = blocked
    with pytest.raises(ProviderUnavailable, match="Access Restricted"):
        await make_provider(fake).fetch()


async def test_401_reprimes_then_fetch_succeeds(fake: FakeNse) -> None:
    provider = make_provider(fake)
    await provider.fetch([Part.STATUS])
    fake.cookie = "rotated"
    snapshot = await provider.fetch([Part.STATUS])
    assert snapshot.status is not None and not snapshot.errors
    assert len(fake.paths("/option-chain")) == 2


async def test_429_with_retry_after_then_success(fake: FakeNse) -> None:
    answers = [httpx.Response(429, headers={"Retry-After": "4"}), fixture("marketStatus_open.json")]
    fake.routes["/api/marketStatus"] = lambda request: answers.pop(0)
    sleep = FakeSleep()
    snapshot = await make_provider(fake, sleep).fetch([Part.STATUS])
    assert snapshot.status is not None
    assert sleep.sleeps == [4.0]


async def test_429_beyond_patience_is_reported_with_retry_after(fake: FakeNse) -> None:
    fake.routes["/api/marketStatus"] = httpx.Response(429, headers={"Retry-After": "600"})
    with pytest.raises(Exception, match="Retry-After 600 s") as caught:
        await make_provider(fake).fetch([Part.STATUS])
    assert getattr(caught.value, "retry_after", None) == 600.0


# -- history and holidays ----------------------------------------------------------------------


def history_handler(requests: list[dict[str, str]]) -> Callable[[httpx.Request], httpx.Response]:
    """indicesHistory for any window: weekday rows, newest first, "15-DEC-2025" dates."""

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        requests.append(params)
        first = datetime.strptime(params["from"], "%d-%m-%Y").date()
        last = datetime.strptime(params["to"], "%d-%m-%Y").date()
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        rows = [
            {
                "EOD_INDEX_NAME": params["indexType"],
                "EOD_CLOSE_INDEX_VAL": f"{10000 + d.toordinal() % 1000:,.2f}",
                "EOD_TIMESTAMP": d.strftime("%d-%b-%Y").upper(),
            }
            for d in reversed(days)
            if d.weekday() < 5
        ]
        return httpx.Response(200, json={"data": rows})

    return handler


async def test_history_fetches_in_chunks_of_at_most_365_days(fake: FakeNse) -> None:
    asked: list[dict[str, str]] = []
    fake.routes["/api/historicalOR/indicesHistory"] = history_handler(asked)
    provider = make_provider(fake)
    frame = await provider.history(["NIFTY SMALLCAP 100"], days=400)
    windows = [
        (
            datetime.strptime(p["from"], "%d-%m-%Y").date(),
            datetime.strptime(p["to"], "%d-%m-%Y").date(),
        )
        for p in asked
    ]
    assert len(windows) == 2
    assert all((last - first).days < 365 for first, last in windows)
    assert windows[0][1] == NOW.date()
    assert windows[1][1] == windows[0][0] - timedelta(days=1)  # contiguous, no overlap
    assert {p["indexType"] for p in asked} == {"NIFTY SMALLCAP 100"}
    assert len(frame) == 400
    assert list(frame.columns) == ["NIFTY SMALLCAP 100"]
    assert frame.index.is_monotonic_increasing and frame.index.tz is None
    assert frame.index[-1] == datetime(2026, 5, 27)
    assert all(day.weekday() < 5 for day in frame.index)


async def test_history_asks_only_for_what_is_needed(fake: FakeNse) -> None:
    asked: list[dict[str, str]] = []
    fake.routes["/api/historicalOR/indicesHistory"] = history_handler(asked)
    frame = await make_provider(fake).history(["NIFTY 50", "NIFTY MIDCAP 100"], days=5)
    assert len(asked) == 2
    first = datetime.strptime(asked[0]["from"], "%d-%m-%Y").date()
    assert (NOW.date() - first).days < 20
    assert frame.shape == (5, 2)


async def test_history_skips_unknown_names_and_empty_closes(fake: FakeNse) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params["indexType"] == "NIFTY NOPE":
            return httpx.Response(404, text="Not Found")
        return httpx.Response(200, json=fixture("indicesHistory_NIFTY_SMALLCAP_100.json"))

    fake.routes["/api/historicalOR/indicesHistory"] = handler
    frame = await make_provider(fake).history(["NIFTY SMALLCAP 100", "NIFTY NOPE"], days=10)
    assert list(frame.columns) == ["NIFTY SMALLCAP 100"]
    assert [d.date() for d in frame.index] == [
        date(2025, 12, 12),
        date(2025, 12, 15),
        date(2025, 12, 16),
        date(2025, 12, 17),
    ]
    assert frame["NIFTY SMALLCAP 100"].iloc[-2] == 17696.35


async def test_history_failure_raises(fake: FakeNse) -> None:
    fake.routes["/api/historicalOR/indicesHistory"] = httpx.Response(503)
    with pytest.raises(ProviderUnavailable, match="503"):
        await make_provider(fake).history(["NIFTY 50"], days=5)


def test_history_older_generation_nests_rows() -> None:
    closes = nse_payloads.parse_index_history(fixture("indicesHistory_old_generation.json"))
    assert closes == {date(2023, 12, 29): 21731.4, date(2023, 12, 28): 21778.7}


async def test_holidays_come_from_the_cm_list(fake: FakeNse) -> None:
    holidays = await make_provider(fake).holidays()
    assert holidays == [date(2026, 1, 26), date(2026, 3, 3), date(2026, 12, 25)]
    assert fake.paths("/api/holiday-master")[0].url.params["type"] == "trading"


def test_holidays_without_cm_is_bad_payload() -> None:
    with pytest.raises(BadPayload) as caught:
        nse_payloads.parse_holidays({"FO": []})
    assert caught.value.field == "CM"


# -- settings and registry ---------------------------------------------------------------------


def test_base_url_from_settings_then_env_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(BASE_URL_ENV, raising=False)
    assert NseSettings.from_mapping({}).base_url == "https://www.nseindia.com"
    monkeypatch.setenv(BASE_URL_ENV, "http://127.0.0.1:9")
    assert NseSettings.from_mapping({}).base_url == "http://127.0.0.1:9"
    assert NseSettings.from_mapping({"base_url": "http://mirror"}).base_url == "http://mirror"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"requests_per_second": 0}, "requests_per_second"),
        ({"timeout": "fast"}, "timeout"),
        ({"segments": {"NIFTY 50": "giant"}}, "segments"),
        ({"constituents": ["NIFTY BANK"]}, "not in providers.nse.segments"),
        ({"constituents": "NIFTY 50"}, "expected an array of strings"),
        ({"index_names": {"nowhere": {}}}, "index_names"),
        ({"bsae_url": "x"}, "unknown setting"),
        ({"max_retries": -1}, "max_retries"),
        ({"blocked_cooldown": "long"}, "blocked_cooldown"),
    ],
)
def test_bad_settings_name_the_key(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        NseSettings.from_mapping(settings)


async def test_registry_creates_a_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BASE_URL_ENV, "http://127.0.0.1:9")
    provider = registry.create("nse", {"requests_per_second": 2, "max_retries": 0})
    try:
        assert provider.source.max_retries == 0
        assert isinstance(provider, Provider)
        assert isinstance(provider, NseProvider)
        assert provider.source.base_url == "http://127.0.0.1:9"
        assert provider.source.client.headers["Referer"] == "https://www.nseindia.com/"
        assert not provider.simulated
    finally:
        await provider.aclose()
