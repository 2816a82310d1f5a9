"""One collector, many screens, over a real nats-server: the collector runs as a process
(``capwatch feed``), the viewers are Textual pilots of ``capwatch --feed URL``."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path

import pytest
from factories.app import drawn
from textual.pilot import Pilot

from providers.contract import Segment
from tui.cli import build_parser
from tui.commands.monitor import build_app
from tui.settings.config import FeedSettings
from tui.source.bus import MAX_BEAT_S, Subjects, connect, kept_messages
from tui.source.view_parts import PARTS
from tui.ui.app import NEEDS_STANDALONE, CapwatchApp
from tui.ui.screens.detail import DetailScreen
from tui.ui.screens.index import IndexScreen
from widgets.pane import Pane
from widgets.segment_bar import SegmentBar
from widgets.signals import SignalsPane
from widgets.status_bar import StatusBar, status_line
from widgets.views import SIGNAL_LISTS, WATCH

SIZE = (120, 40)
#: The collector's refresh interval: its beat too, so a viewer calls it silent after 2 s.
INTERVAL_S = 1.0
ROOT = Path(__file__).resolve().parents[2]
COLLECTOR = [
    sys.executable,
    "-m",
    "tui.cli",
    "feed",
    "--demo",
    "--seed",
    "7",
    "--start",
    "2026-11-20T11:30",
]


@contextmanager
def collector(
    url: str, interval: float = INTERVAL_S, config: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    extra = ["--config", str(config)] if config is not None else []
    process = subprocess.Popen(
        [*COLLECTOR, *extra, "--interval", str(interval), "--publish", url],
        cwd=ROOT,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def viewer(url: str) -> CapwatchApp:
    app, store = build_app(build_parser().parse_args(["--feed", url]))
    assert store is None  # a viewer keeps nothing
    return app


def screen_text(app: CapwatchApp) -> dict[str, list[str]]:
    return {
        str(pane.id): [pane.render_line(y).text for y in range(pane.size.height)]
        for pane in app.panes
    }


def status(app: CapwatchApp) -> str:
    """The status line, laid out wide enough that no message is cut."""
    return status_line(app.query_one(StatusBar).status, 400).plain


def all_stale(app: CapwatchApp) -> bool:
    return all(str(p.border_subtitle).startswith("STALE") for p in app.panes)


async def until(pilots: list[Pilot], condition: Callable[[], object], timeout: float) -> float:
    """Wait (pumping every app) until ``condition``; return the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        for pilot in pilots:
            await pilot.pause(0.02)
    raise AssertionError("condition not met in time")


async def test_two_viewers_show_identical_panes_and_follow_the_collector(nats_url: str) -> None:
    one, two = viewer(nats_url), viewer(nats_url)
    async with AsyncExitStack() as stack:
        with collector(nats_url) as process:
            pilots = [
                await stack.enter_async_context(one.run_test(size=SIZE)),
                await stack.enter_async_context(two.run_test(size=SIZE)),
            ]
            filled = lambda: all(  # noqa: E731
                drawn(app) and pane_has_rows(app) and "as of" in status(app) for app in (one, two)
            )
            await until(pilots, filled, timeout=30)
            # both draw the same refresh: wait for the next one, then compare at once
            seen = drawn(one)
            await until(pilots, lambda: drawn(one) > seen and two.frame == one.frame, 10)
            await until(pilots, lambda: screen_text(one) == screen_text(two), 5)
            assert "DEMO" in status(one) and "STALE" not in status(one)

            process.kill()  # no goodbye: the viewers must notice the silence
            killed = time.monotonic()
            await until(pilots, lambda: all_stale(one) and all_stale(two), timeout=15)
            took = time.monotonic() - killed
        # two refresh intervals, plus the pilots' polling on a loaded 2-core machine
        assert took <= 2 * INTERVAL_S + 1.0, f"STALE after {took:.1f} s"
        assert "STALE" in status(one) and "no word from the collector" in status(one)

        with collector(nats_url):  # back: live again without a keypress
            await until(pilots, lambda: not all_stale(one) and not all_stale(two), 30)
            assert "STALE" not in status(two)


async def test_a_viewer_receives_only_the_segment_it_shows_and_switches_at_once(
    nats_url: str,
) -> None:
    # one refresh an hour: after a switch, the new segment can only come from JetStream
    with collector(nats_url, interval=3600):
        app = viewer(nats_url)
        async with app.run_test(size=SIZE) as pilot:
            await until([pilot], lambda: drawn(app) >= 2 and pane_has_rows(app), timeout=30)
            assert set(app.views) == {Segment.ALL}  # the others are not sent to this screen
            bar = app.query_one(SegmentBar).render_line(0).text
            assert bar.count("%") == len(Segment), bar  # each segment's change, from the status
            whole_market = app.views[Segment.ALL]
            await pilot.press("4")
            # from what JetStream kept: the next refresh is an hour away
            await until([pilot], lambda: shows(app, Segment.SMALL) and pane_has_rows(app), 5)
            assert set(app.views) == {Segment.SMALL}
            small = app.views[Segment.SMALL]
            assert {r.name for r in small.indices} < {r.name for r in whole_market.indices}
            gainers = app.query_one("#gainers", Pane)
            assert gainers.view is small  # drawn, not only received
            await pilot.press("1")
            await until([pilot], lambda: shows(app, Segment.ALL), timeout=5)
            assert app.views[Segment.ALL] == whole_market  # the same refresh, read again


