"""``capwatch`` (no subcommand): start the monitor, standalone or as a feed viewer.

Textual is imported only here, so the headless subcommands never pay for it. The source
comes from ``tui.settings.wiring`` (flags > config > the demo market). A live source gets the
history store (offline start, recorded closes, history top-ups) and the IST market clock
(refresh slows when closed); the demo runs its own simulated session and keeps no history. Both
keep the watchlist and the day's alerts in the user data dir, the demo's in files of its own.
On a terminal, the demo's first frame may come from a forked child (``tui.source.head_start``).
With ``--feed URL`` (or ``[feed] url`` and no ``--demo``/``--provider``) the monitor is a
viewer: frames come from a collector over NATS, and neither analytics nor pandas load; the
collector's Watch view and alerts reach it, delivered per its own ``[notifications]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from msgspec.structs import replace

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    import pandas as pd
    from textual.driver import Driver

    from providers.base import Provider
    from tui.analytics.settings import AnalyticsSettings
    from tui.history.store import HistoryStore
    from tui.settings.wiring import Plan
    from tui.source.head_start import HeadStartSource
    from tui.source.local import LocalSource
    from tui.ui.app import CapwatchApp
    from tui.ui.terminal import Charset

GO_LIVE_HINT = "live data: capwatch config --init"


def build_local(
    args: argparse.Namespace, the_plan: Plan | None = None
) -> tuple[LocalSource, HistoryStore | None, list[str], Plan]:
    """The local source for ``args`` (provider, analytics settings, store and schedule for
    live data), the store it writes to (None for the demo or an unwritable folder) and the
    notes for the user about how it starts. Shared with ``capwatch feed``.
    Raises ``ConfigError``/``ValueError``/``StoreError`` with a message for the user."""
    from concurrent.futures import ThreadPoolExecutor

    from tui.settings import wiring

    the_plan = the_plan or wiring.plan(args)
    with ThreadPoolExecutor(1) as pool:  # the provider builds while the rest loads
        building = pool.submit(
            wiring.build_provider, the_plan, wiring.provider_settings(the_plan, args)
        )
        from tui.analytics.settings import AnalyticsSettings
        from tui.market.schedule import DEMO_INTERVAL_S
        from tui.source.local import LocalSource

        display = the_plan.config.display
        analytics_settings = AnalyticsSettings(
            movers=display.movers, anchors=display.anchors, benchmark=display.benchmark
        )
        analytics = None
        if the_plan.config.sources.provider_names() == ("demo",):
            # the demo's first screen needs it at once: made while the provider builds
            from tui.analytics import MarketAnalytics

            analytics = MarketAnalytics(analytics_settings)
        provider = building.result()
    if provider.simulated:
        source = LocalSource(
            provider,
            interval=args.interval or DEMO_INTERVAL_S,
            analytics_settings=analytics_settings,
            analytics=analytics,
            # closes as arrays where the provider has them: a monitor without pandas (~30 MB)
            history=getattr(provider, "closes_table", None),
        )
        store = None
        notices: list[str] = []
    else:
        source, store, notices = _live_source(the_plan, provider, analytics_settings)
    _watch_and_alert(source, the_plan, demo=provider.simulated)
    if source.watchlist.notice:
        notices.append(source.watchlist.notice)
    return source, store, notices, the_plan


def _watch_and_alert(source: LocalSource | HeadStartSource, the_plan: Plan, *, demo: bool) -> None:
    """The user's watchlist (the config's ``display.watchlist`` until edited) and the alert
    rules with the day's journal, both in the user data dir."""
    from tui.alerts import AlertWatcher
    from tui.settings.watchlist import Watchlist

    config, paths = the_plan.config, the_plan.paths
    source.watchlist = Watchlist.load(paths.watchlist(demo=demo), seed=config.display.watchlist)
    source.alerts = AlertWatcher(config.alerts, paths.alerts(demo=demo)) if config.alerts else None


