from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from providers.contract import IST, RatingKind
from tui.analytics import technicals
from tui.analytics.frames import DailyCloses
from tui.analytics.technicals import Calls


def _calls(values, name="X", end="2026-11-19") -> Calls:
    frame = pd.DataFrame({name: values}, index=pd.bdate_range(end=end, periods=len(values)))
    return Calls.compute(DailyCloses.from_frame(frame))


def test_rsi_by_hand():
    closes = np.array([10, 12, 11, 13, 12, 14, 13, 15, 14, 16, 15, 17, 16, 18, 17], float)
    # the last 14 moves: seven +2 and seven -1 -> 100 * 14 / (14 + 7)
    value = technicals.rsi(closes.reshape(-1, 1))[-1, 0]
    assert value == pytest.approx(100 * 14 / 21)
    assert np.isnan(technicals.rsi(closes[:14].reshape(-1, 1))[-1, 0])


def test_a_steady_rise_is_bullish_and_a_steady_fall_bearish():
    rising = 100.0 + np.arange(250)
    assert _calls(rising).latest("X") == "Bullish"  # all five votes +1
    assert _calls(rising[::-1]).latest("X") == "Bearish"


def test_a_flat_price_is_sideways():
    assert _calls(np.full(250, 123.45)).latest("X") == "Sideways"


def test_a_young_listing_has_fewer_voters_and_no_call_before_20_closes():
    rising = 100.0 + np.arange(30)
    # only the 20-day average (+1) and RSI 100 (+1) vote: score 2
    assert _calls(rising).latest("X") == "Mildly Bullish"
    assert _calls(rising[:19]).latest("X") is None
    assert _calls(rising).latest("MISSING") is None


def _rise_then_drop() -> np.ndarray:
    # 29 closes rising 100..128 (MA20 +1, RSI 100 +1: Mildly Bullish), then three sessions
    # well below the 20-day average with RSI under 30: score -2, Mildly Bearish, on three
    # sessions running, so the call changes on the third (the last day).
    return np.append(100.0 + np.arange(29), [100.0, 96.0, 92.0])


def test_call_change_event_on_the_day_it_happens():
    calls = _calls(_rise_then_drop())
    (change,) = calls.changes({"X": "X Industries"}, sessions=5)
    assert (change.from_rating, change.to_rating) == ("Mildly Bullish", "Mildly Bearish")
    assert change.kind == RatingKind.TECHNICAL
    assert change.source == "capwatch technicals"
    assert change.name == "X Industries"
    assert change.at == datetime(2026, 11, 19, 15, 30, tzinfo=IST)


def test_first_call_is_not_a_change_and_sessions_limit_the_window():
    calls = _calls(100.0 + np.arange(30))  # first call on the 20th close, no change since
    assert calls.changes({"X": "X"}, sessions=30) == ()
    assert _calls(_rise_then_drop()).changes({"X": "X"}, sessions=0) == ()


def test_call_history_lists_runs_from_their_first_day():
    calls = _calls(_rise_then_drop())
    days = pd.bdate_range(end="2026-11-19", periods=32)
    assert calls.history("X") == (
        (days[19].date(), "Mildly Bullish"),
        (days[31].date(), "Mildly Bearish"),
    )
    assert calls.history("MISSING") == ()


def _codes(scores):
    score = np.array([scores], dtype=float).T
    return technicals.calls_with_hysteresis(score)[:, 0].tolist()


def test_hysteresis_holds_a_call_until_the_score_leaves_its_range_three_sessions_running():
    # score 2 -> Mildly Bullish (3), held over 1..4: 1 holds it; 0 on three sessions running
    # -> Sideways (2) on the third; two sessions of 3 (a blip) leave it; 5 on three -> Bullish
    assert _codes([np.nan, 2, 1, 0, 0, 0, 3, 3, 2, 5, 5, 5]) == [
        -1, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 4,
    ]  # fmt: skip


def test_a_changed_call_cannot_flip_back_within_two_sessions():
    # Mildly Bullish -> Sideways on day 5; the score points back at once, but the call holds
    # two more sessions and changes back only on the third.
    assert _codes([np.nan, 2, 0, 0, 0, 3, 3, 3]) == [-1, 3, 3, 3, 2, 2, 2, 3]


def test_each_names_scores_and_calls_are_its_own_history_alone():
    """The whole matrix is scored at once, from running sums shared by every window: a
    name's scores and calls must be what its own column alone gives, whatever its
    neighbours (young listings, gaps, a flat price)."""
    rng = np.random.default_rng(5)
    closes = 100 * np.cumprod(1 + rng.normal(0, 0.03, (230, 150)), axis=0)
    for column in range(0, 150, 7):
        closes[: rng.integers(0, 230), column] = np.nan  # listed later
    closes[rng.random(closes.shape) < 0.01] = np.nan  # gaps
    closes[:, 3] = 123.45
    together = technicals.scores(closes)
    alone = np.hstack([technicals.scores(closes[:, [k]]) for k in range(150)])
    np.testing.assert_array_equal(together, alone)
    assert set(np.unique(together[~np.isnan(together)])) > {-2.0, 0.0, 2.0}
    calls = technicals.calls_with_hysteresis(together)
    by_name = np.hstack([technicals.calls_with_hysteresis(alone[:, [k]]) for k in range(150)])
    np.testing.assert_array_equal(calls, by_name)
