"""HttpSource against a hostile server: absurd Retry-After, per-host pauses, endless bodies,
and messages that say what happened (issue 12, items 7, 11, 16 and 18)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from providers.base import MAX_SERVER_DELAY_S, BadPayload, ProviderUnavailable, RateLimited
from tests.providers.test_http import FakeTime, make_source


@pytest.mark.parametrize("header", ["inf", "1e20", "99999999999999999999999"])
async def test_an_absurd_retry_after_is_capped_at_an_hour_and_says_so(header: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": header})

    with pytest.raises(RateLimited) as caught:
        await make_source(handler, FakeTime()).get_json("/api/x")
    assert caught.value.retry_after == MAX_SERVER_DELAY_S
    assert "capped at 1 h" in str(caught.value)


async def test_a_nan_retry_after_is_ignored_for_backoff() -> None:
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "nan"}), httpx.Response(200, json=[])]
    )
    fake = FakeTime()
    assert await make_source(lambda request: next(answers), fake).get_json("/api/x") == []
    assert len(fake.sleeps) == 1 and 0 < fake.sleeps[0] < 1  # jittered backoff, not NaN


async def test_a_long_429_pauses_every_request_to_that_host() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(429, headers={"Retry-After": "600"})

    source = make_source(handler, FakeTime())
    with pytest.raises(RateLimited):
        await source.get_json("/api/first")
    results = await asyncio.gather(
        *(source.get_json(f"/api/{n}") for n in range(19)), return_exceptions=True
    )
    assert calls == ["/api/first"]  # the round after a 429 sends nothing
    assert all(isinstance(r, RateLimited) for r in results)
    assert "until" in str(results[0]) and "example.test" in str(results[0])


async def test_a_short_429_holds_back_concurrent_requests_until_it_lifts() -> None:
    fake = FakeTime()
    arrivals: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(fake.now)
        if len(arrivals) == 1:
            return httpx.Response(429, headers={"Retry-After": "5"})
        return httpx.Response(200, json=[])

    source = make_source(handler, fake)
    await asyncio.gather(*(source.get_json(f"/api/{n}") for n in range(10)))
    paused = arrivals[0] + 5
    assert all(at >= paused for at in arrivals[1:]), arrivals


async def test_a_body_over_the_cap_is_refused_without_keeping_it() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"[" + b"1," * 4_000_000 + b"1]")

    with pytest.raises(BadPayload, match=r"/api/allIndices: answer larger than 5 MB"):
        await make_source(handler, FakeTime()).get_json("/api/allIndices")


async def test_the_cap_can_be_set_per_endpoint() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": list(range(100))})

    source = make_source(handler, FakeTime())
    with pytest.raises(BadPayload, match="larger than 100 bytes"):
        await source.get_json("/api/x", max_bytes=100)
    assert len((await source.get_json("/api/x"))["data"]) == 100


async def test_an_endless_chunked_body_is_cut_off_at_the_cap() -> None:
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        while True:
            sent += 65536
            yield b" " * 65536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    with pytest.raises(BadPayload, match="larger than"):
        await make_source(handler, FakeTime(), max_body_bytes=1024 * 1024).get_json("/api/x")
    assert sent <= 1024 * 1024 + 65536


@pytest.mark.parametrize("body", [b'{"a": 1.5e', b'{"data": [{"a": 1}, {"b": 2}', b'[{"x": "ab'])
async def test_a_cut_off_body_says_truncated(body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    with pytest.raises(BadPayload, match="truncated JSON from /api/x"):
        await make_source(handler, FakeTime()).get_json("/api/x")


async def test_deeply_nested_json_is_a_bad_payload_not_a_crash() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)

    with pytest.raises(BadPayload, match="nested too deeply"):
        await make_source(handler, FakeTime()).get_json("/api/x")


async def test_a_connection_reset_names_the_cause() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        try:
            raise ConnectionResetError(104, "")
        except ConnectionResetError as reset:
            raise httpx.ReadError("", request=request) from reset

    with pytest.raises(ProviderUnavailable) as caught:
        await make_source(handler, FakeTime(), max_retries=0).get_json("/api/x")
    message = str(caught.value)
    assert message.endswith("connection to example.test dropped: connection reset by the server")


async def test_an_empty_protocol_error_still_says_something() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("", request=request)

    with pytest.raises(ProviderUnavailable, match=r"dropped: RemoteProtocolError \(the server"):
        await make_source(handler, FakeTime(), max_retries=0).get_json("/api/x")
