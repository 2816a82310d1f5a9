"""Process memory settings for the long-running commands (the monitor, the feed collector).

glibc gives every thread that allocates an arena of its own (up to eight per core) and seldom
hands their pages back. The monitor's worker threads (the refresh, the analytics, the provider
build) each left one behind: about 60 MB of RSS that nothing used. Two arenas are plenty for a
process that is mostly one event loop. Elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

#: ``mallopt`` parameter: the most malloc arenas (glibc's ``M_ARENA_MAX``).
M_ARENA_MAX = -8
ARENAS = 2


def fewer_malloc_arenas() -> bool:
    """Cap glibc's malloc arenas at ``ARENAS``; True if the C library took the setting.
    Call before any thread starts: arenas already made stay."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(M_ARENA_MAX, ARENAS))
