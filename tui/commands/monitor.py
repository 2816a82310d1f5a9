"""``capwatch`` (no subcommand): start the monitor, standalone or as a feed viewer.

Textual is imported only here, so the headless subcommands never pay for it. The source
comes from ``tui.settings.wiring`` (flags > config > the demo market). A live source gets the
history store (offline start, recorded closes, history top-ups) and the IST market clock
(refresh slows when closed); the demo runs its own simulated session and keeps no history. Both
keep the watchlist and the day's alerts in the user data dir, the demo's in files of its own.
With ``--feed URL`` (or ``[feed] url`` and no ``--demo``/``--provider``) the monitor is a
viewer: frames come from a collector over NATS, and neither analytics nor pandas load; the
collector's Watch view and alerts reach it, delivered per its own ``[notifications]``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from providers.base import Provider
    from tui.analytics.settings import AnalyticsSettings
    from tui.history.store import HistoryStore
    from tui.settings.wiring import Plan
    from tui.source.local import LocalSource
    from tui.ui.app import CapwatchApp

GO_LIVE_HINT = "live data: capwatch config --init"


def build_local(
    args: argparse.Namespace, the_plan: Plan | None = None
) -> tuple[LocalSource, HistoryStore | None, Plan]:
    """The local source for ``args`` (provider, analytics settings, store and schedule for
    live data) and the store it writes to (None for the demo). Shared with ``capwatch feed``.
    Raises ``ConfigError``/``ValueError``/``StoreError`` with a message for the user."""
    from tui.analytics.settings import AnalyticsSettings
    from tui.market.schedule import DEMO_INTERVAL_S
    from tui.settings import wiring
    from tui.source.local import LocalSource

    the_plan = the_plan or wiring.plan(args)
    provider = wiring.build_provider(the_plan, wiring.provider_settings(the_plan, args))
    display = the_plan.config.display
    analytics = AnalyticsSettings(
        movers=display.movers, anchor=display.anchors[0] if display.anchors else None
    )
    if provider.simulated:
        interval = args.interval or DEMO_INTERVAL_S
        source = LocalSource(provider, interval=interval, analytics_settings=analytics)
        store = None
    else:
        source, store = _live_source(the_plan, provider, analytics)
    _watch_and_alert(source, the_plan, demo=provider.simulated)
    return source, store, the_plan


def _watch_and_alert(source: LocalSource, the_plan: Plan, *, demo: bool) -> None:
    """The user's watchlist (the config's ``display.watchlist`` until edited) and the alert
    rules with the day's journal, both in the user data dir."""
    from tui.alerts import AlertWatcher
    from tui.settings.watchlist import Watchlist

    config, paths = the_plan.config, the_plan.paths
    source.watchlist = Watchlist.load(paths.watchlist(demo=demo), seed=config.display.watchlist)
    source.alerts = AlertWatcher(config.alerts, paths.alerts(demo=demo)) if config.alerts else None


def _live_source(
    the_plan: Plan, provider: Provider, analytics: AnalyticsSettings
) -> tuple[LocalSource, HistoryStore]:
    from tui.history.backfill import load_closes
    from tui.history.store import HistoryStore
    from tui.market.clock import MarketClock, now_ist
    from tui.market.schedule import LiveSchedule
    from tui.source.local import LocalSource

    config = the_plan.config
    now = now_ist()
    store = HistoryStore.open(the_plan.paths.history, now=now)
    store.prune(
        now, intraday_days=config.history.intraday_days, daily_years=config.history.daily_years
    )
    schedule = LiveSchedule(MarketClock(special_sessions=config.special_sessions), config.refresh)
    keep_texts = getattr(provider, "use_text_cache", None)
    if keep_texts is not None:  # NSE's constituent lists survive a restart in the store
        keep_texts(store)

    async def daily_work() -> pd.DataFrame:
        """Once per trading day, after the first screen: holidays, then daily closes."""
        await schedule.load_holidays(provider)
        return await load_closes(provider, store, now_ist().date())

    source = LocalSource(
        provider,
        interval=config.refresh.open,
        analytics_settings=analytics,
        store=store,
        history=daily_work,
        schedule=schedule,
    )
    return source, store


def feed_url(args: argparse.Namespace, the_plan: Plan) -> str | None:
    """The feed to view: ``--feed``, else ``[feed] url`` unless ``--demo``/``--provider``."""
    if getattr(args, "feed", None):
        return args.feed
    if getattr(args, "demo", False) or getattr(args, "provider", None):
        return None
    return the_plan.config.feed.url


def build_app(args: argparse.Namespace) -> tuple[CapwatchApp, HistoryStore | None]:
    """The app for ``args`` and the history store it writes to (None for the demo and for a
    viewer). Raises ``ConfigError``/``ValueError``/``StoreError`` with a message for the user."""
    from tui.settings import wiring
    from tui.ui.app import CapwatchApp

    the_plan = wiring.plan(args)
    if (url := feed_url(args, the_plan)) is not None:
        from tui.market.clock import now_ist
        from tui.source.bus import check_url
        from tui.source.subscriber import FeedSource

        settings = replace(the_plan.config.feed, url=check_url(url))
        app = CapwatchApp(source=FeedSource(settings, clock=now_ist))
        store = None
    else:
        source, store, the_plan = build_local(args, the_plan)
        notes = list(store.notices) if store is not None else []
        if store is None and not the_plan.config.path:
            notes.append(GO_LIVE_HINT)
        if source.watchlist.notice:
            notes.append(source.watchlist.notice)
        app = CapwatchApp(source=source, hint="; ".join(notes) or None)
    app.delivery = the_plan.config.notifications
    _apply_theme(app, the_plan.config.display.theme, the_plan)
    return app, store


def _apply_theme(app: CapwatchApp, theme: str, the_plan: Plan) -> None:
    """Config cannot check theme names (it must not import textual); the app can."""
    if theme not in app.available_themes:
        known = ", ".join(sorted(app.available_themes))
        raise ValueError(
            f"{the_plan.origin}: display.theme: unknown theme {theme!r}; known: {known}"
        )
    app.theme = theme


def run(args: argparse.Namespace) -> int:
    from tui.history.store import StoreError
    from tui.settings.config import ConfigError
    from tui.settings.logs import log_to_file
    from tui.settings.paths import resolve_paths

    log_to_file(resolve_paths(getattr(args, "config", None)).log_dir)
    try:
        app, store = build_app(args)
    except (ConfigError, ValueError, ImportError, StoreError) as exc:  # say which, no traceback
        print(f"capwatch: {exc}", file=sys.stderr)
        return 2
    try:
        app.run()
    finally:
        if store is not None:
            store.close()
    return 0
