"""HttpSource: budget, retries, Retry-After, priming and the failure -> error mapping."""

from __future__ import annotations

import asyncio
import email.utils
import json
import socket
import ssl
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from providers.base import BadPayload, ProviderUnavailable, RateLimited
from providers.cookies import CookiePolicy
from providers.http import (
    HttpSource,
    NotFound,
    RequestBudget,
    browser_headers,
    prime_with_page,
)

ACCESS_RESTRICTED = (
    b"<html><head><title>Access Restricted</title></head><body><h1>Access Restricted</h1>"
    b"<p>Please try again after 10 minutes.</p></body></html>"
)


class FakeTime:
    """A clock that only moves when someone sleeps: retries and budgets run instantly."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


Handler = Callable[[httpx.Request], httpx.Response]


def make_source(handler: Handler, fake: FakeTime, **kwargs: object) -> HttpSource:
    options: dict = {
        "headers": browser_headers("https://www.nseindia.com/"),
        "requests_per_second": 1000.0,
        "transport": httpx.MockTransport(handler),
        "seed": 7,
        "sleep": fake.sleep,
        "clock": fake.clock,
    }
    options.update(kwargs)
    return HttpSource("nse", "https://example.test", **options)


async def test_get_json_sends_browser_headers_and_params() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [1, 2]})

    source = make_source(handler, FakeTime())
    assert await source.get_json("/api/x", {"index": "NIFTY 50"}) == {"data": [1, 2]}
    request = seen[0]
    assert request.url.path == "/api/x"
    assert request.url.params["index"] == "NIFTY 50"
    assert request.headers["Referer"] == "https://www.nseindia.com/"
    assert request.headers["User-Agent"].startswith("Mozilla/5.0")
    assert request.headers["Accept"] == "application/json, text/plain, */*"
    await source.aclose()


async def test_budget_spaces_requests_by_the_interval() -> None:
    fake = FakeTime()
    budget = RequestBudget(2.0, clock=fake.clock, sleep=fake.sleep)
    starts = []
    for _ in range(4):
        await budget.wait()
        starts.append(fake.now)
    assert starts == [0.0, 0.5, 1.0, 1.5]


async def test_budget_serialises_concurrent_waiters() -> None:
    fake = FakeTime()
    budget = RequestBudget(4.0, clock=fake.clock, sleep=fake.sleep)

    async def one() -> float:
        await budget.wait()
        return fake.now

    starts = await asyncio.gather(*(one() for _ in range(5)))
    assert sorted(starts) == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_budget_rejects_a_non_positive_rate() -> None:
    with pytest.raises(ValueError, match="> 0"):
        RequestBudget(0)


async def test_5xx_is_retried_with_growing_jittered_backoff() -> None:
    fake = FakeTime()
    answers = iter([500, 502, 503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        return httpx.Response(status, json={"ok": True} if status == 200 else None)

    source = make_source(handler, fake, backoff=1.0)
    assert await source.get_json("/api/x") == {"ok": True}
    assert len(fake.sleeps) == 3
    for attempt, delay in enumerate(fake.sleeps):
        assert 0.5 * 2**attempt <= delay < 1.5 * 2**attempt


async def test_jitter_is_reproducible_with_a_seed() -> None:
    def failing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500)

    runs = []
    for _ in range(2):
        fake = FakeTime()
        with pytest.raises(ProviderUnavailable):
            await make_source(failing, fake, seed=42).get_json("/x")
        runs.append(fake.sleeps)
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3


async def test_5xx_exhausted_is_unavailable_and_says_the_status() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, text="busy")

    with pytest.raises(ProviderUnavailable, match=r"HTTP 503 .* after 3 attempts"):
        await make_source(handler, FakeTime(), max_retries=2).get_json("/api/x")
    assert len(calls) == 3


async def test_429_waits_for_retry_after_seconds_then_succeeds() -> None:
    fake = FakeTime()
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=[])]
    )
    source = make_source(lambda request: next(answers), fake)
    assert await source.get_json("/api/x") == []
    assert fake.sleeps == [2.0]


async def test_429_exhausted_raises_rate_limited_with_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3"})

    fake = FakeTime()
    with pytest.raises(RateLimited) as caught:
        await make_source(handler, fake, max_retries=1).get_json("/api/x")
    assert caught.value.retry_after == 3.0
    assert fake.sleeps == [3.0]
    assert "429" in str(caught.value)


async def test_429_with_a_long_http_date_retry_after_is_not_slept_through() -> None:
    later = datetime.now(UTC) + timedelta(hours=2)
    header = email.utils.format_datetime(later, usegmt=True)
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": header})

    fake = FakeTime()
    with pytest.raises(RateLimited) as caught:
        await make_source(handler, fake).get_json("/api/x")
    assert caught.value.retry_after == 3600  # capped at MAX_SERVER_DELAY_S, and says so
    assert "Retry-After 2 h, capped at 1 h" in str(caught.value)
    assert fake.sleeps == []
    assert len(calls) == 1


async def test_401_reprimes_once_and_then_succeeds() -> None:
    """The NSE flow: the API wants the cookie the HTML page sets; the cookie then expires."""
    state = {"valid": "one", "pages": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/option-chain":
            state["pages"] += 1
            assert "text/html" in request.headers["Accept"]
            cookie = f"nseappid={state['valid']}; Path=/"
            return httpx.Response(200, html="<html></html>", headers={"Set-Cookie": cookie})
        if f"nseappid={state['valid']}" not in request.headers.get("Cookie", ""):
            return httpx.Response(401, json={})
        return httpx.Response(200, json={"ok": state["valid"]})

    source = make_source(handler, FakeTime(), prime=prime_with_page("/option-chain"))
    assert await source.get_json("/api/x") == {"ok": "one"}
    assert state["pages"] == 1 and source.primed
    state["valid"] = "two"  # the server rotates the cookie
    assert await source.get_json("/api/x") == {"ok": "two"}
    assert state["pages"] == 2


async def test_401_after_reprime_is_unavailable_without_a_second_reprime() -> None:
    pages = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/page":
            pages.append(request)
            return httpx.Response(200, html="<html></html>")
        return httpx.Response(401, text="")

    source = make_source(handler, FakeTime(), prime=prime_with_page("/page"))
    with pytest.raises(ProviderUnavailable, match=r"HTTP 401 .*re-priming"):
        await source.get_json("/api/x")
    assert len(pages) == 2  # the first prime and exactly one re-prime


async def test_concurrent_401s_share_one_reprime() -> None:
    state = {"valid": "a", "pages": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/page":
            state["pages"] += 1
            return httpx.Response(200, headers={"Set-Cookie": f"k={state['valid']}; Path=/"})
        if f"k={state['valid']}" not in request.headers.get("Cookie", ""):
            return httpx.Response(401)
        return httpx.Response(200, json=1)

    source = make_source(handler, FakeTime(), prime=prime_with_page("/page"))
    await source.get_json("/a")
    state["valid"] = "b"
    assert await asyncio.gather(*(source.get_json(f"/a{i}") for i in range(4))) == [1] * 4
    assert state["pages"] == 2


async def test_403_access_restricted_page_is_named_and_pauses_requests() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(403, content=ACCESS_RESTRICTED, headers={"Content-Type": "text/html"})

    fake = FakeTime()
    source = make_source(handler, fake, blocked_cooldown=600)
    with pytest.raises(ProviderUnavailable, match=r"HTTP 403 .*'Access Restricted'"):
        await source.get_json("/api/x")
    with pytest.raises(ProviderUnavailable, match="not asking again for 600 s"):
        await source.get_json("/api/x")
    assert len(calls) == 1
    fake.now += 601
    with pytest.raises(ProviderUnavailable, match="Access Restricted"):
        await source.get_json("/api/x")
    assert len(calls) == 2


async def test_access_restricted_served_with_200_is_still_a_block() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=ACCESS_RESTRICTED, headers={"Content-Type": "text/html"})

    with pytest.raises(ProviderUnavailable, match="Access Restricted"):
        await make_source(handler, FakeTime()).get_json("/api/x")


async def test_plain_403_without_prime_is_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"error": "forbidden"})

    with pytest.raises(ProviderUnavailable, match=r"HTTP 403 from /api/x$"):
        await make_source(handler, FakeTime()).get_json("/api/x")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"<!DOCTYPE html><html><title>Consent</title></html>", "text/html", "HTML page 'Consent'"),
        (b"<html><body>login</body></html>", "application/json", "HTML page"),
        (b'{"data": [{"index": "NIFTY 50", "last": 197', "application/json", "truncated JSON"),
        (b'{"name": "NIFTY', "application/json", "truncated JSON"),
        (b"Service temporarily unavailable", "text/plain", "not JSON"),
        (b"   ", "application/json", "empty body"),
    ],
)
async def test_non_json_bodies_are_bad_payload_at_body(
    body: bytes, content_type: str, message: str
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": content_type})

    with pytest.raises(BadPayload, match=message) as caught:
        await make_source(handler, FakeTime()).get_json("/api/x")
    assert caught.value.field == "<body>"


async def test_404_is_not_found() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="Not Found")

    with pytest.raises(NotFound, match="404"):
        await make_source(handler, FakeTime()).get_json("/api/equity-stockIndices")
    assert issubclass(NotFound, ProviderUnavailable)


async def test_timeouts_are_retried_then_reported_as_timeouts() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("read timed out", request=request)

    fake = FakeTime()
    with pytest.raises(ProviderUnavailable, match="timed out after 4 s waiting for a response"):
        await make_source(handler, fake, timeout=4, max_retries=2).get_json("/api/x")
    assert len(calls) == 3 and len(fake.sleeps) == 2


async def test_a_timeout_then_success_recovers() -> None:
    answers: list = [httpx.ConnectTimeout("slow"), httpx.Response(200, json={"a": 1})]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert await make_source(handler, FakeTime()).get_json("/api/x") == {"a": 1}


def _raise_from(cause: BaseException) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise cause
        except BaseException as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc

    return handler


@pytest.mark.parametrize(
    ("cause", "message", "retried"),
    [
        (
            socket.gaierror(-2, "Name or service not known"),
            "DNS lookup failed for example.test",
            False,
        ),
        (ssl.SSLCertVerificationError("certificate verify failed"), "TLS handshake", False),
        (ConnectionRefusedError(111, "refused"), "connection refused by example.test", True),
    ],
)
async def test_connect_failures_say_which(
    cause: BaseException, message: str, retried: bool
) -> None:
    calls = []
    inner = _raise_from(cause)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return inner(request)

    with pytest.raises(ProviderUnavailable, match=message):
        await make_source(handler, FakeTime(), max_retries=2).get_json("/api/x")
    assert len(calls) == (3 if retried else 1)


async def test_dropped_connection_is_retried_and_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    with pytest.raises(ProviderUnavailable, match="dropped"):
        await make_source(handler, FakeTime(), max_retries=1).get_json("/api/x")


async def test_real_tls_failure_against_a_plain_tcp_server() -> None:
    """A real handshake against a server that does not speak TLS: the message says TLS."""

    async def plain(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"HTTP/1.1 200 OK\r\n\r\nnot tls")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(plain, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    source = HttpSource("nse", f"https://127.0.0.1:{port}", timeout=5, max_retries=0)
    try:
        with pytest.raises(ProviderUnavailable, match=r"TLS handshake with 127.0.0.1 failed"):
            await source.get_json("/api/x")
    finally:
        await source.aclose()
        server.close()
        await server.wait_closed()


async def test_base_url_path_prefix_is_kept() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, content=json.dumps([1]).encode())

    source = HttpSource(
        "bse", "https://mirror.test/BseIndiaAPI/api/", transport=httpx.MockTransport(handler)
    )
    await source.get_json("advanceDecline/w", {"val": "Index"})
    assert seen == ["/BseIndiaAPI/api/advanceDecline/w"]


async def test_injected_client_is_not_closed_by_the_source() -> None:
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=0)))
    source = HttpSource("x", "https://a.test", client=client, headers={"X-Test": "1"})
    assert await source.get_json("https://a.test/v") == 0
    await source.aclose()
    assert not client.is_closed
    assert client.headers["X-Test"] == "1"
    await client.aclose()


async def test_a_block_page_is_not_reprimed_and_stops_queued_requests() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/page":
            return httpx.Response(200, html="<html></html>")
        return httpx.Response(403, content=ACCESS_RESTRICTED, headers={"Content-Type": "text/html"})

    fake = FakeTime()
    source = make_source(handler, fake, requests_per_second=2.0, prime=prime_with_page("/page"))
    outcomes = await asyncio.gather(
        *(source.get_json(f"/api/{n}") for n in range(4)), return_exceptions=True
    )
    assert calls == ["/page", "/api/0"]
    assert all(isinstance(o, ProviderUnavailable) for o in outcomes)
    assert sum("not asking again" in str(o) for o in outcomes) == 3


# -- cookie lifecycle (providers.cookies) ---------------------------------------------------

ACCESS_DENIED = b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>Reference #18</BODY></HTML>"
NSE_POLICY = CookiePolicy(
    max_age=60.0, max_uses=10, primes_per_minute=5, prime_attempts=3, best_effort=True
)


class Site:
    """A priming page that answers per ``page_answers`` (then 200), and an API that drops
    the connection on any jar but the newest, like NSE on a stale cookie."""

    def __init__(self, page_answers: tuple[int, ...] = ()) -> None:
        self.page_answers = list(page_answers)
        self.jar = 0
        self.log: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.log.append(request.url.path)
        if request.url.path == "/page":
            status = self.page_answers.pop(0) if self.page_answers else 200
            if status != 200:
                return httpx.Response(
                    status, content=ACCESS_DENIED, headers={"Content-Type": "text/html"}
                )
            self.jar += 1
            return httpx.Response(
                200, html="<html></html>", headers={"Set-Cookie": f"id={self.jar}"}
            )
        if f"id={self.jar}" not in request.headers.get("Cookie", ""):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(200, json={"ok": True})


def nse_like(site: Site, fake: FakeTime, **kwargs: object) -> HttpSource:
    return make_source(
        site, fake, prime=prime_with_page("/page"), cookie_policy=NSE_POLICY, **kwargs
    )


async def test_a_denied_priming_page_is_retried_with_backoff_and_pauses_nothing() -> None:
    site, fake = Site(page_answers=(403, 503)), FakeTime()
    source = nse_like(site, fake, blocked_cooldown=600)
    assert await source.get_json("/api/x") == {"ok": True}
    assert site.log == ["/page", "/page", "/page", "/api/x"]
    assert len([s for s in fake.sleeps if s > 0.01]) == 2  # backoff between the tries
    assert await source.get_json("/api/y") == {"ok": True}  # no 10-minute pause started


async def test_the_jar_is_renewed_after_max_age_and_after_max_uses() -> None:
    site, fake = Site(), FakeTime()
    source = nse_like(site, fake)
    for _ in range(10):
        await source.get_json("/api/x")
    assert site.log.count("/page") == 1
    await source.get_json("/api/x")  # the 11th call: 10 uses reached
    assert site.log.count("/page") == 2
    fake.now += 61  # a minute later the jar is renewed before it is used
    await source.get_json("/api/x")
    assert site.log.count("/page") == 3 and source.session.renewals["age"] == 1


async def test_a_dropped_connection_means_a_fresh_jar_shared_by_waiting_requests() -> None:
    site, fake = Site(), FakeTime()
    source = nse_like(site, fake)
    await source.get_json("/api/x")
    site.jar += 1  # the site forgets the session: the next call gets no answer
    results = await asyncio.gather(*(source.get_json("/api/x") for _ in range(4)))
    assert results == [{"ok": True}] * 4
    assert site.log.count("/page") == 2  # one renewal for all of them (single flight)
    assert source.session.renewals["dead"] == 1


async def test_primes_are_capped_per_minute() -> None:
    site, fake = Site(), FakeTime()
    policy = CookiePolicy(max_uses=1, primes_per_minute=3)
    source = make_source(site, fake, prime=prime_with_page("/page"), cookie_policy=policy)
    for _ in range(8):
        await source.get_json("/api/x")  # a renewal is due before every call
    assert site.log.count("/page") == 3  # the rest were put off: the jar was kept
    fake.now += 61
    await source.get_json("/api/x")
    assert site.log.count("/page") == 4
