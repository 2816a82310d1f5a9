"""CPU milliseconds a 2 s tick costs the demo monitor and the bare Textual app, side by side.

``monitor.py`` reads CPU % from clock ticks (10 ms steps) over one 10 s window per run, with
the bare app measured in other windows. On a shared machine the bare app's own reading moves
between 0.3 % and over 1 % from one hour to the next, so the two are best read together: here
both run at once, each in a 120x40 pty, and every window reads each process's scheduler time
(``/proc/PID/task/*/schedstat``, nanoseconds, all threads) over the same seconds. Printed:
the median milliseconds a tick of each, per thread of ours, and the ratio.

Run from the project root: .venv/bin/python benchmarks/tick_cost.py [--windows 4] [--seconds 30]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from monitor import BARE, BARE_READY, INTERVAL_S, MONITOR, MONITOR_READY, SETTLE_S
from pty_session import PtySession, compile_project, pump_all


def thread_ns(pid: int) -> dict[int, int]:
    """Nanoseconds on a CPU so far, per thread of ``pid``."""
    spent = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            spent[int(task.name)] = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError):  # a thread that just ended
            continue
    return spent


def per_tick_ms(before: dict[int, int], after: dict[int, int], seconds: float) -> dict[int, float]:
    ticks = seconds / INTERVAL_S
    return {tid: (ns - before.get(tid, 0)) / 1e6 / ticks for tid, ns in after.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each window")
    options = parser.parse_args()
    compile_project()
    ours, bare = PtySession(MONITOR), PtySession(BARE)
    try:
        for session, ready in ((ours, MONITOR_READY), (bare, BARE_READY)):
            if session.wait_for(ready, timeout=30) is None:
                raise SystemExit(f"no first screen:\n{session.text()}")
        for session in (ours, bare):
            session.parsing = False  # counted, not drawn: the benchmark's own CPU stays low
        pump_all([ours, bare], SETTLE_S)
        totals: dict[str, list[float]] = {"capwatch": [], "bare app": []}
        threads: list[list[float]] = []
        for window in range(options.windows):
            before = thread_ns(ours.pid), thread_ns(bare.pid)
            began = time.monotonic()
            pump_all([ours, bare], options.seconds)
            seconds = time.monotonic() - began
            ours_ms = per_tick_ms(before[0], thread_ns(ours.pid), seconds)
            bare_ms = per_tick_ms(before[1], thread_ns(bare.pid), seconds)
            totals["capwatch"].append(sum(ours_ms.values()))
            totals["bare app"].append(sum(bare_ms.values()))
            threads.append(sorted(ours_ms.values(), reverse=True))
            print(f"window {window + 1}/{options.windows} done", flush=True)
    finally:
        ours.close()
        bare.close()
    windows = f"{options.windows} windows of {options.seconds:g} s"
    print(f"ms of CPU per {INTERVAL_S:g} s tick, {windows}")
    for name, values in totals.items():
        each = " ".join(f"{v:.1f}" for v in values)
        print(f"{name:<10} {statistics.median(values):6.1f}  ({each})")
    ratio = statistics.median(totals["capwatch"]) / statistics.median(totals["bare app"])
    print(f"ratio      {ratio:6.2f}")
    busiest = [statistics.median(ms[i] for ms in threads if len(ms) > i) for i in range(3)]
    print("capwatch's three busiest threads: " + ", ".join(f"{ms:.1f}" for ms in busiest))
    percent = 100 * statistics.median(totals["capwatch"]) / 1000 / INTERVAL_S
    print(f"capwatch CPU while ticking: {percent:.2f} % (issue 13: <= 1 %)")


if __name__ == "__main__":
    main()
