"""NSE India (www.nseindia.com) website JSON: unofficial, personal use, low request rates.

The names below load on first use, so reading the light ``providers.nse.spec`` (config
checking, ``capwatch providers``) does not import httpx.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "PastLevel": "providers.nse.payloads",
    "NseProvider": "providers.nse.provider",
    "create": "providers.nse.provider",
    "NseSettings": "providers.nse.settings",
    "BASE_URL_ENV": "providers.nse.spec",
}

__all__ = ["BASE_URL_ENV", "NseProvider", "NseSettings", "PastLevel", "create"]


def __getattr__(name: str) -> object:
    if name not in _LAZY:
        raise AttributeError(f"module 'providers.nse' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
