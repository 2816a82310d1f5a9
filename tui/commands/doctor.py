"""``capwatch doctor``: try each configured provider once and report, per data kind, what
works (how many items, how fast) and what failed and why.

Each provider is created once and fetched once for all the kinds routed to it (plus one
``history`` call when it serves history), all providers concurrently, each bounded by
``DOCTOR_TIMEOUT``. Providers that report their endpoints (NSE) then get a table of them:
the index name sent, rows received, the cookie jar's age and the requests in the last
hour. Failures are sorted into the causes a user can act on (DNS, TLS, a refused or blocked
request, rate limiting, timeouts, bad data) from the typed errors and the
HTTP core's messages. Exit status: 0 when every data kind has a working provider, 1 when
some kind has none, 2 when the config itself is unusable. Headless: no textual import.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TypeVar

from msgspec import Struct

from providers import sanity
from providers.base import BadPayload, Provider, ProviderError, RateLimited
from providers.contract import Part, Snapshot

T = TypeVar("T")

#: Seconds one provider may take for its whole check (its own retries included).
DOCTOR_TIMEOUT = 60.0
#: Kinds for which an empty answer is normal (no rating changes today, no results due).
MAY_BE_EMPTY = frozenset({Part.RATINGS, Part.EARNINGS, Part.ANNOUNCEMENTS})

#: (cause, pattern in the message), first match wins: the most specific causes come first.
_CAUSES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (cause, re.compile(pattern, re.IGNORECASE))
    for cause, pattern in (
        ("DNS", r"DNS lookup failed"),
        ("TLS", r"TLS handshake"),
        ("blocked (HTML page)", r"with HTML page|Access Restricted|blocked by the site"),
        ("rate limited (429)", r"HTTP 429"),
        ("timeout", r"timed out|no answer within"),
        ("refused (401/403)", r"HTTP 40[13]"),
        ("not found (404)", r"HTTP 404"),
        ("server error (5xx)", r"HTTP 5\d\d"),
        ("connection", r"connection refused|connection to .* dropped|proxy failed"),
        ("bad data", r"bad payload|expected JSON|truncated JSON|not JSON|HTML/XML page"),
        ("stale data", r"is stale"),
        ("file", r"file not found|cannot read"),
        ("bad rows", r"bad row"),
    )
)


def classify(message: str, error: BaseException | None = None) -> str:
    """The cause of a failure, for the RESULT column; ``error`` refines it by type."""
    for cause, pattern in _CAUSES:
        if pattern.search(message):
            return cause
    if isinstance(error, RateLimited):
        return "rate limited (429)"
    if isinstance(error, BadPayload):
        return "bad data"
    if error is not None and not isinstance(error, ProviderError):
        return "bug"
    return "error"


class Check(Struct, frozen=True):
    """How one provider did for one data kind."""

    part: Part
    provider: str
    works: bool
    items: int | None
    latency_ms: float | None
    cause: str  # "" when it worked cleanly
    detail: str
    dropped: int = 0  # rows the sanity checks rejected (providers.sanity)


def build_providers(
    routes: Mapping[str, Sequence[str]],
    settings: Mapping[str, Mapping[str, object]],
    create: Callable[[str, Mapping[str, object]], Provider] | None = None,
) -> dict[str, Provider | Exception]:
    """Each provider named in ``routes`` created once; a creation failure is kept, not raised,
    so the report can show it against every kind that provider serves."""
    if create is None:
        from providers.registry import create
    made: dict[str, Provider | Exception] = {}
    for names in routes.values():
        for name in names:
            if name not in made:
                try:
                    made[name] = create(name, settings.get(name, {}))
                except Exception as exc:
                    made[name] = exc
    return made


def _count(snapshot: Snapshot, part: Part) -> int:
    value = getattr(snapshot, part.value)
    return len(value) if isinstance(value, tuple) else int(value is not None)


def _judge_snapshot(part: Part, name: str, fetched: Snapshot, ms: float) -> Check:
    """How ``part`` did, judged after the sanity checks the monitor applies."""
    checked = sanity.check(fetched)
    snapshot = checked.snapshot
    rejected = [r for r in checked.rejected if r.part is part]
    items = _count(snapshot, part)
    error = snapshot.errors.get(part)
    if error is not None:
        return Check(part, name, items > 0, items, ms, classify(error), error, len(rejected))
    if items == 0 and part not in MAY_BE_EMPTY:
        return Check(part, name, False, 0, ms, "empty", "answered but supplied nothing")
    if rejected:
        detail = f"dropped {len(rejected)} bad row(s), e.g. {rejected[0]}"
        return Check(part, name, True, items, ms, "bad rows", detail, len(rejected))
    return Check(part, name, True, items, ms, "", "")


def _failed(
    parts: Sequence[Part], name: str, error: BaseException, ms: float, timeout: float
) -> list[Check]:
    if isinstance(error, ProviderError):
        message = str(error)
    elif isinstance(error, TimeoutError):
        message = f"{name}: no answer within {timeout:g} s"
    else:
        message = f"{name}: {type(error).__name__}: {error}"
    own = error.parts if isinstance(error, ProviderError) else {}
    return [
        Check(part, name, False, None, ms, classify(why, error), why)
        for part in parts
        for why in [f"{name}: {own[part]}" if part in own else message]
    ]


async def _timed(
    call: Awaitable[T], clock: Callable[[], float], timeout: float
) -> tuple[T | Exception, float]:
    """The call's result (or the exception it raised) and how long it took in ms."""
    started = clock()
    try:
        result: T | Exception = await asyncio.wait_for(call, timeout)
    except Exception as exc:
        result = exc
    return result, (clock() - started) * 1000


