"""Benchmark what one demo tick costs the monitor, part by part, in CPU time.

A running monitor's CPU readings drift on a shared machine (the bare Textual app alone reads
0.3 % one hour and 2 % the next); these parts are timed with ``time.thread_time`` on one
thread each, which other load disturbs far less. For each source tree given (default: this
one), in its own process, with 120x40 headless:

- fetch: the demo's ``fetch`` (simulation step and quotes), on the event loop;
- analytics: sanity check and every segment's refresh (the worker thread's part);
- draw: ``_draw`` of a frame into the panes (pane lines, cell diff), replaying 20 consecutive
  demo frames in turn;
- paint: the screen update that follows (Textual's compositor and our frame buffer).

Medians over ``--rounds`` replays. Compare trees side by side, e.g. the last release:
``git worktree add /tmp/base <rev>``, then
``.venv/bin/python benchmarks/drawing.py . /tmp/base``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

START = datetime.fromisoformat("2026-11-20T11:30:00+05:30")
FRAMES = 20


async def measure(rounds: int) -> dict[str, float]:
    """Median milliseconds of each part, in this process (its tree is on ``sys.path``)."""
    from providers import sanity
    from providers.demo import create
    from tui.analytics import AnalyticsSettings, MarketAnalytics
    from tui.source.local import LocalSource
    from tui.ui.app import CapwatchApp

    provider = create({"seed": 7, "start": START})
    source = LocalSource(
        provider,
        interval=2,
        analytics=MarketAnalytics(AnalyticsSettings()),
        history=provider.closes_table,
    )
    frames = []
    for _ in range(FRAMES + 1):
        async for frame in source.refresh():
            last = frame
        frames.append(last)
    assert source.analytics is not None
    fetch, analytics = [], []
    # as a source judges: only rows new since the last check (trees before SanityCheck: a
    # module-level memory did the same)
    judge = sanity.SanityCheck() if hasattr(sanity, "SanityCheck") else sanity.check
    for _ in range(rounds * 4):
        started = time.thread_time()
        snapshot = await provider.fetch()
        fetched = time.thread_time()
        source.analytics.refresh(judge(snapshot).snapshot)
        fetch.append(fetched - started)
        analytics.append(time.thread_time() - fetched)

    app = CapwatchApp(source=source)
    app._refresh = lambda *args, **kwargs: None  # type: ignore[method-assign]  # replayed only
    draw, paint = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        app._draw(frames[0])
        await pilot.pause()
        for _ in range(rounds):
            for frame in frames[1:]:
                started = time.thread_time()
                app._draw(frame)
                drawn = time.thread_time()
                await app._painted()
                draw.append(drawn - started)
                paint.append(time.thread_time() - drawn)
    parts = {"fetch": fetch, "analytics": analytics, "draw": draw, "paint": paint}
    return {name: statistics.median(values) * 1000 for name, values in parts.items()}


def run_tree(tree: Path, rounds: int) -> dict[str, float]:
    """``measure`` in a fresh process that imports the project from ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--rounds", str(rounds)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[Path(".")])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(args.rounds))))
        return
    names = ("fetch", "analytics", "draw", "paint")
    print(f"{'tree':30}" + "".join(f"{name:>11}" for name in (*names, "total")) + "  (ms)")
    for tree in args.trees:
        parts = run_tree(tree.resolve(), args.rounds)
        figures = [parts[name] for name in names]
        print(f"{tree!s:30}" + "".join(f"{value:>11.2f}" for value in (*figures, sum(figures))))


if __name__ == "__main__":
    main()
