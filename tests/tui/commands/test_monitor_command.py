"""``capwatch`` (the monitor command): what it builds from the flags and the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import build_parser, main
from tui.commands.monitor import GO_LIVE_HINT, build_app


def _build(*argv: str):
    return build_app(build_parser().parse_args(list(argv)))


def test_bare_capwatch_without_config_is_the_demo_and_says_how_to_go_live() -> None:
    app, store = _build()
    assert app.provider.simulated and store is None
    assert app.hint == GO_LIVE_HINT
    assert app.interval == 2.0


def test_demo_with_a_config_file_has_no_go_live_hint(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[display]\ntheme = "nord"\nmovers = 4\n')
    app, _ = _build("--config", str(config), "--interval", "5")
    assert app.hint is None
    assert app.theme == "nord"
    assert app.interval == 5.0
    assert app.analytics_settings.movers == 4


def test_live_config_opens_the_history_store(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(
        '[sources]\nindices = ["yahoo"]\nstocks = []\nbreadth = []\nratings = []\n'
        "earnings = []\nstatus = []\nhistory = []\n"
    )
    app, store = _build("--config", str(config))
    try:
        assert store is not None and not app.provider.simulated
        assert store.path.name == "history.db"
        assert app.schedule is not None
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
