"""BSE's own index levels reach the Indices pane: BSE SMALLCAP (the index our users read)
and SENSEX, level and day change, from the BSE provider's index-board fixture."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import httpx
from factories.app import drawn

from providers.bse import MAX_REQUESTS_PER_SECOND, BseProvider
from providers.contract import IST
from tui.ui.app import CapwatchApp
from widgets.pane import Pane

FIXTURES = Path(__file__).parent.parent / "fixtures" / "bse"
NOW = datetime(2026, 11, 20, 15, 35, tzinfo=IST)


def answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/MktCapBoard/w"):
        return httpx.Response(200, content=(FIXTURES / "index_board_cat1.json").read_bytes())
    if request.url.path.endswith("/advanceDecline/w"):
        return httpx.Response(200, content=(FIXTURES / "advance_decline.json").read_bytes())
    return httpx.Response(200, json={"Table": []})


def text(pane: Pane) -> str:
    return "\n".join(pane.render_line(y).text for y in range(pane.size.height))


async def test_bse_smallcap_and_sensex_show_in_the_indices_pane() -> None:
    provider = BseProvider(
        transport=httpx.MockTransport(answer),
        now=lambda: NOW,
        requests_per_second=MAX_REQUESTS_PER_SECOND,  # the most BSE takes; the default waits
    )
    app = CapwatchApp(provider, interval=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):
            if drawn(app) >= 1:
                break
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = text(app.query_one("#indices", Pane))
    small = next(line for line in shown.splitlines() if "BSE SMALLCAP" in line)
    assert "52,655.40" in small and "+1.04%" in small
    sensex = next(line for line in shown.splitlines() if "SENSEX" in line)
    assert "82,187.35" in sensex and "+0.39%" in sensex