async def _check_provider(
    name: str,
    provider: Provider,
    parts: Sequence[Part],
    timeout: float,
    clock: Callable[[], float],
) -> list[Check]:
    """One fetch for the snapshot kinds and one history call, as the monitor would make."""
    checks: list[Check] = []
    fetched = [p for p in parts if p is not Part.HISTORY]
    if fetched:
        snapshot, ms = await _timed(provider.fetch(fetched), clock, timeout)
        if isinstance(snapshot, Exception):
            checks += _failed(fetched, name, snapshot, ms, timeout)
        else:
            checks += [_judge_snapshot(p, name, snapshot, ms) for p in fetched]
    if Part.HISTORY in parts:
        frame, ms = await _timed(provider.history(None, 30), clock, timeout)
        if isinstance(frame, Exception):
            checks += _failed([Part.HISTORY], name, frame, ms, timeout)
        else:
            series, days = len(frame.columns), len(frame)
            works = series > 0 and days > 0
            detail = f"{series} series x {days} days" if works else "no closes"
            checks.append(
                Check(Part.HISTORY, name, works, series, ms, "" if works else "empty", detail)
            )
    return checks


async def diagnose(
    routes: Mapping[str, Sequence[str]],
    providers: Mapping[str, Provider | Exception],
    *,
    timeout: float = DOCTOR_TIMEOUT,
    clock: Callable[[], float] = time.perf_counter,
) -> list[Check]:
    """Check every provider once, concurrently; one Check per (data kind, provider) in
    ``routes`` order. Closes the providers afterwards."""
    wanted: dict[str, list[Part]] = {}
    for kind, names in routes.items():
        for name in names:
            wanted.setdefault(name, []).append(Part(kind))
    ready = {n: p for n, p in providers.items() if not isinstance(p, Exception) and n in wanted}
    try:
        results = await asyncio.gather(
            *(_check_provider(n, p, wanted[n], timeout, clock) for n, p in ready.items())
        )
    finally:
        await asyncio.gather(*(p.aclose() for p in ready.values()), return_exceptions=True)
    found = {(c.part, c.provider): c for checks in results for c in checks}
    for name, made in providers.items():
        if isinstance(made, Exception) and name in wanted:
            message = f"cannot start {name}: {made}"
            for part in wanted[name]:
                found[(part, name)] = Check(part, name, False, None, None, "config", message)
    return [found[(Part(kind), name)] for kind, names in routes.items() for name in names]


def working_kinds(checks: Sequence[Check]) -> tuple[set[Part], set[Part]]:
    """(kinds with at least one working provider, kinds with none)."""
    kinds = {c.part for c in checks}
    good = {c.part for c in checks if c.works}
    return good, kinds - good


def render(checks: Sequence[Check]) -> str:
    from tui.output.export import text_table

    rows = []
    for check in checks:
        if check.works:
            result = "ok" if not check.cause else f"partial: {check.cause}"
        else:
            result = f"FAIL: {check.cause}"
        rows.append(
            (
                check.part.value,
                check.provider,
                result,
                "-" if check.items is None else str(check.items),
                "-" if check.latency_ms is None else f"{check.latency_ms:.0f} ms",
                check.detail,
            )
        )
    table = text_table(
        ("DATA KIND", "PROVIDER", "RESULT", "ITEMS", "LATENCY", "DETAIL"), rows, right="...rr"
    )
    good, bad = working_kinds(checks)
    summary = [f"{len(good)} of {len(good) + len(bad)} data kinds have a working provider."]
    dropped = sum(check.dropped for check in checks)
    if dropped:
        summary.append(f"{dropped} row(s) failed the sanity checks and would not be shown.")
    summary += [f"no working provider for {part.value}" for part in Part if part in bad]
    return "\n".join([table, "", *summary]) + "\n"


def endpoints(providers: Mapping[str, Provider | Exception]) -> str:
    """Per endpoint of each provider that reports them (NSE): the index name sent, the rows
    received, the cookie jar's age then, and the requests in the last hour."""
    from tui.output.export import text_table

    sections = []
    for name, provider in providers.items():
        report = getattr(provider, "endpoint_report", None)
        if report is None:
            continue
        rows = [
            (
                path,
                (use.name or "-") if use else "-",
                str(use.rows) if use else "-",
                f"{use.cookie_age:.0f} s" if use and use.cookie_age is not None else "-",
                str(count),
            )
            for path, use, count in report()
        ]
        if rows:
            header = ("ENDPOINT", "NAME SENT", "ROWS", "COOKIE AGE", "REQUESTS/LAST HOUR")
            sections.append(f"{name} endpoints:\n" + text_table(header, rows, right="..rrr"))
    return "".join(f"\n{section}\n" for section in sections)


def run(args: argparse.Namespace) -> int:
    from tui.settings import wiring
    from tui.settings.config import ConfigError

    try:
        the_plan = wiring.plan(args)
    except (ConfigError, ValueError) as exc:
        print(f"capwatch doctor: {exc}", file=sys.stderr)
        return 2
    routes, origin = the_plan.routes, the_plan.origin
    settings = wiring.provider_settings(the_plan, args)
    if not routes:
        print("capwatch doctor: no data kind has a provider configured", file=sys.stderr)
        return 1
    providers = build_providers(routes, settings)
    names = ", ".join(providers)
    print(f"config: {origin}\nchecking {names} (once each) ...\n", flush=True)
    checks = asyncio.run(diagnose(routes, providers))
    sys.stdout.write(render(checks))
    sys.stdout.write(endpoints(providers))
    _, bad = working_kinds(checks)
    return 1 if bad else 0
