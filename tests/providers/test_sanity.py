"""Per-row sanity checks: insane rows dropped, named by provider, part, row and field; the
rest kept; a part that loses every row is reported (issue 12, item 9)."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from factories.snapshot import make_snapshot
from msgspec.structs import replace

from providers import sanity
from providers.contract import Breadth, Part, Snapshot
from tui.commands.doctor import diagnose, render


def _with_index(**changes: object) -> Snapshot:
    snapshot = make_snapshot()
    first = replace(snapshot.indices[0], **changes)
    return replace(snapshot, indices=(first, *snapshot.indices[1:]))


def _with_stock(**changes: object) -> Snapshot:
    snapshot = make_snapshot()
    first = replace(snapshot.stocks[0], **changes)
    return replace(snapshot, stocks=(first, *snapshot.stocks[1:]))


def test_a_sound_snapshot_passes_untouched() -> None:
    snapshot = make_snapshot()
    checked = sanity.check(snapshot)
    assert checked.snapshot is snapshot and checked.rejected == ()


def test_a_refresh_judges_its_new_rows_while_reusing_the_verdict_on_unchanged_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Quotes are frozen: a row object that passed passes again, so a refresh judges only the
    rows the provider rebuilt; a rebuilt row that is insane is still dropped."""
    judged: list[str] = []
    judge = sanity._stock
    monkeypatch.setitem(
        sanity._CHECKS,
        Part.STOCKS,
        (*sanity._CHECKS[Part.STOCKS][:2], lambda q: (judged.append(q.symbol), judge(q))),
    )
    first = make_snapshot()
    check = sanity.SanityCheck()
    check(first)
    assert len(judged) == len(first.stocks)
    judged.clear()
    rebuilt = replace(first.stocks[1], last=-5.0)
    second = replace(first, stocks=(first.stocks[0], rebuilt, *first.stocks[2:]))
    checked = check(second)
    assert judged == [rebuilt.symbol]
    assert [r.row for r in checked.rejected] == [rebuilt.symbol]
    assert checked.snapshot.stocks == (first.stocks[0], *first.stocks[2:])
    judged.clear()
    sanity.SanityCheck()(second)  # another source's check remembers nothing of this one's
    assert len(judged) == len(second.stocks)


def test_an_unchanged_insane_row_stays_dropped_until_its_quote_is_mended() -> None:
    first = _with_stock(last=-5.0)
    check = sanity.SanityCheck()
    assert [r.row for r in check(first).rejected] == ["SYM0000"]
    again = replace(first, stocks=tuple(first.stocks))  # the same rows, a new snapshot
    assert [r.row for r in check(again).rejected] == ["SYM0000"]
    assert [q.symbol for q in check(again).snapshot.stocks] == ["SYM0001", "SYM0002"]
    mended = replace(first.stocks[0], last=101.0)
    checked = check(replace(first, stocks=(mended, *first.stocks[1:])))
    assert checked.rejected == () and checked.snapshot.stocks[0] is mended


def test_a_rebuilt_row_that_takes_another_stocks_place_is_a_repeat() -> None:
    first = make_snapshot()
    check = sanity.SanityCheck()
    check(first)
    twin = replace(first.stocks[0], last=99.0)  # a new row, in SYM0001's place
    checked = check(replace(first, stocks=(first.stocks[0], twin, *first.stocks[2:])))
    assert [(r.row, r.problem) for r in checked.rejected] == [
        ("SYM0000", "repeated; the first is kept")
    ]
    assert [q.symbol for q in checked.snapshot.stocks] == ["SYM0000", "SYM0002"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"last": -1.0}, "last"),
        ({"last": 0.0}, "last"),
        ({"last": 1e308}, "last"),
        ({"prev_close": 0.0}, "prev_close"),
        ({"last": 1.0}, "last"),  # NIFTY 50 at 1.00 against 24,000: no index does that
        ({"change_pct": float("inf")}, "change_pct"),
        ({"last": float("nan")}, "last"),
        ({"year_high": float("inf")}, "year_high"),
        ({"advances": 10**20}, "advances"),
    ],
)
def test_an_insane_index_row_is_dropped_naming_provider_and_field(
    changes: dict[str, object], field: str
) -> None:
    checked = sanity.check(_with_index(**changes))
    assert [q.name for q in checked.snapshot.indices] == ["NIFTY SMALLCAP 100"]
    (rejected,) = checked.rejected
    assert (rejected.provider, rejected.part, rejected.row, rejected.field) == (
        "nse",
        Part.INDICES,
        "NIFTY 50",
        field,
    )
    assert str(rejected).startswith(f"nse: indices 'NIFTY 50': {field} ")


