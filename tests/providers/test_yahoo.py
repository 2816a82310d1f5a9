"""Yahoo provider against an httpx.MockTransport imitating fc.yahoo.com + query2 (cookie,
crumb, chart), fixtures in tests/fixtures/yahoo: stale symbols, result:null, a duplicated
live bar, null closes, 401 "Invalid Crumb", 429 with Retry-After, consent pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from providers.base import ProviderUnavailable
from providers.contract import IST, Part, Segment
from providers.contract import segment_of_index as segment_of
from providers.yahoo import YahooProvider, create

FIXTURES = Path(__file__).parent.parent / "fixtures" / "yahoo"
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=IST)

CHARTS = {
    "^NSEI": "chart_nsei.json",
    "^BSESN": "chart_bsesn_live_duplicate_bar.json",
    "^CNXSC": "chart_cnxsc_stale.json",
    "^GONE": "chart_result_null.json",
}


class FakeYahoo:
    """Cookie page, crumb and chart endpoints that insist on the cookie and current crumb."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.crumbs = iter(["Ab1cD2eF3gH", "Zy9xW8vU7tS"])
        self.crumb: str | None = None
        self.chart_override: Callable[[httpx.Request], httpx.Response | None] | None = None
        self.crumb_override: httpx.Response | None = None
        self.clock = 0.0

    async def sleep(self, seconds: float) -> None:
        self.clock += seconds

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "fc.yahoo.com":
            return httpx.Response(
                404, text="", headers={"Set-Cookie": "A3=d=AQABBK; Domain=.yahoo.com; Path=/"}
            )
        if "A3=d=AQABBK" not in request.headers.get("cookie", ""):
            return httpx.Response(401, text="no cookie")
        if request.url.path == "/v1/test/getcrumb":
            if self.crumb_override is not None:
                return self.crumb_override
            self.crumb = next(self.crumbs)
            return httpx.Response(200, text=self.crumb)
        symbol = unquote(request.url.path.removeprefix("/v8/finance/chart/"))
        if request.url.params.get("crumb") != self.crumb:
            return httpx.Response(401, content=(FIXTURES / "invalid_crumb_401.json").read_bytes())
        if self.chart_override and (answer := self.chart_override(request)) is not None:
            return answer
        if symbol not in CHARTS:
            return httpx.Response(404, json={"chart": {"result": None, "error": {}}})
        return httpx.Response(200, content=(FIXTURES / CHARTS[symbol]).read_bytes())


@pytest.fixture
def server() -> FakeYahoo:
    return FakeYahoo()


def make(server: FakeYahoo, **kwargs: object) -> YahooProvider:
    return YahooProvider(
        transport=httpx.MockTransport(server),
        now=lambda: NOW,
        sleep=server.sleep,
        clock=lambda: server.clock,
        seed=3,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_levels_with_previous_close_from_the_daily_bars(server: FakeYahoo) -> None:
    yahoo = make(server)
    try:
        snap = await yahoo.fetch()
    finally:
        await yahoo.aclose()

    nifty, sensex = snap.indices
    assert (nifty.name, nifty.last, nifty.exchange) == ("NIFTY 50", 24071.4, "NSE")
    assert nifty.prev_close == 23950.1  # Thursday's close, not chartPreviousClose (23890.05)
    assert nifty.change_pct == pytest.approx((24071.4 / 23950.1 - 1) * 100)
    assert nifty.time == datetime(2026, 11, 20, 15, 30, tzinfo=IST)
    assert (nifty.year_high, nifty.year_low, nifty.segment) == (26277.35, 21743.65, Segment.LARGE)
    assert (sensex.name, sensex.exchange) == ("SENSEX", "BSE")
    assert sensex.prev_close == 78810.66  # the duplicated live bar is not "yesterday"
    assert dict(snap.sources) == {Part.INDICES: "yahoo"} and dict(snap.errors) == {}


async def test_cookie_then_crumb_then_chart(server: FakeYahoo) -> None:
    yahoo = make(server, symbols={"NIFTY 50": "^NSEI"})
    try:
        await yahoo.fetch()
        await yahoo.fetch()
    finally:
        await yahoo.aclose()

    hosts_paths = [(r.url.host, r.url.path) for r in server.requests]
    assert hosts_paths[:3] == [
        ("fc.yahoo.com", "/"),
        ("query2.finance.yahoo.com", "/v1/test/getcrumb"),
        ("query2.finance.yahoo.com", "/v8/finance/chart/^NSEI"),
    ]
    assert len(server.requests) == 4  # the second refresh reuses cookie and crumb
    chart = server.requests[2].url.params
    assert (chart["crumb"], chart["range"], chart["interval"]) == ("Ab1cD2eF3gH", "5d", "1d")


async def test_invalid_crumb_is_renewed_once(server: FakeYahoo) -> None:
    yahoo = make(server, symbols={"NIFTY 50": "^NSEI"})
    try:
        await yahoo.fetch()
        server.crumb = "expired-on-the-server"
        snap = await yahoo.fetch()
    finally:
        await yahoo.aclose()

    assert snap.indices[0].last == 24071.4
    last = server.requests[-1]
    assert last.url.params["crumb"] == "Zy9xW8vU7tS"


async def test_stale_and_unknown_symbols_are_rejected_by_name(server: FakeYahoo) -> None:
    yahoo = make(
        server,
        symbols={"NIFTY 50": "^NSEI", "NIFTY SMALLCAP 100": "^CNXSC", "GONE": "^GONE"},
    )
    try:
        snap = await yahoo.fetch()
    finally:
        await yahoo.aclose()

    assert [q.name for q in snap.indices] == ["NIFTY 50"]
    error = snap.errors[Part.INDICES]
    assert "^CNXSC: quote is stale, 7.0 days old (2026-11-13 15:30 IST; max_age_hours=72)" in error
    assert "^GONE: No data found, symbol may be delisted" in error


async def test_max_age_is_a_setting(server: FakeYahoo) -> None:
    yahoo = make(server, symbols={"NIFTY SMALLCAP 100": "^CNXSC"}, max_age_hours=24 * 8)
    try:
        snap = await yahoo.fetch()
    finally:
        await yahoo.aclose()

    assert snap.indices[0].segment is Segment.SMALL
    assert snap.indices[0].prev_close == 17150.0


async def test_every_symbol_failing_raises(server: FakeYahoo) -> None:
    yahoo = make(server, symbols={"GONE": "^GONE", "NIFTY SMALLCAP 100": "^CNXSC"})
    try:
        with pytest.raises(ProviderUnavailable, match=r"\^GONE: No data found.*\^CNXSC: quote is"):
            await yahoo.fetch()
    finally:
        await yahoo.aclose()


async def test_429_on_the_chart_waits_for_retry_after(server: FakeYahoo) -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "5"})])
    server.chart_override = lambda _: next(answers, None)
    yahoo = make(server, symbols={"NIFTY 50": "^NSEI"})
    try:
        snap = await yahoo.fetch()
    finally:
        await yahoo.aclose()

    assert snap.indices[0].last == 24071.4
    assert server.clock >= 5


