"""Pilot tests of the monitor against a hostile source: absurd delays, failed, empty and insane
parts, a hung refresh, rate limits past midnight (issue 12, items 7, 8, 9, 10 and 11).

The demo market supplies the data; ``Scripted`` changes what a chosen fetch returns. The
interval is an hour and the clock is a hand-moved ``Clock``, so nothing depends on timing."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from factories.demo import demo_market
from msgspec.structs import replace

from providers.base import ProviderUnavailable, RateLimited
from providers.contract import IST, Breadth, Part, Snapshot
from tests.tui.ui.test_app import SIZE, lines, pane, until
from tui.history.store import HistoryStore
from tui.ui.app import CapwatchApp
from widgets.status_bar import StatusBar

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)

Step = Callable[[Snapshot], Snapshot] | BaseException | None


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Scripted:
    """The demo market; fetch number ``n`` (1-based) is changed by ``steps[n]``: a function of
    the demo's snapshot, an exception to raise, or ``HANG`` to never answer."""

    def __init__(self, steps: dict[int, Step | str]) -> None:
        self.demo = demo_market(7, START)
        self.name, self.parts, self.simulated = "scripted", self.demo.parts, True
        self.steps = steps
        self.calls = 0

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        self.calls += 1
        step = self.steps.get(self.calls)
        if step == "HANG":
            await asyncio.Event().wait()
        if isinstance(step, BaseException):
            raise step
        snapshot = await self.demo.fetch(parts)
        return step(snapshot) if callable(step) else snapshot

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> object:
        return await self.demo.history(names, days)

    async def aclose(self) -> None:
        await self.demo.aclose()


def make_app(provider: Scripted, clock: Clock, **kwargs: object) -> CapwatchApp:
    return CapwatchApp(provider, interval=3600, clock=clock, **kwargs)  # type: ignore[arg-type]


async def refreshed(pilot, app: CapwatchApp, calls: int) -> None:
    """Wait until the provider has been asked ``calls`` times and the app is idle again."""
    provider = app.source.provider  # type: ignore[attr-defined]
    assert isinstance(provider, Scripted)
    await until(pilot, lambda: provider.calls >= calls)
    await app.workers.wait_for_complete()
    await pilot.pause()


def status(app: CapwatchApp) -> str:
    return lines(app.query_one(StatusBar))[0]


@pytest.mark.parametrize("retry_after", [float("inf"), 1e20, float("nan")])
async def test_an_absurd_retry_after_never_stops_the_refreshes(retry_after: float) -> None:
    limited = RateLimited("scripted", "HTTP 429 Too Many Requests", retry_after)
    provider = Scripted({1: limited})
    async with make_app(provider, Clock(START)).run_test(size=SIZE) as pilot:
        app = pilot.app
        await refreshed(pilot, app, 1)
        assert app._timer is not None  # the next refresh is armed
        assert app._next_at is not None and app._next_at <= START + timedelta(hours=1)
        assert "ERROR" in status(app)


async def test_a_failure_in_the_scheduling_itself_still_arms_a_refresh() -> None:
    class BrokenSchedule:
        def interval(self, now: datetime) -> float:
            raise OverflowError("date value out of range")

        def next_open(self, now: datetime) -> datetime:
            return now

    provider = Scripted({1: lambda s: replace(s, status=None)})  # ask the schedule
    app = make_app(provider, Clock(START), schedule=BrokenSchedule())
    async with app.run_test(size=SIZE) as pilot:
        await refreshed(pilot, app, 1)
        assert app._timer is not None
        assert "date value out of range" in status(app)


async def test_a_rate_limit_past_midnight_shows_the_resume_date() -> None:
    clock = Clock(datetime(2026, 11, 20, 23, 40, tzinfo=IST))
    provider = Scripted({1: RateLimited("scripted", "HTTP 429", 3600.0)})
    async with make_app(provider, clock).run_test(size=(200, 40)) as pilot:
        app = pilot.app
        await refreshed(pilot, app, 1)
        assert "rate-limited until Sat 21 Nov 00:40:00" in status(app)


def _failed(part: Part, field: str, message: str) -> Callable[[Snapshot], Snapshot]:
    def change(snapshot: Snapshot) -> Snapshot:
        errors = {**snapshot.errors, part: message}
        return replace(snapshot, errors=errors, **{field: ()})

    return change


def _nan_indices(snapshot: Snapshot) -> Snapshot:
    nan = float("nan")
    return replace(snapshot, indices=tuple(replace(q, last=nan) for q in snapshot.indices))


