"""Where data comes from: flag > config file > built-in default (the demo market)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from providers.compose import ComposedProvider
from providers.contract import IST, Part
from providers.demo import DemoProvider
from tui.cli import build_parser
from tui.settings import wiring
from tui.settings.config import ConfigError

LIVE_CONFIG = """
[sources]
indices = ["nse", "yahoo"]
stocks = ["nse"]
breadth = ["nse"]
ratings = []
earnings = ["nse"]
status = ["nse"]
history = ["nse"]

[providers.nse]
base_url = "http://127.0.0.1:9"

[display]
movers = 7
"""


def _args(*argv: str):
    return build_parser().parse_args(list(argv))


@pytest.fixture
def live_config(tmp_path: Path) -> Path:
    path = tmp_path / "live.toml"
    path.write_text(LIVE_CONFIG)
    return path


def test_no_config_means_the_demo_market() -> None:
    the_plan = wiring.plan(_args())
    assert the_plan.origin == "built-in defaults"
    assert isinstance(wiring.build_provider(the_plan, {}), DemoProvider)


async def test_config_routes_compose_the_named_providers(live_config: Path) -> None:
    the_plan = wiring.plan(_args("--config", str(live_config)))
    assert the_plan.routes["indices"] == ("nse", "yahoo")
    assert "ratings" not in the_plan.routes
    assert the_plan.config.display.movers == 7
    provider = wiring.build_provider(the_plan, wiring.provider_settings(the_plan, _args()))
    try:
        assert isinstance(provider, ComposedProvider)
    finally:
        await provider.aclose()


def test_flags_beat_the_config(live_config: Path) -> None:
    the_plan = wiring.plan(
        _args("--config", str(live_config), "--movers", "3", "--anchor", "2025-04-07")
    )
    assert the_plan.config.display.movers == 3
    assert the_plan.config.display.anchors[0] == date(2025, 4, 7)


def test_demo_flag_beats_a_live_config(live_config: Path) -> None:
    the_plan = wiring.plan(_args("--config", str(live_config), "--demo"))
    assert set(the_plan.config.sources.provider_names()) == {"demo"}
    assert "--demo" in the_plan.origin


def test_provider_flag_routes_only_the_kinds_it_supplies(live_config: Path) -> None:
    the_plan = wiring.plan(_args("--config", str(live_config), "--provider", "yahoo"))
    assert the_plan.routes == {Part.INDICES.value: ("yahoo",)}


def test_unknown_provider_flag_is_named() -> None:
    with pytest.raises(ValueError, match="unknown provider 'nope'"):
        wiring.plan(_args("--provider", "nope"))


def test_a_named_config_file_that_is_missing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml"):
        wiring.plan(_args("--config", str(tmp_path / "missing.toml")))


def test_seed_alone_pins_the_demo_clock_only_when_reproducible() -> None:
    the_plan = wiring.plan(_args("--demo", "--seed", "7"))
    pinned = wiring.provider_settings(the_plan, _args("--seed", "7"), reproducible=True)
    live = wiring.provider_settings(the_plan, _args("--seed", "7"))
    assert pinned["demo"] == {"seed": 7, "start": wiring.REPRODUCIBLE_START}
    assert live["demo"] == {"seed": 7}


def test_start_flag_is_passed_to_the_demo() -> None:
    args = _args("--demo", "--start", "2026-03-02T10:15")
    settings = wiring.provider_settings(wiring.plan(args), args)
    assert settings["demo"]["start"] == datetime(2026, 3, 2, 10, 15, tzinfo=IST)
