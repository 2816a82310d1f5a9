"""``capwatch providers``: the providers found (built-in and plugins) and what each supplies;
``capwatch providers NAME``: a built-in's settings, as its ``SPEC`` declares them."""

from __future__ import annotations

import argparse
import sys

from providers.contract import Part
from providers.schema import ProviderSpec, Setting


def _parts(parts: frozenset[Part]) -> str:
    return ", ".join(part.value for part in Part if part in parts) or "-"


def _default(setting: Setting) -> str:
    value = setting.default
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict) or hasattr(value, "items"):
        return f"{len(value)} entries" if value else "{}"  # type: ignore[arg-type]
    return str(value)


def _meaning(setting: Setting) -> str:
    notes = [note for note in (setting.range_text(), setting.env and f"env {setting.env}") if note]
    return setting.help + (f" ({'; '.join(notes)})" if notes else "")


def settings_table(spec: ProviderSpec) -> str:
    """The ``[providers.NAME]`` keys of ``spec``: type, default and meaning."""
    from tui.output.export import text_table

    rows = [(s.key, s.kind.value, _default(s), _meaning(s)) for s in spec.settings]
    head = f"[providers.{spec.name}]: {spec.description}; supplies {_parts(spec.parts)}"
    return head + "\n" + text_table(("KEY", "TYPE", "DEFAULT", "MEANING"), rows)


def run(args: argparse.Namespace) -> int:
    from providers import registry
    from tui.output.export import text_table

    name = getattr(args, "name", None)
    if name is not None:
        if name not in registry.BUILTINS:
            known = ", ".join(registry.BUILTINS)
            print(f"capwatch: {name!r} is not a built-in provider ({known})", file=sys.stderr)
            return 2
        print(settings_table(registry.builtin_spec(name)))
        return 0
    rows = [
        (info.name, "built-in" if info.builtin else "plugin", _parts(info.parts), info.description)
        for info in registry.available().values()
    ]
    print(text_table(("NAME", "KIND", "SUPPLIES", "DESCRIPTION"), rows))
    return 0
