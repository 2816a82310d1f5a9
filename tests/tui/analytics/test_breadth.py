from datetime import timedelta

import numpy as np
import pytest
from factories.analytics import NOW

from tui.analytics import breadth
from widgets.views import BreadthPoint


def test_ad_ratio_matches_the_article():
    # 873 advancing against 335 declining "yielding an advance-decline ratio of 2.61x"
    assert round(breadth.ad_ratio(873, 335), 2) == 2.61


def test_zero_declines_divide_by_one_not_by_zero():
    assert breadth.ad_ratio(40, 0) == 40.0


def test_no_advances_and_no_declines_is_unknown():
    assert breadth.ad_ratio(0, 0) is None


def test_all_declines_is_zero():
    assert breadth.ad_ratio(0, 7) == 0.0


def test_count_puts_unknown_changes_with_unchanged():
    advances, declines, unchanged = breadth.count(np.array([1.5, -0.2, 0.0, np.nan, 3.0]))
    assert (advances, declines, unchanged) == (2, 1, 2)


def test_pct_advancing_is_share_of_all_stocks():
    assert breadth.pct_advancing(2, 1, 1) == pytest.approx(50.0)
    assert breadth.pct_advancing(0, 0, 0) is None


def _point(minutes: float, advances: int, declines: int = 1) -> BreadthPoint:
    return BreadthPoint(NOW + timedelta(minutes=minutes), advances, declines, 0)


def test_series_keeps_one_reading_per_minute():
    series = breadth.BreadthSeries()
    series.add(_point(0, 1))
    series.add(_point(0.5, 2))  # same minute: replaces
    series.add(_point(1, 3))
    assert [p.advances for p in series.points] == [2, 3]


def test_series_restarts_on_a_new_day_and_ignores_older_readings():
    series = breadth.BreadthSeries()
    series.add(_point(5, 1))
    series.add(_point(2, 9))  # older than the last: ignored
    assert [p.advances for p in series.points] == [1]
    series.add(_point(24 * 60, 4))
    assert [p.advances for p in series.points] == [4]


def test_view_leaves_readings_without_a_ratio_out_of_the_ratio_series():
    series = breadth.BreadthSeries()
    series.add(_point(0, 4, 2))
    series.add(BreadthPoint(NOW + timedelta(minutes=1), 0, 0, 5))
    series.add(_point(2, 3, 0))
    view = breadth.view(3, 0, 0, series.points)
    assert view.ratio_series == (2.0, 3.0)
    assert len(view.series) == 3
    assert view.ad_ratio == 3.0
    assert view.pct_advancing == 100.0
