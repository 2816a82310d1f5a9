"""What the user can tune about the analytics, in one frozen value the engine is built with."""

from __future__ import annotations

from datetime import date

from msgspec import Struct


class AnalyticsSettings(Struct, frozen=True):
    """Tunable knobs; defaults are what the monitor starts with.

    ``anchors`` are the "since" dates: a % since column compares with the last close on or
    before one; the first is shown first. None given means the close on 31 March before
    today, i.e. "since the start of the Indian financial year" (see
    ``returns.effective_anchor``), a date that differs from YTD and is meaningful to every user
    without configuration. ``benchmark`` is the index the relative columns subtract.
    """

    movers: int = 10
    anchors: tuple[date, ...] = ()
    benchmark: str = "NIFTY 50"
    event_sessions: int = 5  # past sessions whose technical-call changes the feed shows
    max_events: int = 200  # feed length per segment and kind (analyst, technical)

    def __post_init__(self) -> None:
        if self.movers < 0:
            raise ValueError(f"movers must be >= 0, got {self.movers}")
        if self.event_sessions < 0:
            raise ValueError(f"event_sessions must be >= 0, got {self.event_sessions}")
        if not self.benchmark:
            raise ValueError("benchmark must name an index")
        if self.max_events < 0:
            raise ValueError(f"max_events must be >= 0, got {self.max_events}")
