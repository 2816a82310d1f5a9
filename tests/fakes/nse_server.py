"""A local HTTP server on 127.0.0.1 that imitates www.nseindia.com for integration tests.

What it imitates (see ../../../shared/data-sources.md):
- cookie priming: HTML pages (``/``, ``/option-chain``, ``/market-data/...``) set ``nseappid``;
  every ``/api/...`` call without the current cookie answers 401. ``rotate_cookie()`` expires
  the cookie, so the next API call is refused until the client re-primes.
- the endpoints, served from ``tests/fixtures/nse``: ``allIndices``, ``equity-stock-indices``
  (the old ``equity-stockIndices`` 404s, as it does now), ``equity-stockIndices-adu``,
  ``marketStatus``, ``event-calendar`` and ``corporates-financial-results`` (fixture dates are
  moved so the fixtures' day, 27 May 2026, becomes the requested ``from_date``),
  ``historicalOR/indicesHistory`` (generated weekday closes for any window, newest first) and
  ``holiday-master``.
- failures switched on with ``fail(mode, paths=...)`` and off with ``recover()``: ``"403"``
  (HTML "Access Restricted"), ``"429"`` (with ``Retry-After``), ``"500"``, ``"slow"``
  (answers after ``delay`` seconds, so clients time out), ``"truncated"`` (JSON cut in half
  with a matching Content-Length), ``"html"`` (a 200 consent page instead of JSON).
- optionally NSE's rate block: with ``block_above_rps`` set, a request that makes more than
  that many in the last second gets the 403 "Access Restricted" page.

Every request is logged with its arrival time; ``max_requests_per_second()`` is the largest
number that arrived within any one-second window.

Use it as the ``nse_server`` pytest fixture (tests/conftest.py) or directly::

    with FakeNseServer() as server:
        os.environ["CAPWATCH_NSE_BASE_URL"] = server.base_url
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "nse"
#: The trading day the fixtures were recorded on; date-windowed answers are moved from it.
FIXTURE_DAY = date(2026, 5, 27)
PRIME_PAGES = frozenset({"/", "/option-chain", "/market-data/live-equity-market"})
FAIL_MODES = frozenset({"403", "429", "500", "slow", "truncated", "html"})
_NSE_DATE = "%d-%m-%Y"


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    at: float  # time.monotonic() on arrival
    path: str
    params: dict[str, str]
    had_cookie: bool


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def _json(payload: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(payload).encode())


def _fixture_name(prefix: str, index: str) -> Path:
    return FIXTURES / f"{prefix}_{index.replace(' ', '_')}.json"


def _load(path: Path) -> Any:
    return json.loads(path.read_text())


def _shift(text: object, days: int) -> object:
    """Move an NSE date string ("29-May-2026", "27-May-2026 10:16:02") by ``days``."""
    if not isinstance(text, str) or len(text) < 11:
        return text
    try:
        day = datetime.strptime(text[:11], "%d-%b-%Y")
    except ValueError:
        return text
    return (day + timedelta(days=days)).strftime("%d-%b-%Y") + text[11:]


class FakeNseServer:
    """A threaded imitation of NSE; start with ``start()`` or ``with``, stop with ``stop()``."""

    def __init__(self, *, block_above_rps: float | None = None) -> None:
        self.block_above_rps = block_above_rps
        self.requests: list[LoggedRequest] = []
        self.cookie = secrets.token_hex(8)
        self.payloads: dict[str, Any] = {}  # "path" or "path?index" -> payload override
        self._mode: str | None = None
        self._fail_paths: frozenset[str] | None = None
        self.retry_after = "1"
        self.delay = 2.0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- control -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeNseServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeNseServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def fail(
        self,
        mode: str,
        *,
        paths: Collection[str] | None = None,
        retry_after: str = "1",
        delay: float = 2.0,
    ) -> None:
        """Make API calls (to ``paths``, default all) fail in ``mode`` until ``recover()``."""
        if mode not in FAIL_MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {sorted(FAIL_MODES)}")
        with self._lock:
            self._mode = mode
            self._fail_paths = frozenset(paths) if paths is not None else None
            self.retry_after = retry_after
            self.delay = delay

    def recover(self) -> None:
        with self._lock:
            self._mode = None
            self._fail_paths = None

    def rotate_cookie(self) -> None:
        """Expire the session cookie: API calls answer 401 until the client re-primes."""
        with self._lock:
            self.cookie = secrets.token_hex(8)

    # -- inspection --------------------------------------------------------------------------

    def requests_to(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def max_requests_per_second(self, window: float = 1.0) -> int:
        """The most requests that arrived within any ``window`` seconds (half-open)."""
        with self._lock:
            times = sorted(r.at for r in self.requests)
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    # -- serving -----------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                reply = server._answer(self.path, self.headers.get("Cookie", ""))
                # The client may have given up (timed out in "slow" mode): nothing to tell it.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the request log is ``server.requests``."""

        return Handler

    def _answer(self, raw_path: str, cookie_header: str) -> Reply:
        url = urlsplit(raw_path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        now = time.monotonic()
        with self._lock:
            had_cookie = f"nseappid={self.cookie}" in cookie_header
            self.requests.append(LoggedRequest(now, url.path, params, had_cookie))
            recent = sum(1 for r in self.requests if now - r.at < 1.0)
            mode = self._mode if self._fail_paths is None or url.path in self._fail_paths else None
            cookie, retry_after, delay = self.cookie, self.retry_after, self.delay
        if self.block_above_rps is not None and recent > self.block_above_rps:
            return self._access_restricted()
        if url.path in PRIME_PAGES:
            page = (FIXTURES / "option_chain.html").read_bytes()
            cookies = (
                ("Set-Cookie", f"nseappid={cookie}; Path=/; HttpOnly"),
                ("Set-Cookie", f"nsit={secrets.token_hex(6)}; Path=/; HttpOnly"),
            )
            return Reply(200, page, "text/html; charset=utf-8", cookies)
        if not url.path.startswith("/api/"):
            return Reply(404, b"<html><title>404</title></html>", "text/html")
        if not had_cookie:
            return _json({}, 401)
        if mode == "slow":
            time.sleep(delay)
        elif mode is not None:
            return self._failure(mode, retry_after, url.path, params)
        return self._route(url.path, params)

    @staticmethod
    def _access_restricted() -> Reply:
        page = (FIXTURES / "access_restricted.html").read_bytes()
        return Reply(403, page, "text/html; charset=utf-8")

    def _failure(self, mode: str, retry_after: str, path: str, params: dict[str, str]) -> Reply:
        if mode == "403":
            return self._access_restricted()
        if mode == "429":
            return Reply(429, b"Too Many Requests", "text/plain", (("Retry-After", retry_after),))
        if mode == "500":
            return Reply(500, b"Internal Server Error", "text/plain")
        if mode == "html":
            page = b"<!DOCTYPE html><html><title>Consent required</title></html>"
            return Reply(200, page, "text/html; charset=utf-8")
        whole = self._route(path, params)  # "truncated"
        return Reply(whole.status, whole.body[: max(1, len(whole.body) // 2)], whole.content_type)

    def _route(self, path: str, params: dict[str, str]) -> Reply:
        index = params.get("index", "")
        override = self.payloads.get(f"{path}?{index}", self.payloads.get(path))
        if override is not None:
            return _json(override)
        if path == "/api/allIndices":
            return _json(_load(FIXTURES / "allIndices_2026.json"))
        if path == "/api/equity-stock-indices":
            fixture = _fixture_name("constituents_new", index)
            return _json(_load(fixture)) if fixture.exists() else _json({"data": []}, 404)
        if path == "/api/equity-stockIndices-adu":
            return self._adu(index)
        if path == "/api/marketStatus":
            return _json(_load(FIXTURES / "marketStatus_open.json"))
        if path == "/api/event-calendar":
            rows = _load(FIXTURES / "event_calendar.json")
            return _json(self._moved(rows, params, ("date",)))
        if path == "/api/corporates-financial-results":
            rows = _load(FIXTURES / "financial_results.json")
            fields = ("broadCastDate", "exchdisstime", "filingDate")
            return _json(self._moved(rows, params, fields))
        if path == "/api/historicalOR/indicesHistory":
            return self._history(params)
        if path == "/api/holiday-master":
            return _json(_load(FIXTURES / "holidays.json"))
        if path == "/api/fiidiiTradeReact":
            return _json(_load(FIXTURES / "fiidiiTradeReact.json"))
        if path == "/api/corporate-announcements":
            rows = _load(FIXTURES / "corporate_announcements.json")
            return _json(self._moved(rows, params, ("an_dt", "exchdisstime")))
        return Reply(404, b'{"error": "Not Found"}')

    @staticmethod
    def _moved(rows: list[dict[str, Any]], params: dict[str, str], fields: tuple[str, ...]):
        """Fixture rows with their dates moved so FIXTURE_DAY becomes ``from_date``."""
        try:
            first = datetime.strptime(params["from_date"], _NSE_DATE).date()
        except (KeyError, ValueError):
            return rows
        days = (first - FIXTURE_DAY).days
        return [{k: _shift(v, days) if k in fields else v for k, v in row.items()} for row in rows]

    @staticmethod
    def _adu(index: str) -> Reply:
        """The fixture if there is one, else counted from the constituents fixture."""
        fixture = _fixture_name("adu", index)
        if fixture.exists():
            return _json(_load(fixture))
        members = _fixture_name("constituents_new", index)
        if not members.exists():
            return _json({}, 404)
        changes = [row.get("pChange") for row in _load(members)["data"] if row["priority"] == 0]
        numbers = [float(c) for c in changes if isinstance(c, int | float)]
        counts = {
            "advances": sum(c > 0 for c in numbers),
            "declines": sum(c < 0 for c in numbers),
            "unchanged": sum(c == 0 for c in numbers),
        }
        return _json({key: str(value) for key, value in counts.items()})

    @staticmethod
    def _history(params: dict[str, str]) -> Reply:
        """Weekday closes for the requested window, newest first, like the real endpoint."""
        try:
            first = datetime.strptime(params["from"], _NSE_DATE).date()
            last = datetime.strptime(params["to"], _NSE_DATE).date()
        except (KeyError, ValueError):
            return _json({"error": "from and to are required (dd-mm-YYYY)"}, 400)
        if (last - first).days >= 366:
            return _json({"error": "window longer than 365 days"}, 400)
        name = params.get("indexType", "")
        base = 10_000 + sum(map(ord, name)) % 5_000
        rows = []
        day = last
        while day >= first:
            if day.weekday() < 5:
                close = base * (1 + 0.0002 * (day.toordinal() % 97))
                rows.append(
                    {
                        "EOD_INDEX_NAME": name,
                        "EOD_CLOSE_INDEX_VAL": round(close, 2),
                        "EOD_TIMESTAMP": day.strftime("%d-%b-%Y").upper(),
                    }
                )
            day -= timedelta(days=1)
        return _json({"data": rows})


@pytest.fixture
def nse_server() -> Iterator[FakeNseServer]:
    """A started fake NSE on 127.0.0.1; its ``base_url`` goes in ``CAPWATCH_NSE_BASE_URL``."""
    with FakeNseServer() as server:
        yield server