@pytest.mark.parametrize(
    "changes",
    [
        {"last": -5.0},
        {"last": -1e308},
        {"prev_close": 0.0},
        {"change_pct": 2.7e306},
        {"volume": 10**20},
        {"ffmc": 1e300},
        # not a number and the infinities: every range check fails them
        {"last": float("nan")},
        {"prev_close": float("inf")},
        {"day_high": float("-inf")},
        {"change_pct": float("nan")},
        {"ffmc": float("nan")},
        {"band_pct": float("inf")},
        {"volume": float("nan")},
    ],
)
def test_an_insane_stock_row_is_dropped_and_the_rest_kept(changes: dict[str, object]) -> None:
    checked = sanity.check(_with_stock(**changes))
    assert [q.symbol for q in checked.snapshot.stocks] == ["SYM0001", "SYM0002"]
    assert checked.rejected[0].row == "SYM0000"
    assert Part.STOCKS not in checked.snapshot.errors


def test_a_repeated_index_row_keeps_the_first() -> None:
    snapshot = make_snapshot()
    repeat = replace(snapshot.indices[0], last=24_050.0)
    checked = sanity.check(replace(snapshot, indices=(*snapshot.indices, repeat)))
    assert [q.last for q in checked.snapshot.indices if q.name == "NIFTY 50"] == [24_100.55]
    assert checked.rejected[0].problem == "repeated; the first is kept"


def test_breadth_of_1e20_is_dropped() -> None:
    snapshot = make_snapshot()
    huge = Breadth("NIFTY 50", 10**20, 5, 1, snapshot.as_of)
    checked = sanity.check(replace(snapshot, breadth=(huge,)))
    assert checked.snapshot.breadth == ()
    assert "every row rejected (1)" in checked.snapshot.errors[Part.BREADTH]


def test_a_part_that_loses_every_row_is_reported_as_failed() -> None:
    snapshot = make_snapshot()
    nonsense = tuple(replace(q, last=-1.0) for q in snapshot.stocks)
    checked = sanity.check(replace(snapshot, stocks=nonsense))
    assert checked.snapshot.stocks == ()
    assert checked.snapshot.errors[Part.STOCKS].startswith("every row rejected (3), e.g. nse:")


class Answering:
    """A provider answering one fixed snapshot."""

    name, simulated = "nse", False
    parts = frozenset({Part.INDICES, Part.STOCKS})

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        return self.snapshot

    async def history(self, names=None, days=260):
        raise AssertionError("not routed")

    async def aclose(self) -> None:
        pass


async def test_doctor_counts_the_rows_dropped() -> None:
    provider = Answering(_with_stock(last=-5.0))
    checks = await diagnose({"indices": ["nse"], "stocks": ["nse"]}, {"nse": provider})
    stocks = next(c for c in checks if c.part is Part.STOCKS)
    assert (stocks.works, stocks.cause, stocks.dropped) == (True, "bad rows", 1)
    assert "dropped 1 bad row(s), e.g. nse: stocks 'SYM0000': last -5.0" in stocks.detail
    assert "1 row(s) failed the sanity checks" in render(checks)


async def test_a_total_failure_blames_each_part_on_its_own_endpoint(nse_server) -> None:
    from providers.nse import create

    nse_server.fail("500", paths={"/api/equity-stock-indices"})
    nse_server.payloads["/api/allIndices"] = {"data": []}  # indices fail too, differently
    nse_server.fail("500", paths={"/api/equity-stock-indices", "/api/allIndices"})
    provider = create(nse_server.settings(max_retries=0))
    checks = await diagnose({"indices": ["nse"], "stocks": ["nse"]}, {"nse": provider})
    indices, stocks = checks
    assert "/api/allIndices" in indices.detail
    assert "/api/equity-stock-indices" in stocks.detail and "allIndices" not in stocks.detail


def test_a_huge_name_is_cut_in_the_text_table() -> None:
    from tui.output.export import to_table

    snapshot = _with_index(name="X" * 5000)
    widest = max(len(line) for line in to_table(snapshot).splitlines())
    assert widest < 120
