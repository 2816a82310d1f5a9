"""The demo monitor's first frame, made by a forked child while this process loads Textual.

A demo start is two halves of about the same CPU: loading Textual and laying out the app, and
loading numpy, building the simulated market and computing its first views. In threads,
Python's lock ran them one after the other; with a core each they run side by side. So, where
the machine has a second core, :class:`FirstFrameChild` forks (before any thread or numpy
exists) a child that builds the market exactly as the monitor would, computes the first
refresh's views (no alerts: the monitor fires those itself) and sends them as a feed's
collector would (``FeedStatus`` and ``view_parts``), then exits. The monitor draws them as a
viewer does, without numpy, and then builds its own market in a thread (same seed, same
clock start: the same market) for every refresh after: :class:`HeadStartSource`.

If the child fails or sends nothing usable, the monitor builds its market as it would have,
only later; what went wrong is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Collection
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from tui.settings.watchlist import Watchlist
from tui.source import view_parts, wire
from tui.source.bus import FeedStatus
from tui.source.frame import Frame
from tui.source.subscriber import Decoded, KeptViews
from widgets.views import IndexDetail, Scope, SegmentView, StockDetail, scope_of

if TYPE_CHECKING:
    from tui.alerts import AlertWatcher
    from tui.source.local import LocalSource

log = logging.getLogger(__name__)

#: Longest the monitor waits for the child (~0.15 s; a first run generates the market's path
#: too): past it, it builds its own.
CHILD_TIMEOUT_S = 5.0


class FirstFrameMessage(msgspec.Struct, frozen=True):
    """What the child sends: the frame's status (its ``next_at`` in the demo's clock, as
    the status bar shows it) and every view's parts, as JSON."""

    status: bytes
    parts: tuple[tuple[str, str, bytes], ...]  # (scope, part, JSON)


def forking_helps() -> bool:
    """A child pays only with a core of its own, and forking is safe only with no thread
    started (a forked child has just the thread that forked) and on Linux (macOS frameworks
    do not survive a fork without exec)."""
    return (
        sys.platform.startswith("linux")
        and len(os.sched_getaffinity(0)) > 1
        and threading.active_count() == 1
    )


class FirstFrameChild:
    """A forked child computing a source's first frame; :meth:`frame` reads it."""

    def __init__(self, pid: int, read_end: int) -> None:
        self.pid, self._read_end = pid, read_end

    @classmethod
    def fork(cls, build: Callable[[], LocalSource]) -> FirstFrameChild:
        """Fork a child that sends the first frame of the source ``build()`` makes."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _send_first_frame(write_end, build)
        os.close(write_end)
        return cls(pid, read_end)

    async def frame(self) -> Frame | None:
        """The child's first frame, or None (it failed, or took longer than
        ``CHILD_TIMEOUT_S``: it is then killed)."""
        reading = asyncio.ensure_future(asyncio.to_thread(self.collect))
        try:
            data = await asyncio.wait_for(asyncio.shield(reading), CHILD_TIMEOUT_S)
        except TimeoutError:
            log.warning("first-frame child silent for %.0f s: killed", CHILD_TIMEOUT_S)
            self._kill()
            await reading  # the pipe closes with it: reaped
            return None
        except asyncio.CancelledError:  # the app is closing: no one waits for the child
            self._kill()
            raise
        if not data:
            return None
        try:
            message = msgspec.msgpack.decode(data, type=FirstFrameMessage)
            status = wire.loads(FeedStatus, message.status)
            raw: dict[Scope, dict[str, bytes]] = {}
            for scope, part, json in message.parts:
                raw.setdefault(scope_of(scope), {})[part] = json
            return status.frame(KeptViews(raw, Decoded()), alerts=())
        except (msgspec.DecodeError, ValueError, AssertionError) as exc:
            log.warning("first frame from the child not used: %s", exc)
            return None

    def _kill(self) -> None:
        """Stop the child; ``collect`` (reading until its pipe closes) then reaps it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        """Stop a child whose frame is not wanted any more, and reap it; blocks briefly."""
        self._kill()
        self.collect()

    def collect(self) -> bytes:
        """Everything the child writes, then its exit (no zombie is left); blocks."""
        chunks = []
        with open(self._read_end, "rb") as pipe:
            while chunk := pipe.read(1 << 16):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        if status:
            log.warning("first-frame child exited with status %#x", status)
            return b""
        return b"".join(chunks)


