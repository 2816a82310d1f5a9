"""The collector: the one process that fetches, stores and computes, publishing every refresh.

It runs a ``LocalSource`` (the same provider, schedule, store and analytics a standalone
monitor runs, the watchlist and alert rules too) and publishes each frame's views per segment,
in parts (``view_parts``: the news part only when it changed), then a ``FeedStatus`` with the
alerts the frame fired. Whenever ``HEARTBEAT_AFTER_BEATS``
beats pass without a status (a long wait between refreshes, or a refresh slower than a beat)
it repeats the last one, so viewers can tell a quiet market or a slow exchange from a dead
collector. It answers detail requests from the analytics it holds. On stop it says so, so
viewers turn STALE at once instead of after two missed beats.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tui.source import view_parts, wire
from tui.source.bus import MAX_BEAT_S, FeedStatus, Subjects, ensure_stream
from tui.source.frame import Frame
from tui.source.local import LocalSource
from tui.source.view_parts import NEWS
from widgets.views import Scope

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg

log = logging.getLogger(__name__)

#: A heartbeat goes out when this many beats pass without a status. A viewer calls the feed
#: down after two; refreshes about a beat apart (the demo's every 2 s) need no heartbeat
#: between them, which at one beat each refresh's status would have followed by milliseconds.
HEARTBEAT_AFTER_BEATS = 1.5


class Collector:
    def __init__(
        self,
        source: LocalSource,
        client: Client,
        subjects: Subjects,
        clock: Callable[[], datetime],
        next_data_time: Callable[[], datetime] | None = None,
    ) -> None:
        """``next_data_time`` (a simulated market) gives the data time of the next refresh,
        published as its "next" instead of the wall clock, as a standalone demo shows it."""
        self.source = source
        self.next_data_time = next_data_time
        self.client = client
        self.subjects = subjects
        self.clock = clock
        self._frame: Frame | None = None
        self._good_at: datetime | None = None  # when the last good frame was made
        self._error: str | None = None
        self._next_at: datetime | None = None
        self._beat = MAX_BEAT_S
        self._sent_at = 0.0  # loop time of the last status sent
        self._beat_changed = asyncio.Event()
        self._news_sent: dict[Scope, bytes] = {}  # each scope's news part as last published
        self._reconnects = 0  # the client's count when the stream was last ensured

    async def run(self, stop: asyncio.Event) -> None:
        """Refresh, publish and beat until ``stop`` is set; then say goodbye."""
        await ensure_stream(self.client, self.subjects)
        requests = await self.client.subscribe(self.subjects.detail, cb=self._answer_detail)
        index_requests = await self.client.subscribe(self.subjects.index, cb=self._answer_index)
        self._sent_at = asyncio.get_running_loop().time()
        heartbeat = asyncio.create_task(self._keep_beating())
        failures = 0
        try:
            while not stop.is_set():
                try:
                    async for frame in self.source.refresh():
                        await self._publish(frame)
                    failures, self._error = 0, None
                    delay = self.source.pace(self.clock())
                except Exception as exc:  # a failing provider must not stop the feed
                    failures += 1
                    self._error = str(exc) or type(exc).__name__
                    log.warning("refresh failed (%d in a row): %s", failures, self._error)
                    delay = self.source.retry_after(exc, failures)
                    self._plan(delay)
                    await self._send_status()
                await self._wait(delay, stop)
        finally:
            heartbeat.cancel()
            self._error = "collector stopped"
            self._next_at = None
            await self._send_status(stale=True)
            try:
                await requests.unsubscribe()
                await index_requests.unsubscribe()
                await self.client.flush(timeout=2)
            except Exception as exc:  # the server went first: nothing more to tell anyone
                log.info("goodbye not flushed: %s", exc)

    async def _publish(self, frame: Frame) -> None:
        reconnects = self.client.stats["reconnects"]
        if reconnects != self._reconnects:  # the server may have restarted, its memory empty
            self._reconnects, self._news_sent = reconnects, {}
            await ensure_stream(self.client, self.subjects)
        news_sent = self._news_sent
        packed = await asyncio.to_thread(_packed, frame, news_sent)  # ms: not on the loop
        for (part, scope), (json, data) in packed.items():
            await self.client.publish(self.subjects.part(part, scope), data)
            if part == NEWS:
                news_sent[scope] = json
        self._frame = frame
        if frame.stale_since is None:
            self._good_at = self.clock()
        self._error = None
        self._plan(self.source.pace(self.clock()))  # so each refresh sends one status
        await self._send_status()

    def _plan(self, delay: float) -> None:
        if self.next_data_time is not None:
            self._next_at = self.next_data_time()
        else:
            self._next_at = self.clock() + timedelta(seconds=delay)
        beat = max(0.5, min(MAX_BEAT_S, delay))
        if beat != self._beat:
            self._beat = beat
            self._beat_changed.set()

    async def _wait(self, delay: float, stop: asyncio.Event) -> None:
        """Sleep ``delay`` seconds, or until ``stop``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)

    async def _keep_beating(self) -> None:
        """Repeat the status when ``HEARTBEAT_AFTER_BEATS`` beats pass without one, through
        waits and slow refreshes alike."""
        loop = asyncio.get_running_loop()
        while True:
            left = self._sent_at + HEARTBEAT_AFTER_BEATS * self._beat - loop.time()
            if left <= 0:
                await self._send_status()
                continue
            self._beat_changed.clear()
            with contextlib.suppress(TimeoutError):  # a new beat is planned: work it out again
                await asyncio.wait_for(self._beat_changed.wait(), left)

    async def _send_status(self, stale: bool = False) -> None:
        frame = self._frame
        errors = dict(frame.errors) if frame is not None else {}
        stale_since = frame.stale_since if frame is not None else None
        if self._error is not None:
            errors["collector" if stale else "refresh"] = self._error
            stale_since = stale_since or self._good_at or self.clock()
        status = FeedStatus.of(
            frame,
            provider=self.source.name,
            simulated=self.source.simulated,
            errors=errors,
            stale_since=stale_since,
            next_at=self._next_at,
            sent_at=self.clock(),
            beat=self._beat,
        )
        self._sent_at = asyncio.get_running_loop().time()
        try:
            await self.client.publish(self.subjects.status, wire.dumps(status))
        except Exception as exc:  # the server is away: nats-py reconnects, the next beat tells
            log.info("status not sent: %s", exc)

    async def _answer_detail(self, message: Msg) -> None:
        symbol = message.data.decode(errors="replace").strip().upper()
        try:
            detail = await self.source.detail(symbol)
            await message.respond(wire.dumps(detail))
        except Exception as exc:  # one bad request must not stop the others
            log.warning("detail for %r failed: %s", symbol, exc)

    async def _answer_index(self, message: Msg) -> None:
        name = message.data.decode(errors="replace").strip()  # index names are mixed case
        try:
            await message.respond(wire.dumps(await self.source.index_detail(name)))
        except Exception as exc:  # one bad request must not stop the others
            log.warning("index detail for %r failed: %s", name, exc)


def _packed(
    frame: Frame, news_sent: Mapping[Scope, bytes]
) -> dict[tuple[str, Scope], tuple[bytes, bytes]]:
    """(part, scope) -> the JSON and the packed bytes to publish, for every view of ``frame``
    (building those not read yet); a ``news`` part only when its JSON is not the one sent
    last (``news_sent``), as JetStream keeps that for joiners."""
    packed = {}
    for scope, view in frame.views.items():
        for part, json in view_parts.split(view).items():
            if part != NEWS or news_sent.get(scope) != json:
                packed[part, scope] = json, wire.deflate(json)
    return packed