def _live_source(
    the_plan: Plan, provider: Provider, analytics: AnalyticsSettings
) -> tuple[LocalSource, HistoryStore | None, list[str]]:
    from tui.history.backfill import load_closes
    from tui.market.clock import MarketClock, now_ist
    from tui.market.schedule import LiveSchedule
    from tui.source.local import LocalSource

    config = the_plan.config
    now = now_ist()
    store, unwritable = _open_history(the_plan.paths.history, now)
    if store is not None:
        store.prune(now, daily_years=config.history.daily_years)
    schedule = LiveSchedule(MarketClock(special_sessions=config.special_sessions), config.refresh)
    keep_texts = getattr(provider, "use_text_cache", None)
    if keep_texts is not None:  # NSE's constituent lists survive a restart in the store
        keep_texts(store)

    async def daily_work() -> pd.DataFrame:
        """Once per trading day, after the first screen: holidays, then daily closes."""
        await schedule.load_holidays(provider)
        if store is None:
            return await provider.history(None, 260)
        return await load_closes(provider, store, now_ist().date())

    notices = [unwritable] if unwritable else list(store.notices if store else ())
    source = LocalSource(
        provider,
        interval=config.refresh.open,
        analytics_settings=analytics,
        store=store,
        history=daily_work,
        schedule=schedule,
    )
    return source, store, notices


def feed_url(args: argparse.Namespace, the_plan: Plan) -> str | None:
    """The feed to view: ``--feed``, else ``[feed] url`` unless ``--demo``/``--provider``."""
    if getattr(args, "feed", None):
        return args.feed
    if getattr(args, "demo", False) or getattr(args, "provider", None):
        return None
    return the_plan.config.feed.url


def build_app(
    args: argparse.Namespace, head_start: bool = False
) -> tuple[CapwatchApp, HistoryStore | None]:
    """The app for ``args`` and the history store it writes to (None for the demo and for a
    viewer). ``head_start``: the demo's first frame may come from a forked child
    (``tui.source.head_start``). Raises ``ConfigError``/``ValueError``/``StoreError`` with a
    message for the user."""
    from tui.settings import wiring

    the_plan = wiring.plan(args)
    if (url := feed_url(args, the_plan)) is not None:
        from tui.market.clock import now_ist
        from tui.source.bus import check_url
        from tui.source.subscriber import FeedSource
        from tui.ui.app import CapwatchApp

        settings = replace(the_plan.config.feed, url=check_url(url))
        app = CapwatchApp(source=FeedSource(settings, clock=now_ist))
        store = None
    elif head_start and _demo_only(the_plan) and _forking_helps():
        head = _head_start(args, the_plan)
        notices = [head.watchlist.notice] if head.watchlist.notice else []
        app, store = _local_app(head, notices, the_plan, head.next_time), None
    else:
        from providers.demo import DemoProvider

        # the provider starts building before textual loads
        source, store, notices, the_plan = build_local(args, the_plan)
        demo = source.provider if isinstance(source.provider, DemoProvider) else None
        app = _local_app(source, notices, the_plan, demo.next_time if demo is not None else None)
    app.delivery = the_plan.config.notifications
    _apply_theme(app, the_plan.config.display.theme, the_plan)
    return app, store


def _demo_only(the_plan: Plan) -> bool:
    return the_plan.config.sources.provider_names() == ("demo",)


def _forking_helps() -> bool:
    from tui.source.head_start import forking_helps

    return forking_helps()


def _head_start(args: argparse.Namespace, the_plan: Plan) -> HeadStartSource:
    """The demo's source, its first frame computed by a forked child while Textual loads
    here; its own market is built after that frame, in a thread (``tui.source.head_start``)."""
    from providers.demo.spec import SPEC
    from tui.market.clock import now_ist
    from tui.market.schedule import DEMO_INTERVAL_S
    from tui.settings import wiring
    from tui.source.head_start import FirstFrameChild, HeadStartSource

    # checked here as the build would check them, so a bad setting still stops the start
    if SPEC.resolve(wiring.provider_settings(the_plan, args)["demo"])["start"] is None:
        args = argparse.Namespace(**{**vars(args), "start": now_ist()})  # one market for both

    def build() -> LocalSource:
        return build_local(args, the_plan)[0]

    source = HeadStartSource(
        FirstFrameChild.fork(build),
        build,
        name="demo",
        simulated=True,
        interval=args.interval or DEMO_INTERVAL_S,
    )
    _watch_and_alert(source, the_plan, demo=True)
    return source


