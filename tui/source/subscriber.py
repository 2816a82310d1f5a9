"""The viewer's source: frames from a collector over NATS, no provider, store or analytics.

It listens to the market's subjects and, on joining, reads the last status and views kept by
JetStream, so the first screen needs no wait for the next refresh. ``refresh`` waits for the
next status that changes what is shown; when nothing at all is heard for two beats (the
collector's promised status interval) it fails with ``FeedDown``, and the app marks every
pane STALE with its age. nats-py reconnects by itself; the next status makes it live again.
A screen shows one segment, and the status carries the segment bar's figures for the rest, so
a viewer subscribes to the segment on screen only (``follow``; a switch fetches the new one's
kept view, one round trip): over a remote link it receives a fraction of the collector's
output. Views come in parts (``view_parts``), kept as received and decoded when drawn, a
part only when its bytes changed (``KeptViews``); the signal lists come only while they are
shown. Imports neither pandas nor numpy (a test asserts it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection, Iterator, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from providers.contract import Segment
from tui.settings.config import FeedSettings
from tui.settings.watchlist import Watchlist
from tui.source import view_parts, wire
from tui.source.bus import MAX_BEAT_S, FeedStatus, Subjects, connect, kept_messages
from tui.source.frame import Frame
from tui.source.view_parts import NEWS, SEGMENT, SIGNALS
from widgets.views import AlertRow, IndexDetail, Scope, SegmentView, StockDetail, scope_of

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription

    from tui.alerts import AlertWatcher

log = logging.getLogger(__name__)

#: Seconds a detail request waits for the collector.
DETAIL_TIMEOUT_S = 3.0
#: Seconds between tries to reach a server that refused the first connection.
CONNECT_RETRY_S = 2.0


class FeedDown(Exception):
    """The collector or the server is not heard from; the message says which and since when."""


class Decoded:
    """What a viewer has read of the views it received: each part as last read, and each view
    as last joined, with the bytes they came from. Shared across frames, so a part whose bytes
    did not change (the news, most refreshes) is not read again, nor a view joined twice."""

    def __init__(self) -> None:
        self.parts: dict[tuple[Scope, str], tuple[bytes, Any]] = {}
        self.views: dict[Scope, tuple[tuple[bytes, ...], SegmentView]] = {}


class KeptViews(Mapping[Scope, SegmentView]):
    """The views a frame shows, as received (scope -> part name -> bytes), each read and
    joined on first use (``view_parts``). A view without its ``segment`` part, or with a part
    that fails to decode, is missing."""

    def __init__(self, raw: Mapping[Scope, Mapping[str, bytes]], decoded: Decoded):
        self._raw = {scope: dict(parts) for scope, parts in raw.items() if SEGMENT in parts}
        self._decoded = decoded

    def __getitem__(self, scope: Scope) -> SegmentView:
        parts = self._raw[scope]
        received = tuple(parts.values())
        joined = self._decoded.views.get(scope)
        if joined is not None and joined[0] == received:
            return joined[1]
        try:
            view = view_parts.join({part: self._read(scope, part, parts[part]) for part in parts})
        except ValueError as exc:
            log.warning("bad view for %s: %s", scope, exc)
            raise KeyError(scope) from exc
        self._decoded.views[scope] = (received, view)
        return view

    def _read(self, scope: Scope, part: str, data: bytes) -> Any:
        kept = self._decoded.parts.get((scope, part))
        if kept is not None and kept[0] == data:
            return kept[1]
        value = view_parts.read(part, data)
        self._decoded.parts[scope, part] = (data, value)
        return value

    def __iter__(self) -> Iterator[Scope]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


class FeedSource:
    def __init__(self, settings: FeedSettings, clock: Callable[[], datetime]) -> None:
        assert settings.url is not None
        self.settings = settings
        self.url = settings.url
        self.subjects = Subjects(settings.market)
        self.clock = clock
        self._client: Client | None = None
        self._status: FeedStatus | None = None
        self.watchlist = Watchlist()  # the Watch view is the collector's watchlist
        self.alerts: AlertWatcher | None = None  # the collector evaluates the rules
        self._parts: dict[str, bytes] = {}  # the followed view's parts as received
        self._following: Scope = Segment.ALL  # the segment on screen: the one subscribed to
        self._signal_lists = False  # whether its signals part is subscribed to as well
        self._view_subscriptions: list[Subscription] = []
        self._switches = asyncio.Lock()  # one resubscription at a time
        self._switching: asyncio.Task[None] | None = None  # held: asyncio keeps weak refs
        self._decoded = Decoded()
        self._shown: FeedStatus | None = None  # the status of the last frame handed out
        self._fresh_alerts: tuple[AlertRow, ...] = ()  # fired by a refresh heard live
        self._changed = asyncio.Event()
        self._heard_at: float | None = None  # loop time of the last message
        self._beat = MAX_BEAT_S

    @property
    def name(self) -> str:
        return f"feed {self.url}"

    @property
    def simulated(self) -> bool:
        return self._status.simulated if self._status is not None else False

    @property
    def computes_views(self) -> bool:
        return False

    async def refresh(self) -> AsyncIterator[Frame]:
        if self._client is None:
            await self._connect()
        loop = asyncio.get_running_loop()
        called = loop.time()
        while not self._changed.is_set():
            # two beats of silence from the last word (a heartbeat counts), or from now if the
            # feed was already silent: then it is said again two beats later
            heard = self._heard_at
            since = heard if heard is not None and heard + 2 * self._beat > called else called
            timeout = since + 2 * self._beat - loop.time()
            if timeout <= 0:
                raise FeedDown(self._silence())
            with contextlib.suppress(TimeoutError):  # a heartbeat may have come: look again
                await asyncio.wait_for(self._changed.wait(), timeout)
        self._changed.clear()
        status = self._status
        assert status is not None
        self._shown = status
        alerts, self._fresh_alerts = self._fresh_alerts, ()
        if status.as_of is None:  # the collector has no data yet
            return
        yield status.frame(KeptViews({self._following: self._parts}, self._decoded), alerts)

    def _silence(self) -> str:
        connected = self._client is not None and self._client.is_connected
        where = "the collector" if connected else f"the feed server {self.url}"
        return f"feed: no word from {where}; reconnecting"

    async def _connect(self) -> None:
        try:
            client = await connect(self.settings, name="capwatch viewer", on_reconnect=self._rejoin)
        except Exception as exc:  # refused, DNS, TLS, auth: the status bar says, we retry
            raise FeedDown(f"feed: cannot reach {self.url}: {exc or type(exc).__name__}") from exc
        self._client = client
        await client.subscribe(self.subjects.status, cb=self._on_status)
        await self._subscribe_followed()
        await self._rejoin()

    def follow(self, scope: Scope, signal_lists: bool = False) -> None:
        """Receive ``scope``'s views from now on (with the signals part if ``signal_lists``),
        not what was followed before; a frame with the kept parts follows once they are read."""
        if (scope, signal_lists) == (self._following, self._signal_lists):
            return
        if scope != self._following:
            self._parts = {}  # what was kept of any other segment is old by now
        else:
            self._parts.pop(SIGNALS, None)
        self._following, self._signal_lists = scope, signal_lists
        if self._client is not None:
            self._switching = asyncio.ensure_future(self._switch())

    async def _switch(self) -> None:
        async with self._switches:
            try:
                await self._subscribe_followed()
                await self._rejoin(status=False)
            except Exception as exc:  # the connection is down: its reconnect rejoins
                log.info("feed: following %s: %s", self._following, exc)
                return
        self._changed.set()

    def _followed_subjects(self) -> list[str]:
        parts = (SEGMENT, NEWS, SIGNALS) if self._signal_lists else (SEGMENT, NEWS)
        return [self.subjects.part(part, self._following) for part in parts]

    async def _subscribe_followed(self) -> None:
        client = self._client
        assert client is not None
        old, self._view_subscriptions = self._view_subscriptions, []
        for subscription in old:
            await subscription.unsubscribe()
        for subject in self._followed_subjects():
            self._view_subscriptions.append(await client.subscribe(subject, cb=self._on_view))

    async def _rejoin(self, status: bool = True) -> None:
        """Read what JetStream kept of the followed segment (and the status): a late joiner
        draws at once. Asked together: over a remote link one round trip, not two."""
        client = self._client
        if client is None:
            return
        followed = (self._following, self._signal_lists)
        subjects = self._followed_subjects()
        if status:
            subjects.append(self.subjects.status)
        kept = await kept_messages(client, self.subjects, subjects)
        for subject, data in zip(subjects, kept, strict=True):
            if data is None:  # nothing kept yet: no collector has published
                continue
            if subject == self.subjects.status:
                if self._status is None:
                    self._take_status(wire.loads(FeedStatus, data), kept_copy=True)
            elif followed == (self._following, self._signal_lists):  # no switch meanwhile
                part, _ = self.subjects.of_part(subject)
                self._parts.setdefault(part, data)  # not over a newer one

    async def _on_view(self, message: Msg) -> None:
        part, scope = self.subjects.of_part(message.subject)
        try:
            segment = scope_of(scope)
        except ValueError:
            log.warning("view on an unknown subject %s", message.subject)
        else:
            if segment == self._following and (part != SIGNALS or self._signal_lists):
                self._parts[part] = message.data  # not one sent before a switch
        self._heard()

    async def _on_status(self, message: Msg) -> None:
        try:
            self._take_status(wire.loads(FeedStatus, message.data))
        except ValueError as exc:
            log.warning("bad status on %s: %s", message.subject, exc)

    def _take_status(self, status: FeedStatus, kept_copy: bool = False) -> None:
        """A status shows a new frame unless only its send time changed (a heartbeat). A
        kept copy (read on joining) counts as heard only if it is recent."""
        previous, self._status = self._status, status
        if not kept_copy and status.alerts and (previous is None or previous.seq != status.seq):
            self._fresh_alerts += status.alerts  # once per refresh; none replayed on joining
        self._beat = max(0.5, status.beat)
        if not kept_copy or self.clock() - status.sent_at < timedelta(seconds=2 * status.beat):
            self._heard()
        shown = self._shown
        if shown is None or (
            shown.seq,
            shown.errors,
            shown.stale_since,
            shown.next_at,
            shown.stale_parts,
        ) != (status.seq, status.errors, status.stale_since, status.next_at, status.stale_parts):
            self._changed.set()

    def _heard(self) -> None:
        self._heard_at = asyncio.get_running_loop().time()

    @property
    def patience(self) -> None:
        return None  # silence past two beats raises FeedDown

    def pace(self, now: datetime) -> float:
        return 0.0  # the collector paces: wait for its next word at once

    def retry_after(self, exc: Exception, failures: int) -> float:
        return CONNECT_RETRY_S if self._client is None else 0.0

    async def detail(self, symbol: str) -> StockDetail | None:
        return await self._ask(self.subjects.detail, symbol, StockDetail | None)

    async def index_detail(self, name: str) -> IndexDetail | None:
        return await self._ask(self.subjects.index, name, IndexDetail | None)

    async def _ask(self, subject: str, key: str, kind: Any) -> Any:
        """The collector's answer about ``key``, or None if there is none in time."""
        if self._client is None or not self._client.is_connected:
            return None
        try:
            reply = await self._client.request(subject, key.encode(), timeout=DETAIL_TIMEOUT_S)
            return wire.loads(kind, reply.data)
        except Exception as exc:  # no collector, a timeout: the screen says there is none
            log.info("%s for %s: %s", subject, key, exc)
            return None

    def watch_view(self, symbols: Collection[str]) -> SegmentView | None:
        return None  # no analytics here

    async def aclose(self) -> None:
        if self._switching is not None:
            self._switching.cancel()
        if self._client is not None:
            await self._client.close()
