"""The status bar: where the data comes from, how old it is, when it refreshes, what failed.

It draws only from a :class:`Status` value the app builds; every time is absolute ("next
11:32:07") so nothing ticks on screen while waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.style import Style
from rich.text import Text

from providers.contract import MarketPhase
from widgets.format import DIM, clean
from widgets.pane import Lines, Pane

BADGE = Style(reverse=True, bold=True)
SEPARATOR = " │ "
_PHASE_MARK = {MarketPhase.OPEN: "●", MarketPhase.PRE_OPEN: "◐", MarketPhase.CLOSED: "○"}


@dataclass(frozen=True, slots=True)
class Status:
    provider: str = ""
    simulated: bool = False
    phase: MarketPhase | None = None
    market_time: datetime | None = None  # IST, from the data
    next_open: datetime | None = None  # IST; shown while closed
    as_of: datetime | None = None
    next_at: datetime | None = None  # when the next refresh starts (wall clock, IST)
    paused: bool = False
    loading: bool = False
    stale_for: timedelta | None = None  # set when the data shown is old (stored, or fetches fail)
    error: str | None = None
    hint: str | None = None  # a standing note, e.g. how to go live from the demo
    resume_at: datetime | None = None  # a source's rate limit lifts (IST)
    today: date | None = None  # the date now: times on other days are shown with theirs


def when(moment: datetime, today: date | None) -> str:
    """``14:05:07``, or ``Tue 01 Dec 14:05:07`` when ``moment`` is not ``today``."""
    if today is None or moment.date() == today:
        return f"{moment:%H:%M:%S}"
    return f"{moment:%a %d %b %H:%M:%S}"


def age(delta: timedelta) -> str:
    """``40s``, ``5m``, ``3h``, ``2d``: coarse on purpose, so it changes rarely."""
    seconds = max(0, int(delta.total_seconds()))
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def status_line(status: Status) -> Text:
    line = Text(" ")
    if status.simulated:
        line.append(" DEMO ", style=BADGE).append(" ")
    if status.stale_for is not None:
        line.append(f" STALE {age(status.stale_for)} ", style=BADGE).append(" ")
    if status.paused:
        line.append(" PAUSED ", style=BADGE).append(" ")
    parts: list[Text] = [Text(clean(status.provider) or "no provider")]
    if status.phase is not None:
        market = f"{_PHASE_MARK.get(status.phase, '')} {status.phase.value.upper()}"
        if status.market_time is not None:
            market += f" {status.market_time:%H:%M} IST"
        if status.phase is MarketPhase.CLOSED and status.next_open is not None:
            same_day = status.market_time and status.market_time.date() == status.next_open.date()
            market += f" — opens {status.next_open:{'%H:%M' if same_day else '%a %H:%M'}}"
        parts.append(Text(market))
    if status.as_of is not None:
        parts.append(Text(f"as of {status.as_of:%H:%M:%S}"))
    elif status.loading:
        parts.append(Text("loading…", style=DIM))
    if status.resume_at is not None:
        parts.append(Text(f"rate-limited until {when(status.resume_at, status.today)}"))
    elif status.next_at is not None and not status.paused:
        parts.append(Text(f"next {when(status.next_at, status.today)}", style=DIM))
    if status.error:
        parts.append(Text("ERROR ", style=BADGE).append(clean(status.error), style=Style()))
    if status.hint:
        parts.append(Text(status.hint, style=DIM))
    parts.append(Text("? help", style=DIM))
    return line + Text(SEPARATOR, style=DIM).join(parts)


class StatusBar(Pane, can_focus=False):
    DEFAULT_CSS = """
    StatusBar { height: 1; border: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status(loading=True)

    def show_status(self, status: Status) -> None:
        if status != self.status:
            self.status = status
            self.sync()

    def build_lines(self, width: int) -> Lines:
        return Lines.of([status_line(self.status)])

    def has_content(self) -> bool:
        return True
