"""The demo's first frame from a forked child: the frame the monitor would have made itself,
drawn at once, then the monitor's own market for every refresh after; a failed child costs
nothing but time."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from pathlib import Path

import pytest

from providers.demo import create
from tests.factories.collector import START
from tui.cli import build_parser
from tui.commands import monitor
from tui.settings.config import ConfigError
from tui.settings.watchlist import Watchlist
from tui.source import head_start, view_parts
from tui.source.frame import Frame
from tui.source.head_start import FirstFrameChild, HeadStartSource, forking_helps
from tui.source.local import LocalSource
from widgets.views import WATCH

STOCKS = 1750  # the smallest demo market: the child builds it in a fraction of a second


def _demo_source() -> LocalSource:
    provider = create({"seed": 7, "start": START, "stocks": STOCKS})
    return LocalSource(provider, history=provider.closes_table)


def _failing_in_a_child(parent: int):
    def build() -> LocalSource:
        if os.getpid() != parent:
            raise RuntimeError("the child's build fails")
        return _demo_source()

    return build


def _stuck_in_a_child(parent: int):
    def build() -> LocalSource:
        if os.getpid() != parent:
            threading.Event().wait()  # a child that never answers
        return _demo_source()

    return build


async def _gone(pid: int) -> bool:
    """Whether ``pid`` ends and is reaped within 5 s (by the thread reading its pipe)."""
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)  # not left running after the test
    return False


async def _first(source) -> Frame:
    frames = source.refresh()
    frame = await anext(frames)
    await frames.aclose()
    return frame


def _source(child: FirstFrameChild | None, build) -> HeadStartSource:
    return HeadStartSource(child, build, name="demo", simulated=True, interval=2.0)


async def test_the_childs_first_frame_is_the_one_the_monitor_would_make() -> None:
    child = FirstFrameChild.fork(_demo_source)
    frame = await asyncio.wait_for(child.frame(), timeout=60)
    here = await _first(_demo_source())
    assert frame is not None
    assert (frame.seq, frame.as_of, frame.market) == (here.seq, here.as_of, here.market)
    assert dict(frame.summaries) == dict(here.summaries)
    assert set(frame.views) == set(here.views)
    for scope in here.views:  # every segment and the Watch view, field for field
        sent_parts, own_parts = (
            view_parts.split(frame.views[scope]),
            view_parts.split(here.views[scope]),
        )
        for part in (view_parts.SEGMENT, view_parts.NEWS):  # the signal lists come later
            assert sent_parts[part] == own_parts[part], (scope, part)
        assert not frame.views[scope].signal_lists
    assert frame.next_at is not None and frame.next_at > frame.as_of  # the demo's clock
    with pytest.raises(ChildProcessError):  # reaped: no zombie left
        os.waitpid(child.pid, os.WNOHANG)


async def test_the_first_frame_comes_from_the_child_then_the_monitors_own_market() -> None:
    source = _source(FirstFrameChild.fork(_demo_source), _demo_source)
    frames = source.refresh()
    first = await asyncio.wait_for(anext(frames), timeout=60)
    assert source.built is None  # drawn before the market here exists
    second = await asyncio.wait_for(anext(frames), timeout=60)
    await frames.aclose()
    assert source.built is not None
    assert second.as_of == first.as_of  # the same market, the same first refresh
    assert second.views[WATCH].gainers == first.views[WATCH].gainers
    assert second.stocks  # the finder's list comes with the monitor's own frames


async def test_a_failed_child_leaves_the_monitor_to_build_its_own(caplog) -> None:
    build = _failing_in_a_child(os.getpid())
    source = _source(FirstFrameChild.fork(build), build)
    frame = await asyncio.wait_for(_first(source), timeout=60)
    assert source.built is not None and frame.seq == 1  # the monitor's own first frame
    assert "first-frame child exited" in caplog.text


async def test_a_build_that_fails_is_tried_again_at_the_next_refresh() -> None:
    tries: list[int] = []

    def build() -> LocalSource:
        tries.append(1)
        if len(tries) == 1:
            raise ValueError("bad demo setting")
        return _demo_source()

    source = _source(None, build)
    with pytest.raises(ValueError, match="bad demo setting"):
        await _first(source)
    assert source.retry_after(ValueError(), 1) == 2.0
    frame = await _first(source)
    assert len(tries) == 2 and frame.seq == 1


async def test_the_watchlist_and_alerts_set_before_the_build_reach_the_built_source() -> None:
    source = _source(None, _demo_source)
    watchlist = Watchlist(symbols=("AAA",))
    source.watchlist = watchlist
    assert source.next_time() is None
    await _first(source)
    assert source.built is not None and source.built.watchlist is watchlist
    later = Watchlist(symbols=("BBB",))
    source.watchlist = later  # the ``w`` key, after the build
    assert source.built.watchlist is later
    assert source.next_time() == source.built.provider.next_time()


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not forking_helps()
    finally:
        release.set()
        thread.join()


async def test_the_demo_monitor_on_a_terminal_draws_the_childs_frame(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(monitor, "_forking_helps", lambda: True)
    args = build_parser().parse_args(["--demo", "--seed", "7", "--start", START.isoformat()])
    app, store = monitor.build_app(args, head_start=True)
    assert isinstance(app.source, HeadStartSource) and store is None
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(600):
            if app.source.built is not None and app.frame is not None and app.frame.stocks:
                break
            await pilot.pause(0.05)
        shown = app.frame
    assert app.source.built is not None and shown is not None
    assert shown.as_of.astimezone(START.tzinfo) >= START


def test_a_bad_demo_setting_stops_the_start_before_any_fork(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[providers.demo]\nstocks = 5\n")
    monkeypatch.setattr(monitor, "_forking_helps", lambda: True)
    monkeypatch.setattr(FirstFrameChild, "fork", pytest.fail)  # not reached
    args = build_parser().parse_args(["--config", str(config)])
    with pytest.raises(ConfigError, match=r"providers\.demo\.stocks"):
        monitor.build_app(args, head_start=True)


def test_a_bad_seed_stops_the_start_before_any_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(monitor, "_forking_helps", lambda: True)
    monkeypatch.setattr(FirstFrameChild, "fork", pytest.fail)  # not reached
    with pytest.raises(ValueError, match="seed"):
        monitor.build_app(build_parser().parse_args(["--demo", "--seed", "-1"]), head_start=True)


async def test_a_silent_child_is_killed_and_the_monitor_builds_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(head_start, "CHILD_TIMEOUT_S", 0.5)
    build = _stuck_in_a_child(os.getpid())
    child = FirstFrameChild.fork(build)
    source = _source(child, build)
    frame = await asyncio.wait_for(_first(source), timeout=60)
    assert source.built is not None and frame.seq == 1
    with pytest.raises(ChildProcessError):  # killed and reaped
        os.waitpid(child.pid, os.WNOHANG)


async def test_a_child_no_one_waits_for_is_killed() -> None:
    """Quitting during the start must not wait on a stuck child (the reading thread would
    hold the exit)."""
    child = FirstFrameChild.fork(_stuck_in_a_child(os.getpid()))
    waiting = asyncio.ensure_future(child.frame())
    await asyncio.sleep(0.2)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert await _gone(child.pid)


async def test_an_app_closed_before_its_first_refresh_stops_the_child() -> None:
    build = _stuck_in_a_child(os.getpid())
    child = FirstFrameChild.fork(build)
    await asyncio.wait_for(_source(child, build).aclose(), timeout=5)
    assert await _gone(child.pid)
