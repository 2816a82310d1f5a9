"""Composition: routing, fallback rounds, merge mode, sources/errors, history, closing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pandas as pd
import pytest

from providers.base import ProviderError, ProviderUnavailable
from providers.bse import BseProvider
from providers.compose import ComposedProvider, build_from_config
from providers.contract import (
    IST,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    MarketPhase,
    MarketStatus,
    Part,
    RatingChange,
    RatingKind,
    Segment,
    Snapshot,
)
from providers.files import FileFeedProvider
from providers.registry import UnknownProvider

T0 = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


def quote(name: str, last: float) -> IndexQuote:
    return IndexQuote(name, Segment.LARGE, last, None, None, T0)


def rating(symbol: str, source: str) -> RatingChange:
    return RatingChange(symbol, symbol, RatingKind.ANALYST, "Hold", "Buy", source, T0)


Answer = Callable[[frozenset[Part]], Snapshot]


class FakeProvider:
    """A provider whose answer is a function of the parts asked; records every call."""

    def __init__(
        self,
        name: str,
        parts: set[Part],
        answer: Answer | Exception,
        *,
        simulated: bool = False,
        history: pd.DataFrame | Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        self.name, self.parts, self.simulated = name, frozenset(parts), simulated
        self._answer, self._history, self._delay = answer, history, delay
        self.calls: list[frozenset[Part]] = []
        self.closed = 0
        self.running = 0
        self.max_running = 0

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        asked = frozenset(parts or self.parts)
        self.calls.append(asked)
        self.running += 1
        self.max_running = max(self.max_running, self.running)
        await asyncio.sleep(self._delay)
        self.running -= 1
        if isinstance(self._answer, Exception):
            raise self._answer
        return self._answer(asked)

    async def history(self, names: Collection[str] | None = None, days: int = 260):
        if isinstance(self._history, Exception):
            raise self._history
        return self._history if self._history is not None else pd.DataFrame()

    async def aclose(self) -> None:
        self.closed += 1


def snapshot(name: str, minutes: int = 0, **fields: object) -> Answer:
    def answer(asked: frozenset[Part]) -> Snapshot:
        kept = {k: v for k, v in fields.items() if k in {p.value for p in asked} | {"errors"}}
        return Snapshot(name, T0 + timedelta(minutes=minutes), False, **kept)  # type: ignore[arg-type]

    return answer


def down(name: str) -> ProviderUnavailable:
    return ProviderUnavailable(name, "HTTP 403 Access Restricted (HTML)")


async def test_each_part_comes_from_its_first_provider_and_says_so() -> None:
    nse = FakeProvider(
        "nse",
        {Part.INDICES, Part.STATUS},
        snapshot(
            "nse",
            indices=(quote("NIFTY 50", 24000.0),),
            status=MarketStatus(MarketPhase.OPEN, "Normal Market is Open", T0),
        ),
    )
    files = FakeProvider(
        "files", {Part.RATINGS}, snapshot("files", minutes=5, ratings=(rating("KPIT", "MOSL"),))
    )
    composed = ComposedProvider({Part.INDICES: [nse], Part.STATUS: [nse], Part.RATINGS: [files]})

    snap = await composed.fetch()

    assert [q.name for q in snap.indices] == ["NIFTY 50"]
    assert snap.status is not None and snap.status.phase is MarketPhase.OPEN
    assert [r.symbol for r in snap.ratings] == ["KPIT"]
    assert dict(snap.sources) == {Part.INDICES: "nse", Part.STATUS: "nse", Part.RATINGS: "files"}
    assert dict(snap.errors) == {}
    assert snap.as_of == T0 + timedelta(minutes=5)
    assert nse.calls == [frozenset({Part.INDICES, Part.STATUS})]  # one fetch for both parts
    assert composed.name == "nse+files" and not snap.simulated


async def test_fallback_is_asked_only_when_the_first_provider_fails() -> None:
    nse = FakeProvider("nse", {Part.INDICES}, down("nse"))
    yahoo = FakeProvider(
        "yahoo", {Part.INDICES}, snapshot("yahoo", indices=(quote("NIFTY 50", 23990.0),))
    )
    composed = ComposedProvider({Part.INDICES: [nse, yahoo]}, merge=(Part.RATINGS,))

    snap = await composed.fetch()

    assert snap.indices[0].last == 23990.0
    assert snap.sources[Part.INDICES] == "yahoo"
    assert Part.INDICES not in snap.errors
    assert (len(nse.calls), len(yahoo.calls)) == (1, 1)

    healthy = FakeProvider(
        "nse", {Part.INDICES}, snapshot("nse", indices=(quote("NIFTY 50", 1.0),))
    )
    spare = FakeProvider("yahoo", {Part.INDICES}, snapshot("yahoo"))
    await ComposedProvider({Part.INDICES: [healthy, spare]}, merge=()).fetch()
    assert spare.calls == []


async def test_index_levels_are_merged_and_the_last_resort_stands_in_only_when_all_fail() -> None:
    nse = FakeProvider(
        "nse", {Part.INDICES}, snapshot("nse", indices=(quote("NIFTY 50", 24000.0),))
    )
    bse = FakeProvider(
        "bse",
        {Part.INDICES},
        snapshot("bse", indices=(quote("SENSEX", 82000.0), quote("NIFTY 50", 1.0))),
    )
    yahoo = FakeProvider(
        "yahoo", {Part.INDICES}, snapshot("yahoo", indices=(quote("SENSEX", 81000.0),))
    )
    yahoo.last_resort = True
    snap = await ComposedProvider({Part.INDICES: [nse, bse, yahoo]}).fetch()
    assert {q.name: q.last for q in snap.indices} == {"NIFTY 50": 24000.0, "SENSEX": 82000.0}
    assert snap.sources[Part.INDICES] == "nse+bse" and yahoo.calls == []

    down_nse, down_bse = (
        FakeProvider("nse", {Part.INDICES}, down("nse")),
        FakeProvider("bse", {Part.INDICES}, down("bse")),
    )
    snap = await ComposedProvider({Part.INDICES: [down_nse, down_bse, yahoo]}).fetch()
    assert [q.last for q in snap.indices] == [81000.0]
    assert snap.sources[Part.INDICES] == "yahoo" and len(yahoo.calls) == 1


async def test_a_part_error_in_the_snapshot_also_falls_back() -> None:
    nse = FakeProvider(
        "nse",
        {Part.INDICES, Part.EARNINGS},
        snapshot(
            "nse",
            indices=(quote("NIFTY 50", 24000.0),),
            errors={Part.EARNINGS: "event-calendar: HTTP 401"},
        ),
    )
    event = EarningsEvent("KAYNES", "Kaynes", date(2026, 11, 25), EarningsStatus.UPCOMING)
    bse = FakeProvider("bse", {Part.EARNINGS}, snapshot("bse", earnings=(event,)))
    composed = ComposedProvider({Part.INDICES: [nse], Part.EARNINGS: [nse, bse]})

    snap = await composed.fetch()

    assert snap.earnings == (event,)
    assert dict(snap.sources) == {Part.INDICES: "nse", Part.EARNINGS: "bse"}
    assert dict(snap.errors) == {}
    assert bse.calls == [frozenset({Part.EARNINGS})]


async def test_when_every_provider_fails_the_error_names_each() -> None:
    nse = FakeProvider(
        "nse",
        {Part.INDICES, Part.BREADTH},
        snapshot("nse", errors={Part.INDICES: "allIndices: timeout"}),
    )
    yahoo = FakeProvider("yahoo", {Part.INDICES}, down("yahoo"))
    composed = ComposedProvider({Part.INDICES: [nse, yahoo], Part.BREADTH: [nse]})

    snap = await composed.fetch()

    assert snap.indices == ()
    assert snap.errors[Part.INDICES] == (
        "nse: allIndices: timeout; yahoo: HTTP 403 Access Restricted (HTML)"
    )
    assert Part.INDICES not in snap.sources


async def test_a_provider_that_raised_is_not_asked_again_in_the_same_refresh() -> None:
    nse = FakeProvider("nse", {Part.INDICES, Part.EARNINGS}, down("nse"))
    files = FakeProvider("files", {Part.EARNINGS}, snapshot("files"))
    yahoo = FakeProvider("yahoo", {Part.INDICES}, snapshot("yahoo", errors={Part.INDICES: "stale"}))
    composed = ComposedProvider({Part.INDICES: [yahoo, nse], Part.EARNINGS: [nse, files]})

    snap = await composed.fetch()

    assert len(nse.calls) == 1  # asked in round one for earnings, not again for indices
    assert "nse: HTTP 403" in snap.errors[Part.INDICES]
    assert snap.sources[Part.EARNINGS] == "files"


async def test_partial_rows_survive_when_no_provider_fully_succeeds() -> None:
    files = FakeProvider(
        "files",
        {Part.RATINGS},
        snapshot(
            "files",
            ratings=(rating("KPIT", "file"),),
            errors={Part.RATINGS: "ratings.csv: skipped 1 bad row(s): line 3 ..."},
        ),
    )
    composed = ComposedProvider({Part.RATINGS: [files]}, merge=())

    snap = await composed.fetch()

    assert [r.symbol for r in snap.ratings] == ["KPIT"]
    assert snap.sources[Part.RATINGS] == "files"
    assert snap.errors[Part.RATINGS].startswith("files: ratings.csv: skipped 1 bad row")


async def test_a_full_answer_beats_an_earlier_partial_one() -> None:
    partial = FakeProvider(
        "files",
        {Part.EARNINGS},
        snapshot("files", earnings=(), errors={Part.EARNINGS: "earnings.csv: file not found"}),
    )
    event = EarningsEvent("KAYNES", "Kaynes", date(2026, 11, 25), EarningsStatus.UPCOMING)
    stale_rows = FakeProvider(
        "feed",
        {Part.EARNINGS},
        snapshot("feed", earnings=(event,), errors={Part.EARNINGS: "skipped 2 bad row(s)"}),
    )
    full = FakeProvider("bse", {Part.EARNINGS}, snapshot("bse", earnings=(event,)))
    composed = ComposedProvider({Part.EARNINGS: [partial, stale_rows, full]})

    snap = await composed.fetch()

    assert snap.sources[Part.EARNINGS] == "bse"
    assert Part.EARNINGS not in snap.errors
    assert snap.earnings == (event,)


async def test_merge_mode_concatenates_every_provider_that_answered() -> None:
    shared = rating("DIXON", "both")
    files = FakeProvider(
        "files", {Part.RATINGS}, snapshot("files", ratings=(rating("KPIT", "file"), shared))
    )
    plugin = FakeProvider(
        "broker", {Part.RATINGS}, snapshot("broker", ratings=(shared, rating("CAMS", "broker")))
    )
    broken = FakeProvider("research", {Part.RATINGS}, down("research"))
    composed = ComposedProvider({Part.RATINGS: [files, plugin, broken]})

    snap = await composed.fetch()

    assert [r.symbol for r in snap.ratings] == ["KPIT", "DIXON", "CAMS"]  # duplicate dropped
    assert snap.sources[Part.RATINGS] == "files+broker"
    assert snap.errors[Part.RATINGS] == "research: HTTP 403 Access Restricted (HTML)"
    assert (len(files.calls), len(plugin.calls), len(broken.calls)) == (1, 1, 1)


async def test_distinct_providers_are_fetched_concurrently() -> None:
    slow_a = FakeProvider("a", {Part.INDICES}, snapshot("a"), delay=0.2)
    slow_b = FakeProvider("b", {Part.RATINGS}, snapshot("b"), delay=0.2)
    composed = ComposedProvider({Part.INDICES: [slow_a], Part.RATINGS: [slow_b]})
    overlap: list[int] = []

    async def watch() -> None:
        await asyncio.sleep(0.1)
        overlap.append(slow_a.running + slow_b.running)

    await asyncio.gather(composed.fetch(), watch())

    assert overlap == [2]


async def test_total_failure_raises_provider_error() -> None:
    nse = FakeProvider("nse", {Part.INDICES}, down("nse"))
    yahoo = FakeProvider("yahoo", {Part.INDICES}, RuntimeError("boom"))
    composed = ComposedProvider({Part.INDICES: [nse, yahoo]})

    with pytest.raises(ProviderError, match=r"nse: HTTP 403.*yahoo: unexpected RuntimeError"):
        await composed.fetch()


async def test_data_from_an_earlier_round_survives_a_later_crash() -> None:
    calls = iter(["ok", "crash"])

    def answer(asked: frozenset[Part]) -> Snapshot:
        if next(calls) == "crash":
            raise ProviderUnavailable("nse", "connection to nseindia.com dropped")
        return Snapshot("nse", T0, False, indices=(quote("NIFTY 50", 24000.0),))

    nse = FakeProvider("nse", {Part.INDICES, Part.STATUS}, answer)
    broken = FakeProvider("other", {Part.STATUS}, down("other"))
    composed = ComposedProvider({Part.INDICES: [nse], Part.STATUS: [broken, nse]})

    snap = await composed.fetch()

    assert len(nse.calls) == 2  # round one for indices, round two for status
    assert snap.indices[0].last == 24000.0
    assert "nse: connection to nseindia.com dropped" in snap.errors[Part.STATUS]


async def test_fetch_only_the_parts_asked() -> None:
    nse = FakeProvider("nse", {Part.INDICES, Part.STATUS}, snapshot("nse"))
    composed = ComposedProvider({Part.INDICES: [nse], Part.STATUS: [nse]})

    snap = await composed.fetch([Part.STATUS])

    assert nse.calls == [frozenset({Part.STATUS})]
    assert set(snap.sources) == {Part.STATUS}


def test_refuses_to_mix_demo_and_real_data() -> None:
    demo = FakeProvider("demo", set(Part), snapshot("demo"), simulated=True)
    nse = FakeProvider("nse", {Part.INDICES}, snapshot("nse"))

    with pytest.raises(ValueError, match=r"refusing to mix simulated \(demo\) and real \(nse\)"):
        ComposedProvider({Part.INDICES: [nse], Part.STOCKS: [demo]})
    assert ComposedProvider({Part.INDICES: [demo], Part.STOCKS: [demo]}).simulated


@pytest.mark.parametrize(
    ("routes", "merge", "message"),
    [
        ({}, (), "no routes"),
        ({Part.INDICES: []}, (), "no provider named for indices"),
        ({Part.RATINGS: ["nse"]}, (), "'nse' does not supply ratings"),
        ({Part.INDICES: ["nse"]}, (Part.STATUS,), "only ratings, earnings and indices can be"),
    ],
)
def test_rejects_bad_routes(routes: Mapping, merge: tuple, message: str) -> None:
    nse = FakeProvider("nse", {Part.INDICES}, snapshot("nse"))
    resolved = {part: [nse for _ in names] for part, names in routes.items()}
    with pytest.raises(ValueError, match=message):
        ComposedProvider(resolved, merge=merge)


async def test_history_comes_from_the_first_non_empty_frame() -> None:
    frame = pd.DataFrame({"NIFTY 50": [24000.0]}, index=pd.DatetimeIndex(["2026-11-19"]))
    failing = FakeProvider("nse", {Part.HISTORY}, snapshot("nse"), history=down("nse"))
    empty = FakeProvider("store", {Part.HISTORY}, snapshot("store"))
    good = FakeProvider("yahoo", {Part.HISTORY}, snapshot("yahoo"), history=frame)
    composed = ComposedProvider({Part.HISTORY: [failing, empty, good]})

    assert (await composed.history(["NIFTY 50"])).equals(frame)
    with pytest.raises(ProviderError, match="nse: HTTP 403"):
        await ComposedProvider({Part.HISTORY: [failing]}).history()
    assert (await ComposedProvider({Part.HISTORY: [empty]}).history()).empty


async def test_aclose_closes_each_provider_once() -> None:
    nse = FakeProvider("nse", {Part.INDICES, Part.STATUS}, snapshot("nse"))
    yahoo = FakeProvider("yahoo", {Part.INDICES}, snapshot("yahoo"))
    composed = ComposedProvider({Part.INDICES: [nse, yahoo], Part.STATUS: [nse]})

    await composed.aclose()

    assert (nse.closed, yahoo.closed) == (1, 1)


async def test_build_from_config_creates_each_provider_once(tmp_path: Path) -> None:
    ratings = tmp_path / "ratings.csv"
    ratings.write_text("symbol,to,at\nKPITTECH,Buy,2026-11-18\n")
    composed = build_from_config(
        {"ratings": ["files"], "earnings": "files"},
        {"files": {"ratings": str(ratings), "earnings": str(tmp_path / "missing.csv")}},
    )
    try:
        assert composed.routes[Part.RATINGS][0] is composed.routes[Part.EARNINGS][0]
        snap = await composed.fetch()
        assert [r.symbol for r in snap.ratings] == ["KPITTECH"]
        assert "missing.csv: file not found" in snap.errors[Part.EARNINGS]
    finally:
        await composed.aclose()


@pytest.mark.parametrize(
    ("routes", "error", "message"),
    [
        ({"prices": ["nse"]}, ValueError, "unknown data kind 'prices'"),
        ({"indices": ["nsee"]}, UnknownProvider, "unknown provider 'nsee'"),
        ({"ratings": ["yahoo"]}, ValueError, "'yahoo' does not supply ratings"),
    ],
)
def test_build_from_config_names_the_mistake(
    routes: dict, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        build_from_config(routes, {})


async def test_real_providers_fall_back_through_composition(tmp_path: Path) -> None:
    """BSE (over a mock transport) answers breadth but its results calendar is an HTML
    maintenance page, so earnings come from the user's file instead."""
    fixtures = Path(__file__).parent.parent / "fixtures"

    def bse_site(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/advanceDecline/w"):
            body = (fixtures / "bse" / "advance_decline.json").read_bytes()
            return httpx.Response(200, content=body)
        return httpx.Response(200, text="<html><title>Under Maintenance</title></html>")

    earnings = tmp_path / "earnings.csv"
    earnings.write_text("symbol,name,date\nKAYNES,Kaynes Technology,2026-11-25\n")
    bse = BseProvider(transport=httpx.MockTransport(bse_site), now=lambda: T0)
    files = FileFeedProvider(earnings=str(earnings), now=lambda: T0)
    composed = ComposedProvider({Part.BREADTH: [bse], Part.EARNINGS: [bse, files]})
    try:
        snap = await composed.fetch()
    finally:
        await composed.aclose()

    assert dict(snap.sources) == {Part.BREADTH: "bse", Part.EARNINGS: "files"}
    assert [e.symbol for e in snap.earnings] == ["KAYNES"]
    assert {b.scope for b in snap.breadth} >= {"BSE SENSEX", "BSE SMALLCAP"}
    assert dict(snap.errors) == {}
