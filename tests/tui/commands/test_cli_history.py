"""``capwatch history``: the daily closes behind the horizons, from the demo or the store."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pandas as pd
import pytest

from providers.contract import IST, IndexQuote, Segment, Snapshot
from tui.cli import main
from tui.history.store import HistoryStore
from tui.settings.paths import resolve_paths

INDEX_NAMES = [
    "NIFTY 50",
    "SENSEX",
    "NIFTY MIDCAP 100",
    "BSE MIDCAP",
    "NIFTY SMALLCAP 100",
    "NIFTY SMALLCAP 250",
    "BSE SMALLCAP",
    "NIFTY MICROCAP 250",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_a_row_per_trading_day_up_to_the_day_before_the_snapshot(capsys) -> None:
    code, out, _ = run(capsys, "history", "--demo", "--seed", "7", "--days", "30")
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header == ["date", *INDEX_NAMES]
    table = rows(out)
    assert len(table) == 30
    days = [date.fromisoformat(row["date"]) for row in table]
    assert days == sorted(days) and all(day.weekday() < 5 for day in days)
    assert days[-1] == date(2026, 2, 10)  # the reproducible start is 2026-02-11 11:30
    assert all(float(row["NIFTY 50"]) > 0 for row in table)


def test_history_and_snapshot_with_the_same_flags_describe_one_market(capsys) -> None:
    flags = ["--demo", "--seed", "5", "--start", "2026-03-18T14:00"]
    _, out, _ = run(capsys, "history", *flags, "--days", "5")
    _, snap, _ = run(capsys, "snapshot", *flags, "--format", "json")
    last_row = rows(out)[-1]
    for index in json.loads(snap)["indices"]:
        assert float(last_row[index["name"]]) == index["prev_close"]


def test_any_two_starts_agree_on_the_closes_they_share(capsys) -> None:
    _, early, _ = run(capsys, "history", "--demo", "--seed", "2", "--start", "2026-02-11T10:00")
    _, late, _ = run(capsys, "history", "--demo", "--seed", "2", "--start", "2026-06-01T10:00")
    first = {row["date"]: row for row in rows(early)}
    second = {row["date"]: row for row in rows(late)}
    shared = sorted(set(first) & set(second))
    assert len(shared) > 100
    assert all(first[day] == second[day] for day in shared)


def test_json_holds_the_same_rows_and_stocks_are_optional(capsys) -> None:
    flags = ["history", "--demo", "--seed", "7", "--days", "3"]
    _, text, _ = run(capsys, *flags)
    _, data, _ = run(capsys, *flags, "--format", "json")
    parsed = json.loads(data)
    assert parsed["provider"] == "demo" and parsed["simulated"] is True
    assert parsed["before"] == "2026-02-11" and parsed["columns"] == INDEX_NAMES
    assert [{k: str(v) for k, v in row.items()} for row in parsed["closes"]] == rows(text)
    _, wide, _ = run(capsys, *flags, "--stocks")
    header = wide.splitlines()[0].split(",")
    assert header[: len(INDEX_NAMES) + 1] == ["date", *INDEX_NAMES]
    assert len(header) == 1 + len(INDEX_NAMES) + 2400


def test_bad_days_is_a_usage_error(capsys) -> None:
    code, _, err = run(capsys, "history", "--demo", "--days", "0")
    assert code == 2 and "--days" in err


def test_a_live_source_without_stored_history_says_how_to_get_some(capsys) -> None:
    code, out, err = run(capsys, "history", "--provider", "nse")
    assert code == 1 and out == ""
    assert "no history stored yet" in err and "capwatch" in err


def test_a_live_source_reads_the_store(capsys) -> None:
    path = resolve_paths(None).history
    moment = datetime.now(IST)
    quote = IndexQuote("NIFTY 50", Segment.LARGE, 25000.0, 24900.0, 0.4, moment, "NSE")
    stored = Snapshot(provider="nse", as_of=moment, simulated=False, indices=(quote,))
    days = pd.bdate_range(end=moment.date() - pd.Timedelta(days=1), periods=4)
    closes = pd.DataFrame(
        {"NIFTY 50": [24000.0, 24100.5, 24200.0, 24300.25], "RELIANCE": [1.0, 2.0, 3.0, 4.0]},
        index=days,
    )
    today = pd.DataFrame({"NIFTY 50": [25000.0]}, index=pd.DatetimeIndex([moment.date()]))
    with HistoryStore.open(path) as store:
        store.append_snapshot(stored)
        store.append_daily_closes(pd.concat([closes, today]))
    code, out, _ = run(capsys, "history", "--provider", "nse", "--days", "3")
    expected = [24100.5, 24200.0, 24300.25]  # the last three before today, indices only
    assert code == 0
    assert out.splitlines() == [
        "date,NIFTY 50",
        *(f"{day:%Y-%m-%d},{value}" for day, value in zip(days[1:], expected, strict=True)),
    ]
