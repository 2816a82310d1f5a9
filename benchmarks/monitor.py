"""Benchmark the monitor as a person over SSH feels it, against a bare Textual app.

Runs ``capwatch --demo`` and ``benchmarks/bare_app.py`` alternately in a 120x40 pseudo-terminal
(``pty_session.py``) and prints, side by side with the bare app measured in the same run, the
medians of every figure of issue 13's table:

- first full screen: seconds from process start until every pane shows data;
- bytes to first screen: everything written until then;
- RSS (MB) of the process tree, after the ticking window;
- bytes per 2 s tick and CPU % while ticking (live, ``--ticks`` ticks);
- bytes per segment switch: keys 2, 3, 4, 5, 1 (paused, each until the screen settles);
- bytes per terminal focus out + in (the sequences a terminal sends on alt-tab).

``--stocks N`` runs the demo with N stocks (through a config file); the default is the demo's
own size. Targets: first screen <= 1.6x bare, RSS <= 85 MB, <= 1.5 KB per tick, CPU <= 1 %,
<= 35 KB to the first screen, <= 8 KB per switch, <= 1 KB per focus out + in.

Run from the project root: .venv/bin/python benchmarks/monitor.py [--runs 5] [--stocks 2400]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pty_session import PtySession, compile_project

ROOT = Path(__file__).resolve().parent.parent
INTERVAL_S = 2.0
SETTLE_S = 3.0  # after the first screen: history loads and repaints once

MONITOR = [
    sys.executable,
    "-m",
    "tui.cli",
    "--demo",
    "--seed",
    "7",
    "--start",
    "2026-11-20T11:30",
    "--interval",
    str(INTERVAL_S),
]
# Text that shows only once every pane has data (they are all drawn in the same frame).
MONITOR_READY = ["as of", "A/D ", "Symbol", "Sector", "When", "Change", "Date"]
BARE = [sys.executable, str(ROOT / "benchmarks" / "bare_app.py")]
BARE_READY = ["pane 4 ready", "Pause"]
SEGMENT_KEYS = ["2", "3", "4", "5", "1"]

#: figure -> (target as text, check of (ours, bare))
TARGETS = {
    "first screen (s)": ("<= 1.6x bare", lambda ours, bare: ours <= 1.6 * bare),
    "bytes to first screen": ("<= 35 KB", lambda ours, bare: ours <= 35 * 1024),
    "RSS (MB)": ("<= 85", lambda ours, bare: ours <= 85),
    "bytes per tick": ("<= 1.5 KB", lambda ours, bare: ours <= 1.5 * 1024),
    "CPU ticking (%)": ("<= 1", lambda ours, bare: ours <= 1.0),
    "bytes per segment switch": ("<= 8 KB", lambda ours, bare: ours <= 8 * 1024),
    "bytes per focus out+in": ("<= 1 KB", lambda ours, bare: ours <= 1024),
}


def key_bytes(session: PtySession, keys: list[str]) -> int:
    """Bytes written from sending ``keys`` (one after another) until the screen settles."""
    before = session.bytes
    for key in keys:
        session.send(key)
        session.pump(0.05)
    # On a busy machine the answer can take a while: wait for it (keys the bare app ignores
    # answer nothing), then until the screen has been quiet for a while.
    session.pump(1.5, lambda: session.bytes > before)
    session.settle(quiet=0.6)
    return session.bytes - before


def probe(command: list[str], ready: list[str], ticks: int) -> dict[str, float]:
    """One run of every figure for ``command``."""
    session = PtySession(command)
    try:
        shown = session.wait_for(ready, timeout=30)
        if shown is None:
            raise SystemExit(f"no first screen from {' '.join(command)}:\n{session.text()}")
        first_bytes = session.bytes
        session.pump(SETTLE_S)
        bytes0, (cpu0, _), began = session.bytes, session.usage(), time.monotonic()
        session.pump(ticks * INTERVAL_S)
        (cpu1, rss), wall = session.usage(), time.monotonic() - began
        tick_bytes = (session.bytes - bytes0) / (wall / INTERVAL_S)
        session.send("p")  # pause: key figures without ticks mixed in
        session.settle(quiet=0.5)
        switches = [key_bytes(session, [key]) for key in SEGMENT_KEYS]
        focus = key_bytes(session, ["focus-out"]) + key_bytes(session, ["focus-in"])
    finally:
        session.close()
    return {
        "first screen (s)": shown,
        "bytes to first screen": first_bytes,
        "RSS (MB)": rss,
        "bytes per tick": tick_bytes,
        "CPU ticking (%)": 100 * (cpu1 - cpu0) / wall,
        "bytes per segment switch": statistics.median(switches),
        "bytes per focus out+in": focus,
    }


def demo_command(stocks: int | None, folder: Path) -> list[str]:
    if stocks is None:
        return MONITOR
    config = folder / "config.toml"
    config.write_text(f"[providers.demo]\nstocks = {stocks}\n")
    return [*MONITOR, "--config", str(config)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ticks", type=int, default=5, help="refresh ticks to watch per run")
    parser.add_argument("--stocks", type=int, help="demo universe size (default: the demo's)")
    options = parser.parse_args()
    compile_project()
    with tempfile.TemporaryDirectory() as folder:
        monitor = demo_command(options.stocks, Path(folder))
        runs: dict[str, list[dict[str, float]]] = {"capwatch": [], "bare": []}
        for n in range(options.runs):
            runs["capwatch"].append(probe(monitor, MONITOR_READY, options.ticks))
            runs["bare"].append(probe(BARE, BARE_READY, options.ticks))
            print(f"run {n + 1}/{options.runs} done", file=sys.stderr)

    size = f"{options.stocks} stocks" if options.stocks else "default size"
    print(f"medians of {options.runs} runs, 120x40 pty, demo seed 7 ({size}), tick {INTERVAL_S:g}s")
    print(f"{'figure':<26} {'capwatch':>10} {'bare app':>10} {'ratio':>6} {'spread':>7}  target")
    for figure, (target, check) in TARGETS.items():
        ours_runs = [r[figure] for r in runs["capwatch"]]
        ours = statistics.median(ours_runs)
        base = statistics.median(r[figure] for r in runs["bare"])
        ratio = f"{ours / base:.2f}" if base else "-"
        spread = f"{(max(ours_runs) - min(ours_runs)) / ours:.0%}" if ours else "-"
        verdict = "met" if check(ours, base) else "MISSED"
        print(
            f"{figure:<26} {ours:>10.2f} {base:>10.2f} {ratio:>6} {spread:>7}  {target} {verdict}"
        )


if __name__ == "__main__":
    main()
