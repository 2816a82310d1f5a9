"""The status bar: where the data comes from, how old it is, when it refreshes, what failed.

It draws only from a :class:`Status` value the app builds; every time is absolute ("next
11:32:07") so nothing ticks on screen while waiting.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from msgspec import Struct
from rich.style import Style
from rich.text import Text

from providers.contract import MarketPhase
from widgets.format import DIM, clean
from widgets.pane import Lines, Pane

BADGE = Style(reverse=True, bold=True)
SEPARATOR = " │ "
_PHASE_MARK = {MarketPhase.OPEN: "●", MarketPhase.PRE_OPEN: "◐", MarketPhase.CLOSED: "○"}


class Status(Struct, frozen=True):
    provider: str = ""
    simulated: bool = False
    phase: MarketPhase | None = None
    market_time: datetime | None = None  # IST, from the data
    next_open: datetime | None = None  # IST; shown while closed
    as_of: datetime | None = None
    next_at: datetime | None = None  # when the next refresh starts (IST; the demo's own clock)
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


#: Narrow terminals shorten or drop parts in this order; "? help" is never dropped.
_DEGRADE = ("hint", "market", "as_of", "next", "provider", "next", "as_of", "market")
#: Parts cut with "…" to the room left rather than dropped, first served first, with the
#: fewest cells each keeps before other parts are shortened or dropped.
_CUTTABLE = {"error": 24, "hint": 20}


def status_line(status: Status, width: int | None = None) -> Text:
    """The status line, fitted to ``width`` cells by priority (see ``_DEGRADE``): the badges
    and "? help" stay, an error or note is cut with "…" to the room left (``?`` shows the
    whole error)."""
    line = Text(" ")
    if status.simulated:
        line.append(" DEMO ", style=BADGE).append(" ")
    if status.stale_for is not None:
        line.append(f" STALE {age(status.stale_for)} ", style=BADGE).append(" ")
    if status.paused:
        line.append(" PAUSED ", style=BADGE).append(" ")
    forms = _part_forms(status)
    level = dict.fromkeys(forms, 0)
    steps = iter(_DEGRADE)
    while True:
        parts = {key: texts[level[key]] for key, texts in forms.items()}
        parts = {key: text for key, text in parts.items() if text is not None}
        if width is None or _fit_cuttable(parts, width - line.cell_len):
            break
        key = next(steps, None)
        if key is None:
            break
        if key in level:
            level[key] = min(level[key] + 1, len(forms[key]) - 1)
    return line + Text(SEPARATOR, style=DIM).join(parts.values())


def _fit_cuttable(parts: dict[str, Text], width: int) -> bool:
    """Cut the cuttable parts (in place) so all of ``parts`` fit ``width``; False when that
    would leave one of them below its minimum (then they are cut as far as possible)."""
    room = width - len(SEPARATOR) * (len(parts) - 1)
    room -= sum(text.cell_len for key, text in parts.items() if key not in _CUTTABLE)
    cuttable = [key for key in _CUTTABLE if key in parts]
    fits = True
    for index, key in enumerate(cuttable):
        later = sum(min(_CUTTABLE[k], parts[k].cell_len) for k in cuttable[index + 1 :])
        cells = min(parts[key].cell_len, room - later)
        if cells < min(_CUTTABLE[key], parts[key].cell_len):
            fits = False
        if cells < parts[key].cell_len:
            parts[key] = _cut(parts[key], cells)
        room -= max(cells, 1)
    return fits and room >= 0


def _part_forms(status: Status) -> dict[str, list[Text | None]]:
    """Each part of the line, longest form first; ``None`` means dropped."""
    forms: dict[str, list[Text | None]] = {}
    forms["provider"] = [Text(clean(status.provider) or "no provider"), None]
    if status.phase is not None:
        mark = f"{_PHASE_MARK.get(status.phase, '')} {status.phase.value.upper()}"
        time = f" {status.market_time:%H:%M}" if status.market_time is not None else ""
        opens = ""
        if status.phase is MarketPhase.CLOSED and status.next_open is not None:
            same_day = status.market_time and status.market_time.date() == status.next_open.date()
            opens = f" — opens {status.next_open:{'%H:%M' if same_day else '%a %H:%M'}}"
        ist = " IST" if time else ""
        forms["market"] = [Text(mark + time + ist + opens), Text(mark + time + opens), Text(mark)]
    if status.as_of is not None:
        forms["as_of"] = [
            Text(f"as of {status.as_of:%H:%M:%S}"),
            Text(f"{status.as_of:%H:%M:%S}"),
            None,
        ]
    elif status.loading:
        forms["as_of"] = [Text("loading…", style=DIM)]
    if status.resume_at is not None:
        resume = status.resume_at
        forms["next"] = [
            Text(f"rate-limited until {when(resume, status.today)}"),
            Text(f"until {when(resume, status.today)}"),
            None,
        ]
    elif status.next_at is not None and not status.paused:
        forms["next"] = [
            Text(f"next {when(status.next_at, status.today)}", style=DIM),
            Text(f"next {status.next_at:%H:%M}", style=DIM),
            None,
        ]
    if status.error:
        error = Text("ERROR ", style=BADGE).append(clean(status.error), style=Style())
        forms["error"] = [error]
    if status.hint:
        forms["hint"] = [Text(status.hint, style=DIM), None]
    forms["help"] = [Text("? help", style=DIM)]
    return forms


def _cut(text: Text, cells: int) -> Text:
    cut = text.copy()
    cut.truncate(max(1, cells), overflow="ellipsis")
    return cut


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
        return Lines.of([status_line(self.status, width)])

    def has_content(self) -> bool:
        return True
