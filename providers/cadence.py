"""Data that changes slowly is fetched on its own cadence, not on every refresh.

Quotes and breadth move every second; a results calendar, a holiday list or an index's member
list change a few times a day at most. Asking for them on every refresh multiplied the
requests a monitor sends NSE (which blocks busy clients) for nothing, so each such kind sits
behind an ``Every``: fetched when older than its period, the last good value kept (and its
age shown) when a fetch fails, and a failed fetch not repeated for ``retry_after`` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Generic, TypeVar

from providers.base import ProviderError

log = logging.getLogger(__name__)
T = TypeVar("T")


class Every(Generic[T]):
    """One kind of slow data: ``get(load)`` calls ``load`` at most once per ``period`` s."""

    def __init__(
        self, name: str, period: float, now: Callable[[], datetime], retry_after: float = 300.0
    ) -> None:
        self.name = name
        self.period = period
        self.retry_after = min(retry_after, period)
        self._now = now
        self.value: T | None = None
        self.fetched_at: datetime | None = None
        self._failed_at: datetime | None = None
        self._error: ProviderError | None = None

    def _older_than(self, moment: datetime | None, seconds: float) -> bool:
        return moment is None or (self._now() - moment).total_seconds() >= seconds

    def keep(self, value: T, fetched_at: datetime) -> None:
        """Adopt a value fetched elsewhere (a stored copy) as if fetched at ``fetched_at``."""
        self.value, self.fetched_at = value, fetched_at

    async def get(self, load: Callable[[], Awaitable[T]]) -> T:
        """The current value: fresh enough, newly loaded, or (on failure) the last good one."""
        if self.value is not None and not self._older_than(self.fetched_at, self.period):
            return self.value
        if self._error is not None and not self._older_than(self._failed_at, self.retry_after):
            if self.value is not None:
                return self.value
            raise self._error
        try:
            value = await load()
        except ProviderError as exc:
            self._failed_at, self._error = self._now(), exc
            if self.value is None:
                raise
            log.warning("%s: keeping the copy from %s: %s", self.name, self.fetched_at, exc)
            return self.value
        self.value, self.fetched_at = value, self._now()
        self._failed_at = self._error = None
        return value
