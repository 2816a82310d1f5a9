"""Each built-in declares its settings and data kinds once (its ``SPEC``); config, the
registry, the provider and the README all agree with that one declaration."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from providers import registry
from providers.contract import Part
from providers.schema import Kind, Setting, SettingError
from tui.settings.config import ConfigError, parse_config

README = Path(__file__).resolve().parents[2] / "README.md"
COMMON = {"base_url", "requests_per_second", "timeout"}


def _readme_keys() -> dict[str, set[str]]:
    """Provider -> keys named in README's settings tables (demo's own table included)."""
    text = README.read_text(encoding="utf-8")
    keys: dict[str, set[str]] = {}
    for provider, cell in re.findall(r"^\| (nse|bse|yahoo|files) \| ([^|]+) \|", text, re.M):
        keys.setdefault(provider, set()).update(re.findall(r"`(\w+)`", cell))
    demo = text.split("Settings (`[providers.demo]`", 1)[1].split("\n\n", 2)[1]
    keys["demo"] = set(re.findall(r"^\| `(\w+)` \|", demo, re.M))
    return keys


@pytest.mark.parametrize("name", registry.BUILTINS)
def test_readme_lists_exactly_the_declared_keys(name: str) -> None:
    declared = set(registry.builtin_spec(name).keys) - COMMON
    assert _readme_keys()[name] == declared


@pytest.mark.parametrize("name", registry.BUILTINS)
def test_config_knows_exactly_the_declared_keys(name: str) -> None:
    spec = registry.builtin_spec(name)
    for key in spec.keys:  # every declared key is accepted with its default's shape...
        default = spec.setting(key).default  # type: ignore[union-attr]
        if default is None or default == {}:
            continue
        value = dict(default) if isinstance(default, Mapping) else default
        text = f"[providers.{name}]\n{key} = {_toml(value)}\n"
        parse_config(text)
    with pytest.raises(ConfigError, match=rf"providers\.{name}\.nosuchkey: unknown key"):
        parse_config(f"[providers.{name}]\nnosuchkey = 1\n")  # ...and nothing else


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + "}"
    return repr(value)


@pytest.mark.parametrize("name", registry.BUILTINS)
def test_the_provider_supplies_the_declared_parts_and_takes_the_defaults(name: str) -> None:
    spec = registry.builtin_spec(name)
    factory = registry.available()[name].load()
    provider = factory({"start": "2026-02-11T11:30"} if name == "demo" else {})
    assert provider.parts == spec.parts


def test_demo_minimum_stocks_is_what_the_universe_needs() -> None:
    from providers.demo.universe import MIN_STOCKS

    assert registry.builtin_spec("demo").setting("stocks").low == MIN_STOCKS  # type: ignore[union-attr]


def test_env_fallback_is_used_only_when_the_key_is_not_set(monkeypatch) -> None:
    spec = registry.builtin_spec("nse")
    monkeypatch.setenv("CAPWATCH_NSE_BASE_URL", "http://127.0.0.1:9")
    assert spec.resolve({})["base_url"] == "http://127.0.0.1:9"
    assert spec.resolve({"base_url": "http://x"})["base_url"] == "http://x"


def test_a_setting_checks_type_range_choices_and_names_the_exact_key() -> None:
    rate = Setting("rate", Kind.NUMBER, 1.0, "", low=0, high=8)
    assert rate.check("p", 3) == 3.0 and isinstance(rate.check("p", 3), float)
    with pytest.raises(SettingError, match=r"providers\.p\.rate: must be > 0 and <= 8, got 9"):
        rate.check("p", 9)
    segments = Setting("segments", Kind.TEXT_TABLE, {}, "", choices=("large", "mid"))
    with pytest.raises(SettingError, match=r"providers\.p\.segments\.X: expected one of large"):
        segments.check("p", {"X": "giant"})


def test_listing_providers_and_checking_config_stay_light() -> None:
    code = (
        "import sys; from providers import registry; registry.available();"
        "from tui.settings.config import parse_config;"
        "parse_config('[providers.nse]\\ntimeout = 5\\n[providers.demo]\\nseed = 1\\n');"
        "heavy = [m for m in ('httpx', 'numpy', 'pandas', 'textual') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_part_is_supplied_by_some_builtin() -> None:
    supplied = set().union(*(registry.builtin_spec(n).parts for n in registry.BUILTINS))
    assert supplied == set(Part)


def test_urls_and_non_finite_numbers_are_refused_with_the_key() -> None:
    with pytest.raises(ConfigError, match=r"providers\.nse\.base_url: expected an http"):
        parse_config('[providers.nse]\nbase_url = "www.nseindia.com"\n')
    with pytest.raises(ConfigError, match=r"providers\.yahoo\.timeout: must be a finite number"):
        parse_config("[providers.yahoo]\ntimeout = inf\n")
    with pytest.raises(ConfigError, match=r"providers\.demo\.seed: must be 0 to 4294967295"):
        parse_config("[providers.demo]\nseed = -1\n")


def test_the_written_config_says_the_declared_defaults() -> None:
    from tui.settings.config import default_config_text

    config = parse_config(default_config_text())
    for name in ("nse", "bse", "yahoo"):
        written = config.provider_settings(name)
        assert written and written == {
            key: value
            for key, value in registry.builtin_spec(name).defaults.items()
            if key in written
        }
