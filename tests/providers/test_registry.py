"""The provider registry: built-ins, entry-point plugins, unknown names, broken plugins."""

from __future__ import annotations

from pathlib import Path

import pytest

from providers import registry
from providers.contract import Part

PLUGINS = Path(__file__).parent.parent / "fixtures" / "plugins"


def _install(site: Path, dist: str, entry_points: dict[str, str]) -> None:
    """What ``pip install`` leaves behind for a plugin: a dist-info with entry points."""
    info = site / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = [f"{name} = {target}" for name, target in entry_points.items()]
    text = f"[{registry.ENTRY_POINT_GROUP}]\n" + "\n".join(lines) + "\n"
    (info / "entry_points.txt").write_text(text)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_builtins_are_listed_with_their_parts() -> None:
    found = registry.available()
    assert {"demo", "nse", "bse", "yahoo", "files"} <= set(found)
    assert found["demo"].builtin
    assert found["demo"].parts == frozenset(Part)
    assert Part.RATINGS not in found["nse"].parts


def test_plugin_registered_through_an_entry_point_is_found_and_created(site: Path) -> None:
    _install(site, "capwatch_testplugin", {"testfeed": "capwatch_testplugin:create"})

    info = registry.available()["testfeed"]
    provider = registry.create("testfeed", {"token": "abc"})

    assert not info.builtin
    assert info.parts == frozenset({Part.INDICES, Part.STATUS})
    assert info.description == "Test feed that echoes its settings (test plugin)."
    assert provider.name == "testfeed"
    assert provider.settings == {"token": "abc"}


async def test_created_plugin_fetches(site: Path) -> None:
    _install(site, "capwatch_testplugin", {"testfeed": "capwatch_testplugin:create"})
    snapshot = await registry.create("testfeed").fetch()
    assert snapshot.provider == "testfeed"


def test_broken_plugin_is_listed_without_breaking_the_others(site: Path) -> None:
    _install(site, "capwatch_brokenplugin", {"brokenfeed": "capwatch_brokenplugin:create"})
    _install(site, "capwatch_testplugin", {"testfeed": "capwatch_testplugin:create"})

    found = registry.available()

    assert "failed to load" in found["brokenfeed"].description
    assert found["brokenfeed"].parts == frozenset()
    assert "testfeed" in found
    assert "demo" in found


def test_plugin_declaring_an_unknown_part_is_listed_as_failed(site: Path) -> None:
    _install(site, "capwatch_badparts", {"badparts": "capwatch_badparts:create"})
    _install(site, "capwatch_testplugin", {"testfeed": "capwatch_testplugin:create"})

    found = registry.available()

    assert "quotes" in found["badparts"].description
    assert found["badparts"].parts == frozenset()
    assert found["testfeed"].parts == frozenset({Part.INDICES, Part.STATUS})


def test_plugin_cannot_shadow_a_builtin(site: Path) -> None:
    _install(site, "capwatch_testplugin", {"demo": "capwatch_testplugin:create"})
    info = registry.available()["demo"]
    assert info.builtin
    assert info.target == "providers.demo:create"


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(registry.UnknownProvider, match=r"known: .*demo"):
        registry.create("no-such-provider")


def test_built_ins_are_known_without_scanning_installed_plugins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The scan imports importlib.metadata and every plugin (~40 ms of each start)."""
    scans: list[int] = []
    monkeypatch.setattr(registry, "_plugin_infos", lambda: scans.append(1) or [])
    known = registry.Providers()
    assert "nse" in known and known["demo"].builtin and not scans
    assert "someplugin" not in known and scans == [1]


def test_the_lazy_list_scans_only_for_a_name_that_is_not_built_in(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``capwatch`` checks its config and flags against: built-ins cost no scan, and a
    plugin is found once one is named (with one scan, however many lookups follow)."""
    _install(site, "capwatch_testplugin", {"testfeed": "capwatch_testplugin:create"})
    everything = registry.available()
    scans: list[int] = []
    scan = registry._plugin_infos
    monkeypatch.setattr(registry, "_plugin_infos", lambda: scans.append(1) or scan())
    providers = registry.Providers()
    assert "demo" in providers and providers["nse"] == everything["nse"]
    assert not scans
    assert "testfeed" in providers and providers["testfeed"] == everything["testfeed"]
    assert "missing" not in providers
    assert dict(providers) == everything
    assert scans == [1]
