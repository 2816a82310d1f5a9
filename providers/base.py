"""The Provider protocol and the typed errors providers raise.

A provider is async and owns its network resources; callers ``await provider.aclose()``.
History is a wide pandas frame (one row per trading day, one column per index name or
stock symbol, values are closes) because analytics consumes it vectorised.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from providers.contract import Part, Snapshot

if TYPE_CHECKING:  # pandas is heavy; providers import it lazily where they need it
    import pandas as pd

#: The longest pause a source may impose (seconds): a longer ``Retry-After`` is capped to it.
MAX_SERVER_DELAY_S = 3600.0


class ProviderError(Exception):
    """Base of every error a provider raises; always names the provider.

    A fetch in which every part failed raises one of its parts' errors; ``parts`` then says
    why each part failed, so a stocks failure is not blamed on the indices endpoint."""

    def __init__(self, provider: str, message: str) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.message = message
        self.parts: Mapping[Part, str] = {}

    def with_parts(self, parts: Mapping[Part, str]) -> ProviderError:
        """This error, saying why each part failed (see the class docstring)."""
        self.parts = dict(parts)
        return self


class ProviderUnavailable(ProviderError):
    """The source could not be reached or refused us (DNS, TLS, timeout, 401/403, 5xx)."""


class RateLimited(ProviderError):
    """The source asked us to slow down; ``retry_after`` is seconds, when it said."""

    def __init__(self, provider: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(provider, message)
        self.retry_after = retry_after


class BadPayload(ProviderError):
    """The source answered, but not in the shape we expect; ``field`` names what was wrong."""

    def __init__(self, provider: str, field: str, message: str) -> None:
        super().__init__(provider, f"bad payload at {field!r}: {message}")
        self.field = field


@runtime_checkable
class Provider(Protocol):
    """What the monitor needs from a data source."""

    name: str
    parts: frozenset[Part]
    simulated: bool

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        """One snapshot of ``parts`` (default: all it supplies). Per-part failures go to
        ``Snapshot.errors``; a total failure raises a ``ProviderError``."""
        ...

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """Daily closes, oldest first, index = ``DatetimeIndex`` of trading days (naive dates,
        IST), columns = index names and/or stock symbols. Empty frame when not supplied."""
        ...

    async def aclose(self) -> None:
        """Release network clients and files."""
        ...
