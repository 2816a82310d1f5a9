import pytest
from factories.analytics import stock

from providers.contract import Segment
from tui.analytics import sectors
from tui.analytics.frames import LiveColumns, Universe


def _rows(quotes, segment=Segment.ALL):
    universe, columns = Universe.from_stocks(quotes), LiveColumns.from_stocks(quotes)
    order = sectors.sector_order(universe, columns)
    return sectors.rows(order, universe.members[segment], universe, columns)


def test_weighted_median_breadth_leader_and_laggard_by_hand():
    quotes = [
        stock("A", 4.0, sector="Power", ffmc=300.0),
        stock("B", -2.0, sector="Power", ffmc=100.0),
        stock("C", 1.0, sector="Power", ffmc=100.0),
        stock("D", 0.0, sector="Power", ffmc=500.0),
    ]
    (row,) = _rows(quotes)
    # Weighted by the caps at the previous close (ffmc / (1 + change)), as an index is:
    # the sector's cap went from the sum of those to 1000. Median of (-2, 0, 1, 4) = 0.5.
    before = 300 / 1.04 + 100 / 0.98 + 100 / 1.01 + 500
    assert row.change_pct == pytest.approx((1000 / before - 1) * 100)
    assert row.change_pct < 1.1  # today's caps as weights would lean to the winner
    assert row.median_pct == pytest.approx(0.5)
    assert (row.advances, row.declines) == (2, 1)
    assert (row.leader, row.leader_pct, row.laggard, row.laggard_pct) == ("A", 4.0, "B", -2.0)


def test_a_sector_with_one_stock_leads_and_lags_itself():
    (row,) = _rows([stock("ONLY", -3.0, sector="Textiles")])
    assert row.change_pct == row.median_pct == -3.0
    assert row.leader == row.laggard == "ONLY"
    assert (row.advances, row.declines) == (0, 1)


def test_unknown_changes_are_left_out_of_figures_but_not_of_the_sector():
    quotes = [
        stock("A", 2.0, sector="Chemicals"),
        stock("N", None, prev_close=None, last=10.0, sector="Chemicals"),
        stock("B", 6.0, sector="Chemicals"),
    ]
    (row,) = _rows(quotes)
    assert row.median_pct == pytest.approx(4.0)
    assert (row.leader, row.laggard) == ("B", "A")


def test_without_market_caps_the_weighted_change_is_unknown_and_median_ranks():
    quotes = [
        stock("A", 1.0, sector="X", ffmc=None),
        stock("B", 3.0, sector="Y", ffmc=None),
        stock("C", -1.0, sector="Z", ffmc=50.0),
        stock("D", None, prev_close=None, last=5.0, sector="W"),
    ]
    rows = _rows(quotes)
    assert [r.sector for r in rows] == ["Z", "Y", "X", "W"]
    assert rows[1].change_pct is None and rows[1].median_pct == 3.0
    assert rows[3].median_pct is None and rows[3].leader is None


def test_ranked_best_first_and_limited_to_the_segment():
    quotes = [
        stock("A", 1.0, sector="Banks", segment=Segment.LARGE),
        stock("B", 5.0, sector="Defence", segment=Segment.SMALL),
        stock("C", -2.0, sector="Banks", segment=Segment.SMALL),
        stock("D", 2.0, sector="Fertilisers", segment=Segment.SMALL),
    ]
    assert [r.sector for r in _rows(quotes, Segment.SMALL)] == ["Defence", "Fertilisers", "Banks"]
    assert [r.sector for r in _rows(quotes, Segment.LARGE)] == ["Banks"]
    assert _rows(quotes, Segment.MICRO) == ()
