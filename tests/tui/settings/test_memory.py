"""The long-running commands cap glibc's malloc arenas (``tui.settings.memory``)."""

from __future__ import annotations

import platform

import pytest

from tui.settings.memory import fewer_malloc_arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt only")
def test_glibc_takes_the_arena_cap() -> None:
    assert fewer_malloc_arenas()
