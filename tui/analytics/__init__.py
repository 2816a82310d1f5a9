"""Segment analytics: snapshot + daily history -> the views the monitor draws.

Pandas/numpy only, never textual. ``MarketAnalytics`` is the stateful entry point; the
modules beside it each do one job (frames, breadth, movers, sectors, returns, technicals,
events) and document their definitions.

Names load on first use, so ``tui.analytics.settings`` (read while the monitor starts) does
not pull in the engine and numpy before the first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.analytics.engine import MarketAnalytics
    from tui.analytics.settings import AnalyticsSettings

__all__ = ["AnalyticsSettings", "MarketAnalytics"]


def __getattr__(name: str) -> Any:
    if name == "MarketAnalytics":
        from tui.analytics.engine import MarketAnalytics

        return MarketAnalytics
    if name == "AnalyticsSettings":
        from tui.analytics.settings import AnalyticsSettings

        return AnalyticsSettings
    raise AttributeError(f"module 'tui.analytics' has no attribute {name!r}")
