"""The long-running commands give freed memory back to the system, and the monitor's start
runs without the cyclic collector (``tui.settings.memory``)."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys

import pytest

from tui.settings import memory

_FREED_IN_A_THREAD = """
import sys, threading
from tui.settings.memory import keep_heap_small
if sys.argv[1] == "kept small":
    keep_heap_small()
def rss_mb():
    status = open("/proc/self/status").read().split("VmRSS:")[1]
    return int(status.split()[0]) / 1024
def work():  # like the monitor's numpy temporaries: a large block freed, then many
    first = bytearray(8_000_000)
    del first
    big, small = [], []
    for _ in range(200):
        big.append(bytearray(300_000))
        small.append(bytearray(2_000))
    del big
    global kept
    kept = small
before = rss_mb()
worker = threading.Thread(target=work)
worker.start()
worker.join()
print(rss_mb() - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's allocator only")
def test_memory_freed_in_a_worker_thread_goes_back_to_the_system() -> None:
    """glibc keeps ~60 MB freed by a worker thread (its own arena, a raised mmap threshold)
    in the process; the monitor's allocator settings give it back."""
    grown = {
        mode: float(
            subprocess.run(
                [sys.executable, "-c", _FREED_IN_A_THREAD, mode],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for mode in ("glibc defaults", "kept small")
    }
    assert grown["glibc defaults"] > 40  # the case is real: without the settings it is kept
    assert grown["kept small"] < 10


@pytest.fixture
def collector_restored():
    """Whatever a test does to the garbage collector, it runs again afterwards."""
    yield
    memory.resume_gc()
    gc.enable()
    gc.unfreeze()


def test_the_start_pauses_collection_until_resumed(collector_restored) -> None:
    memory.pause_gc()
    assert not gc.isenabled()
    memory.resume_gc()
    assert gc.isenabled()
    memory.resume_gc()  # a second resume (the app calls it every refresh) changes nothing
    assert gc.isenabled()


def test_what_the_start_made_is_left_out_of_later_collections(collector_restored) -> None:
    """Resumed plainly, the first young collection walked everything the start allocated."""
    memory.pause_gc()
    made = [[n] for n in range(50_000)]  # container objects: tracked by the collector
    memory.resume_gc()
    assert gc.get_count()[0] < 1000  # the young generation did not inherit them
    assert gc.get_freeze_count() >= len(made)


def test_resume_leaves_a_collector_paused_by_someone_else_alone(collector_restored) -> None:
    gc.disable()
    memory.pause_gc()  # already off: not ours to turn back on
    memory.resume_gc()
    assert not gc.isenabled()


def test_a_long_running_command_collects_young_objects_less_often(collector_restored) -> None:
    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's default (a command run in-process may have set it)
        memory.collect_young_less_often()
        assert gc.get_threshold() == (memory.YOUNG_COLLECTION_EVERY, 10, 10)
        assert memory.YOUNG_COLLECTION_EVERY > 700
    finally:
        gc.set_threshold(*before)
