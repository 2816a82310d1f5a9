"""``capwatch doctor``: failure causes from real provider errors (httpx.MockTransport), and the
whole command against a local 127.0.0.1 server imitating BSE and Yahoo. No network."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Callable, Collection, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from providers.bse import BseProvider
from providers.contract import Part, Snapshot
from tui.cli import main
from tui.commands.doctor import Check, classify, diagnose, render

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def failing(make_error: Callable[[httpx.Request], Exception]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise make_error(request)

    return httpx.MockTransport(handler)


def dns_error(request: httpx.Request) -> Exception:
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as cause:
        error = httpx.ConnectError("[Errno -2] Name or service not known", request=request)
        error.__cause__ = cause
        return error


def tls_error(request: httpx.Request) -> Exception:
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error = httpx.ConnectError("certificate verify failed", request=request)
    error.__cause__ = cause
    return error


def answering(response: httpx.Response) -> httpx.MockTransport:
    return httpx.MockTransport(lambda _: response)


async def no_sleep(_: float) -> None:
    return None


def bse_with(transport: httpx.MockTransport) -> BseProvider:
    return BseProvider(transport=transport, max_retries=0, sleep=no_sleep)


ACCESS_RESTRICTED = (FIXTURES / "bse" / "access_restricted.html").read_bytes()


@pytest.mark.parametrize(
    ("transport", "cause"),
    [
        (failing(dns_error), "DNS"),
        (failing(tls_error), "TLS"),
        (failing(lambda r: httpx.ReadTimeout("slow", request=r)), "timeout"),
        (answering(httpx.Response(403, content=ACCESS_RESTRICTED)), "blocked (HTML page)"),
        (answering(httpx.Response(401, text="")), "refused (401/403)"),
        (answering(httpx.Response(429, headers={"Retry-After": "120"})), "rate limited (429)"),
        (answering(httpx.Response(503, text="down")), "server error (5xx)"),
        (answering(httpx.Response(200, text="<html><title>Login</title>")), "bad data"),
    ],
)
async def test_each_failure_is_named_by_its_cause(
    transport: httpx.MockTransport, cause: str
) -> None:
    checks = await diagnose({"breadth": ["bse"]}, {"bse": bse_with(transport)})

    (check,) = checks
    assert (check.part, check.provider, check.works, check.cause) == (
        Part.BREADTH,
        "bse",
        False,
        cause,
    )
    assert check.detail.startswith("bse: ")
    assert check.latency_ms is not None and check.latency_ms >= 0


def test_classify_unknown_messages() -> None:
    assert classify("bse: something odd") == "error"
    assert classify("x", KeyError("k")) == "bug"


class SlowProvider:
    name = "slow"
    parts = frozenset({Part.INDICES})
    simulated = False
    closed = False

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        await asyncio.sleep(5)
        raise AssertionError("not reached")

    async def history(self, names=None, days=260):
        raise AssertionError("not routed")

    async def aclose(self) -> None:
        self.closed = True


async def test_a_provider_that_hangs_is_cut_off_and_closed() -> None:
    slow = SlowProvider()

    (check,) = await diagnose({"indices": ["slow"]}, {"slow": slow}, timeout=0.05)

    assert (check.works, check.cause) == (False, "timeout")
    assert "no answer within 0.05 s" in check.detail
    assert slow.closed


def test_render_marks_partial_answers_and_missing_kinds() -> None:
    checks = [
        Check(Part.RATINGS, "files", True, 4, 3.2, "bad rows", "ratings.csv: skipped 1 bad row"),
        Check(Part.INDICES, "nse", False, None, 812.0, "timeout", "nse: timed out"),
        Check(Part.INDICES, "yahoo", True, 2, 95.4, "", ""),
        Check(Part.BREADTH, "bse", False, 0, 40.0, "empty", "answered but supplied nothing"),
    ]

    text = render(checks)

    assert "partial: bad rows" in text
    assert "FAIL: timeout" in text and "812 ms" in text
    assert "2 of 3 data kinds have a working provider." in text
    assert "no working provider for breadth" in text
    assert "no working provider for indices" not in text


class FakeSites(BaseHTTPRequestHandler):
    """BSE's API from the fixtures; Yahoo's cookie and crumb, then 429 on the chart."""

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        bse = {
            "/BseIndiaAPI/api/advanceDecline/w": "advance_decline.json",
            "/BseIndiaAPI/api/MktRGainerLoserData/w": "gainers_smallcap.json",
            "/BseIndiaAPI/api/Corpforthresults/w": "forthcoming_results.json",
            "/BseIndiaAPI/api/MktCapBoard/w": "index_board_cat1.json",
        }
        if path in bse:
            self._send(200, (FIXTURES / "bse" / bse[path]).read_bytes(), "application/json")
        elif path == "/cookie":
            self._send(404, b"", "text/plain", {"Set-Cookie": "A3=d=x; Path=/"})
        elif path == "/v1/test/getcrumb":
            self._send(200, b"Ab1cD2eF3gH", "text/plain")
        elif path.startswith("/v8/finance/chart/"):
            self._send(429, b"Too Many Requests", "text/plain", {"Retry-After": "600"})
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, status: int, body: bytes, kind: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSites)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def write_config(tmp_path: Path, site: str, indices: str) -> Path:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("symbol,to,at\nKPITTECH,Buy,2026-11-18\nBAD,Maybe,2026-11-18\n")
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[sources]
indices = {indices}
stocks = ["bse"]
breadth = ["bse"]
ratings = ["files"]
earnings = ["bse"]
status = []
history = []

[providers.bse]
base_url = "{site}"
requests_per_second = 8

[providers.yahoo]
base_url = "{site}"
requests_per_second = 50
cookie_url = "{site}/cookie"

[providers.files]
ratings = "{ratings}"
"""
    )
    return config


