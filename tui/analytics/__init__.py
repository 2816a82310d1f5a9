"""Segment analytics: snapshot + daily history -> the views the monitor draws.

Pandas/numpy only, never textual. ``MarketAnalytics`` is the stateful entry point; the
modules beside it each do one job (frames, breadth, movers, sectors, returns, technicals,
events) and document their definitions.
"""

from tui.analytics.engine import MarketAnalytics
from tui.analytics.settings import AnalyticsSettings

__all__ = ["AnalyticsSettings", "MarketAnalytics"]
