"""Find providers: the built-ins plus third-party plugins from the entry-point group
``capwatch.providers``.

A plugin entry point names a factory: ``factory(settings: Mapping[str, object]) -> Provider``,
with an optional ``PARTS`` (an iterable of part names, on the factory or its module) and a
docstring used by ``capwatch providers``. A built-in is known by its light ``SPEC`` module and
imported only when created, so listing them and checking the config stay cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from msgspec import Struct

from providers.base import Provider
from providers.contract import Part
from providers.schema import ProviderSpec

ENTRY_POINT_GROUP = "capwatch.providers"

Factory = Callable[[Mapping[str, object]], Provider]

#: Built-in name -> the light module holding its ``SPEC`` (settings, parts, description).
SPEC_MODULES: Mapping[str, str] = {
    "demo": "providers.demo.spec",
    "nse": "providers.nse.spec",
    "bse": "providers.bse_spec",
    "yahoo": "providers.yahoo_spec",
    "files": "providers.files_spec",
}
BUILTINS = tuple(SPEC_MODULES)


def builtin_spec(name: str) -> ProviderSpec:
    """The declaration of built-in ``name`` (``KeyError`` for any other name)."""
    return importlib.import_module(SPEC_MODULES[name]).SPEC


class ProviderInfo(Struct, frozen=True):
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
    from importlib.metadata import entry_points  # ~40 ms: only when plugins are looked for

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
    spec = builtin_spec(name)
    return ProviderInfo(name, spec.factory, spec.parts, spec.description, True)


class Providers(Mapping[str, ProviderInfo]):
    """``available()``, scanning the installed plugins only when a name that is not a
    built-in is looked up, or the whole list is read (a plugin cannot shadow a built-in):
    what the config and the flags are checked against, at no cost when they name built-ins."""

    def __init__(self) -> None:
        self._found: dict[str, ProviderInfo] | None = None

    def _all(self) -> dict[str, ProviderInfo]:
        if self._found is None:
            self._found = available()
        return self._found

    def __getitem__(self, name: str) -> ProviderInfo:
        return _builtin(name) if name in BUILTINS else self._all()[name]

    def __contains__(self, name: object) -> bool:
        return name in BUILTINS or name in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


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
