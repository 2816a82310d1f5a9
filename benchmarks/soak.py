"""Soak: does the monitor leak memory or file descriptors over a long day?

Two variants, each printing RSS and open file descriptors every ``--every`` refreshes and, at
the end, the RSS slope after warm-up (MB per 10,000 refreshes, least squares) and the fd range:

- ``demo``: the real ``CapwatchApp`` on the demo market, headless (Textual's ``run_test``),
  at 120x40. It drives the app's own refresh path (``CapwatchApp._refresh_once``: fetch,
  sanity checks, last-good merge, analytics in a thread, daily history reloads, status bar)
  back to back, without the timer's wait between refreshes: at the fastest interval the wait
  is idle time anyway, and 20,000 timer-paced refreshes would take an hour. Drawing the panes
  is included with ``--draw`` (4x slower per refresh, so for shorter runs). The demo clock
  runs on, so trading days roll over and the daily work is part of the soak.
- ``live``: the same app on the NSE provider against the fake NSE server (run in a child
  process, so its request log does not count), which fails every third API request in a
  random way: 500, 429 with an absurd Retry-After, 403 block page, HTML page, truncated or
  empty body, ``data: []``, NaN prices, a body over the size cap, or a dropped connection.

Target: flat memory (<= 1 MB per 10,000 refreshes after warm-up), constant fds.

Run: .venv/bin/python benchmarks/soak.py demo [--refreshes 20000]
     .venv/bin/python benchmarks/soak.py live [--refreshes 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from timing import START  # noqa: E402

from providers.demo import create  # noqa: E402
from tui.ui.app import CapwatchApp  # noqa: E402

#: The hostile server, run in a child process: the fake NSE server, failing every third API
#: request in a randomly chosen way (seeded, so runs are comparable).
HOSTILE_SERVER = r"""
import json, random, socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
from tests.fakes.nse_server import FakeNseServer, Reply

