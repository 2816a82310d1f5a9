"""Issue 9's monitor scenario on a simulated clock: the fake NSE's cookies go stale every
15 s (a call on a stale cookie gets the connection closed, no answer) and the monitor
refreshes every 2 s, for a minute. It must keep refreshing, re-prime only a handful of
times, send only a few calls on a dead cookie, and never show STALE for two refreshes."""

from __future__ import annotations

from fakes.monitor_loop import run_refreshes
from fakes.nse_server import FakeNseServer
from fakes.simclock import SimClock

from providers.nse import NseProvider, NseSettings

COOKIE_LIFE_S = 15.0
REFRESH_S = 2.0
MINUTE_S = 60.0


async def run_minute(*, cookie_max_age: float, deny_prime_every: int | None = 3):
    sim = SimClock()
    server = FakeNseServer(
        cookie_lifetime=COOKIE_LIFE_S, deny_prime_every=deny_prime_every, clock=sim.monotonic
    )
    with server:
        settings = NseSettings.from_mapping(
            {
                "base_url": server.base_url,
                "archives_url": server.base_url,
                "cookie_max_age": cookie_max_age,
            }
        )
        provider = NseProvider(settings, now=sim.now, clock=sim.monotonic, sleep=sim.sleep)
        try:
            refreshes = await run_refreshes(provider, sim, REFRESH_S, MINUTE_S)
        finally:
            await provider.aclose()
    return server, refreshes


def longest_stale_run(refreshes) -> int:
    longest = run = 0
    for refresh in refreshes:
        run = run + 1 if refresh.stale else 0
        longest = max(longest, run)
    return longest


async def test_cookies_stale_every_15_s_refresh_every_2_s_for_a_minute() -> None:
    server, refreshes = await run_minute(cookie_max_age=60.0)
    # kept refreshing: a refresh is 6 calls at 3/s (2 s) plus the 2 s wait; the first also
    # fetches the lists and the history
    assert len(refreshes) >= 12
    assert longest_stale_run(refreshes) <= 1, [r.error for r in refreshes if r.stale]
    assert not refreshes[-1].stale
    primes = len(server.requests_to("/option-chain"))
    assert primes <= 10  # a handful: the first, one per dead cookie, denied pages retried
    deaths = MINUTE_S // COOKIE_LIFE_S  # 4 cookies die in the minute
    # at most a few calls on a dead cookie: the one that finds it dead, and (on a busy
    # machine) one more already on its way
    assert len(server.dropped()) <= 2 * deaths


async def test_the_renewal_timer_keeps_a_15_s_cookie_from_ever_going_stale() -> None:
    server, refreshes = await run_minute(cookie_max_age=12.0, deny_prime_every=None)
    assert not any(r.stale for r in refreshes)
    assert not server.dropped()  # renewed before it went stale
    assert len(server.requests_to("/option-chain")) <= 6  # ~every 12 s, no more
