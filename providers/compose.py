"""Composition: one provider per data kind, with fallbacks, behind the Provider protocol.

Config routes each part to an ordered list of providers (indices from NSE, falling back to
Yahoo; ratings from a file plus a plugin). A refresh works in rounds so a fallback is only asked
when it is needed: round one asks every part's first provider, round two the next provider of
the parts that failed, and so on. Within a round each provider is fetched once, for all the
parts it is asked for, concurrently with the others; a provider that raised is not asked again
in the same refresh. A part fails over when its provider raised or put ``errors[part]`` in its
snapshot.

Merge mode (default for ratings and index levels): every provider of the part is asked in round
one and the data of all that answered is concatenated (exact duplicates dropped; an index
quoted by two providers is kept from the first), instead of falling back. A provider marked
``last_resort`` (Yahoo) is left out of that round and asked only when no other provider of the
part delivered: NSE and BSE levels are merged, Yahoo stands in when both fail.

The result says where each part came from in ``Snapshot.sources`` (merged parts list every
contributor joined by "+") and, in ``Snapshot.errors``, what failed. When every provider of a
part failed but one still returned some rows (a file with bad rows skipped), those rows are
kept with the error. Simulated and real providers are never mixed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from providers import registry
from providers.base import Provider, ProviderError
from providers.contract import IST, PART_FIELDS, Part, Snapshot

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd

#: Parts whose rows from several providers can sensibly be listed together.
MERGEABLE: frozenset[Part] = frozenset(
    {Part.RATINGS, Part.EARNINGS, Part.INDICES, Part.ANNOUNCEMENTS}
)
#: Parts merged unless the caller says otherwise.
DEFAULT_MERGE: tuple[Part, ...] = (Part.RATINGS, Part.INDICES)


def _last_resort(provider: Provider) -> bool:
    return bool(getattr(provider, "last_resort", False))


def _failure(provider: Provider, exc: BaseException) -> str:
    if isinstance(exc, ProviderError):
        return f"{provider.name}: {exc.message}"
    return f"{provider.name}: unexpected {type(exc).__name__}: {exc}"


def _has_data(snapshot: Snapshot, part: Part) -> bool:
    value = getattr(snapshot, PART_FIELDS[part])
    return bool(value) if isinstance(value, tuple) else value is not None


class _Refresh:
    """The bookkeeping of one ``fetch``: what each provider returned and each part's fate."""

    def __init__(self) -> None:
        self.outcomes: dict[int, Snapshot | BaseException] = {}
        self.used: dict[Part, list[tuple[Provider, Snapshot]]] = {}
        self.failures: dict[Part, list[str]] = {}
        self.answered = False  # some provider returned a snapshot in some round

    def raised(self, provider: Provider) -> BaseException | None:
        outcome = self.outcomes.get(id(provider))
        return outcome if isinstance(outcome, BaseException) else None

    async def run(self, requests: Mapping[int, tuple[Provider, set[Part]]]) -> None:
        """Fetch each requested provider once, concurrently, for its parts."""
        providers = [provider for provider, _ in requests.values()]
        results = await asyncio.gather(
            *(provider.fetch(frozenset(parts)) for provider, parts in requests.values()),
            return_exceptions=True,
        )
        for provider, result in zip(providers, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result  # cancellation and the like are not provider failures
            self.outcomes[id(provider)] = result
            self.answered = self.answered or isinstance(result, Snapshot)

    def judge(self, part: Part, provider: Provider) -> bool:
        """Record how ``provider`` did for ``part``; True when it fully succeeded."""
        outcome = self.outcomes[id(provider)]
        if isinstance(outcome, BaseException):
            self.failures.setdefault(part, []).append(_failure(provider, outcome))
            return False
        error = outcome.errors.get(part)
        if error is not None:
            self.failures.setdefault(part, []).append(f"{provider.name}: {error}")
            if _has_data(outcome, part):
                self.used.setdefault(part, []).append((provider, outcome))
            return False
        self.used.setdefault(part, []).append((provider, outcome))
        return True


class ComposedProvider:
    """Routes each part to its providers in order; see the module docstring for the rules."""

    def __init__(
        self,
        routes: Mapping[Part, Sequence[Provider]],
        *,
        merge: Collection[Part] = DEFAULT_MERGE,
        name: str | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(IST),
    ) -> None:
        if not routes:
            raise ValueError("no routes: name at least one provider for one data kind")
        self.routes = {Part(part): tuple(providers) for part, providers in routes.items()}
        for part, providers in self.routes.items():
            if not providers:
                raise ValueError(f"no provider named for {part.value}")
            if len({id(p) for p in providers}) != len(providers):
                raise ValueError(f"a provider is listed twice for {part.value}")
            for provider in providers:
                if part not in provider.parts:
                    supplied = ", ".join(sorted(p.value for p in provider.parts)) or "nothing"
                    raise ValueError(
                        f"provider {provider.name!r} does not supply {part.value} "
                        f"(it supplies {supplied})"
                    )
        self.merge = frozenset(Part(part) for part in merge)
        if not self.merge <= MERGEABLE:
            bad = ", ".join(sorted(p.value for p in self.merge - MERGEABLE))
            raise ValueError(f"only ratings, earnings and indices can be merged, not {bad}")
        self._providers = list({id(p): p for ps in self.routes.values() for p in ps}.values())
        simulated = sorted({p.name for p in self._providers if p.simulated})
        real = sorted({p.name for p in self._providers if not p.simulated})
        if simulated and real:
            raise ValueError(
                f"refusing to mix simulated ({', '.join(simulated)}) and real "
                f"({', '.join(real)}) data; use the demo alone or real providers only"
            )
        self.simulated = bool(simulated)
        self.parts = frozenset(self.routes)
        self.name = name or "+".join(dict.fromkeys(p.name for p in self._providers))
        self._now = now

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        wanted = [
            part for part in self.routes if part in PART_FIELDS and (parts is None or part in parts)
        ]
        refresh = _Refresh()
        next_choice = dict.fromkeys(wanted, 0)  # fallback parts: index of the next provider
        undecided = set(wanted)
        first_round = True
        while True:
            plan = {
                part: candidates
                for part in wanted
                if part in undecided
                and (candidates := self._candidates(part, next_choice, refresh, first_round))
            }
            if not plan:
                break
            requests: dict[int, tuple[Provider, set[Part]]] = {}
            for part, candidates in plan.items():
                for provider in candidates:
                    requests.setdefault(id(provider), (provider, set()))[1].add(part)
            await refresh.run(requests)
            for part, candidates in plan.items():
                succeeded = [refresh.judge(part, provider) for provider in candidates]
                delivered = any(p is q for p, _ in refresh.used.get(part, []) for q in candidates)
                if part in self.merge and (first_round and not delivered):
                    next_choice[part] = 1  # nobody delivered: ask the last-resort providers
                elif part in self.merge or any(succeeded):
                    undecided.discard(part)
                else:
                    next_choice[part] += 1
            first_round = False
        if refresh.outcomes and not refresh.answered:
            messages = "; ".join(
                _failure(p, outcome)
                for p in self._providers
                if isinstance(outcome := refresh.outcomes.get(id(p)), BaseException)
            )
            raise ProviderError(self.name, f"every provider failed: {messages}")
        return self._assemble(wanted, refresh)

    def _candidates(
        self, part: Part, next_choice: dict[Part, int], refresh: _Refresh, first_round: bool
    ) -> tuple[Provider, ...]:
        """Who to ask for ``part`` this round; a provider that already raised counts as failed."""
        providers = self.routes[part]
        if part in self.merge:
            regular = tuple(p for p in providers if not _last_resort(p)) or providers
            if first_round:
                return regular
            spare = tuple(p for p in providers if p not in regular)
            return spare if next_choice[part] == 1 else ()
        while next_choice[part] < len(providers):
            provider = providers[next_choice[part]]
            if refresh.raised(provider) is None:
                return (provider,)
            refresh.judge(part, provider)
            next_choice[part] += 1
        return ()

    def _assemble(self, wanted: Sequence[Part], refresh: _Refresh) -> Snapshot:
        data: dict[str, Any] = {}
        sources: dict[Part, str] = {}
        errors: dict[Part, str] = {}
        members: dict[str, tuple[str, ...]] = {}
        fetched: dict[Part, datetime] = {}
        as_of: datetime | None = None
        for part in wanted:
            used = refresh.used.get(part, [])
            failures = refresh.failures.get(part, [])
            if part not in self.merge:
                clean = [(p, snap) for p, snap in used if part not in snap.errors]
                used = clean[:1] or used[:1]  # a full answer, else the first partial one
                if clean:
                    failures = []
            if failures:
                errors[part] = "; ".join(failures)
            if not used:
                continue
            sources[part] = "+".join(dict.fromkeys(p.name for p, _ in used))
            field = PART_FIELDS[part]
            if part is Part.STATUS or len(used) == 1:
                data[field] = getattr(used[0][1], field)  # as supplied: no copy, no hashing
            elif part is Part.INDICES:  # one quote per index name, from the first provider
                quotes = {}
                for _, snap in used:
                    for quote in snap.indices:
                        quotes.setdefault(quote.name, quote)
                data[field] = tuple(quotes.values())
            else:
                data[field] = tuple(dict.fromkeys(r for _, s in used for r in getattr(s, field)))
            for _, snap in used:
                as_of = snap.as_of if as_of is None else max(as_of, snap.as_of)
                for index, symbols in snap.members.items():
                    members.setdefault(index, symbols)
                if part in snap.fetched:
                    fetched[part] = min(snap.fetched[part], fetched.get(part, snap.fetched[part]))
        return Snapshot(
            provider=self.name,
            as_of=as_of or self._now(),
            simulated=self.simulated,
            errors=errors,
            sources=sources,
            members=members,
            fetched=fetched,
            **data,
        )

    async def holidays(self) -> list[date]:
        """Trading holidays from the first market-status provider that knows them (the
        optional ``holidays()`` capability, e.g. NSE's holiday list); empty if none does."""
        for provider in self.routes.get(Part.STATUS, ()):
            known = getattr(provider, "holidays", None)
            if known is None:
                continue
            try:
                return list(await known())
            except ProviderError as exc:
                log.warning("holiday list from %s failed: %s", provider.name, exc)
        return []

    def reference_closes(self) -> pd.DataFrame:
        """The past levels the first indices provider that quotes them gives (the optional
        ``reference_closes()`` capability, e.g. NSE's allIndices); empty if none does."""
        import pandas as pd

        for provider in self.routes.get(Part.INDICES, ()):
            quoted = getattr(provider, "reference_closes", None)
            if quoted is not None and not (frame := quoted()).empty:
                return frame
        return pd.DataFrame()

    def use_text_cache(self, cache: object) -> None:
        """Hand a text cache (the history store) to every provider that keeps texts."""
        for provider in self._providers:
            keep = getattr(provider, "use_text_cache", None)
            if keep is not None:
                keep(cache)

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """Closes from the first history provider that returns a non-empty frame."""
        import pandas as pd

        failures = []
        for provider in self.routes.get(Part.HISTORY, ()):
            try:
                frame = await provider.history(names, days)
            except Exception as exc:
                failures.append(_failure(provider, exc))
                continue
            if not frame.empty:
                return frame
        if failures and len(failures) == len(self.routes.get(Part.HISTORY, ())):
            raise ProviderError(self.name, f"no history: {'; '.join(failures)}")
        return pd.DataFrame()

    async def aclose(self) -> None:
        """Close every distinct provider once, even if one of them fails to close."""
        results = await asyncio.gather(
            *(p.aclose() for p in self._providers), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result


def build_from_config(
    routes: Mapping[str, str | Sequence[str]],
    provider_settings: Mapping[str, Mapping[str, object]],
    *,
    merge: Collection[str] = tuple(part.value for part in DEFAULT_MERGE),
) -> ComposedProvider:
    """A ComposedProvider from plain config data.

    ``routes`` maps a part name ("indices") to a provider name or an ordered list of them;
    ``provider_settings`` maps a provider name to its ``[providers.NAME]`` table; ``merge``
    names the parts (ratings/earnings) whose providers are combined rather than fallen back.
    Each provider is created once, however many parts it serves.
    """
    parsed: dict[Part, list[str]] = {}
    for part_name, names in routes.items():
        try:
            part = Part(part_name)
        except ValueError:
            valid = ", ".join(p.value for p in Part)
            raise ValueError(f"unknown data kind {part_name!r} (valid: {valid})") from None
        parsed[part] = [names] if isinstance(names, str) else list(names)
    known = registry.Providers()  # the installed plugins are scanned only for a non-built-in
    for part, names in parsed.items():
        for name in names:
            if name not in known:
                raise registry.UnknownProvider(name, sorted(known))
            supplied = known[name].parts
            if supplied and part not in supplied:
                raise ValueError(f"provider {name!r} does not supply {part.value}")
    try:
        merge_parts = [Part(m) for m in merge]
    except ValueError as exc:
        raise ValueError(f"merge: {exc}") from None
    created: dict[str, Provider] = {}
    for names in parsed.values():
        for name in names:
            if name not in created:
                created[name] = registry.create(name, provider_settings.get(name, {}))
    return ComposedProvider(
        {part: [created[name] for name in names] for part, names in parsed.items()},
        merge=merge_parts,
    )
