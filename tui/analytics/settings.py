"""What the user can tune about the analytics, in one frozen value the engine is built with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AnalyticsSettings:
    """Tunable knobs; defaults are what the monitor starts with.

    ``anchor`` is the "since" date: the % since column compares with the last close on or
    before it. ``None`` means the close on 31 March before today, i.e. "since the start of
    the Indian financial year" (see ``returns.effective_anchor``), a date that differs from
    YTD and is meaningful to every user without configuration.
    """

    movers: int = 10
    anchor: date | None = None
    benchmark: str = "NIFTY 50"
    event_sessions: int = 5  # past sessions whose technical-call changes the feed shows
    max_events: int = 200  # feed length per segment and kind (analyst, technical)

    def __post_init__(self) -> None:
        if self.movers < 0:
            raise ValueError(f"movers must be >= 0, got {self.movers}")
        if self.event_sessions < 0:
            raise ValueError(f"event_sessions must be >= 0, got {self.event_sessions}")
        if self.max_events < 0:
            raise ValueError(f"max_events must be >= 0, got {self.max_events}")
