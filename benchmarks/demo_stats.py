"""The demo market against the targets of issue 11, over many seeds and a year of sessions.

Prints, for ``--seeds`` seeds x ``--days`` trading days (the last ones of a path generated
from the epoch, after a warm-up long enough for 200-session technical calls):

- the small-cap A/D ratio distribution, and A/D on days the small-cap segment moved +-2%;
- the share of stocks unchanged on the day;
- band hits (stocks closing at a price-band limit) by band, on all days and on busy ones;
- technical-call changes per day (share of names whose call changed);
- the share of 28-session windows with NIFTY MIDCAP 100 up 10% or more.

Usage: ``python benchmarks/demo_stats.py [--seeds 100] [--days 250] [--stocks 2400]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from providers.contract import Segment
from providers.demo.statistics import generate, measure
from tui.analytics.frames import DailyCloses
from tui.analytics.technicals import NO_CALL, Calls

WARM_UP = 220  # sessions before the measured ones: the 200-session average needs them


def call_changes(closes: np.ndarray, dates: list, last: int) -> np.ndarray:
    """Per measured day, the share of names whose technical call changed."""
    frame = pd.DataFrame(closes, index=pd.DatetimeIndex(dates))
    codes = Calls.compute(DailyCloses.from_frame(frame)).codes
    before, after = codes[-last - 1 : -1], codes[-last:]
    known = (before != NO_CALL) & (after != NO_CALL)
    return ((before != after) & known).sum(axis=1) / np.maximum(known.sum(axis=1), 1)


def quantiles(values: np.ndarray) -> str:
    qs = np.percentile(values, [5, 25, 50, 75, 95])
    return " / ".join(f"{q:.2f}" for q in qs) + "  (p5 / p25 / median / p75 / p95)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--stocks", type=int, default=2400)
    args = parser.parse_args()
    began = time.perf_counter()
    ratios, small, unchanged, changes, rallies = [], [], [], [], []
    hits: dict[float, list[np.ndarray]] = {}
    for seed in range(args.seeds):
        universe, path = generate(seed, args.stocks, args.days + WARM_UP + 1)
        stats = measure(universe, path, args.days)
        ratios.append(stats.ratio(Segment.SMALL))
        small.append(stats.change_pct[:, 2])
        unchanged.append(stats.unchanged_share)
        for band, counts in stats.band_hits.items():
            hits.setdefault(band, []).append(counts)
        changes.append(call_changes(path.closes, path.days, args.days))
        rallies.append(stats.rally_share("NIFTY MIDCAP 100", 0.10))
    ratio, move = np.concatenate(ratios), np.concatenate(small)
    days = len(ratio)
    print(
        f"demo market: {args.seeds} seeds x {args.days} days, {args.stocks} stocks "
        f"({time.perf_counter() - began:.0f} s)"
    )
    print(f"small-cap A/D ratio: {quantiles(ratio)}")
    high, low = np.mean(ratio >= 2.6), np.mean(ratio <= 0.4)
    print(f"  days with A/D >= 2.6x: {high:.1%}; <= 0.4x: {low:.1%}")
    for label, mask in (
        ("small caps >= +2%", move >= 2.0),
        ("small caps +2.5% +-0.3", np.abs(move - 2.5) <= 0.3),
        ("small caps <= -2%", move <= -2.0),
    ):
        found = ratio[mask]
        detail = quantiles(found) if len(found) else "-"
        print(f"  A/D on {label}: {mask.sum()} days ({mask.mean():.1%}); {detail}")
    up_days = (move >= 2.0) & (ratio >= 2.0) & (ratio <= 4.0)
    print(f"  days with small caps >= +2% and A/D in 2..4: {up_days.sum()} ({up_days.mean():.2%})")
    print(f"unchanged share: {quantiles(np.concatenate(unchanged) * 100)} %")
    busy = np.abs(move) >= 2.0
    for band in sorted(hits):
        counts = np.concatenate(hits[band])
        print(f"band {band:g}%: hits per day {quantiles(counts)}; mean {counts.mean():.1f}")
        print(
            f"  on days small caps moved 2% or more: mean {counts[busy].mean():.1f}, "
            f"days with none {np.mean(counts[busy] == 0):.0%}"
        )
    change = np.concatenate(changes) * 100
    print(f"technical-call changes per day (% of names): {quantiles(change)}")
    print(f"  days above 4%: {np.mean(change > 4):.1%}")
    rally = np.array(rallies)
    print(
        f"28-session windows with NIFTY MIDCAP 100 >= +10%: {rally.mean():.1%} "
        f"(seeds with any: {np.mean(rally > 0):.0%})"
    )
    print(f"measured days: {days}")


if __name__ == "__main__":
    main()
