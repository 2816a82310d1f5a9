"""First full screen of the demo and of a feed viewer, A/B across source trees, in one run.

Start-up changes are a few percent each, and this 2-core machine is shared: only starts timed
side by side mean anything. Each round starts, in a 120x40 pseudo-terminal, the bare Textual
app (``bare_app.py``), then ``capwatch --demo`` and ``capwatch --feed URL`` from every tree
given (a checkout or ``git archive`` of another commit; this Python and its packages serve
all), alternating the order from one round to the next. One collector (this tree's, demo,
2 s refresh) feeds every viewer. Printed: the median first screen of each, and its ratio to
the bare app's median in the same run (issue 13: demo <= 1.6x; issue 14: viewer <= 1.3x);
beside it the CPU seconds the process had used by then (killed at once on its first screen),
which other load on the machine disturbs far less than the wall clock.

Run from the project root:
  .venv/bin/python benchmarks/first_screen.py [--runs 9] [TREE ...]   (default: this tree)
e.g. ``git worktree add /tmp/main-tree main`` then ``... first_screen.py /tmp/main-tree .``
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from feed import CAPWATCH, DEMO, Feed
from monitor import BARE, BARE_READY, MONITOR_READY, ROOT
from pty_session import PtySession, compile_project, home_env

COLLECTOR_WARM_S = 4.0  # the collector has published before the first viewer is timed


def first_screen(
    command: list[str], ready: list[str], tree: Path, env: dict
) -> tuple[float, float]:
    """Seconds from start until ``command``, run in ``tree``, shows every one of ``ready``,
    and the CPU seconds (all its threads) it had used by then."""
    os.chdir(tree)  # ``-m tui.cli`` imports the tree it runs in
    session = PtySession(command, env=env)
    try:
        shown = session.wait_for(ready, timeout=30)
    finally:
        os.kill(session.pid, signal.SIGKILL)  # no shutdown work in the CPU figure
        _, _, usage = os.wait4(session.pid, 0)
        os.close(session.fd)
    if shown is None:
        raise SystemExit(f"no first screen from {' '.join(command)} in {tree}")
    return shown, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path, default=[ROOT])
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    trees = [tree.resolve() for tree in options.trees]
    for tree in trees:
        compile_project(tree)
    with tempfile.TemporaryDirectory(prefix="capwatch-first-") as tmp:
        home = Path(tmp)
        env = home_env(home)
        feed = Feed(env, home, DEMO)
        try:
            time.sleep(COLLECTOR_WARM_S)
            cases = [("bare app", BARE, BARE_READY, ROOT)]
            for n, tree in enumerate(trees):
                cases.append((f"demo [{n}]", [*CAPWATCH, *DEMO], MONITOR_READY, tree))
                viewer = [*CAPWATCH, "--feed", feed.url]
                cases.append((f"viewer [{n}]", viewer, MONITOR_READY, tree))
            times: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in cases}
            for run in range(options.runs):
                for name, command, ready, tree in cases if run % 2 == 0 else cases[::-1]:
                    times[name].append(first_screen(command, ready, tree, env))
                print(f"run {run + 1}/{options.runs} done", file=sys.stderr)
        finally:
            feed.stop()
    for n, tree in enumerate(trees):
        print(f"[{n}] {tree}")
    bare = [statistics.median(run[i] for run in times["bare app"]) for i in (0, 1)]
    print(f"medians of {options.runs} runs, 120x40 pty, demo seed 7, viewers of one collector")
    print(f"{'start':<12} {'first s':>8} {'x bare':>7} {'CPU s':>7} {'x bare':>7}  first s each")
    for name, runs in times.items():
        wall, cpu = (statistics.median(run[i] for run in runs) for i in (0, 1))
        each = " ".join(f"{shown:.2f}" for shown, _ in runs)
        ratios = f"{wall / bare[0]:>7.2f} {cpu:>7.3f} {cpu / bare[1]:>7.2f}"
        print(f"{name:<12} {wall:>8.3f} {ratios}  {each}")
    print("targets: demo <= 1.6x bare (issue 13), viewer <= 1.3x bare (issue 14)")


if __name__ == "__main__":
    main()
