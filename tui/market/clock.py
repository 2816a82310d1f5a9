"""The IST market clock: is the Indian cash market open, when does it open next, and how often
should the monitor poll right now.

All arithmetic is in Asia/Kolkata (no DST), whatever the machine's zone; callers pass an aware
``now`` (naive times are refused, because guessing their zone is how clocks go wrong).

Phases (NSE capital market):
- ``PRE_OPEN`` 09:00 up to (not including) 09:15. NSE takes orders 09:00-09:08 and matches
  them 09:08-09:15; the monitor shows the whole 15 minutes as "Pre-open" because indicative
  prices are published throughout and no normal trading happens before 09:15.
- ``OPEN`` 09:15:00 through 15:30:00 inclusive, so a refresh due at 15:30 still fetches the
  closing tick; 15:30:01 is closed.
- ``CLOSED`` otherwise, and all day on weekends and trading holidays.
Special sessions (e.g. Muhurat trading on Diwali) open the market on their date and window,
holiday or weekend notwithstanding, with a 15-minute pre-open before their start.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from msgspec import Struct

from providers.contract import IST, MarketPhase
from providers.holidays import BUNDLED_HOLIDAYS
from tui.market.holidays import merge_holidays

PRE_OPEN_START = time(9, 0)
OPEN_START = time(9, 15)
CLOSE = time(15, 30)
SPECIAL_PRE_OPEN = timedelta(minutes=15)
#: A closure longer than this (to the next open) polls only at the slow heartbeat.
LONG_CLOSURE = timedelta(hours=2)
#: After a close, keep the closed-market interval this long to catch closing prices.
POST_CLOSE_GRACE = timedelta(minutes=30)
#: Never poll faster than this when waiting for the next phase (avoids busy loops at edges).
MIN_INTERVAL_S = 1.0
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # strftime("%a") is locale-bound
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class SpecialSession(Struct, frozen=True):
    """An extra session from config, e.g. Muhurat trading: IST wall-clock times on ``day``."""

    day: date
    start: time
    end: time
    name: str = "Special session"

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"special session {self.day}: start {self.start} is not before end")


class Session(Struct, frozen=True):
    """One trading session in IST: pre-open from ``pre_open``, trading ``open``..``close``.
    ``name`` is empty for the normal session."""

    pre_open: datetime
    open: datetime
    close: datetime
    name: str = ""


def to_ist(moment: datetime) -> datetime:
    """``moment`` in IST; naive times are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"market clock needs a timezone-aware time, got naive {moment}")
    return moment.astimezone(IST)


def now_ist() -> datetime:
    return datetime.now(IST)


class MarketClock:
    """Session rules plus a holiday set and special sessions. Immutable: ``with_holidays``
    returns a new clock."""

    def __init__(
        self,
        holidays: Iterable[date] | None = None,
        special_sessions: Iterable[SpecialSession] = (),
    ) -> None:
        self.holidays: frozenset[date] = frozenset(
            BUNDLED_HOLIDAYS if holidays is None else holidays
        )
        self.special_sessions: tuple[SpecialSession, ...] = tuple(
            sorted(special_sessions, key=lambda s: (s.day, s.start))
        )

    def with_holidays(self, dates: Iterable[date]) -> MarketClock:
        """A clock using a provider's holiday list: it replaces this clock's holidays for
        every year it covers, other years are kept."""
        return MarketClock(merge_holidays(self.holidays, dates), self.special_sessions)

    def is_trading_day(self, day: date) -> bool:
        """A weekday that is not a holiday (special sessions aside)."""
        return day.weekday() < 5 and day not in self.holidays

    def sessions_on(self, day: date) -> tuple[Session, ...]:
        """The sessions on ``day`` (IST), earliest first."""
        sessions = []
        if self.is_trading_day(day):
            sessions.append(
                Session(
                    datetime.combine(day, PRE_OPEN_START, IST),
                    datetime.combine(day, OPEN_START, IST),
                    datetime.combine(day, CLOSE, IST),
                )
            )
        for special in self.special_sessions:
            if special.day == day:
                start = datetime.combine(day, special.start, IST)
                end = datetime.combine(day, special.end, IST)
                sessions.append(Session(start - SPECIAL_PRE_OPEN, start, end, special.name))
        return tuple(sorted(sessions, key=lambda s: s.open))

    def _current(self, ist: datetime) -> tuple[MarketPhase, Session | None]:
        for session in self.sessions_on(ist.date()):
            if session.pre_open <= ist < session.open:
                return MarketPhase.PRE_OPEN, session
            if session.open <= ist <= session.close:
                return MarketPhase.OPEN, session
        return MarketPhase.CLOSED, None

    def phase(self, now: datetime) -> MarketPhase:
        return self._current(to_ist(now))[0]

    def _next_session(self, ist: datetime, *, by_pre_open: bool) -> Session:
        """The first session whose open (or pre-open) is after ``ist``."""
        for offset in range(0, 400):
            for session in self.sessions_on(ist.date() + timedelta(days=offset)):
                start = session.pre_open if by_pre_open else session.open
                if start > ist:
                    return session
        raise RuntimeError("no trading session within 400 days; holiday list is wrong")

    def next_open(self, now: datetime) -> datetime:
        """When trading next starts (09:15 IST on the next trading day, or a special
        session's start). While the market is open this is the *next* session's open."""
        return self._next_session(to_ist(now), by_pre_open=False).open

    def status_text(self, now: datetime) -> str:
        """For the status bar: "Open", "Pre-open", or "Closed — opens Mon 09:15 IST"."""
        ist = to_ist(now)
        phase, session = self._current(ist)
        if phase is MarketPhase.OPEN:
            return f"Open — {session.name}" if session and session.name else "Open"
        if phase is MarketPhase.PRE_OPEN:
            return "Pre-open"
        opens = self.next_open(ist)
        return f"Closed — opens {_when(ist, opens)} {opens:%H:%M} IST"

    def refresh_interval(
        self, now: datetime, open_s: float, closed_s: float, heartbeat_s: float
    ) -> float:
        """Seconds until the next refresh.

        ``open_s`` while pre-open or open; ``closed_s`` when closed but opening within
        ``LONG_CLOSURE`` or within ``POST_CLOSE_GRACE`` of a close (closing prices settle);
        otherwise the slow ``heartbeat_s``. A closed-market wait never overshoots the next
        pre-open, so the first tick of a session is not missed.
        """
        ist = to_ist(now)
        if self._current(ist)[0] is not MarketPhase.CLOSED:
            return open_s
        upcoming = self._next_session(ist, by_pre_open=True)
        just_closed = any(
            timedelta(0) < ist - s.close <= POST_CLOSE_GRACE for s in self.sessions_on(ist.date())
        )
        long_closure = upcoming.open - ist > LONG_CLOSURE
        interval = heartbeat_s if long_closure and not just_closed else closed_s
        until_pre_open = (upcoming.pre_open - ist).total_seconds()
        return max(MIN_INTERVAL_S, min(interval, until_pre_open))


def _when(now: datetime, at: datetime) -> str:
    """A short day label relative to ``now``: "today", "Tue", or "Mon 10 Nov" if a week+ away."""
    days = (at.date() - now.date()).days
    if days == 0:
        return "today"
    weekday = _WEEKDAYS[at.weekday()]
    if days < 7:
        return weekday
    return f"{weekday} {at.day} {_MONTHS[at.month - 1]}"
