"""Benchmark one feed for many screens against one monitor per screen.

In one run, on this machine:
- a collector (``capwatch feed --demo``, 2 s refresh) with 1, 5 and 20 viewers
  (``capwatch --feed URL``), each in its own 120x40 pseudo-terminal;
- 1, 5 and 20 standalone monitors (``capwatch --demo``), the same way;
- the bare Textual app (``benchmarks/bare_app.py``) alone, for the first-screen baseline.
Screens are opened one after another (each waits for its first full screen: people do not
open twenty terminals in the same millisecond). Once all are up and settled, CPU is measured
over a window while everything ticks. Printed: the collector's (with its nats-server) CPU and
RSS; per screen the median CPU %, RSS and first-screen seconds; the first screen as a ratio
to the bare app's median.
Then, against the fake NSE server (tests/fakes/nse_server.py), a live collector's requests
per hour with 1 viewer and with 20.

Targets (issue 14), per viewer: <= 0.5 % CPU ticking, <= 60 MB RSS, first screen <= 1.3x bare.

Run from the project root: .venv/bin/python benchmarks/feed.py [--window 10] [--bare-runs 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from monitor import BARE, BARE_READY, MONITOR_READY, ROOT
from pty_session import PtySession, compile_project, home_env, pump_all, tree_usage

from tui.source.bus import start_server

COLS, ROWS = 120, 40
INTERVAL_S = 2.0
SETTLE_S = 4.0  # after the last screen is up: history loads and repaints
COUNTS = (1, 5, 20)
DEMO = ["--demo", "--seed", "7", "--start", "2026-11-20T11:30", "--interval", str(INTERVAL_S)]
CAPWATCH = [sys.executable, "-m", "tui.cli"]


def first_screen(session: PtySession, ready: list[str], others: list[PtySession]) -> float:
    """Seconds until ``session`` shows every one of ``ready`` (the screens already open keep
    being drained meanwhile, so none blocks on a full pty)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if session.pump(0.05, lambda: all(part in session.text() for part in ready)):
            session.parsing = False  # from here on output is only counted
            return time.monotonic() - session.started
        pump_all(others, 0)
    raise SystemExit(f"no first screen:\n{session.text()}")


def open_screens(command: list[str], ready: list[str], count: int, env: dict) -> Screens:
    screens = Screens()
    for _ in range(count):
        session = PtySession(command, COLS, ROWS, env)
        screens.firsts.append(first_screen(session, ready, screens.sessions))
        screens.sessions.append(session)
    return screens


@dataclass
class Screens:
    """Open screens and how long each took to show its first full screen."""

    sessions: list[PtySession] = field(default_factory=list)
    firsts: list[float] = field(default_factory=list)

    def close(self) -> None:
        for session in self.sessions:
            session.close()


