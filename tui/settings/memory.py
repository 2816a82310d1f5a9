"""Allocator settings for the long-running commands (the monitor, the feed collector, serve).

The monitor's numpy temporaries are large: glibc raises its mmap threshold after the first one
is freed, so later ones come from the heap, and each worker thread (refresh, analytics, the
provider build) gets a heap arena of its own; freed, they stay in the process (~65 MB of a
running demo monitor). A fixed threshold sends large blocks to mmap, returned on free, and two
arenas are plenty for a process that is mostly one event loop. Elsewhere (musl, macOS) nothing
changes. Call before any thread starts: arenas already made stay.

The monitor's start also runs with Python's cyclic garbage collector paused: imports and the
first screen allocate hundreds of thousands of objects that all stay alive, and the collector
would walk them again and again for nothing (about a tenth of the start). It resumes once the
first screen is drawn (or the start fails), with what the start made frozen (``gc.freeze``):
resumed as is, its first collection walked them all (~20 ms, holding up the first frame's
write), and later full collections would walk them again. The start's own garbage cycles (a
few thousand objects) stay.
"""

from __future__ import annotations

import ctypes
import gc

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


#: Allocations between young collections in a long-running command (Python's default: 700).
#: A demo tick makes tens of thousands of short-lived objects (rows, strips, segments): at 700
#: the young generation was walked about twice a tick, with the views on screen in it each
#: time, ~1.3 ms of CPU a tick (0.3 ms at this setting). Few of our objects form cycles: the
#: rare garbage cycle just waits a little longer.
YOUNG_COLLECTION_EVERY = 20_000


def collect_young_less_often() -> None:
    """Fewer, larger young collections for a process that ticks for hours."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)


_paused = False  # the collector is off because of pause_gc (not someone else's gc.disable)


def pause_gc() -> None:
    """Stop cyclic garbage collection until :func:`resume_gc` (the monitor's start)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Collect again, if :func:`pause_gc` stopped it, leaving what exists now out of every
    collection; any later call does nothing."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