async def test_persistent_429_is_reported_as_rate_limited(server: FakeYahoo) -> None:
    server.chart_override = lambda _: httpx.Response(429, headers={"Retry-After": "600"})
    yahoo = make(server, symbols={"NIFTY 50": "^NSEI"})
    try:
        with pytest.raises(
            ProviderUnavailable, match=r"\^NSEI: HTTP 429 Too Many Requests .*Retry-After 600"
        ):
            await yahoo.fetch()
    finally:
        await yahoo.aclose()


async def test_consent_page_instead_of_a_crumb(server: FakeYahoo) -> None:
    server.crumb_override = httpx.Response(
        200, content=(FIXTURES / "consent_page.html").read_bytes()
    )
    yahoo = make(server, symbols={"NIFTY 50": "^NSEI"})
    try:
        with pytest.raises(ProviderUnavailable, match="no crumb from /v1/test/getcrumb"):
            await yahoo.fetch()
    finally:
        await yahoo.aclose()


async def test_truncated_chart_json(server: FakeYahoo) -> None:
    cut = (FIXTURES / "chart_nsei.json").read_bytes()[:400]
    server.chart_override = lambda _: httpx.Response(200, content=cut)
    yahoo = make(server, symbols={"NIFTY 50": "^NSEI"})
    try:
        with pytest.raises(ProviderUnavailable, match="truncated JSON"):
            await yahoo.fetch()
    finally:
        await yahoo.aclose()


@pytest.mark.parametrize(
    ("name", "segment"),
    [
        ("NIFTY 50", Segment.LARGE),
        ("NIFTY MIDCAP 100", Segment.MID),
        ("NIFTY SMLCAP 250", Segment.SMALL),
        ("NIFTY MICROCAP 250", Segment.MICRO),
        ("NIFTY 500", Segment.ALL),
    ],
)
def test_segment_from_index_name(name: str, segment: Segment) -> None:
    assert segment_of(name) is segment


def test_create_merges_the_symbol_map() -> None:
    yahoo = create({"symbols": {"NIFTY MIDCAP 100": "NIFTY_MIDCAP_100.NS", "SENSEX": ""}})
    assert yahoo.symbols == {"NIFTY 50": "^NSEI", "NIFTY MIDCAP 100": "NIFTY_MIDCAP_100.NS"}
    assert create({"cookie_url": "http://127.0.0.1:9/c"}).cookie_url == "http://127.0.0.1:9/c"
    assert create({"max_age_hours": 24}).max_age_hours == 24
    with pytest.raises(ValueError, match="unknown setting"):
        create({"max_age": 1})


async def test_impersonation_is_used_when_installed_and_can_be_turned_off() -> None:
    """Plain clients get 429s from Yahoo; with httpx-curl-cffi installed the provider sends
    through curl_cffi's Chrome impersonation (checked without any request)."""
    httpx_curl_cffi = pytest.importorskip("httpx_curl_cffi")
    impersonating = create({})
    plain = create({"impersonate": False})
    try:
        assert impersonating.impersonating and not plain.impersonating
        transport = impersonating.http.client._transport
        assert isinstance(transport, httpx_curl_cffi.AsyncCurlTransport)
        assert not isinstance(plain.http.client._transport, httpx_curl_cffi.AsyncCurlTransport)
    finally:
        await impersonating.aclose()
        await plain.aclose()
    with pytest.raises(ValueError, match=r"providers\.yahoo\.impersonate: expected true or false"):
        create({"impersonate": "yes"})
