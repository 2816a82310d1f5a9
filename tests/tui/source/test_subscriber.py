"""A viewer's patience: heartbeats alone (a closed market: no refresh for hours) keep it live;
only two beats without a word turn it down."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

import pytest
from msgspec.structs import replace

from providers.contract import IST
from tui.settings.config import FeedSettings
from tui.source.bus import FeedStatus
from tui.source.subscriber import FeedDown, FeedSource

START = datetime(2026, 11, 20, 15, 30, tzinfo=IST)
BEAT_S = 0.5


class Connected:
    """As much of a nats-py client as ``refresh`` asks about."""

    is_connected = True


def connected_source() -> FeedSource:
    source = FeedSource(FeedSettings(url="nats://127.0.0.1:4222"), clock=lambda: START)
    source._client = Connected()  # type: ignore[assignment]
    return source


async def test_heartbeats_alone_keep_a_viewer_live_and_silence_turns_it_down() -> None:
    source = connected_source()
    status = FeedStatus(1, "demo", True, START, None, (), None, None, START, BEAT_S)
    source._take_status(status)
    assert [frame.seq async for frame in source.refresh()] == [1]

    async def heartbeats() -> None:  # the same refresh repeated, a beat apart, for 2 s
        for _ in range(4):
            await asyncio.sleep(BEAT_S)
            source._take_status(replace(status, sent_at=START))

    beating = asyncio.create_task(heartbeats())
    began = time.monotonic()
    with pytest.raises(FeedDown, match="no word from the collector"):
        async for _ in source.refresh():
            pytest.fail("a heartbeat is not a new frame")
    took = time.monotonic() - began
    await beating
    # down two beats after the last heartbeat (2 s in), not two beats after the refresh
    assert 2 + 2 * BEAT_S - 0.1 <= took < 2 + 4 * BEAT_S, took


async def test_a_feed_already_silent_is_said_down_again_two_beats_later() -> None:
    source = connected_source()
    source._take_status(FeedStatus(1, "demo", True, START, None, (), None, None, START, BEAT_S))
    [frame async for frame in source.refresh()]
    for _ in range(2):
        began = time.monotonic()
        with pytest.raises(FeedDown):
            [frame async for frame in source.refresh()]
        assert time.monotonic() - began >= 2 * BEAT_S - 0.05
