"""Demo markets for the app tests, built once per process and handed out as copies.

Building one (universe, names, the daily paths) is ~0.03 s of CPU with the demo's path cache
(0.15 s without), and the app tests start about a hundred with the same seed and start. A
deep copy of an unused market is the market a fresh ``create`` gives, step for step
(``tests/providers/test_demo.py`` checks it), in a third of the time.
"""

from __future__ import annotations

import copy
import functools
from datetime import datetime

from providers.base import Provider
from providers.demo import create


@functools.cache
def _unused(seed: int, start: datetime) -> Provider:
    """Never fetched from: only copied."""
    return create({"seed": seed, "start": start})


def demo_market(seed: int, start: datetime) -> Provider:
    """A fresh demo market, as ``create({"seed": seed, "start": start})`` gives."""
    return copy.deepcopy(_unused(seed, start))
