"""The IST market clock, run with the machine in New York to prove the machine's zone is
irrelevant: session edges, weekends, holidays, special sessions, refresh pacing."""

from __future__ import annotations

import time as systime
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from providers.contract import IST, MarketPhase
from providers.holidays import BUNDLED_HOLIDAYS, NSE_HOLIDAYS_2026
from tui.market.clock import MarketClock, SpecialSession, now_ist

NEW_YORK = ZoneInfo("America/New_York")
MUHURAT = SpecialSession(date(2026, 11, 8), time(18, 0), time(19, 0), "Muhurat trading")


@pytest.fixture(autouse=True)
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "America/New_York")
    systime.tzset()
    yield
    monkeypatch.undo()
    systime.tzset()


def ist(y: int, mo: int, d: int, h: int, mi: int, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=IST)


CLOCK = MarketClock()


@pytest.mark.parametrize(
    ("hms", "phase"),
    [
        ((8, 59, 59), MarketPhase.CLOSED),
        ((9, 0, 0), MarketPhase.PRE_OPEN),
        ((9, 8, 0), MarketPhase.PRE_OPEN),  # order matching: still pre-open, no trading yet
        ((9, 14, 59), MarketPhase.PRE_OPEN),
        ((9, 15, 0), MarketPhase.OPEN),
        ((12, 0, 0), MarketPhase.OPEN),
        ((15, 30, 0), MarketPhase.OPEN),
        ((15, 30, 1), MarketPhase.CLOSED),
        ((23, 59, 59), MarketPhase.CLOSED),
    ],
)
def test_session_edges_on_a_trading_day(hms: tuple[int, int, int], phase: MarketPhase) -> None:
    moment = ist(2026, 11, 20, *hms)  # a Friday
    assert CLOCK.phase(moment) is phase
    assert CLOCK.phase(moment.astimezone(NEW_YORK)) is phase  # same instant, other zone
    assert CLOCK.phase(moment.astimezone(UTC)) is phase


def test_status_text_names_the_next_open() -> None:
    assert CLOCK.status_text(ist(2026, 11, 20, 10, 0)) == "Open"
    assert CLOCK.status_text(ist(2026, 11, 20, 9, 5)) == "Pre-open"
    assert CLOCK.status_text(ist(2026, 11, 20, 8, 0)) == "Closed — opens today 09:15 IST"
    assert CLOCK.status_text(ist(2026, 11, 20, 16, 0)) == "Closed — opens Mon 09:15 IST"
    assert CLOCK.status_text(ist(2026, 11, 19, 16, 0)) == "Closed — opens Fri 09:15 IST"


def test_weekends_are_closed_all_day() -> None:
    for day in (21, 22):  # Saturday, Sunday
        assert CLOCK.phase(ist(2026, 11, day, 10, 0)) is MarketPhase.CLOSED
    assert CLOCK.next_open(ist(2026, 11, 21, 10, 0)) == ist(2026, 11, 23, 9, 15)


def test_holidays_are_closed_and_skipped_by_next_open() -> None:
    guru_nanak = ist(2026, 11, 24, 11, 0)  # a Tuesday holiday
    assert CLOCK.phase(guru_nanak) is MarketPhase.CLOSED
    assert CLOCK.next_open(ist(2026, 11, 23, 15, 31)) == ist(2026, 11, 25, 9, 15)
    assert CLOCK.status_text(ist(2026, 11, 23, 15, 31)) == "Closed — opens Wed 09:15 IST"
    # Good Friday makes a long weekend
    assert CLOCK.next_open(ist(2026, 4, 2, 16, 0)) == ist(2026, 4, 6, 9, 15)


def test_next_open_while_open_is_the_next_session() -> None:
    assert CLOCK.next_open(ist(2026, 11, 20, 9, 5)) == ist(2026, 11, 20, 9, 15)
    assert CLOCK.next_open(ist(2026, 11, 20, 9, 15)) == ist(2026, 11, 23, 9, 15)


def test_a_closure_over_a_week_long_shows_the_date() -> None:
    clock = MarketClock(holidays=[date(2026, 11, 23) + timedelta(days=i) for i in range(12)])
    assert clock.status_text(ist(2026, 11, 21, 10, 0)) == "Closed — opens Mon 7 Dec 09:15 IST"