def _local_app(
    source: LocalSource | HeadStartSource,
    notices: list[str],
    the_plan: Plan,
    next_data_time: Callable[[], datetime | None] | None,
) -> CapwatchApp:
    """The standalone monitor of ``source``, with the notices for the user in its status bar
    (and how to go live, for the demo without a config file)."""
    from tui.ui.app import CapwatchApp

    if source.simulated and not the_plan.config.path:
        notices.insert(0, GO_LIVE_HINT)
    return CapwatchApp(
        source=source, hint="; ".join(notices) or None, next_data_time=next_data_time
    )


def _open_history(path: Path, now: datetime) -> tuple[HistoryStore | None, str | None]:
    """The history store, or None and why when its folder cannot be written: the monitor
    then runs on live data alone (no offline start, no recorded closes) and says so."""
    from tui.history.store import HistoryStore

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return None, f"no history ({_why(exc)}: {path.parent})"
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return None, f"no history (not writable: {path.parent})"
    return HistoryStore.open(path, now=now), None


def _apply_theme(app: CapwatchApp, theme: str, the_plan: Plan) -> None:
    """Config cannot check theme names (it must not import textual); the app can."""
    problem = theme_problem(theme, app.available_themes)
    if problem:
        from tui.settings.config import error_at

        raise error_at(the_plan.config, "display.theme", problem)
    app.theme = theme


def theme_problem(theme: str, known: Collection[str]) -> str | None:
    """Why ``theme`` cannot be used, or None (shared with ``config --check``)."""
    if theme in known:
        return None
    return f"unknown theme {theme!r}; known: {', '.join(sorted(known))}"


def run(args: argparse.Namespace) -> int:
    notice = start_logging(args)
    try:  # the provider (or the demo's first-frame child) starts before textual loads
        app, store = build_app(args, head_start=sys.stdout.isatty())
    except Exception as exc:
        if not for_the_user(exc):
            raise
        print(f"capwatch: {exc}", file=sys.stderr)  # say which, no traceback
        return 2
    from tui.ui.terminal import detect_charset, terminal_problem

    in_browser = bool(os.environ.get("TEXTUAL_DRIVER"))  # a tab of capwatch serve: its driver
    problem = (
        None if in_browser else terminal_problem(sys.stdin, sys.stdout, os.environ.get("TERM"))
    )
    if problem:  # after the settings, so a mistake in them is reported first
        if store is not None:
            store.close()
        print(f"capwatch: {problem}", file=sys.stderr)
        return 2
    if notice:
        app.hint = "; ".join(filter(None, (notice, app.hint)))
    if not in_browser:
        app.driver_class = terminal_driver(detect_charset(getattr(args, "charset", None)))
    try:
        app.run()
    finally:
        if store is not None:
            store.close()
    return app.return_code or 0


def for_the_user(exc: Exception) -> bool:
    """A mistake in the settings, config or history store: told in one line (shared with
    ``capwatch feed``)."""
    from tui.history.store import StoreError  # imported only now: the demo has no store
    from tui.settings.config import ConfigError

    return isinstance(exc, (ConfigError, ValueError, ImportError, StoreError))


def terminal_driver(charset: Charset) -> type[Driver]:
    """The terminal driver for ``charset`` (quits cleanly when the terminal goes), writing
    through the coalescing frame writer (``tui.ui.framed_output``) when Textual allows."""
    from tui.ui.driver import CapwatchDriver
    from tui.ui.framed_output import framed_driver

    base = CapwatchDriver.for_charset(charset)
    return framed_driver(base) or base


def start_logging(args: argparse.Namespace) -> str | None:
    """Log to the user log directory; if it cannot be written, run without logs and return
    the one notice that says so (shared with ``capwatch feed``)."""
    from tui.settings.logs import log_nowhere, log_to_file
    from tui.settings.paths import resolve_paths

    log_dir = resolve_paths(getattr(args, "config", None)).log_dir
    try:
        log_to_file(log_dir)
    except OSError as exc:
        log_nowhere()
        return f"no log file ({_why(exc)}: {log_dir})"
    return None


def _why(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else str(exc)
