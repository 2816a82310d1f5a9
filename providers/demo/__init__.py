"""The built-in demo provider: a simulated Indian market that works offline.

``create({"seed": 7, "start": "2026-02-11T11:30"})`` gives a provider whose snapshots are
exactly reproducible; without ``start`` the simulated clock starts now (IST). See
``spec.SPEC`` for every setting and README.md ("Demo market") for the model. The names below
load on first use, so reading the light ``providers.demo.spec`` does not import numpy.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "DEFAULTS": "providers.demo.spec",
    "DemoProvider": "providers.demo.provider",
    "create": "providers.demo.provider",
}

__all__ = ["DEFAULTS", "DemoProvider", "create"]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'providers.demo' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
