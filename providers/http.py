"""The HTTP core every live provider shares.

One ``HttpSource`` per provider owns one ``httpx.AsyncClient`` (HTTP/2 where the server
speaks it) with browser-like headers, spaces requests to a per-provider budget, retries
timeouts, dropped connections and 5xx with exponential backoff and jitter, honours
``Retry-After`` on 429, and turns every failure into the typed errors of
``providers.base`` with a message that says *which* failure it was (the ``doctor``
command shows it verbatim). Sites that need cookies first (NSE) pass a ``prime`` hook and
a ``CookiePolicy`` (providers.cookies): the jar is renewed before it goes stale, started
afresh after a dead-session sign, and a 401/403 re-primes once before giving up. A
firewall block page ("Access Restricted") answering an API call is not re-primed: it
pauses every request for ``blocked_cooldown`` seconds, because asking again only extends
the block. The same page on a priming request is only a failed prime (retried by the
policy's backoff), never a pause.

A hostile or broken server must not be able to stop or swamp the monitor:
- a 429 pauses every request to that host until its ``Retry-After`` (not just the request
  that got it), and every delay a server asks for is capped at ``MAX_SERVER_DELAY_S``;
- a body is streamed and abandoned past ``max_body_bytes`` (default ``MAX_BODY_BYTES``), so
  a 50 MB answer or an endless chunked one costs at most that much memory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import socket
import ssl
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from providers.base import MAX_SERVER_DELAY_S, BadPayload, ProviderUnavailable, RateLimited
from providers.contract import IST
from providers.cookies import CookiePolicy, CookieSession

log = logging.getLogger(__name__)

BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
JSON_ACCEPT = "application/json, text/plain, */*"
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

#: Phrases of the firewall pages sites serve instead of data when they block a client.
_BLOCK_PHRASES = ("access restricted", "access denied")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]
Params = Mapping[str, str | int | float] | None

#: The largest answer read by default: 10x NSE's largest (NIFTY 500 constituents, ~0.5 MB).
MAX_BODY_BYTES = 5 * 1024 * 1024


def browser_headers(referer: str, *, origin: str | None = None) -> dict[str, str]:
    """The headers a browser sends for an XHR from ``referer``: sites reject bare clients."""
    headers = {
        "User-Agent": BROWSER_USER_AGENT,
        "Accept": JSON_ACCEPT,
        "Accept-Language": "en-US,en;q=0.5",
        "Accept-Encoding": "gzip, deflate",
        "Referer": referer,
    }
    if origin:
        headers["Origin"] = origin
    return headers


class NotFound(ProviderUnavailable):
    """HTTP 404: the endpoint moved or the name asked for is unknown (lets callers fall back)."""


class BodyTooLarge(Exception):
    """An answer grew past the size cap; ``limit`` is the cap in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"answer larger than {_size(limit)}; ignored")
        self.limit = limit


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:g} MB" if count >= 1024 * 1024 else f"{count} bytes"


