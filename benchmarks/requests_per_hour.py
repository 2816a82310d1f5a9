"""Requests per hour the live monitor sends NSE at the default settings, against the fake NSE.

A simulated hour of the monitor's refresh loop (tests/fakes/monitor_loop.py), time-compressed:
one simulated clock drives the provider, its request budget, its cookie timers and the fake
server, so nothing really waits. One refresh of every part every ``[refresh] open`` seconds
(the default config), the day's holidays and history once, the app's back-off after a refresh
that raised. The fake NSE (tests/fakes/nse_server.py) answers as NSE does in 2026: short
constituent names, a priming page that is "Access Denied" every third time, and in the second
scenario cookies that go stale every ``--stale-every`` seconds (calls on them: no answer).

Prints, per scenario, requests per hour in total and by endpoint, and the calls dropped on a
dead cookie. ``--refresh 10`` measures the old default interval and ``--per-index`` the
members asked index by index (``total_market = ""``), the rows the README's "Request volume"
compares with the figures before issue 9 (commit 8c55cbb, same scenarios). Run from the
project root: .venv/bin/python benchmarks/requests_per_hour.py [--refresh S] [--per-index]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.monitor_loop import run_refreshes  # noqa: E402
from fakes.nse_server import FakeNseServer  # noqa: E402
from fakes.simclock import SimClock  # noqa: E402

from providers.nse import NseProvider, NseSettings  # noqa: E402
from tui.settings.config import Refresh  # noqa: E402


async def simulate(
    stale_every: float | None, seconds: float, refresh: float, total_market: bool
) -> tuple[Counter, int, int, int]:
    """(requests by path, calls dropped, refreshes, stale refreshes) over ``seconds``."""
    sim = SimClock()
    with FakeNseServer(cookie_lifetime=stale_every, clock=sim.monotonic) as server:
        urls = {"base_url": server.base_url, "archives_url": server.base_url}
        settings = NseSettings.from_mapping(urls if total_market else {**urls, "total_market": ""})
        provider = NseProvider(settings, now=sim.now, clock=sim.monotonic, sleep=sim.sleep)
        try:
            refreshes = await run_refreshes(provider, sim, refresh, seconds)
        finally:
            await provider.aclose()
        by_path = Counter(r.path for r in server.requests)
        dropped = len(server.dropped())
    return by_path, dropped, len(refreshes), sum(r.stale for r in refreshes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="simulated minutes")
    parser.add_argument("--stale-every", type=float, default=120.0, help="cookie life, s")
    parser.add_argument(
        "--refresh", type=float, default=Refresh().open, help="[refresh] open, s (default: ours)"
    )
    parser.add_argument(
        "--per-index", action="store_true", help='total_market = "": each index asked itself'
    )
    args = parser.parse_args()
    hours = args.minutes / 60
    default = " (default)" if args.refresh == Refresh().open else ""
    how = "each index asked for its members" if args.per_index else "one total-market call"
    print(f"refresh every {args.refresh:g} s{default}, {how}; simulated {args.minutes:g} min")
    scenarios = (
        ("healthy cookies", None),
        (f"stale every {args.stale_every:g} s", args.stale_every),
    )
    for name, stale in scenarios:
        by_path, dropped, refreshes, bad = asyncio.run(
            simulate(stale, args.minutes * 60, args.refresh, not args.per_index)
        )
        total = sum(by_path.values()) / hours
        print(f"\n{name}: {total:,.0f} requests/hour; {refreshes} refreshes, {bad} STALE")
        for path, count in by_path.most_common():
            print(f"  {count / hours:8,.0f}/h  {path}")
        print(f"  {dropped / hours:8,.0f}/h  of them dropped on a stale cookie")
    return 0


if __name__ == "__main__":
    sys.exit(main())