def test_doctor_end_to_end_against_a_local_server(
    tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, site, '["yahoo"]')

    status = main(["doctor", "--config", str(config)])

    out = capsys.readouterr().out
    lines = {tuple(line.split()[:2]): line for line in out.splitlines() if line.strip()}
    assert status == 1
    assert "FAIL: rate limited (429)" in lines[("indices", "yahoo")]
    assert "^NSEI: HTTP 429" in lines[("indices", "yahoo")]
    assert lines[("breadth", "bse")].split()[2:4] == ["ok", "3"]
    assert lines[("stocks", "bse")].split()[2] == "ok"
    assert "partial: bad rows" in lines[("ratings", "files")]
    assert "no working provider for indices" in out
    assert str(config) in out


def test_doctor_exits_zero_when_every_kind_works(
    tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, site, "[]")

    assert main(["doctor", "--config", str(config)]) == 0
    assert "4 of 4 data kinds have a working provider." in capsys.readouterr().out


def test_doctor_with_one_provider_checks_only_what_it_supplies(
    tmp_path: Path, site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, site, '["yahoo"]')

    assert main(["doctor", "--config", str(config), "--provider", "bse"]) == 0
    out = capsys.readouterr().out
    kinds = {part.value for part in Part}
    rows = [row for line in out.splitlines() if (row := line.split()) and row[0] in kinds]
    assert all(row[1] == "bse" for row in rows)
    assert {row[0] for row in rows} == {
        "indices",
        "stocks",
        "breadth",
        "earnings",
    }


def test_doctor_shows_each_nse_endpoint_with_the_name_sent_and_requests(
    tmp_path: Path, nse_server, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "nse.toml"
    config.write_text(nse_server.live_config(history=False))
    assert main(["doctor", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "nse endpoints:" in out
    table = out[out.index("nse endpoints:") :].splitlines()
    assert "NAME SENT" in table[1] and "COOKIE AGE" in table[1]
    total = next(line.split() for line in table if "NIFTY TOTAL MKT" in line)
    # path, name sent, rows, cookie age ("0 s"), requests to the path in the last hour
    assert total[0] == "/api/equity-stock-indices"
    assert total[4] == "13" and total[6] == "s" and total[7] == "1"
    all_indices = next(line.split() for line in table if line.startswith("/api/allIndices"))
    assert all_indices[1:3] == ["-", "5"] and all_indices[-1] == "1"
    assert any(line.startswith("/content/indices/ind_niftymicrocap250_list.csv") for line in table)


def test_doctor_without_config_checks_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("CAPWATCH_CONFIG", raising=False)

    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "built-in defaults" in out
    assert "9 of 9 data kinds have a working provider." in out


def test_doctor_reports_config_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--config", str(tmp_path / "missing.toml")]) == 2
    assert "file not found" in capsys.readouterr().err
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert main(["doctor", "--config", str(empty), "--provider", "nope"]) == 2
    assert "unknown provider 'nope'" in capsys.readouterr().err