async def read_capped(
    client: httpx.AsyncClient,
    url: str,
    *,
    limit: int = MAX_BODY_BYTES,
    params: Params = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """GET ``url`` reading at most ``limit`` body bytes (decoded), then stop.

    Returns a complete response (``content``, ``text`` work); raises ``BodyTooLarge`` as soon
    as the body, announced (Content-Length) or streamed (chunked, endless), passes the cap."""
    async with client.stream("GET", url, params=params, headers=headers) as response:
        announced = response.headers.get("content-length", "")
        if (
            announced.isdigit()
            and int(announced) > limit
            and "content-encoding" not in (response.headers)
        ):
            raise BodyTooLarge(limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
    kept = {
        k: v
        for k, v in response.headers.multi_items()
        if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    }
    return httpx.Response(
        response.status_code,
        headers=kept,
        content=b"".join(chunks),
        request=response.request,
        extensions={"reason_phrase": response.reason_phrase.encode()},
    )


class PrimeRefused(ProviderUnavailable):
    """The priming page itself was refused (403/5xx, an "Access Denied" page): retried by
    the cookie policy's backoff, and never a reason to pause the source."""


#: Seconds of request history kept for ``requests_in_last_hour`` (the doctor's column).
REQUEST_LOG_SECONDS = 3600.0


class RequestBudget:
    """Spaces requests at least ``1 / rate`` seconds apart (a token bucket one token deep).

    A deeper bucket would allow bursts, and bursts are exactly what gets a client blocked
    (NSE answers 403 "Access Restricted" above ~3 requests/second).
    """

    def __init__(self, rate: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep):
        if rate <= 0:
            raise ValueError(f"requests per second must be > 0, got {rate}")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next_at = float("-inf")
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        """Return when the next request may go out; waiters are served in arrival order."""
        async with self._lock:
            delay = self._next_at - self._clock()
            if delay > 0:
                await self._sleep(delay)
            self._next_at = max(self._clock(), self._next_at) + self.interval

    def hold(self) -> None:
        """No request before one interval from now: after a request whose arrival at the
        site may have lagged its slot (the priming page opens the connection)."""
        self._next_at = max(self._next_at, self._clock() + self.interval)


Prime = Callable[["HttpSource"], Awaitable[None]]


def prime_with_page(path: str) -> Prime:
    """A prime hook that GETs the HTML page ``path`` so the cookie jar fills (NSE)."""

    async def prime(source: HttpSource) -> None:
        await source.get_text(path, headers={"Accept": HTML_ACCEPT})

    return prime


class HttpSource:
    """One provider's connection to one site. Use ``get_json``/``get_text``; ``aclose`` it.

    ``client`` or ``transport`` may be injected (tests use ``httpx.MockTransport``), as may
    ``sleep``, ``clock`` and ``seed`` so backoff and budgets run instantly and reproducibly.
    """

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        requests_per_second: float = 3.0,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http2: bool = True,
        max_retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 30.0,
        max_body_bytes: int = MAX_BODY_BYTES,
        prime: Prime | None = None,
        cookie_policy: CookiePolicy | None = None,
        blocked_cooldown: float = 600.0,
        seed: int | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_body_bytes = max_body_bytes
        self.blocked_cooldown = blocked_cooldown
        self._prime = prime
        self._sleep = sleep
        self._clock = clock
        self._rng = random.Random(seed)
        self._budget = RequestBudget(requests_per_second, clock=clock, sleep=sleep)
        self.session = CookieSession(
            name,
            cookie_policy or CookiePolicy(),
            clock=clock,
            sleep=sleep,
            backoff=self._backoff_delay,
        )
        self._sent: deque[tuple[float, str]] = deque()
        self._blocked_until = float("-inf")
        self._paused_until: dict[str, float] = {}  # host -> monotonic time a 429 lifts
        self._owns_client = client is None
        if client is None:
            client = httpx.AsyncClient(
                base_url=self.base_url,
                headers=dict(headers or {}),
                timeout=timeout,
                transport=transport,
                http2=http2 and transport is None,
                follow_redirects=True,
            )
        elif headers:
            client.headers.update(headers)
        self.client = client

    @property
    def primed(self) -> bool:
        return self.session.generation > 0

    def requests_in_last_hour(self, path: str | None = None) -> int:
        """Requests sent (priming pages included) in the last hour, to ``path`` or in all."""
        self._forget_old_requests()
        return sum(1 for _, sent in self._sent if path is None or sent == path)

    def sent_log(self) -> list[tuple[float, str]]:
        """(clock time, path) of every request sent in the last hour, oldest first."""
        self._forget_old_requests()
        return list(self._sent)

    def _forget_old_requests(self) -> None:
        horizon = self._clock() - REQUEST_LOG_SECONDS
        while self._sent and self._sent[0][0] < horizon:
            self._sent.popleft()

    async def get_json(
        self, path: str, params: Params = None, *, max_bytes: int | None = None
    ) -> Any:
        """GET ``path`` and decode JSON; HTML or broken JSON raises ``BadPayload('<body>')``.
        ``max_bytes`` overrides the body cap for this endpoint."""
        response = await self._request(path, params, None, primed=True, max_bytes=max_bytes)
        return self._decode_json(path, response)

    async def get_text(
        self, path: str, params: Params = None, *, headers: Mapping[str, str] | None = None
    ) -> str:
        """GET ``path`` as text without priming first (priming itself uses this)."""
        response = await self._request(path, params, headers, primed=False)
        return response.text

    async def aclose(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    async def _prime_fresh_jar(self) -> None:
        """The prime hook on an empty cookie jar (a stale cookie must not ride along)."""
        assert self._prime is not None
        self.client.cookies.clear()
        try:
            await self._prime(self)
        finally:
            self._budget.hold()

    async def _send(
        self,
        path: str,
        params: Params,
        headers: Mapping[str, str] | None,
        use_prime: bool,
        limit: int,
        paused: bool,
    ) -> tuple[httpx.Response | httpx.TransportError, int]:
        """One request when the session, the host's 429 pause (``paused``: not yet slept out
        by this request) and the budget allow it, and the jar generation it went out with.
        Requests queued behind a renewal wait for it and take a new slot. The body is read
        up to ``limit`` bytes."""
        host = self.client.base_url.join(path).host
        while True:
            self._check_not_blocked()
            if paused:
                await self._wait_for_host(host, path)
            if use_prime:
                await self.session.ready(self._prime_fresh_jar)
            await self._budget.wait()
            self._check_not_blocked()  # a request queued behind the one that got blocked
            if not (use_prime and (self.session.renewing or self.session.dead)):
                break
        generation = self.session.generation
        self._sent.append((self._clock(), path))
        self._forget_old_requests()
        try:
            response = await read_capped(
                self.client, path, limit=limit, params=params, headers=headers
            )
        except BodyTooLarge as exc:
            raise BadPayload(self.name, "<body>", f"{path}: {exc}") from None
        except httpx.TransportError as exc:
            return exc, generation
        return response, generation

    async def _request(
        self,
        path: str,
        params: Params,
        headers: Mapping[str, str] | None,
        *,
        primed: bool,
        max_bytes: int | None = None,
    ) -> httpx.Response:
        priming = self.session.is_priming()
        use_prime = primed and self._prime is not None and not priming
        host = self.client.base_url.join(path).host
        limit = max_bytes or self.max_body_bytes
        reprimed = False
        attempt = 0
        slept_until = float("-inf")  # the end of a host pause this request already slept out
        while True:
            paused = self._paused_until.get(host, slept_until) > slept_until
            response, generation = await self._send(path, params, headers, use_prime, limit, paused)
            if isinstance(response, httpx.TransportError):
                error, retryable = self._transport_error(response)
                if priming:
                    raise PrimeRefused(self.name, f"priming page {path}: {error.message}")
                dead = use_prime and not reprimed
                if dead and self.session.transport_failed(response, generation):
                    reprimed = True  # a dead session: start again with a fresh jar
                    await self.session.renew(self._prime_fresh_jar, generation, "dead")
                    continue
                if retryable and attempt < self.max_retries:
                    await self._sleep(self._backoff_delay(attempt))
                    attempt += 1
                    continue
                raise error from response
            if use_prime:
                self.session.answered()
            status = response.status_code
            if priming and (status in (401, 403) or status >= 500):
                page = _block_page_title(response)
                said = f" ({page!r})" if page else ""
                raise PrimeRefused(self.name, f"priming page {path}: HTTP {status}{said}")
            if status in (401, 403):
                if use_prime and not reprimed and _block_page_title(response) is None:
                    reprimed = True
                    await self.session.renew(self._prime_fresh_jar, generation, "refused")
                    continue
                raise self._refused(path, response, reprimed)
            if status == 429:
                asked = _retry_after_seconds(response.headers.get("Retry-After"))
                retry_after = None if asked is None else min(asked, MAX_SERVER_DELAY_S)
                wait = retry_after if retry_after is not None else self._backoff_delay(attempt)
                self._paused_until[host] = max(
                    self._paused_until.get(host, float("-inf")), self._clock() + wait
                )
                if attempt < self.max_retries and wait <= self.max_retry_after:
                    await self._sleep(wait)  # other requests wait in _wait_for_host
                    slept_until = self._paused_until[host]
                    attempt += 1
                    continue
                said = ""
                if asked is not None:
                    said = f"; Retry-After {_seconds(asked)}"
                    if asked > MAX_SERVER_DELAY_S:
                        said += f", capped at {_seconds(MAX_SERVER_DELAY_S)}"
                raise RateLimited(
                    self.name,
                    f"HTTP 429 Too Many Requests from {path}{said}; "
                    f"pausing {host} until {_wall_time(wait)}",
                    retry_after,
                )
            if status >= 500:
                if attempt < self.max_retries:
                    await self._sleep(self._backoff_delay(attempt))
                    attempt += 1
                    continue
                raise ProviderUnavailable(
                    self.name, f"HTTP {status} from {path} after {attempt + 1} attempts"
                )
            if status == 404:
                raise NotFound(self.name, f"HTTP 404 Not Found: {path}")
            if status >= 400:
                raise ProviderUnavailable(self.name, f"HTTP {status} from {path}")
            return response

    async def _wait_for_host(self, host: str, path: str) -> None:
        """Honour a 429's pause of ``host``: sleep out a short one, refuse during a long one."""
        remaining = self._paused_until.get(host, float("-inf")) - self._clock()
        if remaining <= 0:
            return
        if remaining <= self.max_retry_after:
            await self._sleep(remaining)
            return
        raise RateLimited(
            self.name,
            f"{host} asked us to slow down (HTTP 429); not asking for {path} "
            f"until {_wall_time(remaining)}",
            remaining,
        )

    def _check_not_blocked(self) -> None:
        remaining = self._blocked_until - self._clock()
        if remaining > 0:
            raise ProviderUnavailable(
                self.name,
                "blocked by the site ('Access Restricted'); "
                f"not asking again for {remaining:.0f} s",
            )

    def _backoff_delay(self, attempt: int) -> float:
        """Exponential backoff with jitter in [0.5, 1.5) so clients do not retry in lockstep."""
        return min(self.max_backoff, self.backoff * 2**attempt) * (0.5 + self._rng.random())

    def _refused(
        self, path: str, response: httpx.Response, reprimed: bool = False
    ) -> ProviderUnavailable:
        status = response.status_code
        page = _block_page_title(response)
        if page is None:
            hint = " even after re-priming cookies" if reprimed else ""
            return ProviderUnavailable(self.name, f"HTTP {status} from {path}{hint}")
        self._blocked_until = self._clock() + self.blocked_cooldown
        return ProviderUnavailable(
            self.name,
            f"HTTP {status} with HTML page {page!r} from {path} (blocked for too many requests?); "
            f"pausing {self.blocked_cooldown:.0f} s",
        )

    def _decode_json(self, path: str, response: httpx.Response) -> Any:
        body = response.content
        if not body.strip():
            raise BadPayload(self.name, "<body>", f"empty body from {path}")
        content_type = response.headers.get("content-type", "").lower()
        if "html" in content_type or body.lstrip()[:1] == b"<":
            if _block_page_title(response) is not None:
                raise self._refused(path, response)
            title = _html_title(body)
            raise BadPayload(
                self.name, "<body>", f"expected JSON from {path}, got an HTML page {title!r}"
            )
        text = response.text
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if _unclosed(text):
                detail = f"truncated JSON from {path} (cut off after {len(body)} bytes)"
            else:
                detail = f"not JSON from {path}: {exc.msg} at char {exc.pos}"
            raise BadPayload(self.name, "<body>", detail) from exc
        except RecursionError:
            raise BadPayload(self.name, "<body>", f"JSON from {path} nested too deeply") from None

    def _transport_error(self, exc: httpx.TransportError) -> tuple[ProviderUnavailable, bool]:
        """Name the failure (DNS, TLS, refused, timeout, dropped) and say if retrying helps."""
        host = exc.request.url.host if _has_request(exc) else self.base_url
        if isinstance(exc, httpx.TimeoutException):
            phase = {
                httpx.ConnectTimeout: "connecting to",
                httpx.ReadTimeout: "waiting for a response from",
                httpx.WriteTimeout: "sending to",
                httpx.PoolTimeout: "waiting for a free connection to",
            }.get(type(exc), "talking to")
            message = f"timed out after {self.timeout:g} s {phase} {host}"
            return ProviderUnavailable(self.name, message), True
        causes = list(_causes(exc))
        if any(isinstance(cause, socket.gaierror) for cause in causes):
            return ProviderUnavailable(self.name, f"DNS lookup failed for {host}: {exc}"), False
        if tls := next((c for c in causes if isinstance(c, ssl.SSLError)), None):
            reason = getattr(tls, "reason", None) or tls
            return ProviderUnavailable(
                self.name, f"TLS handshake with {host} failed: {reason}"
            ), False
        if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
            return ProviderUnavailable(self.name, f"connection refused by {host}"), True
        if isinstance(exc, httpx.ProxyError):
            return ProviderUnavailable(self.name, f"proxy failed for {host}: {exc}"), False
        reason = _reason(causes)
        if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
            return ProviderUnavailable(self.name, f"connection to {host} dropped: {reason}"), True
        return ProviderUnavailable(self.name, f"request to {host} failed: {reason}"), False


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when the error carries no request
    except RuntimeError:
        return False
    return True


def _causes(exc: BaseException):
    """The exception and everything it was raised from, outermost first."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


#: What the OS errors behind a dropped connection mean, for messages that otherwise say nothing.
_OS_REASONS: tuple[tuple[type[OSError], str], ...] = (
    (ConnectionResetError, "connection reset by the server"),
    (ConnectionAbortedError, "connection aborted"),
    (BrokenPipeError, "connection closed while sending"),
)


def _reason(causes: list[BaseException]) -> str:
    """The first cause with something to say; a bare reset or EOF gets named, not ``""``."""
    for cause in causes:
        for kind, reason in _OS_REASONS:
            if isinstance(cause, kind):
                return reason
    for cause in causes:
        if str(cause).strip():
            return str(cause).strip()
    return f"{type(causes[0]).__name__} (the server closed the connection without a reason)"


def _unclosed(text: str) -> bool:
    """True when ``text`` ends inside a string, array or object: a body cut short."""
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return in_string or depth > 0


def _seconds(value: float) -> str:
    return (
        "an endless time"
        if value == float("inf")
        else (f"{value / 3600:.3g} h" if value >= 3600 else f"{value:.0f} s")
    )


def _wall_time(seconds_from_now: float) -> str:
    """Wall-clock IST time ``seconds_from_now``; with the date when it is not today."""
    now = datetime.now(IST)
    when = now + timedelta(seconds=min(seconds_from_now, MAX_SERVER_DELAY_S))
    return f"{when:%H:%M:%S} IST" if when.date() == now.date() else f"{when:%a %d %b %H:%M:%S} IST"


def _html_title(body: bytes) -> str:
    match = _TITLE.search(body[:4096])
    text = match.group(1) if match else body.lstrip()[:60]
    return " ".join(text.decode("utf-8", "replace").split())


def _block_page_title(response: httpx.Response) -> str | None:
    """The title of a firewall block page ("Access Restricted"/"Access Denied"), if it is one."""
    head = response.content[:8192].lower()
    if not any(phrase.encode() in head for phrase in _BLOCK_PHRASES):
        return None
    return _html_title(response.content) or "Access Restricted"


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now: either delta-seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN: no usable value
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
