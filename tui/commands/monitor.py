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
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from providers.base import Provider
    from tui.analytics.settings import AnalyticsSettings
    from tui.history.store import HistoryStore
    from tui.settings.wiring import Plan
    from tui.ui.app import CapwatchApp

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

        provider = building.result()
    display = the_plan.config.display
    analytics = AnalyticsSettings(
        movers=display.movers, anchor=display.anchors[0] if display.anchors else None
    )
    if provider.simulated:
        store = None
        app = CapwatchApp(
            provider,
            interval=args.interval or DEMO_INTERVAL_S,
            # closes as arrays where the provider has them: a monitor without pandas (~30 MB)
            history=getattr(provider, "closes_table", None),
            analytics_settings=analytics,
            hint=None if the_plan.config.path else GO_LIVE_HINT,
        )
    else:
        store, app = _live_app(the_plan, provider, analytics)
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
) -> tuple[HistoryStore, CapwatchApp]:
    from tui.history.backfill import load_closes
    from tui.history.store import HistoryStore
    from tui.market.clock import MarketClock, now_ist
    from tui.market.schedule import LiveSchedule
    from tui.ui.app import CapwatchApp

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

    app = CapwatchApp(
        provider,
        interval=config.refresh.open,
        analytics_settings=analytics,
        store=store,
        history=daily_work,
        schedule=schedule,
        hint="; ".join(store.notices) or None,
    )
    return store, app


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
