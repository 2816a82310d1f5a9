"""``capwatch`` (the monitor command): what it builds from the flags and the config."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import build_parser, main
from tui.commands.monitor import GO_LIVE_HINT, build_app, start_logging, terminal_driver
from tui.ui.driver import CapwatchDriver
from tui.ui.terminal import Charset


def _build(*argv: str):
    return build_app(build_parser().parse_args(list(argv)))


def test_bare_capwatch_without_config_is_the_demo_and_says_how_to_go_live() -> None:
    app, store = _build()
    assert app.source.provider.simulated and store is None
    assert app.hint == GO_LIVE_HINT
    assert app.source.interval == 2.0


def test_demo_with_a_config_file_has_no_go_live_hint(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[display]\ntheme = "nord"\nmovers = 4\n')
    app, _ = _build("--config", str(config), "--interval", "5")
    assert app.hint is None
    assert app.theme == "nord"
    assert app.source.interval == 5.0
    assert app.source.analytics_settings.movers == 4


def test_live_config_opens_the_history_store(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[sources]\nindices = ["yahoo"]\nstocks = []\nbreadth = []\nratings = []\n'
        "earnings = []\nstatus = []\nhistory = []\n"
    )
    app, store = _build("--config", str(config))
    try:
        assert store is not None and not app.source.provider.simulated
        assert store.path.name == "history.db"
        assert app.source.schedule is not None
    finally:
        store.close()


def test_unknown_theme_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[display]\ntheme = "no-such-theme"\n')
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "display.theme" in err and "no-such-theme" in err and str(config) in err


def test_bad_config_exits_2_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[display]\nmovers = 'ten'\n")
    assert main(["--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "display.movers" in err and "line 2" in err


def _blocked(tmp_path: Path, name: str) -> Path:
    """A path no folder can be made under, even as root: a regular file stands in the way."""
    blocker = tmp_path / name
    blocker.write_text("not a folder")
    return blocker


def test_unwritable_log_folder_runs_without_logs_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read-only XDG_STATE_HOME made even ``capwatch --demo`` exit with a traceback."""
    monkeypatch.setenv("XDG_STATE_HOME", str(_blocked(tmp_path, "state")))
    try:
        notice = start_logging(build_parser().parse_args(["--demo"]))
        logging.getLogger("tui.ui.app").warning("refresh failed")
    finally:
        for name in ("providers", "tui"):
            for handler in list(logging.getLogger(name).handlers):
                logging.getLogger(name).removeHandler(handler)
    assert notice is not None and "state" in notice
    assert notice.startswith("no log file (not a directory: ")
    assert "refresh failed" not in capsys.readouterr().err  # nothing over the screen


def test_unwritable_history_folder_runs_live_without_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(_blocked(tmp_path, "data")))
    config = tmp_path / "c.toml"
    config.write_text(
        '[sources]\nindices = ["yahoo"]\nstocks = []\nbreadth = []\nratings = []\n'
        "earnings = []\nstatus = []\nhistory = []\n"
    )
    app, store = _build("--config", str(config))
    assert store is None and app.source.store is None
    assert app.hint is not None and app.hint.startswith("no history (not a directory: ")


def test_watchlist_and_alerts_come_from_the_config_and_the_data_dir(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[display]\nwatchlist = ["tcs", "INFY"]\n[notifications]\ndesktop = "osc9"\n'
        '[[alerts]]\nid = "mine"\nkind = "band"\n'
    )
    app, _ = _build("--config", str(config))
    assert app.watchlist.symbols == ("TCS", "INFY")  # seeded: no watchlist file yet
    assert app.watchlist.path is not None and app.watchlist.path.name == "demo-watchlist.json"
    assert app.alerts is not None and [rule.id for rule in app.alerts.rules] == ["mine"]
    assert app.alerts.path is not None and app.alerts.path.name == "demo-alerts.json"
    assert app.delivery.desktop == "osc9"
    app.watchlist.toggle("WIPRO")
    again, _ = _build("--config", str(config))
    assert again.watchlist.symbols == ("TCS", "INFY", "WIPRO")  # the file, not the config


def test_no_rules_no_alert_watcher() -> None:
    app, _ = _build()
    assert app.alerts is None and app.watchlist.symbols == ()


def test_the_terminal_driver_writes_frames_and_keeps_the_charset() -> None:
    """The monitor's own driver (clean quit, the terminal's charset) still goes through the
    coalescing frame writer: a driver set after the app is built must not lose it."""
    latin1 = Charset("iso8859-1", "LANG")
    driver = terminal_driver(latin1)
    assert issubclass(driver, CapwatchDriver) and driver.charset is latin1
    assert hasattr(driver, "frame_ready")  # tui.ui.framed_output's FramedDriver


def test_the_feed_collector_with_an_unwritable_log_folder_still_reports_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``capwatch feed`` shares the monitor's logging start: a blocked log folder made it exit
    with a traceback before it could say anything else (here: the URL's mistake)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(_blocked(tmp_path, "state")))
    try:
        code = main(["feed", "--demo", "--publish", "http://nowhere"])
    finally:
        for name in ("providers", "tui"):
            for handler in list(logging.getLogger(name).handlers):
                logging.getLogger(name).removeHandler(handler)
    assert code == 2
    assert "feed URL must look like nats://" in capsys.readouterr().err


def test_a_viewer_builds_without_the_standalone_monitors_modules(tmp_path: Path) -> None:
    """A feed viewer's start loads no alert evaluation or journal (its collector has them),
    no local source, no plugin scan and no live provider (the default config's text reads
    their SPECs): each is time before its first screen."""
    probe = (
        "import sys\n"
        "from tui.cli import build_parser\n"
        "from tui.commands.monitor import build_app\n"
        "build_app(build_parser().parse_args(['--feed', 'nats://127.0.0.1:4222']))\n"
        "print(sorted(m for m in sys.modules if m in sys.argv[1:]))\n"
    )
    unneeded = [
        "tui.alerts.firing",
        "tui.alerts.watcher",
        "tui.alerts.journal",
        "tui.source.local",
        "importlib.metadata",
        "providers.nse.spec",
    ]
    done = subprocess.run(
        [sys.executable, "-c", probe, *unneeded],
        capture_output=True,
        text=True,
        env=dict(os.environ, XDG_CONFIG_HOME=str(tmp_path), CAPWATCH_CONFIG=""),
        check=True,
    )
    assert done.stdout.strip() == "[]"
