"""Benchmark the monitor as a person over SSH feels it, against a bare Textual app.

Runs ``capwatch --demo`` and ``benchmarks/bare_app.py`` alternately under a 120x40
pseudo-terminal with ``../shared/tools/ttyprobe.py`` (needs pyte) and prints the medians of:
- seconds from process start to the first complete screen (every pane filled);
- CPU % and bytes written while paused (``p``), after the history has loaded;
- bytes written per refresh tick (live, 2 s interval; ticks = window / interval);
- resident memory (MB) of the process tree.
Targets (issue 4): <= 0.6 s, <= 0.5 % CPU and near-zero bytes idle, <= 4 KB per tick, <= 120 MB.

Run from the project root: .venv/bin/python benchmarks/monitor.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = ROOT / ".." / "shared" / "tools" / "ttyprobe.py"
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


def probe(command: list[str], ready: list[str], idle_s: float, tick_s: float) -> dict:
    """One run: first screen, then paused idle window, then a live window after resuming."""
    args = [sys.executable, str(PROBE), "--cols", "120", "--rows", "40", "--timeout", "30"]
    for text in ready:
        args += ["--until", text]
    args += ["--pre-keys", f"sleep:{SETTLE_S},p,sleep:1", "--idle", str(idle_s)]
    args += ["--keys", "p,sleep:0.5", "--after-keys", str(tick_s), "--", *command]
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"probe failed for {' '.join(command)}:\n{done.stdout}\n{done.stderr}")
    result = json.loads(done.stdout)
    return {
        "first screen (s)": result["shown_s"],
        "idle CPU (%)": result["idle_cpu_pct"],
        "idle bytes": result["idle_bytes"],
        "bytes per tick": result["bytes_after_keys"] / (tick_s / INTERVAL_S),
        "RSS (MB)": result["rss_mb"],
    }


TARGETS = {
    "first screen (s)": "<= 0.6",
    "idle CPU (%)": "<= 0.5",
    "idle bytes": "~0",
    "bytes per tick": "<= 4096",
    "RSS (MB)": "<= 120",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=8.0, help="paused window, seconds")
    parser.add_argument("--ticks", type=int, default=5, help="refresh ticks to watch per run")
    options = parser.parse_args()
    if not PROBE.exists():
        raise SystemExit(f"ttyprobe not found at {PROBE}")
    tick_s = options.ticks * INTERVAL_S
    runs: dict[str, list[dict]] = {"capwatch": [], "bare": []}
    for n in range(options.runs):
        runs["capwatch"].append(probe(MONITOR, MONITOR_READY, options.idle, tick_s))
        runs["bare"].append(probe(BARE, BARE_READY, options.idle, tick_s))
        print(f"run {n + 1}/{options.runs} done", file=sys.stderr)

    print(f"medians of {options.runs} runs, 120x40 pty, demo seed 7, interval {INTERVAL_S:g} s")
    print(f"{'metric':<18} {'capwatch':>10} {'bare app':>10} {'ratio':>7}  target")
    for metric, target in TARGETS.items():
        ours = statistics.median(r[metric] for r in runs["capwatch"])
        base = statistics.median(r[metric] for r in runs["bare"])
        ratio = f"{ours / base:.2f}" if base else "-"
        print(f"{metric:<18} {ours:>10.2f} {base:>10.2f} {ratio:>7}  {target}")


if __name__ == "__main__":
    main()
