"""What the benchmark scripts share: a fixed demo start and the median of repeated timings."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime

from providers.contract import IST

#: Mid-session on a results-season Wednesday: every part of the demo market has data.
START = datetime(2026, 2, 11, 11, 30, tzinfo=IST)


def median_ms(action: Callable[[], object], runs: int) -> float:
    """Median wall time of ``runs`` calls of ``action``, in milliseconds."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)
