"""Fixtures shared by every test directory.

``fresh_home`` (autouse): every test runs on "a machine with nothing on it" — HOME and the
XDG directories under tmp_path (the cache directory: one for the session) — so no test reads
the developer's config or writes to their history database, and subprocesses inherit the same
isolation.
``nse_server``: a fake www.nseindia.com on 127.0.0.1 (see tests/fakes/nse_server.py).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.nse_server import nse_server

from tui.settings.paths import CONFIG_ENV

#: One BLAS thread per test process: pytest-xdist already shares the cores out, and
#: OpenBLAS's own threads spin waiting for work on them (the demo tests took a third more
#: CPU for the same wall time). Read when numpy loads, so set here, before any test module
#: imports it; subprocesses inherit it.
assert "numpy" not in sys.modules, "numpy was imported before OPENBLAS_NUM_THREADS was set"
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__all__ = ["fresh_home", "nse_server"]


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: known only when it is loaded
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts): one worker more than the cores. A good part of the
    suite waits rather than computes (a program starting in a pty, a nats-server, request
    budgets, Textual's checks for an idle app); a third worker's tests fill those waits on
    two cores. ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1


#: Handed out first (pytest-xdist gives tests out in collection order, a few at a time): the
#: folders whose tests take a second or more each — a program in a pty, servers and fake
#: sites, Textual pilots. The many short unit tests come last and even out when the workers
#: finish; a slow test handed out near the end kept one worker busy seconds after the rest.
SLOW_FIRST = (
    "tests/test_terminal_pty.py",
    "tests/integration/",
    "tests/tui/ui/",
    "tests/snapshots/",
    "tests/tui/commands/",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        found = (i for i, folder in enumerate(SLOW_FIRST) if item.nodeid.startswith(folder))
        return next(found, len(SLOW_FIRST))

    items.sort(key=rank)  # stable: each file's tests stay together, in their order


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is imported and collected by now (textual, numpy, pandas, the test modules) lives
    to the end of the run: ``gc.freeze`` takes it out of the garbage collector's walks, so
    the full collections — automatic ones during the tests, and the five pytest makes at
    exit to find unraisable exceptions — only walk what the tests made (half the objects;
    about a tenth less CPU for the pilot and demo tests)."""
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One user cache directory for the session, set before any fixture of a wider scope
    runs: what is cached there (the demo's path, 16 MB at 2,400 stocks) is the same for
    every test, and is not written once per test nor into the developer's cache. Under
    pytest-xdist the workers share it (in the run's own temporary folder), as two capwatch
    processes share a user's cache: a path one worker generated, the others load."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.getbasetemp().parent / "cache"
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared_cache))
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    return tmp_path
