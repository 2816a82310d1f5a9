"""``capwatch`` (no subcommand): start the live monitor.

Textual is imported only here, so the headless subcommands never pay for it.
``build_app`` is the seam where config, providers and the store get wired in.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.app import CapwatchApp

DEMO_INTERVAL_S = 2.0


def build_app(args: argparse.Namespace) -> CapwatchApp:
    """The app for ``args``: for now the demo market (``--demo``, or when nothing is configured)."""
    from providers.demo import create
    from tui.analytics.settings import AnalyticsSettings
    from tui.app import CapwatchApp

    settings: dict[str, object] = {}
    if args.seed is not None:
        settings["seed"] = args.seed
    if args.start is not None:
        settings["start"] = args.start
    try:
        anchor = date.fromisoformat(args.anchor) if args.anchor else None
    except ValueError:
        raise ValueError(f"--anchor must be a date like 2025-04-07, got {args.anchor!r}") from None
    analytics = AnalyticsSettings(
        movers=args.movers if args.movers is not None else 10, anchor=anchor
    )
    return CapwatchApp(
        create(settings),
        interval=args.interval if args.interval is not None else DEMO_INTERVAL_S,
        analytics_settings=analytics,
    )


def run(args: argparse.Namespace) -> int:
    try:
        app = build_app(args)
    except ValueError as exc:  # a bad option value (--anchor, --start): say which, no traceback
        print(f"capwatch: {exc}", file=sys.stderr)
        return 2
    app.run()
    return 0
