"""The monitor against the fake NSE on 127.0.0.1, wired exactly as ``capwatch --config``
wires it (config file, composed provider, history store, market clock): the panes fill; when
the server starts failing the last data stays on screen marked STALE; a restart with the
server down paints the stored snapshot at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from factories.app import drawn
from fakes.nse_server import FakeNseServer
from textual.pilot import Pilot

from tui.cli import build_parser
from tui.commands.monitor import build_app
from tui.ui.app import CapwatchApp
from widgets.pane import Pane
from widgets.status_bar import StatusBar

SIZE = (120, 40)


def config_for(server: FakeNseServer, tmp_path: Path) -> Path:
    path = tmp_path / "live.toml"
    path.write_text(
        server.live_config(max_retries=0, blocked_cooldown=0.1)
        + "[refresh]\nopen = 3600\nclosed = 3600\nheartbeat = 3600\n"
    )
    return path


def text(widget: Pane) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 20) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def live_app(config: Path) -> CapwatchApp:
    app, store = build_app(build_parser().parse_args(["--config", str(config)]))
    assert store is not None  # live sources record what they show
    return app


@pytest.fixture
def config(nse_server: FakeNseServer, tmp_path: Path) -> Path:
    return config_for(nse_server, tmp_path)


async def test_panes_fill_then_failing_server_leaves_data_marked_stale(
    nse_server: FakeNseServer, config: Path
) -> None:
    app = live_app(config)
    async with app.run_test(size=SIZE) as pilot:
        # the quotes, then the same redrawn with the daily closes: compare after both
        await until(pilot, lambda: drawn(app) >= 2)
        await app.workers.wait_for_complete()
        await pilot.pause()
        indices, gainers = app.query_one("#indices", Pane), app.query_one("#gainers", Pane)
        assert "NIFTY SMALLCAP 100" in text(indices) and "17,950.25" in text(indices)
        assert "ISGEC" in text(gainers)
        status = text(app.query_one(StatusBar))
        assert "nse" in status and "DEMO" not in status
        earnings = app.query_one("#earnings", Pane)  # asked hourly: the border says how old
        assert str(earnings.border_subtitle).startswith("as of ")
        assert str(earnings.border_subtitle).split(", ")[1].startswith("0 min")
        before = {pane.id: text(pane) for pane in app.panes}

        nse_server.fail("403")
        app.action_refresh()
        await until(pilot, lambda: "ERROR" in text(app.query_one(StatusBar)))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Access Restricted" in app._error  # in full in the help screen; the bar cuts it
        # The quotes failed; the calendar, asked hourly, did not need asking. Every pane of the
        # failed data keeps its rows and says STALE on its border.
        for pane in app.panes:
            if pane.id in ("indices", "breadth", "gainers", "losers", "sectors"):
                assert str(pane.border_subtitle).startswith("STALE"), pane.id
                assert text(pane).splitlines()[1:] == before[pane.id].splitlines()[1:]


async def test_restart_with_the_server_down_paints_the_stored_snapshot(
    nse_server: FakeNseServer, config: Path
) -> None:
    first = live_app(config)
    async with first.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: drawn(first) >= 1)
        await first.workers.wait_for_complete()

    nse_server.fail("html")
    second = live_app(config)
    async with second.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "ERROR" in text(second.query_one(StatusBar)))
        await second.workers.wait_for_complete()
        await pilot.pause()
        assert "STALE" in text(second.query_one(StatusBar))
        assert "ISGEC" in text(second.query_one("#gainers", Pane))
