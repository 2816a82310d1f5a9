"""The collector's heartbeat over a real nats-server: no status goes out that the next
refresh's own would follow by milliseconds, and a refresh slower than a beat does not leave
viewers (who call the feed down after two silent beats) without word."""

from __future__ import annotations

import asyncio
from itertools import pairwise

from factories.collector import START, PacedSource, demo_frame

from tui.settings.config import FeedSettings
from tui.source.bus import Subjects, connect
from tui.source.collector import Collector

SUBJECTS = Subjects("beat-test")


async def _status_times(url: str, source: PacedSource, seconds: float) -> list[float]:
    """Loop times at which a viewer hears a status while the collector runs ``seconds``."""
    settings = FeedSettings(url=url, market=SUBJECTS.market)
    collector_client = await connect(settings, name="collector")
    viewer_client = await connect(settings, name="viewer")
    loop = asyncio.get_running_loop()
    heard: list[float] = []

    async def on_status(_: object) -> None:
        heard.append(loop.time())

    await viewer_client.subscribe(SUBJECTS.status, cb=on_status)
    stop = asyncio.Event()
    collector = Collector(source, collector_client, SUBJECTS, clock=lambda: START)  # type: ignore[arg-type]
    running = asyncio.create_task(collector.run(stop))
    await asyncio.sleep(seconds)
    stop.set()
    await running
    await viewer_client.flush()
    await collector_client.close()
    await viewer_client.close()
    return heard[:-1]  # the last: the goodbye


def test_refreshes_a_beat_apart_send_one_status_each(nats_url: str) -> None:
    async def run() -> tuple[int, int]:
        source = PacedSource(await demo_frame(), interval_s=0.5, refresh_s=0.05)
        heard = await _status_times(nats_url, source, seconds=3.0)
        return len(heard), source.refreshes

    statuses, refreshes = asyncio.run(run())
    assert refreshes >= 4
    assert statuses <= refreshes + 1  # one a refresh: a heartbeat before each made it two


def test_a_refresh_slower_than_a_beat_still_sends_word_in_time(nats_url: str) -> None:
    """The beat is 0.5 s (the interval); a refresh takes 2 s. A viewer hears a status at
    least every 2 beats (1 s), or it would call a working collector down."""

    async def run() -> list[float]:
        source = PacedSource(await demo_frame(), interval_s=0.5, refresh_s=2.0)
        return await _status_times(nats_url, source, seconds=5.5)

    heard = asyncio.run(run())
    assert len(heard) >= 5
    gaps = [later - earlier for earlier, later in pairwise(heard)]
    assert max(gaps) < 1.0, gaps
