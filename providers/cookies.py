"""When a site's cookie jar is renewed: before it goes stale, after a dead-session sign, and
never faster than a handful of primes a minute.

NSE's cookies go stale without notice, and over HTTP/2 a stale cookie shows up as a stream
reset or a connection closed without an answer, not as a 401 (eod2 and NseIndiaApi issues).
Waiting for a clean refusal therefore never comes: the jar is renewed on a timer and after a
number of API calls (stock-nse-india renews after 60 s or 10 uses, src/index.ts), and started
afresh after a dropped connection or repeated transport errors. Priming can itself be refused
(a 403/502/503 or an Akamai "Access Denied" page, which stock-nse-india treats as non-fatal):
with ``best_effort`` it is retried with backoff and then the API call goes ahead and its answer
decides. One prime is in flight at a time and every request that needs the jar waits for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable

import httpx
from msgspec import Struct

from providers.base import ProviderUnavailable

log = logging.getLogger(__name__)

#: The window of the primes-per-minute cap, seconds.
PRIME_WINDOW_S = 60.0


class CookiePolicy(Struct, frozen=True):
    """How a source renews its jar. The defaults keep a jar until it is refused (Yahoo);
    NSE's provider passes the renewal timers of the public clients."""

    max_age: float | None = None  # renew a jar this many seconds old
    max_uses: int | None = None  # renew after this many API calls on one jar
    primes_per_minute: int = 5  # priming requests (retries included) allowed per minute
    prime_attempts: int = 1  # tries of a refused priming page, with backoff between
    best_effort: bool = False  # after the last try, go ahead instead of failing
    dead_after_errors: int = 2  # consecutive transport errors that mean a dead session


class CookieSession:
    """The jar's state: its generation (bumped by every renewal), age and uses, and the
    single-flight renewal. ``renewals`` counts renewals by reason, for ``doctor``."""

    def __init__(
        self,
        name: str,
        policy: CookiePolicy,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        backoff: Callable[[int], float],
    ) -> None:
        self.name = name
        self.policy = policy
        self.generation = 0
        self.primed_at: float | None = None
        self.uses = 0
        self.renewing = False
        self.dead = False  # a call on this jar got no answer: no more calls until renewed
        self.renewals: Counter[str] = Counter()
        self.last_prime_error: str | None = None
        self._clock = clock
        self._sleep = sleep
        self._backoff = backoff
        self._lock = asyncio.Lock()
        self._primes: deque[float] = deque()
        self._priming_task: asyncio.Task | None = None
        self._transport_errors = 0

    @property
    def age(self) -> float | None:
        """Seconds since the jar was last (re)primed; None before the first prime."""
        return None if self.primed_at is None else self._clock() - self.primed_at

    def is_priming(self) -> bool:
        """Whether the running task is the prime hook (its requests are priming requests)."""
        return self._priming_task is not None and asyncio.current_task() is self._priming_task

    def primes_in_last_minute(self) -> int:
        horizon = self._clock() - PRIME_WINDOW_S
        while self._primes and self._primes[0] <= horizon:
            self._primes.popleft()
        return len(self._primes)

    def _due(self) -> str | None:
        """Why the jar must be renewed before the next API call, if it must."""
        if self.generation == 0:
            return "first"
        if self.dead:
            return "dead"
        age = self.age
        if self.policy.max_age is not None and age is not None and age >= self.policy.max_age:
            return "age"
        if self.policy.max_uses is not None and self.uses >= self.policy.max_uses:
            return "uses"
        return None

    async def ready(self, prime: Callable[[], Awaitable[None]]) -> None:
        """Before an API call: wait for a renewal in flight, renew when due, count the use."""
        reason = self._due()
        if reason is not None or self.renewing:
            await self.renew(prime, self.generation, reason)
        self.uses += 1

    def answered(self) -> None:
        """The site answered (any status): the session is alive."""
        self._transport_errors = 0

    def transport_failed(self, error: httpx.TransportError, generation: int) -> bool:
        """Whether this failure means the session is dead: a stream reset or a connection
        closed without an answer at once, other transport errors when they repeat."""
        if generation != self.generation:
            return False  # the jar it went out with is already replaced
        self._transport_errors += 1
        dropped = isinstance(error, httpx.RemoteProtocolError)
        self.dead = dropped or self._transport_errors >= self.policy.dead_after_errors
        return self.dead

    async def renew(
        self, prime: Callable[[], Awaitable[None]], seen_generation: int, reason: str | None
    ) -> None:
        """Prime a fresh jar unless another request already did since ``seen_generation``.

        Over the primes-per-minute cap a timer renewal is put off (the jar is kept a while
        longer); a jar that is missing, dead or refused raises ``ProviderUnavailable``.
        """
        async with self._lock:
            if reason is None or self.generation != seen_generation:
                return
            if self.primes_in_last_minute() >= self.policy.primes_per_minute:
                if reason in ("age", "uses"):
                    self.primed_at, self.uses = self._clock(), 0
                    return
                raise ProviderUnavailable(
                    self.name,
                    f"session cookies {reason} and {self.policy.primes_per_minute} primes in "
                    "the last minute already; not priming again yet",
                )
            self.renewing = True
            self._priming_task = asyncio.current_task()
            try:
                await self._prime_with_retries(prime)
            finally:
                self._priming_task = None
                self.renewing = False
            self.generation += 1
            self.primed_at, self.uses, self._transport_errors = self._clock(), 0, 0
            self.dead = False
            self.renewals[reason] += 1

    async def _prime_with_retries(self, prime: Callable[[], Awaitable[None]]) -> None:
        attempts = max(1, self.policy.prime_attempts)
        for attempt in range(attempts):
            self._primes.append(self._clock())
            try:
                await prime()
            except ProviderUnavailable as exc:
                self.last_prime_error = exc.message
                last_try = attempt + 1 >= attempts
                capped = self.primes_in_last_minute() >= self.policy.primes_per_minute
                if not (last_try or capped):
                    await self._sleep(self._backoff(attempt))
                    continue
                if not self.policy.best_effort:
                    raise
                log.warning("%s: priming failed, going ahead without it: %s", self.name, exc)
                return
            self.last_prime_error = None
            return