async def test_a_viewer_gets_the_signal_lists_only_while_it_shows_them(nats_url: str) -> None:
    # one refresh an hour: the lists can only come from what JetStream kept, at once
    with collector(nats_url, interval=3600):
        app = viewer(nats_url)
        async with app.run_test(size=SIZE) as pilot:
            await until([pilot], lambda: drawn(app) >= 2 and pane_has_rows(app), timeout=30)
            main = app.views[Segment.ALL]
            assert not main.signal_lists and main.oversold == ()  # left out of the main screen
            oversold = main.signal_count("Oversold")
            assert oversold > 0
            assert f"≤30 {oversold}" in "".join(screen_text(app)["breadth"])

            await pilot.press("b")
            lists = lambda: app.screen.query_one(SignalsPane)  # noqa: E731
            await until([pilot], lambda: app.views[Segment.ALL].signal_lists, timeout=5)
            await until([pilot], lambda: lists().view is not None and lists().has_content(), 5)
            shown = app.views[Segment.ALL]
            assert sum(len(shown.signal_rows(name)) for name in SIGNAL_LISTS) > 0
            for name in SIGNAL_LISTS:
                assert len(shown.signal_rows(name)) == shown.signal_count(name)

            await pilot.press("escape")
            await pilot.press("4")  # a new frame: the lists are not followed any more
            await until([pilot], lambda: shows(app, Segment.SMALL), timeout=5)
            assert not app.views[Segment.SMALL].signal_lists


async def test_a_live_viewer_has_no_once_a_second_wakeup_and_a_stale_one_counts_its_age(
    nats_url: str,
) -> None:
    app = viewer(nats_url)
    watched: list[float] = []
    watch = app._watch

    def counting() -> None:
        watched.append(time.monotonic())
        watch()

    app._watch = counting  # type: ignore[method-assign]  # before mount: the timer calls it
    with collector(nats_url) as process:
        async with app.run_test(size=SIZE) as pilot:
            await until([pilot], lambda: drawn(app) >= 2 and pane_has_rows(app), timeout=30)
            settled = len(watched)
            await until([pilot], lambda: drawn(app) >= 4, timeout=10)  # two refreshes on
            assert len(watched) - settled <= 1  # a paused timer may wake once more
            process.kill()
            await until([pilot], lambda: all_stale(app), timeout=15)
            stale = len(watched)
            await until([pilot], lambda: len(watched) >= stale + 2, timeout=5)  # 1 s apart
            assert "STALE" in status(app)


def shows(app: CapwatchApp, segment: Segment) -> bool:
    view = app.query_one("#gainers", Pane).view
    return view is not None and view.segment == segment


def pane_has_rows(app: CapwatchApp) -> bool:
    gainers = app.query_one("#gainers", Pane)
    return gainers.view is not None and bool(gainers.view.gainers)


async def test_a_late_viewer_draws_kept_values_and_a_stopped_collector_says_goodbye(
    nats_url: str,
) -> None:
    # one refresh an hour: whatever a late viewer draws comes from what JetStream kept
    with collector(nats_url, interval=3600) as process:
        early = viewer(nats_url)
        async with early.run_test(size=SIZE) as pilot:
            await until([pilot], lambda: pane_has_rows(early), timeout=30)
            await until([pilot], lambda: drawn(early) >= 2, timeout=30)  # with history
            shown = screen_text(early)
        late = viewer(nats_url)
        async with late.run_test(size=SIZE) as pilot:
            await until([pilot], lambda: pane_has_rows(late), timeout=10)
            await until([pilot], lambda: screen_text(late) == shown, timeout=5)
            process.send_signal(signal.SIGTERM)
            # sooner than the 5 s status beat: the goodbye, not the silence, turned it STALE
            took = await until([pilot], lambda: all_stale(late), timeout=10)
            assert took < MAX_BEAT_S, f"STALE after {took:.1f} s"
            assert "collector stopped" in status(late)
        assert process.wait(timeout=10) == 0


async def test_viewer_detail_screen_shows_history_and_calls(nats_url: str) -> None:
    app = viewer(nats_url)
    with collector(nats_url):
        async with app.run_test(size=SIZE) as pilot:
            # the collector loads daily closes after its first refresh; wait for them
            await until(
                [pilot],
                lambda: (
                    pane_has_rows(app)
                    and any(row.change_5d_pct is not None for row in app.views[app.segment].indices)
                ),
                timeout=30,
            )
            await pilot.press("p")  # this screen stops redrawing: the rows stay where they are
            first_gainer = app.query_one("#gainers", Pane).chosen_key
            await pilot.press("enter")
            await until([pilot], lambda: isinstance(app.screen, DetailScreen), timeout=10)
            screen = app.screen
            assert isinstance(screen, DetailScreen) and screen.detail is not None
            assert screen.detail.symbol == first_gainer == screen.symbol
            assert len(screen.detail.closes) > 200  # the collector's daily history
            assert screen.detail.calls  # technical calls, computed by the collector
            shown = str(screen.query_one("#detail").render())
            assert "Technical calls" in shown and "none known" not in shown.split("Rating")[0]
            await pilot.press("escape")
            app.query_one("#indices", Pane).focus()
            await pilot.press("down", "enter")  # the second index of All: SENSEX
            await until([pilot], lambda: isinstance(app.screen, IndexScreen), timeout=10)
            index = app.screen
            assert isinstance(index, IndexScreen) and index.detail is not None  # asked over NATS
            assert index.index_name == "SENSEX" == index.detail.row.name
            assert len(index.detail.closes) > 200  # the collector's daily history


