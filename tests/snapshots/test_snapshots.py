"""Snapshot tests of the monitor on the demo market: fixed seed, start and clock, so the
SVGs only change when the screen really does. Update with ``pytest --snapshot-update``."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from factories.app import drawn
from factories.demo import demo_market
from textual.pilot import Pilot

from providers.contract import IST
from tui.ui.app import CapwatchApp

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


def demo_app() -> CapwatchApp:
    return CapwatchApp(
        demo_market(7, START),
        interval=3600,
        clock=lambda: START + timedelta(seconds=5),
    )


async def settled(pilot: Pilot) -> None:
    """Wait for the first refresh and the history that follows it."""
    app = pilot.app
    assert isinstance(app, CapwatchApp)
    for _ in range(1000):
        if drawn(app) >= 2:
            break
        await pilot.pause(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_monitor(snap_compare, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app(), terminal_size=size, run_before=settled)


def test_small_segment_sorted_by_volume(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("4", "s")

    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=run_before)


def test_detail_screen(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(100, 30), run_before=run_before)


def test_help_screen(snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settled(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=run_before)
