"""Where capwatch's files live, and the precedence of --config over CAPWATCH_CONFIG."""

from __future__ import annotations

from pathlib import Path

from tui.settings.paths import CONFIG_ENV, resolve_paths


def test_default_paths_follow_the_platform_dirs(fresh_home: Path) -> None:
    paths = resolve_paths()
    assert paths.config == fresh_home / "config" / "capwatch" / "config.toml"
    assert paths.config_source == "default" and not paths.config_is_explicit
    assert paths.history == fresh_home / "data" / "capwatch" / "history.db"
    assert paths.log_dir.is_relative_to(fresh_home / "state")


def test_the_environment_overrides_the_default(fresh_home: Path, monkeypatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(fresh_home / "elsewhere.toml"))
    paths = resolve_paths()
    assert paths.config == fresh_home / "elsewhere.toml"
    assert paths.config_source == CONFIG_ENV and paths.config_is_explicit


def test_the_flag_beats_the_environment(fresh_home: Path, monkeypatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(fresh_home / "env.toml"))
    paths = resolve_paths(str(fresh_home / "flag.toml"))
    assert paths.config == fresh_home / "flag.toml"
    assert paths.config_source == "--config"


def test_an_empty_environment_value_is_ignored(fresh_home: Path, monkeypatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "")
    assert resolve_paths().config_source == "default"


def test_a_tilde_in_the_config_path_means_home(fresh_home: Path) -> None:
    assert resolve_paths("~/capwatch.toml").config == fresh_home / "home" / "capwatch.toml"


def test_an_explicit_environment_mapping_is_used(fresh_home: Path) -> None:
    paths = resolve_paths(env={CONFIG_ENV: "/etc/capwatch.toml"})
    assert paths.config == Path("/etc/capwatch.toml")


def test_history_and_logs_live_in_the_user_data_and_log_dirs(fresh_home: Path) -> None:
    paths = resolve_paths()
    assert paths.history == fresh_home / "data" / "capwatch" / "history.db"
    assert paths.log_dir.is_relative_to(fresh_home)
