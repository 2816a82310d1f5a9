"""The config file: defaults, the written default file, every error message, overrides, and
the ``capwatch config`` command on a fresh machine."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from providers.contract import Part
from tui.cli import main
from tui.market.clock import SpecialSession
from tui.settings.config import (
    Config,
    ConfigError,
    ProviderSettings,
    default_config_text,
    load_config,
    load_config_or_default,
    parse_config,
)
from tui.settings.paths import CONFIG_ENV, resolve_paths

KNOWN = ("demo", "nse", "bse", "yahoo", "files")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


# -- defaults ---------------------------------------------------------------------------------


def test_without_a_file_everything_comes_from_the_demo_market() -> None:
    config = Config()
    assert all(config.sources.for_part(part) == ("demo",) for part in Part)
    assert config.path is None and config.provider_settings("nse") == {}


def test_the_default_file_selects_nse_and_bse_with_yahoo_last_and_file_ratings() -> None:
    config = parse_config(default_config_text(), "default.toml", known_providers=KNOWN)
    sources = config.sources
    assert sources.indices == ("nse", "bse", "yahoo")
    assert sources.stocks == sources.breadth == sources.earnings == ("nse",)
    assert sources.status == sources.history == ("nse",)
    assert sources.ratings == ("files",)
    assert sources.flows == sources.announcements == ("nse",)
    assert config.provider_settings("nse")["requests_per_second"] == 3
    assert config.provider_settings("files") == {}  # the example path is commented out


def test_a_live_config_from_before_flows_gets_none_not_the_demo() -> None:
    """A [sources] naming live providers but not the kinds added later must still start: the
    demo for those would mix simulated and real data, which compose refuses."""
    live = parse_config('[sources]\nindices = ["nse"]\nstocks = ["nse"]\n', "old.toml")
    assert live.sources.flows == live.sources.announcements == ()
    demo = parse_config('[sources]\nindices = ["demo"]\n', "demo.toml")
    assert demo.sources.flows == demo.sources.announcements == ("demo",)
    chosen = parse_config('[sources]\nindices = ["nse"]\nflows = ["nse"]\n', "new.toml")
    assert chosen.sources.flows == ("nse",) and chosen.sources.announcements == ()


def test_the_benchmark_is_configurable() -> None:
    assert Config().display.benchmark == "NIFTY 50"
    config = parse_config('[display]\nbenchmark = "SENSEX"\n', "c.toml")
    assert config.display.benchmark == "SENSEX"
    with pytest.raises(ConfigError, match=r"display\.benchmark"):
        parse_config('[display]\nbenchmark = ""\n', "c.toml")


def test_the_default_file_documents_the_built_in_defaults() -> None:
    """Everything but the sources must match ``Config()``, so the two cannot drift apart."""
    written = parse_config(default_config_text())
    builtin = Config()
    for name in ("refresh", "display", "special_sessions", "history"):
        assert getattr(written, name) == getattr(builtin, name), name


def test_a_full_file_is_read_into_typed_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        [sources]
        ratings = []
        [display]
        movers = 5
        anchors = [2025-04-07, "2024-09-27"]
        watchlist = ["reliance", "TCS"]
        [[special_sessions]]
        date = 2026-11-08
        start = 18:00:00
        end = "19:00"
        name = "Muhurat trading"
        [history]
        intraday_days = 3
        daily_years = 4
        """,
    )
    config = load_config(path)
    assert config.path == path
    assert config.sources.ratings == () and config.sources.indices == ("demo",)
    assert config.display.movers == 5
    assert config.display.anchors == (date(2025, 4, 7), date(2024, 9, 27))
    assert config.display.watchlist == ("RELIANCE", "TCS")
    assert config.special_sessions == (
        SpecialSession(date(2026, 11, 8), time(18, 0), time(19, 0), "Muhurat trading"),
    )
    assert config.history.daily_years == 4  # intraday_days: retired, still loads
    assert config.sources.routes() == {p.value: ("demo",) for p in Part if p is not Part.RATINGS}


