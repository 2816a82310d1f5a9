"""``tui.alerts.evaluate``: once per crossing, re-armed after clearing, never on stale data,
a fresh state each trading day; every rule kind on hand-made views."""

from __future__ import annotations

from datetime import timedelta

from factories.views import AS_OF, event, mover, results, segment_view
from msgspec.structs import replace

from providers.contract import RatingKind, Segment
from tui.alerts import AlertState, Kind, Market, Rule, evaluate
from widgets.views import WATCH, BreadthView

SMALL_BREADTH = Rule("small-breadth", Kind.BREADTH, segment=Segment.SMALL, above=2.5)


def market_with_ratio(ratio: float | None, *, stale: bool = False, minutes: int = 0) -> Market:
    view = segment_view(Segment.SMALL, breadth=BreadthView(10, 4, 0, ratio, 71.0, ()))
    return Market(AS_OF + timedelta(minutes=minutes), {Segment.SMALL: view}, {}, stale=stale)


def run(rules: list[Rule], markets: list[Market]) -> list[list[str]]:
    """What fired at each market in turn (as "rule:subject")."""
    state, out = AlertState(), []
    for market in markets:
        fired, state = evaluate(rules, market, state)
        out.append([f"{a.rule}:{a.subject}" for a in fired])
    return out


def test_fires_once_while_the_condition_holds_and_again_after_it_clears() -> None:
    ratios = [2.61, 2.8, 2.4, 2.45, 2.5, 3.0]
    fired = run([SMALL_BREADTH], [market_with_ratio(r, minutes=i) for i, r in enumerate(ratios)])
    assert fired == [["small-breadth:small"], [], [], [], ["small-breadth:small"], []]


def test_the_alert_says_what_crossed() -> None:
    fired, state = evaluate([SMALL_BREADTH], market_with_ratio(2.61), AlertState())
    (alert,) = fired
    assert (alert.value, alert.message, alert.stock) == (
        "2.61x",
        "small caps A/D 2.61x, above 2.50x",
        False,
    )
    assert state.log == (alert,) and state.day == AS_OF.date()


def test_stale_data_neither_fires_nor_clears() -> None:
    fired = run(
        [SMALL_BREADTH],
        [
            market_with_ratio(2.9, stale=True),  # a stored snapshot at start: nothing
            market_with_ratio(2.9),  # fresh: fires
            market_with_ratio(1.0, stale=True),  # stale dip does not re-arm
            market_with_ratio(2.9),
        ],
    )
    assert fired == [[], ["small-breadth:small"], [], []]


def test_an_unknown_reading_changes_nothing() -> None:
    fired = run(
        [SMALL_BREADTH], [market_with_ratio(2.9), market_with_ratio(None), market_with_ratio(2.9)]
    )
    assert fired == [["small-breadth:small"], [], []]


def test_a_new_trading_day_starts_afresh() -> None:
    state = AlertState()
    _, state = evaluate([SMALL_BREADTH], market_with_ratio(2.9), state)
    next_day = replace(market_with_ratio(2.9), as_of=AS_OF + timedelta(days=1))
    fired, state = evaluate([SMALL_BREADTH], next_day, state)
    assert len(fired) == 1 and len(state.log) == 1 and state.day == next_day.day


def test_below_thresholds_and_segment_change() -> None:
    weak = Rule("weak", Kind.BREADTH, segment=Segment.SMALL, below=0.4)
    drop = Rule("drop", Kind.SEGMENT, segment=Segment.SMALL, below=-1.0)
    views = {Segment.SMALL: segment_view(Segment.SMALL, change_pct=-1.2)}
    views[Segment.SMALL] = replace(
        views[Segment.SMALL], breadth=BreadthView(3, 10, 0, 0.3, 23.0, ())
    )
    fired, _ = evaluate([weak, drop], Market(AS_OF, views, {}), AlertState())
    assert [(a.rule, a.value) for a in fired] == [("weak", "0.30x"), ("drop", "-1.20%")]
    assert fired[1].message == "small caps -1.20% on the day, below -1.00%"


def test_stock_rules_default_to_the_watchlist_and_name_stocks_otherwise() -> None:
    quotes = {
        "ISGEC": mover("ISGEC", 19.99, last=1200.0, band="upper"),
        "DANLAW": mover("DANLAW", -7.39, last=950.0),
        "ALPHA": mover("ALPHA", 4.5, last=310.0),
    }
    rules = [
        Rule("circuit", Kind.BAND, side="upper"),
        Rule("big-move", Kind.MOVE, pct=5.0),
        Rule("falls", Kind.MOVE, pct=5.0, direction="up", symbols=("DANLAW",)),
        Rule("alpha-300", Kind.PRICE, symbols=("ALPHA",), above=300.0),
        Rule("alpha-cheap", Kind.PRICE, symbols=("ALPHA",), below=300.0),
    ]
    market = Market(AS_OF, {}, quotes, watchlist=("ISGEC", "DANLAW", "NOTQUOTED"))
    fired, state = evaluate(rules, market, AlertState())
    assert [(a.rule, a.subject, a.value) for a in fired] == [
        ("circuit", "ISGEC", "1,200.00"),
        ("big-move", "ISGEC", "+19.99%"),
        ("big-move", "DANLAW", "-7.39%"),
        ("alpha-300", "ALPHA", "310.00"),
    ]
    assert fired[0].message == "ISGEC at upper circuit (+19.99%)" and fired[0].stock
    assert "falls:DANLAW" not in state.active  # direction up: a fall does not count


def test_rating_changes_today_on_watched_stocks_fire_once_each() -> None:
    today_up, today_down = event("SHAILY", 5, 1), event("RADICO", 20, -1)
    technical = replace(event("SHAILY", 3, 1), kind=RatingKind.TECHNICAL)
    yesterday = event("OLDCO", 60, 1)
    watch = segment_view(events=(technical, today_up, today_down, yesterday))
    views = {WATCH: replace(watch, segment=WATCH)}
    market = Market(AS_OF, views, {}, watchlist=("SHAILY", "RADICO", "OLDCO"))
    every = Rule("ratings", Kind.RATING)
    upgrades = Rule("upgrades", Kind.RATING, upgrades_only=True)
    fired, state = evaluate([every, upgrades], market, AlertState())
    assert [(a.rule, a.subject, a.value) for a in fired] == [
        ("ratings", "SHAILY", "Hold → Buy"),
        ("ratings", "RADICO", "Hold → Sell"),
        ("upgrades", "SHAILY", "Hold → Buy"),
    ]
    again, _ = evaluate(
        [every, upgrades], replace(market, as_of=AS_OF + timedelta(minutes=1)), state
    )
    assert again == []


def test_results_due_and_declared_today() -> None:
    view = segment_view(
        upcoming=(replace(results("JUPITER", 2), days_to_go=0), results("BLKASHYAP", 3)),
        declared=(results("TCIEXP", 0),),
    )
    market = Market(AS_OF, {Segment.ALL: view}, {})
    rule = Rule("results", Kind.RESULTS, symbols=("JUPITER", "TCIEXP", "BLKASHYAP"))
    fired, _ = evaluate([rule], market, AlertState())
    assert [(a.subject, a.value) for a in fired] == [
        ("JUPITER", "due today"),
        ("TCIEXP", "declared"),
    ]
