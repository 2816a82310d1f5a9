"""Waiting on the monitor in pilot tests: by the frames it has drawn, as a person sees them."""

from __future__ import annotations

from tui.ui.app import CapwatchApp


def drawn(app: CapwatchApp) -> int:
    """The number of the frame on screen (0: none yet). A standalone monitor's first refresh
    draws two: live data, then the same with the daily closes."""
    return app.frame.seq if app.frame is not None else 0
