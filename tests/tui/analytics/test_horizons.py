"""Flows, relative figures and baskets over longer horizons (index methodology), by hand."""

from datetime import date

import numpy as np
import pytest
from factories.analytics import history, index, snapshot, stock

from providers.contract import InstitutionalFlow, Segment
from tui.analytics import AnalyticsSettings, MarketAnalytics, flows, returns


def flow(day: date, fii: float | None, dii: float | None) -> InstitutionalFlow:
    return InstitutionalFlow(day, None, None, fii, None, None, dii)


def test_flows_sum_the_latest_days_month_and_say_how_many_days():
    view = flows.view(
        [
            flow(date(2026, 10, 31), -5000.0, 100.0),  # last month: left out
            flow(date(2026, 11, 18), -1000.0, 700.0),
            flow(date(2026, 11, 19), 250.0, None),  # DII not reported that day
        ]
    )
    assert view is not None
    assert (view.day, view.fii_net, view.dii_net) == (date(2026, 11, 19), 250.0, None)
    assert (view.month_fii_net, view.month_dii_net, view.month_days) == (-750.0, 700.0, 2)
    assert flows.view([]) is None


def test_basket_change_weights_at_the_start_equal_the_chain_linked_index():
    shares = np.array([10.0, 1.0, 5.0])
    start, middle, end = np.array([100.0, 50.0, 20.0]), [110.0, 40.0, 21.0], [99.0, 60.0, 25.0]
    ffmc_now = shares * end
    by_method = returns.basket_change(shares, np.array(end), start)
    chained = (shares @ middle / (shares @ start)) * (shares @ end / (shares @ middle)) - 1
    assert by_method == pytest.approx(chained * 100)
    today_weights = returns.weighted_change(returns.pct_array(np.array(end), start), ffmc_now)
    assert today_weights != pytest.approx(by_method)  # today's caps would overweight winners


def test_sector_five_day_change_uses_start_of_period_weights():
    quotes = [
        stock("A", 0.0, prev_close=200.0, ffmc=2000.0, sector="Defence"),  # 100 -> 200
        stock("B", 0.0, prev_close=100.0, ffmc=1000.0, sector="Defence"),  # 100 -> 100
    ]
    analytics = MarketAnalytics(AnalyticsSettings())
    analytics.load_history(history({"A": [100.0] * 6, "B": [100.0] * 6}))
    view = analytics.refresh(snapshot(quotes))[Segment.SMALL]
    five = view.horizon("5D")
    assert five is not None
    # equal caps at the start (10 shares x 100 each): (+100% + 0%) / 2 = +50%
    assert five.sectors[0].change_pct == pytest.approx(50.0)
    assert view.sectors[0].change_5d_pct == pytest.approx(50.0)
    assert [g.symbol for g in five.gainers] == ["A"] and five.gainers[0].change_pct == 100.0


def test_relative_figures_per_horizon_and_anchor():
    closes = {"NIFTY 50": [100.0] * 30, "SMALL": [100.0] * 30}
    closes["SMALL"][-5] = 80.0  # five sessions before today (the 5th-last close)
    analytics = MarketAnalytics(AnalyticsSettings(anchors=(date(2026, 11, 10), date(2026, 1, 1))))
    analytics.load_history(history(closes))
    indices = [index("NIFTY 50", 102.0, 100.0), index("SMALL", 110.0, 100.0, Segment.SMALL)]
    view = analytics.refresh(snapshot(indices=indices))[Segment.ALL]
    small = next(r for r in view.indices if r.name == "SMALL")
    rel = small.relative
    assert rel is not None and rel.benchmark == "NIFTY 50"
    assert rel.day == pytest.approx(8.0)  # +10% against +2%
    assert rel.five_day == pytest.approx(37.5 - 2.0)  # 110/80 against 102/100
    assert rel.since[0] == pytest.approx(8.0)  # both flat up to 10 Nov
    assert small.since_pcts[1] is None and rel.since[1] is None  # 1 Jan: before the history
    assert view.anchors == (date(2026, 11, 10), date(2026, 1, 1))


def test_without_the_benchmark_there_is_no_relative_figure():
    analytics = MarketAnalytics(AnalyticsSettings(benchmark="SENSEX"))
    view = analytics.refresh(snapshot(indices=[index("NIFTY 50", 1.0, 1.0)]))[Segment.ALL]
    assert view.indices[0].relative is None
