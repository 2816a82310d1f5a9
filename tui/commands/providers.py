"""``capwatch providers``: the providers found (built-in and plugins) and what each supplies."""

from __future__ import annotations

import argparse

from providers.contract import Part


def _parts(parts: frozenset[Part]) -> str:
    return ", ".join(part.value for part in Part if part in parts) or "-"


def run(args: argparse.Namespace) -> int:
    from providers import registry
    from tui.output.export import text_table

    rows = [
        (info.name, "built-in" if info.builtin else "plugin", _parts(info.parts), info.description)
        for info in registry.available().values()
    ]
    print(text_table(("NAME", "KIND", "SUPPLIES", "DESCRIPTION"), rows))
    return 0