def test_special_sessions_open_a_holiday_weekend_evening() -> None:
    clock = MarketClock(special_sessions=[MUHURAT])  # Diwali 2026 is a Sunday
    assert clock.phase(ist(2026, 11, 8, 17, 44)) is MarketPhase.CLOSED
    assert clock.phase(ist(2026, 11, 8, 17, 50)) is MarketPhase.PRE_OPEN
    assert clock.status_text(ist(2026, 11, 8, 18, 30)) == "Open — Muhurat trading"
    assert clock.phase(ist(2026, 11, 8, 19, 0, 1)) is MarketPhase.CLOSED
    assert clock.next_open(ist(2026, 11, 7, 12, 0)) == ist(2026, 11, 8, 18, 0)
    assert clock.status_text(ist(2026, 11, 7, 12, 0)) == "Closed — opens Sun 18:00 IST"
    assert CLOCK.phase(ist(2026, 11, 8, 18, 30)) is MarketPhase.CLOSED  # not configured


def test_special_session_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="not before end"):
        SpecialSession(date(2026, 11, 8), time(19, 0), time(18, 0))


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CLOCK.phase(datetime(2026, 11, 20, 10, 0))


def test_ist_has_no_dst_whatever_new_york_does() -> None:
    # New York springs forward on 2026-03-08; 09:15 IST is 22:45 EST before, 23:45 EDT after.
    before = datetime(2026, 3, 5, 22, 45, tzinfo=NEW_YORK)
    after = datetime(2026, 3, 8, 23, 45, tzinfo=NEW_YORK)
    assert CLOCK.phase(before) is MarketPhase.OPEN
    assert CLOCK.phase(before - timedelta(seconds=1)) is MarketPhase.PRE_OPEN
    assert CLOCK.phase(after) is MarketPhase.OPEN
    assert CLOCK.phase(after - timedelta(seconds=1)) is MarketPhase.PRE_OPEN
    assert CLOCK.next_open(after - timedelta(hours=1)).astimezone(NEW_YORK) == after


def test_now_ist_is_in_ist_whatever_the_machine_zone() -> None:
    now = now_ist()
    assert now.utcoffset() == timedelta(hours=5, minutes=30)
    assert abs(now.timestamp() - systime.time()) < 5


# -- refresh pacing ------------------------------------------------------------------------------

OPEN_S, CLOSED_S, HEARTBEAT_S = 10.0, 120.0, 1800.0


def interval(moment: datetime, clock: MarketClock = CLOCK) -> float:
    return clock.refresh_interval(moment, OPEN_S, CLOSED_S, HEARTBEAT_S)


def test_refresh_is_fast_while_open_or_pre_open() -> None:
    assert interval(ist(2026, 11, 20, 11, 0)) == OPEN_S
    assert interval(ist(2026, 11, 20, 9, 1)) == OPEN_S


def test_refresh_slows_when_closed_and_wakes_for_pre_open() -> None:
    assert interval(ist(2026, 11, 20, 8, 0)) == CLOSED_S  # opens within two hours
    assert interval(ist(2026, 11, 20, 8, 59)) == 60.0  # never sleeps past 09:00 pre-open
    assert (
        interval(
            ist(
                2026,
                11,
                20,
                8,
                59,
                59,
            )
        )
        == 1.0
    )  # but never busy-loops


def test_refresh_keeps_the_closed_pace_just_after_the_close() -> None:
    assert interval(ist(2026, 11, 20, 15, 45)) == CLOSED_S  # closing prices settle
    assert interval(ist(2026, 11, 20, 16, 30)) == HEARTBEAT_S


def test_long_closures_poll_only_at_the_heartbeat() -> None:
    assert interval(ist(2026, 11, 21, 12, 0)) == HEARTBEAT_S  # Saturday
    assert interval(ist(2026, 11, 24, 12, 0)) == HEARTBEAT_S  # holiday
    assert interval(ist(2026, 11, 23, 6, 0)) == HEARTBEAT_S  # 3 h 15 m to the open
    slow = CLOCK.refresh_interval(ist(2026, 11, 23, 6, 30), OPEN_S, CLOSED_S, 3 * 3600.0)
    assert slow == 2.5 * 3600  # a 3 h heartbeat is cut short to wake for the 09:00 pre-open


# -- holidays --------------------------------------------------------------------------------------


def test_bundled_holidays_are_weekdays_and_2026_is_complete() -> None:
    assert all(day.weekday() < 5 for day in BUNDLED_HOLIDAYS)
    assert len(NSE_HOLIDAYS_2026) == 15  # NSE's published count for 2026
    assert {d.year for d in BUNDLED_HOLIDAYS} == {2026, 2027}