def test_plugin_providers_may_have_any_keys_and_get_them_frozen() -> None:
    config = parse_config(
        """
        [sources]
        ratings = ["broker", "files"]
        [providers.broker]
        token_file = "~/.broker"
        accounts = [1, 2]
        limits = { per_minute = 30 }
        [providers.files]
        ratings = "~/ratings.csv"
        """
    )
    settings = config.provider_settings("broker")
    assert settings == {"token_file": "~/.broker", "accounts": (1, 2), "limits": {"per_minute": 30}}
    with pytest.raises(TypeError):
        settings["limits"]["per_minute"] = 1  # type: ignore[index]
    assert config.all_provider_settings()["files"] == {"ratings": "~/ratings.csv"}
    assert config.sources.provider_names() == ("demo", "broker", "files")


def test_yahoo_symbols_may_be_emptied_to_remove_a_default() -> None:
    config = parse_config('[providers.yahoo.symbols]\n"SENSEX" = ""\n"NIFTY 50" = "^NSEI"\n')
    assert config.provider_settings("yahoo")["symbols"] == {"SENSEX": "", "NIFTY 50": "^NSEI"}


def test_provider_settings_leave_out_what_is_not_set() -> None:
    settings = ProviderSettings(timeout=5.0, extra={"symbols": {"NIFTY 50": "^NSEI"}})
    assert settings.as_mapping() == {"timeout": 5.0, "symbols": {"NIFTY 50": "^NSEI"}}


def test_config_values_cannot_be_changed_in_place() -> None:
    config = Config()
    with pytest.raises(AttributeError):
        config.display.movers = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.providers["nse"] = ProviderSettings()  # type: ignore[index]


# -- errors: one message naming the file, the key and the line -----------------------------------

