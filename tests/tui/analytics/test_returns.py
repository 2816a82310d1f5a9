from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.analytics import returns
from tui.analytics.frames import DailyCloses

TODAY = date(2026, 11, 20)  # Friday; history runs to Thursday the 19th


def _refs(frame: pd.DataFrame, anchor: date | None = None, today: date = TODAY):
    return returns.References.build(DailyCloses.from_frame(frame), today, anchor)


@pytest.fixture
def year_of_closes() -> pd.DataFrame:
    days = pd.bdate_range("2025-11-03", "2026-11-19")
    closes = pd.Series(200.0, index=days)
    closes[pd.Timestamp("2025-11-10")] = 1000.0  # more than 52 weeks before today
    closes[pd.Timestamp("2025-12-31")] = 160.0  # last close of the previous year
    closes[pd.Timestamp("2026-03-31")] = 125.0  # financial-year-end close (default anchor)
    closes[pd.Timestamp("2026-04-03")] = 110.0  # Friday before Sunday 5 April
    closes[pd.Timestamp("2026-10-20")] = 250.0  # one month before today
    closes[pd.Timestamp("2026-11-13")] = 220.0  # 5 sessions before today
    return closes.to_frame("NIFTY SMALLCAP 100")


def test_every_horizon_against_a_hand_calculation(year_of_closes):
    figures = returns.horizons(_refs(year_of_closes), "NIFTY SMALLCAP 100", 275.0)
    assert figures.change_5d_pct == pytest.approx(25.0)  # 275 / 220
    assert figures.change_1m_pct == pytest.approx(10.0)  # 275 / 250
    assert figures.change_ytd_pct == pytest.approx(71.875)  # 275 / 160
    assert figures.since_anchor_pct == pytest.approx(120.0)  # 275 / 125
    assert figures.from_52w_high_pct == pytest.approx(0.0)  # today is the high (1000 too old)
    assert figures.from_52w_low_pct == pytest.approx(150.0)  # low: 110 on 3 April


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 31), date(2026, 2, 28)),  # clipped to the shorter month
        (date(2028, 3, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 15), date(2025, 12, 15)),  # across the year end
        (date(2026, 11, 20), date(2026, 10, 20)),
    ],
)
def test_month_before(day, expected):
    assert returns.month_before(day) == expected


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2200, 12, 31)))
def test_month_before_counts_as_pandas_does(day):
    assert returns.month_before(day) == (pd.Timestamp(day) - pd.DateOffset(months=1)).date()


def test_anchor_on_a_weekend_uses_the_close_before(year_of_closes):
    refs = _refs(year_of_closes, anchor=date(2026, 4, 5))
    assert refs.anchor_date == date(2026, 4, 5)
    figures = returns.horizons(refs, "NIFTY SMALLCAP 100", 275.0)
    assert figures.since_anchor_pct == pytest.approx(150.0)  # 275 / 110


def test_reported_year_high_and_low_count(year_of_closes):
    refs = _refs(year_of_closes)
    figures = returns.horizons(refs, "NIFTY SMALLCAP 100", 275.0, year_high=300.0, year_low=100.0)
    assert figures.from_52w_high_pct == pytest.approx(275 / 300 * 100 - 100)
    assert figures.from_52w_low_pct == pytest.approx(175.0)


def _five_sessions(with_holiday_row: bool) -> pd.DataFrame:
    days = ["2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17", "2026-11-19"]
    values = [100.0, 101.0, 102.0, 103.0, 104.0]
    if with_holiday_row:  # Wednesday 18th as an all-empty row
        days.insert(4, "2026-11-18")
        values.insert(4, np.nan)
    return pd.DataFrame({"IDX": values}, index=pd.to_datetime(days))


@pytest.mark.parametrize("with_holiday_row", [False, True])
def test_a_holiday_in_the_five_day_window_is_skipped_not_counted(with_holiday_row):
    figures = returns.horizons(_refs(_five_sessions(with_holiday_row)), "IDX", 110.0)
    # five sessions back from Friday 20th, Wednesday 18th being a holiday: Thursday 12th
    assert figures.change_5d_pct == pytest.approx(10.0)


