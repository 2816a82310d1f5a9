"""``config --check`` and the flags reject what would freeze, crash or flood the monitor:
non-finite and out-of-range numbers, bad URLs, unknown themes, settings a provider refuses
(issue 12, items 7 and 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.settings.config import Config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[refresh]\nopen = inf\n", "line 2: refresh.open: must be a finite number, got inf"),
        ("[refresh]\nclosed = nan\n", "line 2: refresh.closed: must be a finite number, got nan"),
        ("[refresh]\nheartbeat = 1e20\n", "refresh.heartbeat: must be 0.1 to 86400, got 1e+20"),
        ("[history]\ndaily_years = 5000\n", "history.daily_years: must be 1 to 100, got 5000"),
        (
            '[sources]\nindices = ["nse"]\n[providers.nse]\nrequests_per_second = 1e-300\n',
            "line 4: providers.nse.requests_per_second: must be 0.01 to 100, got 1e-300",
        ),
        (
            '[sources]\nindices = ["nse"]\n[providers.nse]\nbase_url = "not a url"\n',
            "line 4: providers.nse.base_url: expected an http:// or https:// URL, got 'not a url'",
        ),
        ("[providers.nse]\ntimeout = 1e9\n", "providers.nse.timeout: must be 0.1 to 600, got"),
        ("[display]\nmovers = 100000\n", "display.movers: must be 1 to 500, got 100000"),
        (
            '[display]\ntheme = "solarised"\n',
            "line 2: display.theme: unknown theme 'solarised'; known: ",
        ),
        (
            '[sources]\nindices = ["nse"]\n[providers.nse]\nconstituents = ["NIFTY 5O"]\n',
            "providers.nse.constituents: NIFTY 5O not in providers.nse.segments",
        ),
    ],
)
def test_check_rejects_what_the_monitor_would(
    fresh_home: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = fresh_home / "capwatch.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["config", "--check", "--config", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_check_passes_the_default_live_config(
    fresh_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "--init"]) == 0
    assert main(["config", "--check"]) == 0
    assert ": OK (providers: nse, " in capsys.readouterr().out


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e20, -1.0, 0.0])
def test_the_interval_flag_refuses_unusable_values(value: float) -> None:
    with pytest.raises(ValueError, match=r"--interval must be 0\.1 to 86400 seconds"):
        Config().with_overrides(interval=value)


@pytest.mark.parametrize("flag", ["nan", "inf"])
def test_the_monitor_exits_2_on_a_non_finite_interval(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--demo", "--interval", flag]) == 2
    assert "--interval must be" in capsys.readouterr().err
