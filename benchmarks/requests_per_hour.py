"""Requests per hour the live monitor sends NSE at the default settings, against the fake NSE.

A simulated hour of the monitor's refresh loop, time-compressed (a simulated clock drives the
provider, its request budget, its cookie timers and the fake server, so nothing really waits):
one refresh of every part every ``[refresh] open`` seconds (the default config), the day's
holidays and history once, and the app's back-off after a refresh that raised. The fake NSE
(tests/fakes/nse_server.py) behaves as NSE does in 2026: short constituent names, a priming
page that is sometimes "Access Denied", and in the ``stale`` scenario cookies that go stale
every ``--stale-every`` seconds (API calls on them get the connection closed, no answer).

Prints, per scenario, requests per hour by endpoint and in total, primes, and calls dropped on
a dead cookie. Issue 9's baseline (commit 8c55cbb, same scenarios) is in README "Request
volume". Run from the project root: .venv/bin/python benchmarks/requests_per_hour.py
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.nse_server import FakeNseServer  # noqa: E402

from providers.base import ProviderError  # noqa: E402
from providers.contract import IST  # noqa: E402
from providers.nse import NseProvider, NseSettings  # noqa: E402
from tui.config import Refresh  # noqa: E402

START = datetime(2026, 5, 27, 9, 30, tzinfo=IST)
#: The app's cap on the back-off after failed refreshes (tui.app.MAX_RETRY_S).
MAX_RETRY_S = 300.0


class SimClock:
    """Simulated seconds since START: ``sleep`` advances it instead of waiting."""

    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return START + timedelta(seconds=self.t)

    async def sleep(self, seconds: float) -> None:
        self.t += max(seconds, 0.0)
        await asyncio.sleep(0)


async def simulate_hour(stale_every: float | None, seconds: float) -> tuple[Counter, int, int]:
    """(requests by path, refreshes that raised, refreshes) for ``seconds`` of monitoring."""
    sim = SimClock()
    interval = Refresh().open
    with FakeNseServer(cookie_lifetime=stale_every, clock=sim.monotonic) as server:
        settings = NseSettings.from_mapping(
            {"base_url": server.base_url, "archives_url": server.base_url}
        )
        provider = NseProvider(settings, now=sim.now, clock=sim.monotonic, sleep=sim.sleep)
        failures = refreshes = raised = 0
        try:
            while sim.t < seconds:
                refreshes += 1
                try:
                    await provider.fetch()
                    failures = 0
                    delay = interval
                except ProviderError:
                    raised += 1
                    failures += 1
                    delay = min(MAX_RETRY_S, interval * 2 ** (failures - 1))
                if refreshes == 1:  # the monitor's daily work after the first screen
                    for daily in (provider.holidays(), provider.history(None, 260)):
                        try:
                            await daily
                        except ProviderError:
                            pass
                sim.t += delay
        finally:
            await provider.aclose()
        by_path = Counter(r.path for r in server.requests)
        by_path["(dropped on a stale cookie)"] = len(server.dropped())
    return by_path, raised, refreshes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="simulated minutes")
    parser.add_argument("--stale-every", type=float, default=120.0, help="cookie life, seconds")
    args = parser.parse_args()
    hours = args.minutes / 60
    print(f"default refresh: every {Refresh().open:g} s while open; simulated {args.minutes:g} min")
    for name, stale in (("healthy cookies", None), (f"stale every {args.stale_every:g} s", args.stale_every)):
        by_path, raised, refreshes = asyncio.run(simulate_hour(stale, args.minutes * 60))
        dropped = by_path.pop("(dropped on a stale cookie)")
        total = sum(by_path.values())
        print(f"\n{name}: {total / hours:,.0f} requests/hour ({refreshes} refreshes, {raised} raised)")
        for path, count in by_path.most_common():
            print(f"  {count / hours:8,.0f}/h  {path}")
        print(f"  {dropped / hours:8,.0f}/h  of them dropped on a stale cookie")
    return 0


if __name__ == "__main__":
    sys.exit(main())
