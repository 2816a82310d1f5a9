"""Allocator settings for the long-running commands (the monitor, the feed collector, serve).

The monitor's numpy temporaries are large: glibc raises its mmap threshold after the first one
is freed, so later ones come from the heap, and each worker thread (refresh, analytics, the
provider build) gets a heap arena of its own; freed, they stay in the process (~65 MB of a
running demo monitor). A fixed threshold sends large blocks to mmap, returned on free, and two
arenas are plenty for a process that is mostly one event loop. Elsewhere (musl, macOS) nothing
changes. Call before any thread starts: arenas already made stay.
"""

from __future__ import annotations

import ctypes

#: glibc ``mallopt`` parameters (malloc.h) and the values set.
M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8
MMAP_FROM_BYTES = 128 * 1024
ARENAS = 2


def keep_heap_small() -> None:
    """Make freed memory go back to the system (glibc only)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no glibc: its allocator differs
        return
    mallopt(M_MMAP_THRESHOLD, MMAP_FROM_BYTES)
    mallopt(M_ARENA_MAX, ARENAS)