def _send_first_frame(write_end: int, build: Callable[[], LocalSource]) -> None:
    """In the child: build, compute, send, exit. Never writes to the terminal."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        data = asyncio.run(_first_frame_message(build()))
        with open(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # whatever it is, the monitor builds its own: only log it
        log.exception("first-frame child failed")
    finally:
        os._exit(code)


async def _first_frame_message(source: LocalSource) -> bytes:
    source.alerts = None  # fired by the monitor's own source, once
    frames = source.refresh()
    frame = await anext(frames)  # the first: the history follows in a second, the monitor's
    await frames.aclose()
    parts = tuple(  # the signal lists wait for the monitor's own frames, as a viewer's do
        (str(scope), part, json)
        for scope, view in frame.views.items()
        for part, json in view_parts.split(view).items()
        if part != view_parts.SIGNALS
    )
    status = FeedStatus.of(
        frame,
        provider=source.name,
        simulated=source.simulated,
        errors=frame.errors,
        stale_since=frame.stale_since,
        next_at=source.provider.next_time(),
        sent_at=source.clock(),
        beat=source.interval,
    )
    return msgspec.msgpack.encode(FirstFrameMessage(wire.dumps(status), parts))


class HeadStartSource:
    """The demo monitor's source: the first frame from a :class:`FirstFrameChild`, then the
    ``LocalSource`` that ``build()`` makes here, in a thread, for every refresh after. Until
    it is built, this answers as that source would from what it has (no details yet)."""

    computes_views = True

    def __init__(
        self,
        child: FirstFrameChild | None,
        build: Callable[[], LocalSource],
        *,
        name: str,
        simulated: bool,
        interval: float,
    ) -> None:
        self._child, self._build = child, build
        self.name, self.simulated, self.interval = name, simulated, interval
        self._watchlist = Watchlist()
        self._alerts: AlertWatcher | None = None
        self.built: LocalSource | None = None
        self._building: asyncio.Future[LocalSource] | None = None

    @property
    def watchlist(self) -> Watchlist:
        return self._watchlist

    @watchlist.setter
    def watchlist(self, value: Watchlist) -> None:
        self._watchlist = value
        if self.built is not None:
            self.built.watchlist = value

    @property
    def alerts(self) -> AlertWatcher | None:
        return self._alerts

    @alerts.setter
    def alerts(self, value: AlertWatcher | None) -> None:
        self._alerts = value
        if self.built is not None:
            self.built.alerts = value

    async def refresh(self) -> AsyncIterator[Frame]:
        if self.built is None:
            child, self._child = self._child, None
            first = await child.frame() if child is not None else None
            if first is not None:
                yield first
            if self._building is None:  # numpy, the market: off the loop, once
                self._building = asyncio.ensure_future(asyncio.to_thread(self._build))
            try:  # a refresh cancelled meanwhile (the ``r`` key) leaves the build running
                built = await asyncio.shield(self._building)
            except Exception:
                self._building = None  # tried again at the next refresh
                raise
            built.watchlist, built.alerts = self._watchlist, self._alerts
            self.built = built
        async for frame in self.built.refresh():
            yield frame

    def next_time(self) -> datetime | None:
        """The demo clock's next refresh (the status bar's "next"; the child's frame carries
        its own)."""
        return self.built.provider.next_time() if self.built is not None else None

    @property
    def patience(self) -> float:
        return self.interval

    def pace(self, now: datetime) -> float:
        return self.built.pace(now) if self.built is not None else self.interval

    def retry_after(self, exc: Exception, failures: int) -> float:
        if self.built is not None:
            return self.built.retry_after(exc, failures)
        return self.interval

    async def detail(self, symbol: str) -> StockDetail | None:
        return await self.built.detail(symbol) if self.built is not None else None

    async def index_detail(self, name: str) -> IndexDetail | None:
        return await self.built.index_detail(name) if self.built is not None else None

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None:
        return self.built.watch_view(symbols) if self.built is not None else None

    def follow(self, scope: Scope, signal_lists: bool = False) -> None:
        pass  # every view is at hand

    async def aclose(self) -> None:
        if self._child is not None:  # never read: the app closed before its first refresh
            await asyncio.to_thread(self._child.close)
        if self.built is not None:
            await self.built.aclose()
