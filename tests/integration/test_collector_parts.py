"""What the collector publishes of each view, over a real nats-server: the segment and signals
parts every refresh, the news part only when it changed, and all of it again for a server
that restarted with its memory empty (the stream made again, so late joiners still draw)."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from factories.collector import START, PacedSource, demo_frame
from fakes.ports import free_port
from nats.aio.msg import Msg

from providers.contract import Segment
from tui.settings.config import FeedSettings
from tui.source.bus import Subjects, connect, ensure_stream, kept_messages, start_server
from tui.source.collector import Collector
from tui.source.view_parts import NEWS, SEGMENT, SIGNALS

SUBJECTS = Subjects("parts-test")


def test_news_goes_out_once_while_unchanged_and_again_to_a_restarted_server(
    tmp_path: Path,
) -> None:
    port = free_port()
    settings = FeedSettings(url=f"nats://127.0.0.1:{port}", market=SUBJECTS.market)
    server = start_server("127.0.0.1", port, tmp_path / "first")

    async def run() -> tuple[Counter[str], bytes]:
        source = PacedSource(await demo_frame(), interval_s=0.3, refresh_s=0.02)
        collector_client = await connect(settings, name="collector")
        listener = await connect(settings, name="listener")
        heard: Counter[str] = Counter()

        async def count(message: Msg) -> None:
            heard[message.subject] += 1

        await listener.subscribe(f"{SUBJECTS.prefix}.*.{Segment.ALL.value}", cb=count)
        stop = asyncio.Event()
        collector = Collector(source, collector_client, SUBJECTS, clock=lambda: START)  # type: ignore[arg-type]
        running = asyncio.create_task(collector.run(stop))
        await asyncio.sleep(1.5)
        await listener.close()

        nonlocal server
        server.terminate()
        server.wait(timeout=10)
        server = start_server("127.0.0.1", port, tmp_path / "second")  # nothing kept
        for _ in range(100):  # the collector reconnects (1 s apart) and refreshes again
            await asyncio.sleep(0.1)
            if collector_client.stats["reconnects"] and source.refreshes > 8:
                break
        await asyncio.sleep(0.6)
        late = await connect(settings, name="late joiner")
        kept = await late.jsm().get_last_msg(
            SUBJECTS.stream, SUBJECTS.part(NEWS, Segment.ALL), direct=True
        )
        await late.close()
        stop.set()
        await running
        await collector_client.close()
        return heard, kept.data or b""

    try:
        heard, kept_news = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(timeout=10)
    segments = heard[SUBJECTS.part(SEGMENT, Segment.ALL)]
    assert segments >= 4
    assert heard[SUBJECTS.part(SIGNALS, Segment.ALL)] == segments
    assert heard[SUBJECTS.part(NEWS, Segment.ALL)] == 1  # the same news every refresh
    assert kept_news  # sent again after the restart, into a stream made again


def test_kept_messages_are_each_subjects_last_or_none(nats_url: str) -> None:
    async def run() -> list[bytes | None]:
        client = await connect(FeedSettings(url=nats_url, market=SUBJECTS.market), name="t")
        await ensure_stream(client, SUBJECTS)
        for n in range(3):
            await client.publish(SUBJECTS.part(SEGMENT, Segment.SMALL), f"small {n}".encode())
        await client.publish(SUBJECTS.status, b"status")
        await client.flush()
        kept = await kept_messages(
            client,
            SUBJECTS,
            [
                SUBJECTS.part(SEGMENT, Segment.SMALL),
                SUBJECTS.part(NEWS, Segment.SMALL),
                SUBJECTS.status,
            ],
        )
        await client.close()
        return kept

    assert asyncio.run(run()) == [b"small 2", None, b"status"]
