"""The command line: an option the top level shares with a subcommand may go on either side;
the monitor starts with the cyclic collector paused."""

from __future__ import annotations

import gc
import importlib
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from tui.cli import build_parser, main, set_paint_rate, use_one_blas_thread

SUBCOMMANDS_WITH_CONFIG = ("snapshot", "history", "feed", "serve", "doctor")


@pytest.mark.parametrize("command", SUBCOMMANDS_WITH_CONFIG)
def test_config_before_the_subcommand_is_used(command: str) -> None:
    args = build_parser().parse_args(["--config", "mine.toml", command])
    assert args.config == "mine.toml"


@pytest.mark.parametrize("command", SUBCOMMANDS_WITH_CONFIG)
def test_config_after_the_subcommand_wins(command: str) -> None:
    args = build_parser().parse_args(["--config", "top.toml", command, "--config", "sub.toml"])
    assert args.config == "sub.toml"


def test_config_and_alerts_and_config_check_take_it_from_the_top() -> None:
    parser = build_parser()
    assert parser.parse_args(["--config", "a.toml", "alerts", "--check"]).config == "a.toml"
    assert parser.parse_args(["--config", "b.toml", "config", "--check"]).config == "b.toml"


def test_source_and_reading_options_before_snapshot_are_kept() -> None:
    args = build_parser().parse_args(
        ["--demo", "--seed", "3", "--start", "2026-11-20T11:30", "--movers", "4", "snapshot"]
    )
    assert (args.demo, args.seed, args.movers) == (True, 3, 4)
    assert args.start.isoformat() == "2026-11-20T11:30:00+05:30"


def test_the_same_options_after_snapshot_give_the_same_run() -> None:
    parser = build_parser()
    before = parser.parse_args(["--demo", "--seed", "3", "--anchor", "2026-04-01", "snapshot"])
    after = parser.parse_args(["snapshot", "--demo", "--seed", "3", "--anchor", "2026-04-01"])
    assert vars(before) == vars(after)


def test_a_bare_subcommand_still_has_every_option_unset() -> None:
    args = build_parser().parse_args(["snapshot"])
    assert (args.config, args.demo, args.provider, args.seed, args.movers) == (
        None,
        False,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(("argv", "paused"), [(["--demo"], True), (["feed", "--demo"], False)])
def test_only_the_monitor_starts_without_the_cyclic_collector(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], paused: bool
) -> None:
    """The monitor's start runs with the collector paused (its app resumes it after the first
    screen); whatever happens, it runs again once the command returns."""
    seen: list[bool] = []
    command = "feed" if argv[0] == "feed" else "monitor"
    module = importlib.import_module(f"tui.commands.{command}")
    monkeypatch.setattr(module, "run", lambda args: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr("tui.settings.memory.keep_heap_small", lambda: None)
    assert main(argv) == 0
    assert seen == [not paused]
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("setting", "name", "ours"),
    [(set_paint_rate, "TEXTUAL_FPS", "120"), (use_one_blas_thread, "OPENBLAS_NUM_THREADS", "1")],
)
def test_paint_rate_and_blas_threads_are_set_unless_the_user_set_them(
    setting: Callable[[dict[str, str]], None], name: str, ours: str
) -> None:
    """Textual paints at up to 120 frames a second; numpy gets one OpenBLAS thread."""
    environ: dict[str, str] = {}
    setting(environ)
    assert environ == {name: ours}
    environ = {name: "7"}
    setting(environ)
    assert environ == {name: "7"}  # the user's wins


def test_every_command_sets_the_blas_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setattr("tui.commands.config.run", lambda args: 0)
    assert main(["config", "--path"]) == 0
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_the_cli_module_loads_no_numpy_before_its_blas_threads_are_set() -> None:
    """OpenBLAS reads OPENBLAS_NUM_THREADS once, when numpy loads it."""
    probe = "import sys, tui.cli; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_the_cli_module_loads_no_textual_before_the_paint_rate_is_set() -> None:
    """Textual reads TEXTUAL_FPS once, when imported: ``main`` must set it first."""
    probe = "import sys, tui.cli; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