@pytest.mark.parametrize(
    ("step", "part", "panes", "reason"),
    [
        (
            _failed(Part.STOCKS, "stocks", "HTTP 503 from /api/equity-stock-indices"),
            Part.STOCKS,
            ("gainers", "losers", "sectors"),
            "HTTP 503",
        ),
        (lambda s: replace(s, indices=()), Part.INDICES, ("indices",), "no data"),
        (_nan_indices, Part.INDICES, ("indices",), "every row rejected"),
    ],
)
async def test_a_failed_empty_or_insane_part_keeps_its_last_good_data_marked_stale(
    step: Callable[[Snapshot], Snapshot], part: Part, panes: tuple[str, ...], reason: str
) -> None:
    stored: list[tuple[Snapshot, frozenset[Part]]] = []

    class Store:
        def last_snapshot(self) -> None:
            return None

        def append_snapshot(self, snapshot: Snapshot, *, stale: Collection[Part] = ()) -> None:
            stored.append((snapshot, frozenset(stale)))

    clock = Clock(START)
    provider = Scripted({2: step})
    async with make_app(provider, clock, store=Store()).run_test(size=SIZE) as pilot:
        app = pilot.app
        await refreshed(pilot, app, 1)
        good = {name: lines(pane(app, name))[2] for name in panes}
        clock.now += timedelta(minutes=3)
        app.action_refresh()
        await refreshed(pilot, app, 2)
        for name in panes:
            assert lines(pane(app, name))[2] == good[name]  # the same rows, not blanks
            subtitle = str(pane(app, name).border_subtitle)
            assert subtitle.startswith("STALE 3m: ") and reason in subtitle, subtitle
        assert not pane(app, "ratings").stale  # the parts that came back are fresh
    snapshot, stale = stored[-1]
    assert stale == {part}  # not recorded as today's data ...
    assert getattr(snapshot, part.value)  # ... but the next start paints the good rows


async def test_insane_breadth_never_reaches_the_store(tmp_path: Path) -> None:
    def huge(snapshot: Snapshot) -> Snapshot:
        return replace(snapshot, breadth=(Breadth("NIFTY 50", 10**20, 1, 1, snapshot.as_of),))

    provider = Scripted({1: huge})
    with HistoryStore.open(tmp_path / "demo.db", simulated=True) as store:
        async with make_app(provider, Clock(START), store=store).run_test(size=SIZE) as pilot:
            app = pilot.app
            await refreshed(pilot, app, 1)
            assert "store" not in status(app)  # no "Python int too large" from SQLite
        assert store.last_snapshot() is not None


async def test_a_hung_refresh_goes_stale_after_one_interval_and_the_age_keeps_counting() -> None:
    clock = Clock(START)
    provider = Scripted({2: "HANG"})
    async with make_app(provider, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await refreshed(pilot, app, 1)
        clock.now += timedelta(hours=1)  # the second refresh is due and hangs
        app.action_refresh()
        await until(pilot, lambda: provider.calls >= 2)
        clock.now += timedelta(minutes=30)
        app._watch()
        assert "STALE" not in status(app)  # late, but not by a whole interval yet
        clock.now += timedelta(minutes=40)  # 13:40: late by more than the hour
        app._watch()
        assert "STALE 2h" in status(app)  # the data is from 11:30
        assert all(p.stale for p in app.panes)
        clock.now += timedelta(hours=1)
        app._watch()
        assert "STALE 3h" in status(app)  # the age keeps counting


async def test_a_provider_failure_still_backs_off_and_recovers() -> None:
    provider = Scripted({2: ProviderUnavailable("scripted", "connection refused")})
    clock = Clock(START)
    async with make_app(provider, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await refreshed(pilot, app, 1)
        app.action_refresh()
        await refreshed(pilot, app, 2)
        assert "STALE" in status(app) and "ERROR scripted: connection" in status(app)
        app.action_refresh()
        await refreshed(pilot, app, 3)
        assert "STALE" not in status(app) and "ERROR" not in status(app)


async def test_quitting_during_a_hung_refresh_logs_no_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The refresh in flight is cancelled as the app closes: it must not try to draw on the
    screen being taken down (it logged "status bar update failed" with a traceback)."""
    provider = Scripted({2: "HANG"})
    app = make_app(provider, Clock(START))
    async with app.run_test(size=SIZE) as pilot:
        await refreshed(pilot, app, 1)
        app.action_refresh()
        await until(pilot, lambda: provider.calls >= 2)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def test_a_fresh_monitor_checks_once_when_a_refresh_would_turn_late() -> None:
    """No wake-up each second between refreshes: one check at the late moment, planned again
    at each refresh, then each second once an age is shown."""
    clock = Clock(START)
    provider = Scripted({3: "HANG"})
    async with make_app(provider, clock).run_test(size=SIZE) as pilot:
        app = pilot.app
        await refreshed(pilot, app, 1)
        first = app._late_check
        assert first is not None and not app._watch_timer._active.is_set()
        due_in = first.when() - asyncio.get_running_loop().time()
        assert 7199 < due_in < 7201  # due in an hour, late an hour after that
        clock.now += timedelta(hours=1)
        app.action_refresh()
        await refreshed(pilot, app, 2)
        assert first.cancelled() and app._late_check is not None  # planned again
        clock.now += timedelta(hours=1)
        app.action_refresh()  # the third refresh is due and hangs
        await until(pilot, lambda: provider.calls >= 3)
        clock.now += timedelta(hours=1, minutes=1)
        app._watch()  # what the check calls at the late moment
        assert "STALE" in status(app)
        assert app._watch_timer._active.is_set() and app._late_check is None  # each second