class Hostile(FakeNseServer):
    def __init__(self):
        super().__init__()
        self.rng = random.Random(7)
        self.count = 0

    def _answer(self, raw_path, cookie_header):
        with self._lock:
            self.requests.clear()  # the log would grow for ever; the soak measures the client
        if not raw_path.startswith("/api/"):
            return super()._answer(raw_path, cookie_header)
        self.count += 1
        if self.count % 3:
            return super()._answer(raw_path, cookie_header)
        whole = super()._answer(raw_path, cookie_header)
        mode = self.rng.choice(MODES)
        if mode == "500":
            return Reply(500, b"Internal Server Error", "text/plain")
        if mode == "429":
            after = self.rng.choice(["nan", "0", "0.01"])  # inf: tests; here it would idle 1 h
            return Reply(429, b"Too Many Requests", "text/plain", (("Retry-After", after),))
        if mode == "403":
            return self._access_restricted()
        if mode == "html":
            return Reply(200, b"<!DOCTYPE html><title>Consent</title>", "text/html")
        if mode == "truncated":
            return Reply(200, whole.body[: len(whole.body) // 2], whole.content_type)
        if mode == "empty":
            return Reply(200, b"", whole.content_type)
        if mode == "no rows":
            return Reply(200, json.dumps({"data": []}).encode(), whole.content_type)
        if mode == "nan":
            body = whole.body.replace(b'"last": ', b'"last": NaN, "x": ')
            return Reply(200, body.replace(b'"lastPrice": ', b'"lastPrice": Infinity, "y": '))
        if mode == "huge":
            return Reply(200, b"[" + b"1," * 3_000_000 + b"1]", whole.content_type)
        return Reply(0, b"", "reset")

MODES = ["500", "429", "403", "html", "truncated", "empty", "no rows", "nan", "huge", "reset"]

server = Hostile()
handler = server._httpd.RequestHandlerClass
plain_get = handler.do_GET

def do_get(self):
    reply = server._answer(self.path, self.headers.get("Cookie", ""))
    if reply.status == 0:  # drop the connection without an answer (RST)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        return
    self.send_response(reply.status)
    self.send_header("Content-Type", reply.content_type)
    self.send_header("Content-Length", str(len(reply.body)))
    for name, value in reply.headers:
        self.send_header(name, value)
    self.end_headers()
    self.wfile.write(reply.body)

handler.do_GET = do_get
server.start()
print(server.base_url, flush=True)
sys.stdin.read()  # serve until the parent closes our stdin
"""


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def slope_per_10k(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of RSS against refreshes, in MB per 10,000 refreshes."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    var = sum((x - mean_x) ** 2 for x, _ in points)
    return cov / var * 10_000 if var else 0.0


async def soak(app: CapwatchApp, refreshes: int, every: int, warmup: int, draw: bool) -> None:
    samples: list[tuple[int, float, int]] = []
    async with app.run_test(size=(120, 40), headless=True) as pilot:
        await app.workers.wait_for_complete()
        began = time.perf_counter()
        for done in range(1, refreshes + 1):
            await app._refresh_once(draw=draw)
            if done % 10 == 0:
                await pilot.pause()  # let the screen repaint what changed
            if done % every == 0:
                samples.append((done, rss_mb(), open_fds()))
                rate = done / (time.perf_counter() - began)
                print(
                    f"{done:>7,} refreshes  RSS {samples[-1][1]:7.1f} MB  fds {samples[-1][2]:3d}"
                    f"  ({rate:.0f}/s)  {(app._error or '')[:70]}",
                    flush=True,
                )
    after = [(n, rss) for n, rss, _ in samples if n > warmup]
    fds = [fd for n, _, fd in samples if n > warmup]
    if len(after) >= 2:
        print(
            f"slope after {warmup:,} refreshes of warm-up: "
            f"{slope_per_10k(after):+.2f} MB per 10,000 refreshes "
            f"(RSS {after[0][1]:.1f} -> {after[-1][1]:.1f} MB); "
            f"fds {min(fds)}..{max(fds)}"
        )


def demo_app() -> CapwatchApp:
    return CapwatchApp(create({"seed": 7, "start": START}), interval=3600)  # we drive it


def live_app(base_url: str) -> CapwatchApp:
    from providers.nse.provider import NseProvider
    from providers.nse.settings import NseSettings

    settings = NseSettings.from_mapping(
        {"base_url": base_url, "requests_per_second": 1000, "timeout": 5, "max_retries": 1}
    )
    provider = NseProvider(settings)
    provider.source.blocked_cooldown = 0.0  # a block page must not idle the soak for 10 min
    provider.source.max_retry_after = 0.0  # never sleep out a 429: fail the part instead
    provider.source.backoff = 0.01  # short pauses, so most refreshes reach the server
    return CapwatchApp(provider, interval=3600)  # the soak drives the refreshes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=("demo", "live"))
    parser.add_argument("--refreshes", type=int, default=None)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=None)
    parser.add_argument("--draw", action="store_true", help="draw every pane on each refresh")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the failures are the point; their log lines are not
    refreshes = args.refreshes or (20_000 if args.variant == "demo" else 3_000)
    warmup = args.warmup if args.warmup is not None else max(args.every, refreshes // 10)
    drawn = "drawing every pane" if args.draw else "panes not drawn"
    print(f"soak {args.variant}: {refreshes:,} refreshes ({drawn}), RSS/fds every {args.every:,}")
    if args.variant == "demo":
        asyncio.run(soak(demo_app(), refreshes, args.every, warmup, args.draw))
        return
    server = subprocess.Popen(
        [sys.executable, "-c", HOSTILE_SERVER, str(REPO)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the server's tracebacks for the connections it drops
        text=True,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        print(f"hostile fake NSE at {base_url}: every third API request fails")
        asyncio.run(soak(live_app(base_url), refreshes, args.every, warmup, args.draw))
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
