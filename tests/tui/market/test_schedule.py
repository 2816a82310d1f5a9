"""A live monitor's schedule: the provider's holiday list replaces the bundled one (through
composition too), and a failing list keeps the bundled one."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from providers.base import ProviderUnavailable
from providers.compose import ComposedProvider
from providers.contract import IST, Part, Snapshot
from tui.market.clock import MarketClock
from tui.market.schedule import LiveSchedule
from tui.settings.config import Refresh

EXTRA_HOLIDAY = date(2026, 12, 1)  # a Tuesday no bundled list has
MONDAY_NIGHT = datetime(2026, 11, 30, 20, 0, tzinfo=IST)


class StatusProvider:
    name, parts, simulated = "nse", frozenset({Part.STATUS}), False

    def __init__(self, holidays: list[date] | Exception) -> None:
        self._holidays = holidays

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        return Snapshot(self.name, MONDAY_NIGHT, False)

    async def holidays(self) -> list[date]:
        if isinstance(self._holidays, Exception):
            raise self._holidays
        return self._holidays

    async def aclose(self) -> None:
        pass


def schedule() -> LiveSchedule:
    return LiveSchedule(MarketClock(), Refresh(open=10, closed=120, heartbeat=1800))


async def test_provider_holidays_move_the_next_open() -> None:
    plan = schedule()
    assert plan.next_open(MONDAY_NIGHT) == datetime(2026, 12, 1, 9, 15, tzinfo=IST)
    await plan.load_holidays(ComposedProvider({Part.STATUS: [StatusProvider([EXTRA_HOLIDAY])]}))
    assert plan.next_open(MONDAY_NIGHT) == datetime(2026, 12, 2, 9, 15, tzinfo=IST)


async def test_failing_holiday_list_keeps_the_bundled_one() -> None:
    plan = schedule()
    await plan.load_holidays(StatusProvider(ProviderUnavailable("nse", "timed out")))
    assert plan.next_open(MONDAY_NIGHT) == datetime(2026, 12, 1, 9, 15, tzinfo=IST)


async def test_composition_without_a_holiday_source_gives_none() -> None:
    class Plain(StatusProvider):
        holidays = None  # type: ignore[assignment]

    assert await ComposedProvider({Part.STATUS: [Plain([])]}).holidays() == []
