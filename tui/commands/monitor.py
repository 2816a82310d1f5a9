"""``capwatch`` (no subcommand): start the live monitor.

Textual is imported only here, so the headless subcommands never pay for it. The source
comes from ``tui.settings.wiring`` (flags > config > the demo market). A live source gets the
history store (offline start, recorded closes, history top-ups) and the IST market clock
(refresh slows
when closed); the demo runs its own simulated session and keeps no history. Both keep the
watchlist and the day's alerts in the user data dir, the demo's in files of its own.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    import pandas as pd
    from textual.driver import Driver

    from providers.base import Provider
    from tui.analytics.settings import AnalyticsSettings
    from tui.history.store import HistoryStore
    from tui.settings.wiring import Plan
    from tui.ui.app import CapwatchApp
    from tui.ui.terminal import Charset

GO_LIVE_HINT = "live data: capwatch config --init"


def build_app(args: argparse.Namespace) -> tuple[CapwatchApp, HistoryStore | None]:
    """The app for ``args`` and the history store it writes to (None for the demo).
    Raises ``ConfigError``/``ValueError``/``StoreError`` with a message for the user."""
    from concurrent.futures import ThreadPoolExecutor

    from tui.settings import wiring

    the_plan = wiring.plan(args)
    with ThreadPoolExecutor(1) as pool:  # the provider builds while textual and the app load
        building = pool.submit(
            wiring.build_provider, the_plan, wiring.provider_settings(the_plan, args)
        )
        from tui.analytics.settings import AnalyticsSettings
        from tui.market.schedule import DEMO_INTERVAL_S
        from tui.ui.app import CapwatchApp

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
        from providers.demo import DemoProvider

        store = None
        app = CapwatchApp(
            provider,
            interval=args.interval or DEMO_INTERVAL_S,
            # closes as arrays where the provider has them: a monitor without pandas (~30 MB)
            history=getattr(provider, "closes_table", None),
            analytics_settings=analytics_settings,
            analytics=analytics,
            hint=None if the_plan.config.path else GO_LIVE_HINT,
            next_data_time=provider.next_time if isinstance(provider, DemoProvider) else None,
        )
    else:
        store, app = _live_app(the_plan, provider, analytics_settings)
    _apply_theme(app, display.theme, the_plan)
    _watch_and_alert(app, the_plan, demo=provider.simulated)
    return app, store


def _watch_and_alert(app: CapwatchApp, the_plan: Plan, *, demo: bool) -> None:
    """The user's watchlist (the config's ``display.watchlist`` until edited) and the alert
    rules with the day's journal, both in the user data dir."""
    from tui.alerts import AlertWatcher
    from tui.settings.watchlist import Watchlist

    config, paths = the_plan.config, the_plan.paths
    app.watchlist = Watchlist.load(paths.watchlist(demo=demo), seed=config.display.watchlist)
    app.alerts = AlertWatcher(config.alerts, paths.alerts(demo=demo)) if config.alerts else None
    app.delivery = config.notifications
    if app.watchlist.notice:
        app.hint = "; ".join(filter(None, (app.hint, app.watchlist.notice)))


def _live_app(
    the_plan: Plan, provider: Provider, analytics: AnalyticsSettings
) -> tuple[HistoryStore | None, CapwatchApp]:
    from tui.history.backfill import load_closes
    from tui.market.clock import MarketClock, now_ist
    from tui.market.schedule import LiveSchedule
    from tui.ui.app import CapwatchApp

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
    app = CapwatchApp(
        provider,
        interval=config.refresh.open,
        analytics_settings=analytics,
        store=store,
        history=daily_work,
        schedule=schedule,
        hint="; ".join(notices) or None,
    )
    return store, app


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
    _keep_heap_small()
    notice = _start_logging(args)
    try:  # the provider starts building before textual loads (build_app)
        app, store = build_app(args)
    except Exception as exc:
        if not _for_the_user(exc):
            raise
        print(f"capwatch: {exc}", file=sys.stderr)  # say which, no traceback
        return 2
    from tui.ui.terminal import detect_charset, terminal_problem

    problem = terminal_problem(sys.stdin, sys.stdout, os.environ.get("TERM"))
    if problem:  # after the settings, so a mistake in them is reported first
        if store is not None:
            store.close()
        print(f"capwatch: {problem}", file=sys.stderr)
        return 2
    charset = detect_charset(getattr(args, "charset", None))
    if notice:
        app.hint = "; ".join(filter(None, (notice, app.hint)))
    app.driver_class = terminal_driver(charset)
    try:
        app.run()
    finally:
        if store is not None:
            store.close()
    return app.return_code or 0


def _for_the_user(exc: Exception) -> bool:
    """A mistake in the settings, config or history store: told in one line."""
    from tui.history.store import StoreError  # imported only now: the demo has no store
    from tui.settings.config import ConfigError

    return isinstance(exc, (ConfigError, ValueError, ImportError, StoreError))


#: glibc ``mallopt`` parameters (malloc.h) and the values the monitor sets.
_M_MMAP_THRESHOLD, _M_ARENA_MAX = -3, -8
_MMAP_FROM_BYTES = 128 * 1024


def _keep_heap_small() -> None:
    """Make freed memory go back to the system (glibc only; elsewhere nothing changes).

    The monitor's numpy temporaries are large: glibc raises its mmap threshold after the
    first one is freed, so later ones come from the heap, and each worker thread gets its
    own heap arena; freed, they stay in the process (~65 MB of a running demo monitor).
    A fixed threshold sends large blocks to mmap, returned on free; at most two arenas."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no glibc (musl, macOS): their allocators differ
        return
    mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM_BYTES)
    mallopt(_M_ARENA_MAX, 2)


def terminal_driver(charset: Charset) -> type[Driver]:
    """The terminal driver for ``charset`` (quits cleanly when the terminal goes), writing
    through the coalescing frame writer (``tui.ui.framed_output``) when Textual allows."""
    from tui.ui.driver import CapwatchDriver
    from tui.ui.framed_output import framed_driver

    base = CapwatchDriver.for_charset(charset)
    return framed_driver(base) or base


def _start_logging(args: argparse.Namespace) -> str | None:
    """Log to the user log directory; if it cannot be written, run without logs and return
    the one notice that says so."""
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