ERRORS = [
    pytest.param(
        "[refresh]\nopen = \n",
        "line 2: invalid TOML: Invalid value (column 8)",
        id="syntax",
    ),
    pytest.param("[refrsh]\nopen = 5\n", "line 1: refrsh: unknown key (did you mean 'refresh'?)"),
    pytest.param(
        "[refresh]\nclosed = 60\nopne = 5\n",
        "line 3: refresh.opne: unknown key (did you mean 'open'?)",
    ),
    pytest.param(
        '[display]\nmovers = "5"\n',
        "line 2: display.movers: expected a positive integer, got a string ('5')",
    ),
    pytest.param(
        "[display]\nmovers = 2.5\n",
        "line 2: display.movers: expected a positive integer, got a number (2.5)",
    ),
    pytest.param(
        "[refresh]\nopen = true\n",
        "line 2: refresh.open: expected a positive number, got a boolean (True)",
    ),
    pytest.param(
        "[refresh]\nheartbeat = -1\n", "line 2: refresh.heartbeat: must be 0.1 to 86400, got -1"
    ),
    pytest.param(
        '[sources]\nindices = "nse"\n',
        "line 2: sources.indices: expected an array of strings, got a string ('nse')",
    ),
    pytest.param(
        '[sources]\nindices = ["nse", 5]\n',
        "line 2: sources.indices[1]: expected a non-empty string, got an integer (5)",
    ),
    pytest.param(
        "[sources]\ntechnical_calls = true\n",
        "line 2: sources.technical_calls: unknown key"
        " (known keys: announcements, breadth, earnings, flows, history, indices, ratings,"
        " status, stocks)",
    ),
    pytest.param(
        '[segments]\nmid = ["NIFTY 50"]\n',
        "line 1: segments: unknown key"
        " (known keys: alerts, display, feed, history, notifications, providers, refresh,"
        " serve, sources, special_sessions)",
    ),
    pytest.param(
        '[display]\nanchors = ["7 April"]\n',
        "line 2: display.anchors[0]: expected a date like 2025-04-07, got a string ('7 April')",
    ),
    pytest.param(
        '[[special_sessions]]\ndate = 2026-11-08\nstart = "18:00"\n',
        "line 1: special_sessions[0].end: missing (date, start and end are required)",
    ),
    pytest.param(
        '[[special_sessions]]\ndate = 2026-11-08\nstart = "18:00"\nend = "19:00"\n'
        '[[special_sessions]]\ndate = 2026-11-09\nstart = "19:00"\nend = "18:00"\n',
        "line 8: special_sessions[1].end: must be after start (19:00)",
    ),
    pytest.param(
        '[[special_sessions]]\ndate = 2026-11-08\nstart = "6pm"\nend = "19:00"\n',
        "line 3: special_sessions[0].start: expected a time like 18:15 (IST), got a string ('6pm')",
    ),
    pytest.param(
        '[providers.nse]\nbase_ur = "http://127.0.0.1:8080"\n',
        "line 2: providers.nse.base_ur: unknown key (did you mean 'base_url'?)",
    ),
    pytest.param(
        '[providers.yahoo]\ntimeout = "10s"\n',
        "line 2: providers.yahoo.timeout: expected a positive number, got a string ('10s')",
    ),
    pytest.param(
        '[providers.yahoo.symbols]\n"NIFTY 50" = 1\n',
        "line 2: providers.yahoo.symbols.NIFTY 50: expected a non-empty string, got an integer (1)",
    ),
    pytest.param(
        '[providers.bse.index_names]\n"BSE SMALLCAP" = ""\n',
        "line 2: providers.bse.index_names.BSE SMALLCAP: expected a non-empty string, got a "
        "string ('')",
    ),
    pytest.param(
        "[history]\ndaily_years = 0\n", "line 2: history.daily_years: must be 1 to 100, got 0"
    ),
    pytest.param(
        '[sources]\nbreadth = ["nse", "bsee"]\n',
        "line 2: sources.breadth[1]: unknown provider 'bsee' (known: bse, demo, files, nse, yahoo)",
    ),
    pytest.param("theme = 'x'\n", "line 1: theme: unknown key (it belongs in [display])"),
    pytest.param(
        '[feed]\nurl = "http://desk:4222"\n',
        "line 2: feed.url: expected nats://HOST:PORT or tls://HOST:PORT, got 'http://desk:4222'",
    ),
    pytest.param(
        '[feed]\nmarket = "in.dia"\n',
        "line 2: feed.market: letters, digits, '-' and '_' only (it names NATS subjects)",
    ),
    pytest.param(
        '[feed]\nuser = "desk"\ntoken = "t"\n',
        "line 3: feed.token: give a token or a user and password, not both",
    ),
    pytest.param('[feed]\npassword = "p"\n', "line 2: feed.password: a password needs a user"),
    pytest.param(
        '[serve]\npassword = "short"\n', "line 2: serve.password: use at least 12 characters"
    ),
    pytest.param(
        "[history]\nmovers = 3\n", "line 2: history.movers: unknown key (it belongs in [display])"
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_each_problem_gives_one_message_with_file_key_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, known_providers=KNOWN)
    assert str(caught.value) == f"config error in {path}, {expected}"
    assert caught.value.file == str(path)
    assert path.read_text(encoding="utf-8") == text  # never rewritten


def test_feed_and_serve_sections() -> None:
    config = parse_config(
        '[feed]\nurl = "tls://desk.example:4222"\nmarket = "desk-1"\ntoken = "s3cret"\n'
        'tls_ca = "~/ca.pem"\n[serve]\npassword = "twelve chars!"\n'
    )
    assert config.feed.url == "tls://desk.example:4222" and config.feed.market == "desk-1"
    assert config.feed.token == "s3cret" and config.feed.user is None
    assert config.feed.tls_ca == str(Path("~/ca.pem").expanduser())
    assert config.serve.password == "twelve chars!"
    assert Config().feed.url is None and Config().serve.password is None  # standalone, local


def test_a_missing_or_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: file not found$"):
        load_config(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"[display]\nmovers = 1\n\xff\xfe")
    with pytest.raises(ConfigError, match=r"binary\.toml: not UTF-8 text \(byte 21\)$"):
        load_config(binary)


def test_a_missing_default_file_means_defaults_but_a_named_one_is_an_error(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "config.toml"
    assert load_config_or_default(missing, explicit=False) == Config()
    with pytest.raises(ConfigError, match="file not found"):
        load_config_or_default(missing, explicit=True)
    write(tmp_path, "[display]\nmovers = 4\n")
    assert load_config_or_default(missing, explicit=False).display.movers == 4


# -- flags override the file ---------------------------------------------------------------------


def test_flags_override_the_config() -> None:
    config = parse_config("[refresh]\nopen = 30\nclosed = 60\n[display]\nmovers = 8\n")
    flagged = config.with_overrides(interval=90, movers=3, anchor="2024-09-27", provider="nse")
    assert flagged.refresh.open == 90 and flagged.refresh.closed == 90  # closed >= open
    assert flagged.display.movers == 3
    assert flagged.display.anchors == (date(2024, 9, 27),)
    assert all(flagged.sources.for_part(part) == ("nse",) for part in Part)
    assert config.refresh.open == 30 and config.display.movers == 8  # the original is intact
    assert config.with_overrides() == config


def test_a_provider_flag_routes_only_what_the_provider_supplies() -> None:
    flagged = Config().with_overrides(provider="yahoo", provider_parts={Part.INDICES})
    assert flagged.sources.routes() == {"indices": ("yahoo",)}


def test_an_anchor_already_listed_moves_to_the_front() -> None:
    config = parse_config('[display]\nanchors = ["2024-09-27", "2025-04-07"]\n')
    assert config.with_overrides(anchor=date(2025, 4, 7)).display.anchors == (
        date(2025, 4, 7),
        date(2024, 9, 27),
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        ({"interval": 0}, "--interval must be 0.1 to 86400 seconds, got 0"),
        ({"movers": 0}, "--movers must be 1 to 500, got 0"),
        ({"anchor": "April"}, "--anchor must be a date like 2025-04-07, got 'April'"),
    ],
)
def test_unusable_flag_values_name_the_flag(flags: dict, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        Config().with_overrides(**flags)
    assert str(caught.value) == message


# -- the config command ---------------------------------------------------------------------


def test_init_then_check_succeeds_on_a_fresh_machine(fresh_home: Path, capsys) -> None:
    target = resolve_paths().config
    assert not target.parent.exists()
    assert main(["config", "--init"]) == 0
    assert target.read_text(encoding="utf-8") == default_config_text()
    assert main(["config", "--check"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {target}" in out
    assert f"{target}: OK (providers: nse, bse, yahoo, files)" in out


def test_init_refuses_to_overwrite(fresh_home: Path, capsys) -> None:
    target = resolve_paths().config
    target.parent.mkdir(parents=True)
    target.write_text("# mine\n", encoding="utf-8")
    assert main(["config", "--init"]) == 2
    assert target.read_text(encoding="utf-8") == "# mine\n"
    assert "already exists; not overwriting it" in capsys.readouterr().err


def test_check_reports_a_bad_file_and_leaves_it_untouched(fresh_home: Path, capsys) -> None:
    bad = fresh_home / "bad.toml"
    bad.write_text("[display]\nmovers = 0\n", encoding="utf-8")
    before = bad.stat().st_mtime_ns
    assert main(["config", "--check", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"capwatch: config error in {bad}, line 2: display.movers: must be 1 to 500, got 0\n"
    )
    assert bad.stat().st_mtime_ns == before


def test_check_without_a_file_says_defaults_apply(fresh_home: Path, capsys) -> None:
    assert main(["config", "--check"]) == 0
    assert "built-in defaults apply (demo market)" in capsys.readouterr().out


def test_check_of_a_named_missing_file_fails(fresh_home: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(fresh_home / "nowhere.toml"))
    assert main(["config", "--check"]) == 2
    assert "nowhere.toml: file not found" in capsys.readouterr().err


def test_path_prints_the_files_in_use(fresh_home: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(fresh_home / "env.toml"))
    assert main(["config", "--path"]) == 0
    out = capsys.readouterr().out
    assert f"config:  {fresh_home / 'env.toml'} ({CONFIG_ENV}; not created" in out
    assert f"history: {fresh_home / 'data' / 'capwatch' / 'history.db'}" in out
    assert main(["config", "--path", "--config", str(fresh_home / "flag.toml")]) == 0
    assert f"{fresh_home / 'flag.toml'} (--config;" in capsys.readouterr().out