def measure(screens: Screens, others: list[int], window: float) -> dict:
    """CPU % and RSS of each screen (and of ``others``) over ``window`` seconds of ticking."""
    pump_all(screens.sessions, SETTLE_S)
    pids = [s.pid for s in screens.sessions] + others
    before = {pid: tree_usage(pid)[0] for pid in pids}
    began = time.monotonic()
    pump_all(screens.sessions, window)
    spent = time.monotonic() - began
    after = {pid: tree_usage(pid) for pid in pids}
    cpu = {pid: 100 * (after[pid][0] - before[pid]) / spent for pid in pids}
    rss = {pid: after[pid][1] for pid in pids}
    mine = [s.pid for s in screens.sessions]
    return {
        "cpu": statistics.median(cpu[p] for p in mine),
        "rss": statistics.median(rss[p] for p in mine),
        "first": statistics.median(screens.firsts),
        "others_cpu": sum(cpu[p] for p in others),
        "others_rss": sum(rss[p] for p in others),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Feed:
    """A nats-server and a collector, for one scenario."""

    def __init__(self, env: dict, home: Path, collector_args: list[str]) -> None:
        port = free_port()
        self.url = f"nats://127.0.0.1:{port}"
        self.server = start_server("127.0.0.1", port, home / f"js-{port}")
        self.collector = subprocess.Popen(
            [*CAPWATCH, "feed", *collector_args, "--publish", self.url],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )

    @property
    def pids(self) -> list[int]:
        return [self.collector.pid, self.server.pid]

    def stop(self) -> None:
        for process in (self.collector, self.server):
            process.terminate()
            process.wait(timeout=15)


def scenario_feed(count: int, env: dict, home: Path, window: float) -> dict:
    feed = Feed(env, home, DEMO)
    try:
        viewer = [*CAPWATCH, "--feed", feed.url]
        # the collector is up and has published before anyone is timed: viewers join a feed
        open_screens(viewer, MONITOR_READY, 1, env).close()
        screens = open_screens(viewer, MONITOR_READY, count, env)
        try:
            return measure(screens, feed.pids, window)
        finally:
            screens.close()
    finally:
        feed.stop()


def scenario_standalone(count: int, env: dict, window: float) -> dict:
    screens = open_screens([*CAPWATCH, *DEMO], MONITOR_READY, count, env)
    try:
        return measure(screens, [], window)
    finally:
        screens.close()


def bare_app(env: dict, runs: int, window: float) -> tuple[float, dict]:
    """The bare app's median first screen over ``runs`` starts, and one ticking measurement."""
    times = []
    for _ in range(runs):
        once = open_screens(BARE, BARE_READY, 1, env)
        once.close()
        times.append(once.firsts[0])
    screens = open_screens(BARE, BARE_READY, 1, env)
    try:
        return statistics.median(times), measure(screens, [], window)
    finally:
        screens.close()


def nse_requests(env: dict, home: Path, viewers: int, window: float) -> tuple[float, float]:
    """A live collector against the fake NSE, with ``viewers`` viewers, for ``window`` s:
    requests per hour, and per refresh (a refresh asks ``allIndices`` once; on a loaded
    machine a collector sharing the CPU with 20 screens refreshes a little less often)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fakes.nse_server import FakeNseServer

    with FakeNseServer() as nse:
        config = home / f"live-{viewers}.toml"
        config.write_text(
            nse.live_config()  # both NSE hosts (www and archives) point at the fake
            + f"[refresh]\nopen = {INTERVAL_S}\nclosed = {INTERVAL_S}\nheartbeat = {INTERVAL_S}\n"
        )
        feed = Feed(env, home, ["--config", str(config)])
        try:
            screens = open_screens(
                [*CAPWATCH, "--config", str(config), "--feed", feed.url],
                ["as of", "Gainers"],
                viewers,
                env,
            )
            try:
                pump_all(screens.sessions, SETTLE_S)  # the daily history backfill is done
                first = len(nse.requests)
                refreshes = len(nse.requests_to("/api/allIndices"))
                pump_all(screens.sessions, window)
                made = len(nse.requests) - first
                refreshes = len(nse.requests_to("/api/allIndices")) - refreshes
                return made * 3600 / window, made / max(1, refreshes)
            finally:
                screens.close()
        finally:
            feed.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=10.0, help="ticking window, seconds")
    parser.add_argument("--bare-runs", type=int, default=5)
    parser.add_argument("--counts", default=",".join(map(str, COUNTS)), help="'' = none")
    options = parser.parse_args()
    compile_project()
    counts = [int(n) for n in options.counts.split(",") if n]
    with tempfile.TemporaryDirectory(prefix="capwatch-bench-") as tmp:
        home = Path(tmp)
        env = home_env(
            home, TERM="xterm-256color", COLORTERM="truecolor", COLUMNS=str(COLS), LINES=str(ROWS)
        )
        bare, bare_ticking = bare_app(env, options.bare_runs, options.window)
        rows = []
        for count in counts:
            viewers = scenario_feed(count, env, home, options.window)
            print(f"{count} viewer(s) done", file=sys.stderr)
            alone = scenario_standalone(count, env, options.window)
            print(f"{count} standalone done", file=sys.stderr)
            rows.append((count, viewers, alone))
        requests = {n: nse_requests(env, home, n, 2 * options.window) for n in (1, 20)}

    print(
        f"120x{ROWS} ptys, demo seed 7, {INTERVAL_S:g} s refresh, {options.window:g} s ticking "
        f"window; per-screen figures are medians over the screens"
    )
    print(
        f"bare Textual app: first screen {bare:.2f} s (median of {options.bare_runs}), "
        f"ticking {bare_ticking['cpu']:.2f} % CPU, {bare_ticking['rss']:.1f} MB"
    )
    print(
        f"{'screens':>7} | {'collector+nats':>16} | {'viewer CPU%':>11} {'RSS MB':>7} "
        f"{'first s':>7} {'x bare':>6} | {'monitor CPU%':>12} {'RSS MB':>7} {'first s':>7} "
        f"{'x bare':>6} | {'total CPU% feed/alone':>21}"
    )
    for count, viewers, alone in rows:
        collector = f"{viewers['others_cpu']:.1f}% {viewers['others_rss']:.0f}MB"
        total_feed = viewers["others_cpu"] + count * viewers["cpu"]
        total_alone = count * alone["cpu"]
        print(
            f"{count:>7} | {collector:>16} | {viewers['cpu']:>11.2f} {viewers['rss']:>7.1f} "
            f"{viewers['first']:>7.2f} {viewers['first'] / bare:>6.2f} | {alone['cpu']:>12.2f} "
            f"{alone['rss']:>7.1f} {alone['first']:>7.2f} {alone['first'] / bare:>6.2f} | "
            f"{total_feed:>9.1f} / {total_alone:<9.1f}"
        )
    print("targets per viewer: <= 0.5 % CPU ticking, <= 60 MB RSS, first screen <= 1.3x bare")
    print(
        "fake NSE, live collector: "
        + "; ".join(
            f"{n} viewer(s) {hourly:.0f} requests/hour, {per:.1f} per refresh"
            for n, (hourly, per) in requests.items()
        )
    )


if __name__ == "__main__":
    main()
