"""Find providers: the built-ins plus third-party plugins from the entry-point group
``capwatch.providers``.

A plugin entry point names a factory: ``factory(settings: Mapping[str, object]) -> Provider``,
with an optional ``PARTS`` (an iterable of part names, on the factory or its module) and a
docstring used by ``capwatch providers``. Built-ins are imported lazily so listing them stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points

from providers.base import Provider
from providers.contract import Part

ENTRY_POINT_GROUP = "capwatch.providers"

Factory = Callable[[Mapping[str, object]], Provider]

#: name -> (module:factory, parts, one-line description)
BUILTINS: dict[str, tuple[str, frozenset[Part], str]] = {
    "demo": (
        "providers.demo:create",
        frozenset(Part),
        "Simulated Indian market (offline, labelled DEMO)",
    ),
    "nse": (
        "providers.nse:create",
        frozenset(
            {Part.INDICES, Part.STOCKS, Part.BREADTH, Part.EARNINGS, Part.STATUS, Part.HISTORY}
        ),
        "NSE India website JSON (unofficial)",
    ),
    "bse": (
        "providers.bse:create",
        frozenset({Part.INDICES, Part.BREADTH, Part.STOCKS, Part.EARNINGS}),
        "BSE India website JSON (unofficial)",
    ),
    "yahoo": (
        "providers.yahoo:create",
        frozenset({Part.INDICES}),
        "Yahoo Finance chart API (index levels)",
    ),
    "files": (
        "providers.files:create",
        frozenset({Part.RATINGS, Part.EARNINGS}),
        "Your CSV/JSON file or URL of analyst ratings and earnings",
    ),
}


@dataclass(frozen=True, slots=True)
class ProviderInfo:
    name: str
    target: str  # "module:attribute"
    parts: frozenset[Part]
    description: str
    builtin: bool

    def load(self) -> Factory:
        module_name, _, attr = self.target.partition(":")
        module = importlib.import_module(module_name)
        return getattr(module, attr)


class UnknownProvider(LookupError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown provider {name!r}; known: {', '.join(known)}")
        self.name = name


def _plugin_infos() -> list[ProviderInfo]:
    infos = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            factory = ep.load()
            module = importlib.import_module(factory.__module__)
            declared = getattr(factory, "PARTS", None) or getattr(module, "PARTS", ())
            parts = frozenset(Part(p) for p in declared)
        except Exception as exc:  # a broken plugin must not break the monitor
            infos.append(
                ProviderInfo(ep.name, ep.value, frozenset(), f"failed to load: {exc}", False)
            )
            continue
        doc = (factory.__doc__ or "").strip().splitlines()
        infos.append(ProviderInfo(ep.name, ep.value, parts, doc[0] if doc else "", False))
    return infos


def _builtin(name: str) -> ProviderInfo:
    target, parts, description = BUILTINS[name]
    return ProviderInfo(name, target, parts, description, True)


def available() -> dict[str, ProviderInfo]:
    """Every provider found, built-ins first; a plugin cannot shadow a built-in."""
    found = {name: _builtin(name) for name in BUILTINS}
    for info in _plugin_infos():
        found.setdefault(info.name, info)
    return found


def create(name: str, settings: Mapping[str, object] | None = None) -> Provider:
    """Instantiate provider ``name`` with its ``[providers.NAME]`` settings. A built-in needs
    no scan of installed plugins (they cannot shadow it), which keeps start-up short."""
    if name in BUILTINS:
        return _builtin(name).load()(settings or {})
    infos = available()
    if name not in infos:
        raise UnknownProvider(name, sorted(infos))
    return infos[name].load()(settings or {})