def test_todays_row_in_the_history_is_superseded_by_the_live_price():
    frame = _five_sessions(False)
    frame.loc[pd.Timestamp("2026-11-20")] = 999.0
    figures = returns.horizons(_refs(frame), "IDX", 110.0)
    assert figures.change_5d_pct == pytest.approx(10.0)


def test_missing_history_is_absent_not_zero(year_of_closes):
    figures = returns.horizons(_refs(year_of_closes), "NIFTY MICROCAP 250", 500.0)
    assert figures.change_5d_pct is None
    assert figures.change_1m_pct is None
    assert figures.change_ytd_pct is None
    assert figures.since_anchor_pct is None
    assert figures.from_52w_high_pct is None and figures.from_52w_low_pct is None
    assert figures.above_ma == (None, None, None)
    assert figures.crossed_today == ()


def test_missing_history_still_uses_the_reported_range():
    refs = _refs(pd.DataFrame())
    figures = returns.horizons(refs, "IDX", 90.0, year_high=120.0, year_low=60.0)
    assert figures.from_52w_high_pct == pytest.approx(-25.0)
    assert figures.from_52w_low_pct == pytest.approx(50.0)


def test_short_history_leaves_long_horizons_unknown():
    frame = pd.DataFrame(
        {"NEW": [50.0, 51.0, 52.0]}, index=pd.bdate_range(end="2026-11-19", periods=3)
    )
    figures = returns.horizons(_refs(frame), "NEW", 55.0)
    assert figures.change_5d_pct is None
    assert figures.change_ytd_pct is None
    assert figures.from_52w_low_pct == pytest.approx(10.0)


def _ma_history(yesterday: float) -> pd.DataFrame:
    values = [100.0] * 59 + [yesterday]
    return pd.DataFrame({"IDX": values}, index=pd.bdate_range(end="2026-11-19", periods=60))


def test_crossing_up_through_the_50_day_average():
    # yesterday: MA50 = (49*100 + 90)/50 = 99.8 > 90 (below); today: (48*100 + 90 + 110)/50 = 100
    figures = returns.horizons(_refs(_ma_history(90.0)), "IDX", 110.0)
    assert figures.above_ma == (True, None, None)
    assert figures.crossed_today == (50,)


def test_crossing_down_and_staying_put():
    # yesterday: MA50 = 100.1 < 105 (above); today: (48*100 + 105 + 80)/50 = 99.7 > 80
    down = returns.horizons(_refs(_ma_history(105.0)), "IDX", 80.0)
    assert down.above_ma == (False, None, None)
    assert down.crossed_today == (-50,)
    stay = returns.horizons(_refs(_ma_history(105.0)), "IDX", 120.0)
    assert stay.above_ma == (True, None, None)
    assert stay.crossed_today == ()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 2, 10), date(2025, 3, 31)),
        (date(2026, 4, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2025, 3, 31)),
    ],
)
def test_default_anchor_is_the_financial_year_start(today, expected):
    assert returns.effective_anchor(None, today) == expected
    assert returns.effective_anchor(date(2026, 4, 7), today) == date(2026, 4, 7)


def test_weighted_change_skips_unknown_and_unweighted():
    changes = np.array([2.0, -1.0, np.nan, 5.0])
    weights = np.array([3.0, 1.0, 10.0, np.nan])
    assert returns.weighted_change(changes, weights) == pytest.approx((6.0 - 1.0) / 4.0)
    assert returns.weighted_change(np.array([np.nan]), np.array([1.0])) is None


def test_rank_best_first_unknown_unranked():
    assert returns.rank({"large": 0.5, "mid": 1.2, "small": 2.52, "micro": None}) == {
        "large": 3,
        "mid": 2,
        "small": 1,
        "micro": None,
    }


def test_pct_rejects_unusable_references():
    assert returns.pct(110.0, 100.0) == pytest.approx(10.0)
    assert returns.pct(110.0, float("nan")) is None
    assert returns.pct(110.0, 0.0) is None