def test_a_viewer_never_imports_pandas_numpy_or_aiohttp(nats_url: str, tmp_path: Path) -> None:
    """No analytics in a viewer, and nats-py without aiohttp (~0.2 s of its first screen) or
    its JetStream client (~20 ms)."""
    script = tmp_path / "viewer.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio, sys
            from tui.cli import build_parser
            HEAVY = ("pandas", "numpy", "aiohttp")
            from tui.commands.monitor import build_app

            async def main():
                app, _ = build_app(build_parser().parse_args(["--feed", {nats_url!r}]))
                async with app.run_test(size=(120, 40)) as pilot:
                    for _ in range(1500):
                        view = app.views.get(app.segment)
                        if view is not None and view.gainers:
                            break
                        await pilot.pause(0.02)
                    else:
                        sys.exit("no data")
                    await pilot.press("enter")
                    await pilot.pause(1)
                    assert type(app.screen).__name__ == "DetailScreen", app.screen
                heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
                heavy += [m for m in sys.modules if m.startswith("nats.js.")]  # JetStream's
                print("heavy:", heavy)

            asyncio.run(main())
            """
        )
    )
    with collector(nats_url):
        # a viewer joining a running feed: one that asks before anything is kept is answered
        # "404, nothing kept", and nats-py reads that status with its JetStream client
        asyncio.run(wait_published(nats_url))
        done = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "heavy: []" in done.stdout


async def wait_published(url: str, timeout: float = 30) -> None:
    """Returns once the collector's status and All view are kept for joiners."""
    subjects = Subjects(FeedSettings().market)
    client = await connect(FeedSettings(url=url), name="test")
    wanted = [subjects.status, *(subjects.part(p, Segment.ALL) for p in PARTS)]
    try:
        for _ in range(int(timeout / 0.1)):
            if None not in await kept_messages(client, subjects, wanted, timeout=1):
                return
            await asyncio.sleep(0.1)
        raise AssertionError("the collector published nothing in time")
    finally:
        await client.close()


@pytest.mark.parametrize("argv", [["--demo"], ["--provider", "demo"]])
def test_demo_or_provider_flags_beat_a_configured_feed(tmp_path: Path, argv: list[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[feed]\nurl = "nats://127.0.0.1:4222"\n')
    viewer_app, _ = build_app(build_parser().parse_args(["--config", str(config)]))
    assert type(viewer_app.source).__name__ == "FeedSource"
    local, _ = build_app(build_parser().parse_args(["--config", str(config), *argv]))
    assert type(local.source).__name__ == "LocalSource"


async def test_the_collectors_watchlist_and_alerts_reach_its_viewers(
    nats_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "collector.toml"
    config.write_text(
        '[display]\nwatchlist = ["KAROVANDAT", "DHANISHADE"]\n'
        '[[alerts]]\nid = "all-breadth"\nkind = "breadth"\nsegment = "all"\nabove = 0.1\n'
    )
    written: list[str] = []
    app = viewer(nats_url)
    app.terminal_write = written.append
    async with app.run_test(size=SIZE) as pilot:
        with collector(nats_url, config=config):
            await until([pilot], lambda: app.viewer_log, timeout=30)
            await pilot.press("6")  # the Watch view travels once it is on screen
            await until([pilot], lambda: WATCH in app.views, timeout=10)
            (alert,) = app.viewer_log  # once, though its status is repeated every beat
            assert alert.rule == "all-breadth"
            watch = app.views[WATCH]
            assert watch.segment is WATCH  # decoded as the scope, not a bare string
            watched = {row.symbol for row in (*watch.gainers, *watch.losers)}
            assert watched == {"KAROVANDAT", "DHANISHADE"}
            assert "\a" in "".join(written)  # delivered here: the viewer's [notifications]
            await pilot.press("exclamation_mark")
            log_pane = app.screen.query_one("#alert-log")
            assert "all-breadth" in "".join(
                log_pane.render_line(y).text for y in range(log_pane.size.height)
            )
            await pilot.press("escape")
            for key in ("w", "g"):  # a viewer cannot recompute: it says where to do it
                app.clear_notifications()
                await pilot.press(key)
                await pilot.pause()
                messages = [n.message for n in app._notifications]
                assert any("needs a standalone monitor" in m for m in messages), messages
        assert NEEDS_STANDALONE.startswith("{what} needs a standalone monitor")
