import json

from factories.analytics import history, index, snapshot, stock

from providers.contract import Segment
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.cli import main
from tui.output import report


def _views():
    quotes = [
        stock("UP", 2.345, segment=Segment.LARGE, sector="Banks"),
        stock("DOWN", -1.0, segment=Segment.LARGE, sector="IT", ffmc=None),
        stock("MICRO", None, prev_close=None, last=3.0, segment=Segment.MICRO, sector="IT"),
    ]
    analytics = MarketAnalytics(AnalyticsSettings(movers=1))
    analytics.load_history(history({"NIFTY 50": [100.0] * 30}))
    return analytics.refresh(
        snapshot(quotes, [index("NIFTY 50", 110.0, 100.0), index("NEW", 5, 4)])
    )


def test_segments_json_by_hand():
    segments = report.segments_json(_views())
    assert [s["id"] for s in segments] == ["all", "large", "mid", "small", "micro"]
    large = segments[1]
    assert (large["advances"], large["declines"], large["unchanged"]) == (1, 1, 0)
    assert large["ad_ratio"] == 1.0
    assert large["gainers"] == [{"symbol": "UP", "change_pct": 2.35}]  # rounded to 2
    assert large["losers"] == [{"symbol": "DOWN", "change_pct": -1.0}]
    no_history = {"change_5d_pct": None, "change_1m_pct": None}  # the stocks have none
    assert large["sectors"] == [
        {"sector": "Banks", "change_pct": 2.35, **no_history, "advances": 1, "declines": 0},
        {"sector": "IT", "change_pct": None, **no_history, "advances": 0, "declines": 1},
    ]  # IT: no market cap
    assert large["breakouts"]["counts"]["↑50DMA"] == 0 and large["breakouts"]["lists"]["52wH"] == []
    assert segments[2]["ad_ratio"] is None and segments[2]["sectors"] == []
    json.dumps(segments, allow_nan=False)  # no inf/NaN can slip through


def test_index_horizons_are_null_without_history():
    horizons = report.index_horizons_json(_views())
    fy_start = "2026-03-31"  # the default anchor, before the 30 sessions of history
    assert horizons["NIFTY 50"] == {
        "change_5d_pct": 10.0,
        "change_1m_pct": 10.0,
        "change_ytd_pct": None,
        "since": {fy_start: None},
        "relative": {  # the benchmark against itself
            "benchmark": "NIFTY 50",
            "day": 0.0,
            "5d": 0.0,
            "1m": 0.0,
            "since": {fy_start: None},
        },
    }
    new = horizons["NEW"]
    assert new["change_5d_pct"] is new["change_1m_pct"] is new["change_ytd_pct"] is None
    assert new["relative"]["day"] == 15.0  # +25% against the benchmark's +10%
    assert new["relative"]["5d"] is None  # no history: unknown, never 0


def test_segments_table_shows_the_same_figures():
    text = report.segments_table(_views(), None)
    assert "large      1    1     0  1.00x" in text
    assert "UP +2.35%" in text and "DOWN -1.00%" in text
    assert "NIFTY 50  +10.00%  +10.00%  +10.00%" in text


def test_snapshot_json_has_consistent_segments(capsys):
    assert main(["snapshot", "--demo", "--seed", "7", "--format", "json", "--movers", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_segment = {}
    for quote in data["stocks"]:
        by_segment.setdefault(quote["segment"], []).append(quote)
    by_segment["all"] = data["stocks"]
    for segment in data["segments"]:
        members = by_segment.get(segment["id"], [])
        assert segment["advances"] + segment["declines"] + segment["unchanged"] == len(members)
        advancing = sum(1 for q in members if (q["change_pct"] or 0) > 0)
        assert segment["advances"] == advancing
        gains = [g["change_pct"] for g in segment["gainers"]]
        assert gains == sorted(gains, reverse=True) and len(gains) <= 3
        assert sum(s["advances"] for s in segment["sectors"]) == segment["advances"]
    for quote in data["indices"]:
        assert {"change_5d_pct", "change_1m_pct", "change_ytd_pct"} <= set(quote)
        assert quote["change_5d_pct"] is not None  # the demo supplies history


def test_snapshot_table_and_bad_anchor(capsys):
    assert main(["snapshot", "--demo", "--seed", "7", "--anchor", "2025-04-07"]) == 0
    out = capsys.readouterr().out
    assert "SINCE 07 APR 2025" in out and "RANK 5D" in out
    assert main(["snapshot", "--demo", "--seed", "7", "--anchor", "7 April"]) == 2
    assert "--anchor must be a date like 2025-04-07" in capsys.readouterr().err
