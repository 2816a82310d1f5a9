"""``capwatch snapshot --segment`` (watch included) and the JSON's ``alerts``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tui.cli import main
from tui.settings.paths import resolve_paths
from tui.settings.watchlist import Watchlist

RULES = """\
[[alerts]]
id = "breadth-low-bar"
kind = "breadth"
above = 0.01

[[alerts]]
id = "breadth-never"
kind = "breadth"
above = 1000
"""


def demo_symbols(capsys) -> list[str]:
    assert main(["snapshot", "--demo", "--seed", "7", "--format", "csv"]) == 0
    return [row["symbol"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))]


def test_segment_watch_shows_the_demo_watchlist(fresh_home: Path, capsys) -> None:
    symbols = demo_symbols(capsys)
    watchlist = Watchlist.load(resolve_paths().watchlist(demo=True))
    watchlist.toggle(symbols[3])
    watchlist.toggle(symbols[900])
    args = ["snapshot", "--demo", "--seed", "7", "--segment", "watch"]
    assert main([*args, "--format", "json"]) == 0
    (segment,) = json.loads(capsys.readouterr().out)["segments"]
    listed = {m["symbol"] for m in segment["gainers"] + segment["losers"]}
    assert segment["id"] == "watch" and listed == {symbols[3], symbols[900]}
    assert segment["advances"] + segment["declines"] + segment["unchanged"] == 2
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["symbol"] for row in rows] == [symbols[3], symbols[900]]
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "\nwatch    gainers" in table and "\nsmall    gainers" not in table


def test_segment_small_keeps_only_small_caps(capsys) -> None:
    assert main(["snapshot", "--demo", "--seed", "7", "--segment", "small", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and {row["segment"] for row in rows} == {"small"}


def test_json_lists_the_alerts_that_would_fire(fresh_home: Path, capsys) -> None:
    config = fresh_home / "config.toml"
    config.write_text(RULES, encoding="utf-8")
    args = ["snapshot", "--demo", "--seed", "7", "--format", "json", "--config", str(config)]
    assert main(args) == 0
    alerts = json.loads(capsys.readouterr().out)["alerts"]
    assert [(a["rule"], a["subject"]) for a in alerts] == [("breadth-low-bar", "all")]
    assert alerts[0]["value"].endswith("x") and alerts[0]["at"].startswith("2026-02-11T11:30")
    assert not resolve_paths().alerts(demo=True).exists()  # nothing recorded
    assert main(["snapshot", "--demo", "--seed", "7", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["alerts"] == []
