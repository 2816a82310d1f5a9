"""A local HTTP server on 127.0.0.1 that imitates www.nseindia.com for integration tests.

What it imitates (NSE as it answers in 2026; sources in tests/fixtures/README.md):
- cookie priming: HTML pages (``/``, ``/option-chain``, ``/market-data/...``) set ``nseappid``;
  an ``/api/...`` call without it answers 401. A call on a *stale* cookie (``rotate_cookie()``,
  or older than ``cookie_lifetime`` seconds) gets no answer at all: the connection is closed,
  which is how a stale cookie shows over HTTP/2 on the real site. ``deny_prime_every = n``
  answers every n-th priming request with an Akamai "Access Denied" page (403).
- the endpoints, served from ``tests/fixtures/nse``: ``allIndices``, ``equity-stock-indices``
  under the short ``indexSymbol`` names only ("NIFTY SMLCAP 250"; a long name gets empty
  ``data``), one index (NIFTY MICROCAP250) without ``meta``, NIFTY TOTAL MKT (every member of
  the segment indices' fixtures, as NIFTY 500 + MICROCAP 250 are), the old ``equity-stockIndices``
  404ing, ``equity-stockIndices-adu``,
  ``marketStatus``, ``event-calendar`` and ``corporates-financial-results`` (fixture dates are
  moved so the fixtures' day, 27 May 2026, becomes the requested ``from_date``),
  ``historicalOR/indicesHistory`` (generated weekday closes for any window, newest first) and
  ``holiday-master``; the archives host's constituent CSVs (``/content/indices/*.csv``,
  no cookie needed). ``variant="2023"`` serves the 2023 allIndices and long-name constituents.
- failures switched on with ``fail(mode, paths=...)`` and off with ``recover()``: ``"403"``
  (HTML "Access Restricted"), ``"429"`` (with ``Retry-After``), ``"500"``, ``"slow"``
  (answers after ``delay`` seconds, so clients time out), ``"truncated"`` (JSON cut in half
  with a matching Content-Length), ``"html"`` (a 200 consent page instead of JSON).
- optionally NSE's rate block: with ``block_above_rps`` set, a request that makes more than
  that many in the last second gets the 403 "Access Restricted" page.

Every request is logged with its arrival time (``clock``, injectable so a benchmark can
simulate an hour); ``max_requests_per_second()`` is the largest
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
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "nse"
ARCHIVES = FIXTURES / "archives"
#: allIndices ``index`` -> ``indexSymbol`` for the indices with constituent fixtures.
SHORT_NAMES = {
    "NIFTY 50": "NIFTY 50",
    "NIFTY MIDCAP 100": "NIFTY MIDCAP 100",
    "NIFTY SMALLCAP 100": "NIFTY SMLCAP 100",
    "NIFTY SMALLCAP 250": "NIFTY SMLCAP 250",
    "NIFTY MICROCAP 250": "NIFTY MICROCAP250",
    "NIFTY TOTAL MARKET": "NIFTY TOTAL MKT",
}
#: NIFTY TOTAL MARKET is NIFTY 500 + NIFTY MICROCAP 250: its members are served as the union of
#: the segment indices' fixture rows (the same 2026 shape, one ``priority`` 1 index row).
TOTAL_MARKET = "NIFTY TOTAL MKT"
SEGMENT_FIXTURES = ("NIFTY 50", "NIFTY MIDCAP 100", "NIFTY SMLCAP 250", "NIFTY MICROCAP250")
#: Marks a reply that is no reply: the server closes the connection without answering.
DROP = object()
ACCESS_DENIED = (
    b"<HTML><HEAD>\n<TITLE>Access Denied</TITLE>\n</HEAD><BODY>\n<H1>Access Denied</H1>\n"
    b'You don\'t have permission to access "http&#58;&#47;&#47;www&#46;nseindia&#46;com&#47;" '
    b"on this server.<P>\nReference&#32;&#35;18&#46;1c2b3a17&#46;1780000000&#46;5e1f0a\n"
    b"</BODY>\n</HTML>\n"
)
#: The trading day the fixtures were recorded on; date-windowed answers are moved from it.
FIXTURE_DAY = date(2026, 5, 27)
#: Where the archives host's constituent lists live.
ARCHIVES_PATH = "/content/"
PRIME_PAGES = frozenset({"/", "/option-chain", "/market-data/live-equity-market"})
FAIL_MODES = frozenset({"403", "429", "500", "slow", "truncated", "html"})
_NSE_DATE = "%d-%m-%Y"
#: The tests' request budget on both hosts, through the provider's own settings: NSE's real
#: 3/s (1/s on the archives host) made each end-to-end test wait seconds. The budget itself is
#: tested in tests/integration/test_nse_snapshot.py.
FAST_BUDGET = {"requests_per_second": 50.0, "archives_requests_per_second": 50.0}


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    at: float  # time.monotonic() on arrival
    path: str
    params: dict[str, str]
    had_cookie: bool
    dropped: bool = False  # answered by closing the connection (stale cookie)


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


def total_market_payload() -> dict[str, Any]:
    """NIFTY TOTAL MKT's answer: its index row, then every segment fixture's stock rows once."""
    first = _load(_fixture_name("constituents", SEGMENT_FIXTURES[0]))
    index_row = {
        **first["data"][0],
        "symbol": TOTAL_MARKET,
        "identifier": TOTAL_MARKET,
        "lastPrice": 14102.35,
        "previousClose": 14003.95,
        "change": 98.4,
        "pChange": 0.7,
    }
    stocks: dict[str, dict[str, Any]] = {}
    for index in SEGMENT_FIXTURES:
        for row in _load(_fixture_name("constituents", index))["data"]:
            if row.get("priority") == 0:
                stocks.setdefault(row["symbol"], row)
    return {**first, "data": [index_row, *stocks.values()]}


class FakeNseServer:
    """A threaded imitation of NSE; start with ``start()`` or ``with``, stop with ``stop()``."""

    def __init__(
        self,
        *,
        block_above_rps: float | None = None,
        cookie_lifetime: float | None = None,
        deny_prime_every: int | None = 3,
        variant: str = "2026",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if variant not in ("2023", "2026"):
            raise ValueError(f"variant: 2023 or 2026, not {variant!r}")
        self.block_above_rps = block_above_rps
        self.cookie_lifetime = cookie_lifetime
        self.deny_prime_every = deny_prime_every
        self.variant = variant
        self.clock = clock
        self.requests: list[LoggedRequest] = []
        self.primes = 0  # priming requests seen (denied ones included)
        self.cookie = secrets.token_hex(8)
        self.stale_cookies: set[str] = set()
        self._issued: dict[str, float] = {}
        self.payloads: dict[str, Any] = {}  # "path" or "path?index" -> payload override
        self._mode: str | None = None
        self._fail_paths: frozenset[str] | None = None
        self.retry_after = "1"
        self.delay = 2.0
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        #: ``stop()`` waits up to one poll for the serving loop to notice.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- control -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self, **overrides: object) -> dict[str, object]:
        """``[providers.nse]`` settings pointing both NSE hosts here, at ``FAST_BUDGET``."""
        return {
            "base_url": self.base_url,
            "archives_url": self.base_url,
            **FAST_BUDGET,
            **overrides,
        }

    def config_table(self, **overrides: object) -> str:
        """``settings()`` as the ``[providers.nse]`` table of a config file; an override of
        None leaves its key out."""
        settings = self.settings(**overrides).items()
        lines = [f"{key} = {json.dumps(value)}" for key, value in settings if value is not None]
        return "\n".join(["[providers.nse]", *lines, ""])

    def live_config(self, *, history: bool = True, **overrides: object) -> str:
        """A config file's text that takes every data kind NSE supplies from this server
        (daily closes too unless ``history`` is False; no ratings: NSE has none), with
        ``config_table(**overrides)``."""
        closes = '["nse"]' if history else "[]"
        sources = (
            '[sources]\nindices = ["nse"]\nstocks = ["nse"]\nbreadth = ["nse"]\nratings = []\n'
            f'earnings = ["nse"]\nstatus = ["nse"]\nhistory = {closes}\n\n'
        )
        return sources + self.config_table(**overrides)

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
        """Make the session cookie stale: API calls carrying it get no answer (the connection
        is closed) until the client re-primes."""
        with self._lock:
            self.stale_cookies.add(self.cookie)
            self.cookie = secrets.token_hex(8)

    # -- inspection --------------------------------------------------------------------------

    def dropped(self) -> list[LoggedRequest]:
        """API calls answered by closing the connection (they carried a stale cookie)."""
        with self._lock:
            return [r for r in self.requests if r.dropped]

    def requests_to(self, path: str) -> list[LoggedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def www_requests(self) -> list[LoggedRequest]:
        """Requests but the archives host's CSVs (another host on the real site)."""
        with self._lock:
            return [r for r in self.requests if not r.path.startswith(ARCHIVES_PATH)]

    def max_requests_per_second(self, window: float = 1.0, *, www_only: bool = False) -> int:
        """The most requests that arrived within any ``window`` seconds (half-open);
        ``www_only`` leaves out the archives host's CSVs."""
        logged = self.www_requests() if www_only else list(self.requests)
        times = sorted(r.at for r in logged)
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
            #: Headers and body go out in two writes: with Nagle's algorithm the body waited
            #: for the client's delayed ACK of the headers, 40 ms a request.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                reply = server._answer(self.path, self.headers.get("Cookie", ""))
                if reply is DROP:
                    self.close_connection = True
                    return
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

    def _sent_cookie(self, cookie_header: str) -> str | None:
        for part in cookie_header.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "nseappid":
                return value
        return None

    def _is_stale(self, cookie: str, now: float) -> bool:
        if cookie in self.stale_cookies or cookie not in self._issued:
            return True
        lifetime = self.cookie_lifetime
        return lifetime is not None and now - self._issued[cookie] >= lifetime

    def _answer(self, raw_path: str, cookie_header: str) -> Reply | object:
        url = urlsplit(raw_path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        now = self.clock()
        with self._lock:
            sent = self._sent_cookie(cookie_header)
            had_cookie = sent is not None and not self._is_stale(sent, now)
            drop = url.path.startswith("/api/") and sent is not None and not had_cookie
            self.requests.append(LoggedRequest(now, url.path, params, had_cookie, drop))
            recent = sum(1 for r in self.requests if now - r.at < 1.0)
            mode = self._mode if self._fail_paths is None or url.path in self._fail_paths else None
            retry_after, delay = self.retry_after, self.delay
            if url.path in PRIME_PAGES:
                self.primes += 1
                denied = bool(self.deny_prime_every) and self.primes % self.deny_prime_every == 0
                if not denied:
                    if self.cookie in self._issued:  # every priming starts a new session
                        self.cookie = secrets.token_hex(8)
                    self._issued[self.cookie] = now
                cookie = self.cookie
        if self.block_above_rps is not None and recent > self.block_above_rps:
            return self._access_restricted()
        if url.path in PRIME_PAGES:
            if denied:
                return Reply(403, ACCESS_DENIED, "text/html")
            page = (FIXTURES / "option_chain.html").read_bytes()
            cookies = (
                ("Set-Cookie", f"nseappid={cookie}; Path=/; HttpOnly"),
                ("Set-Cookie", f"nsit={secrets.token_hex(6)}; Path=/; HttpOnly"),
            )
            return Reply(200, page, "text/html; charset=utf-8", cookies)
        if url.path.startswith("/content/indices/"):
            csv = ARCHIVES / url.path.rsplit("/", 1)[-1]
            if not csv.exists():
                return Reply(404, b"<html><title>404 Not Found</title></html>", "text/html")
            return Reply(200, csv.read_bytes(), "text/csv")
        if not url.path.startswith("/api/"):
            return Reply(404, b"<html><title>404</title></html>", "text/html")
        if drop:
            return DROP
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
            return _json(_load(FIXTURES / f"allIndices_{self.variant}.json"))
        if path == "/api/equity-stock-indices":
            return self._constituents(index)
        if path == "/api/equity-stockIndices-adu":
            return self._adu(SHORT_NAMES.get(index, index) if self.variant == "2023" else index)
        if path == "/api/marketStatus":
            return _json(_load(FIXTURES / "marketStatus_open.json"))
        if path == "/api/event-calendar":
            rows = _load(FIXTURES / "event_calendar.json")
            return _json(self._moved(rows, params, ("date",), "from_date"))
        if path == "/api/corporates-financial-results":
            rows = _load(FIXTURES / "financial_results.json")
            fields = ("broadCastDate", "filingDate")
            return _json(self._moved(rows, params, fields, "to_date"))
        if path == "/api/historicalOR/indicesHistory":
            return self._history(params)
        if path == "/api/holiday-master":
            return _json(_load(FIXTURES / "holidays.json"))
        if path == "/api/fiidiiTradeReact":
            return _json(_load(FIXTURES / "fiidiiTradeReact.json"))
        if path == "/api/corporate-announcements":
            rows = _load(FIXTURES / "corporate_announcements.json")
            return _json(self._moved(rows, params, ("an_dt", "exchdisstime"), "to_date"))
        return Reply(404, b'{"error": "Not Found"}')

    @staticmethod
    def _moved(
        rows: list[dict[str, Any]], params: dict[str, str], fields: tuple[str, ...], anchor: str
    ) -> list[dict[str, Any]]:
        """Fixture rows with their dates moved so FIXTURE_DAY becomes the ``anchor`` param
        (``from_date`` for a calendar ahead, ``to_date`` for filings behind)."""
        try:
            first = datetime.strptime(params[anchor], _NSE_DATE).date()
        except (KeyError, ValueError):
            return rows
        days = (first - FIXTURE_DAY).days
        return [{k: _shift(v, days) if k in fields else v for k, v in row.items()} for row in rows]

    def _constituents(self, index: str) -> Reply:
        """Members under the short name; a long name answers 200 with empty ``data`` (as
        NSE does since mid-2026). The 2023 variant still takes long names."""
        if self.variant == "2023":
            index = SHORT_NAMES.get(index, index)
        if index == TOTAL_MARKET:
            return _json(total_market_payload())
        fixture = _fixture_name("constituents", index)
        if fixture.exists():
            return _json(_load(fixture))
        empty = {
            "data": [],
            "marketStatus": _load(FIXTURES / "constituents_NIFTY_50.json")["marketStatus"],
            "timestamp": "27-May-2026 11:54:31",
        }
        return _json(empty)

    @staticmethod
    def _adu(index: str) -> Reply:
        """The fixture if there is one, else counted from the constituents fixture."""
        fixture = _fixture_name("adu", index)
        if fixture.exists():
            return _json(_load(fixture))
        members = _fixture_name("constituents", index)
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
