"""History store: appends, reads, retention, migrations, concurrency, crashes, corruption;
and the snapshot JSON codec it relies on."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from factories.snapshot import AS_OF, make_snapshot

from providers.contract import IST, Part
from tui.history import store as store_module
from tui.history.codec import SnapshotDecodeError, snapshot_from_json, snapshot_to_json
from tui.history.store import SCHEMA_VERSION, HistoryStore, StoreError

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def store(tmp_path: Path):
    with HistoryStore.open(tmp_path / "history.db") as opened:
        yield opened


def _rows(path: Path, sql: str, *args: object) -> list[tuple]:
    """What the file holds, read with plain SQL."""
    with closing(sqlite3.connect(path)) as db:
        return db.execute(sql, args).fetchall()


def _tables(path: Path) -> set[str]:
    return {name for (name,) in _rows(path, "SELECT name FROM sqlite_schema WHERE type = 'table'")}


def _closes(days: list[date], values: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame(values, index=pd.DatetimeIndex(days))


# -- codec --------------------------------------------------------------------------------------


def test_codec_round_trip_is_exact_including_zones_and_enums() -> None:
    snapshot = make_snapshot()
    decoded = snapshot_from_json(snapshot_to_json(snapshot))
    assert decoded == snapshot
    assert repr(decoded) == repr(snapshot)  # zone objects too, not just equal instants
    assert decoded.as_of.tzinfo == IST
    assert decoded.breadth[1].time.tzinfo is UTC
    assert decoded.ratings[1].at.utcoffset() == timedelta(hours=-5)
    assert isinstance(decoded.stocks, tuple) and isinstance(decoded.members["NIFTY 50"], tuple)
    assert set(decoded.errors) == {Part.RATINGS}
    assert type(next(iter(decoded.errors))) is Part


def test_codec_refuses_other_versions_and_wrong_types() -> None:
    payload = json.loads(snapshot_to_json(make_snapshot()))
    with pytest.raises(SnapshotDecodeError, match="codec version 99"):
        snapshot_from_json(json.dumps({**payload, "codec": 99}))
    payload["snapshot"]["stocks"][0]["volume"] = "lots"
    with pytest.raises(SnapshotDecodeError, match=r"StockQuote\.volume: expected int, got str"):
        snapshot_from_json(json.dumps(payload))
    with pytest.raises(SnapshotDecodeError, match="not JSON"):
        snapshot_from_json('{"codec": 1, "snapsh')


def test_codec_ignores_fields_the_contract_no_longer_has() -> None:
    payload = json.loads(snapshot_to_json(make_snapshot()))
    payload["snapshot"]["indices"][0]["retired_field"] = 1
    assert snapshot_from_json(json.dumps(payload)) == make_snapshot()


# -- appends and reads ---------------------------------------------------------------------------


def test_append_snapshot_stores_every_part_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    snapshot = make_snapshot()
    with HistoryStore.open(path) as store:
        store.append_snapshot(snapshot)
    with HistoryStore.open(path) as store:
        assert store.last_snapshot() == snapshot
        closes = store.daily_closes()
        assert closes.loc["2026-11-20", "NIFTY 50"] == snapshot.indices[0].last
        assert closes.loc["2026-11-20", "SYM0002"] == snapshot.stocks[2].last
    # only what is read back: no journals of breadth, ratings or earnings
    assert _tables(path) == {"instrument", "daily_close", "last_snapshot", "fetched_text"}


def test_the_latest_price_of_a_day_is_its_close(store: HistoryStore) -> None:
    store.append_snapshot(make_snapshot(shift=0.0))
    later = make_snapshot(as_of=AS_OF + timedelta(hours=4), shift=7.0)
    store.append_snapshot(later)
    closes = store.daily_closes(["NIFTY 50"])
    assert list(closes.columns) == ["NIFTY 50"]
    assert closes.iloc[-1, 0] == later.indices[0].last


def test_an_older_snapshot_does_not_replace_a_newer_one(store: HistoryStore) -> None:
    newer = make_snapshot(as_of=AS_OF + timedelta(minutes=5))
    store.append_snapshot(newer)
    store.append_snapshot(make_snapshot())  # e.g. a slower second process
    assert store.last_snapshot() == newer


def test_real_and_simulated_data_never_share_a_store(tmp_path: Path) -> None:
    with HistoryStore.open(tmp_path / "real.db") as real:
        with pytest.raises(ValueError, match="simulated snapshot offered to the real store"):
            real.append_snapshot(make_snapshot(simulated=True))
        assert real.last_snapshot() is None
    with HistoryStore.open(tmp_path / "demo.db", simulated=True) as demo:
        demo.append_snapshot(make_snapshot(simulated=True))
        assert demo.last_snapshot().simulated


def test_daily_closes_has_the_provider_history_shape(store: HistoryStore) -> None:
    days = [date(2026, 11, d) for d in (16, 17, 18, 19, 20)]
    frame = _closes(days, {"NIFTY 50": [1.0, 2.0, 3.0, 4.0, 5.0], "ABC": [9.0, None, 7, 6, 5]})
    assert store.append_daily_closes(frame) == 9  # the missing value is skipped
    got = store.daily_closes(days=3)
    assert list(got.index) == [pd.Timestamp(d) for d in days[-3:]]  # oldest first, last 3
    assert isinstance(got.index, pd.DatetimeIndex) and got.index.tz is None
    assert sorted(got.columns) == ["ABC", "NIFTY 50"]
    assert got.loc["2026-11-18", "NIFTY 50"] == 3.0
    full = store.daily_closes(["ABC"], days=10)
    assert list(full.columns) == ["ABC"] and pd.isna(full.loc["2026-11-17", "ABC"])


def test_daily_closes_of_an_empty_store_is_an_empty_frame(store: HistoryStore) -> None:
    frame = store.daily_closes()
    assert frame.empty and isinstance(frame.index, pd.DatetimeIndex)


def test_prune_keeps_the_file_bounded(store: HistoryStore) -> None:
    now = datetime(2026, 11, 20, 12, 0, tzinfo=IST)
    ancient = [date(2022, 1, 3), date(2025, 1, 3)]
    store.append_daily_closes(_closes(ancient, {"NIFTY 50": [1.0, 2.0], "ABC": [3.0, 4.0]}))
    assert store.prune(now, daily_years=3) == 2  # both names' 2022 close
    closes = store.daily_closes(["NIFTY 50", "ABC"], days=1000)
    assert list(closes.index) == [pd.Timestamp("2025-01-03")]


# -- schema -------------------------------------------------------------------------------------


def test_a_version_1_file_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with sqlite3.connect(path) as db:
        for statement in store_module.MIGRATIONS[0]:
            db.execute(statement)
        db.executemany(
            "INSERT INTO daily_close VALUES (?, ?, ?)",
            [
                ("NIFTY 50", "2026-11-18", 23900.25),
                ("NIFTY 50", "2026-11-19", 23950.5),
                ("ABC", "2026-11-19", 101.5),
                ("ABC", "2024-02-29", 88.0),
            ],
        )
        db.execute("INSERT INTO breadth VALUES ('small', 1, '2026-11-19', 10, 20, 1)")
        db.execute("PRAGMA user_version = 1")
    db.close()
    with HistoryStore.open(path) as store:
        closes = store.daily_closes(days=10)
        assert list(closes.index) == [
            pd.Timestamp(d) for d in ("2024-02-29", "2026-11-18", "2026-11-19")
        ]
        assert closes.loc["2026-11-19"].to_dict() == {"ABC": 101.5, "NIFTY 50": 23950.5}
        assert closes.loc["2024-02-29", "ABC"] == 88.0
        assert "breadth" not in _tables(path)  # v4 dropped the journals nobody read
        store.append_snapshot(make_snapshot())  # and the migrated file takes new rows
        assert store.daily_closes(["NIFTY 50"]).iloc[-1, 0] == make_snapshot().indices[0].last
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        day_type = db.execute("SELECT typeof(day) FROM daily_close LIMIT 1").fetchone()[0]
    db.close()
    assert day_type == "integer"


def test_a_file_from_a_newer_capwatch_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer than this capwatch"):
        HistoryStore.open(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["history.db"]  # nothing moved aside


def test_a_write_blocked_too_long_by_another_process_is_a_store_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "history.db"
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.05)
    with HistoryStore.open(path) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process mid-write, for too long
        try:
            with pytest.raises(StoreError, match="database is locked"):
                store.append_snapshot(make_snapshot())
        finally:
            other.execute("ROLLBACK")
            other.close()
        store.append_snapshot(make_snapshot())  # and the store is usable afterwards
        assert store.last_snapshot() == make_snapshot()


def test_a_corrupt_file_is_moved_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    garbage = b"this is not a database\x00" * 200
    path.write_bytes(garbage)
    when = datetime(2026, 11, 20, 9, 30, tzinfo=IST)
    with HistoryStore.open(path, now=when) as store:
        aside = tmp_path / "history.db.corrupt-20261120T093000"
        assert aside.read_bytes() == garbage
        assert len(store.notices) == 1
        assert "could not be read" in store.notices[0] and aside.name in store.notices[0]
        store.append_snapshot(make_snapshot())
        assert store.last_snapshot() == make_snapshot()


def test_an_unreadable_stored_snapshot_is_reported_not_raised(store: HistoryStore) -> None:
    store.append_snapshot(make_snapshot())
    with store._write() as db:  # as if written by an incompatible codec
        db.execute("UPDATE last_snapshot SET body = '{\"codec\": 0}'")
    assert store.last_snapshot() is None
    assert "unreadable" in store.notices[-1]


# -- processes ----------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from datetime import date, timedelta
    import pandas as pd
    from tui.history.store import HistoryStore

    path, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = HistoryStore.open(path)
    while go and not os.path.exists(go):  # start together, so the writers really contend
        time.sleep(0.005)
    start = date(2020, 1, 1)
    for i in range(count):
        day = pd.Timestamp(start + timedelta(days=i))
        store.append_daily_closes(pd.DataFrame({name: [float(i)]}, index=[day]))
        print(i, flush=True)  # reported only after the commit returned
    """
)


def _writer(path: Path, name: str, count: int, go: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), name, str(count), str(go or "")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def test_two_processes_write_one_database_at_once(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    count, go = 300, tmp_path / "go"
    writers = [_writer(path, name, count, go) for name in ("A", "B")]
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert len(out.split()) == count
    with HistoryStore.open(path) as store:
        closes = store.daily_closes(days=count)
    assert closes["A"].tolist() == closes["B"].tolist() == [float(i) for i in range(count)]


def test_two_threads_with_their_own_connections_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    HistoryStore.open(path).close()  # create the schema once
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(200)]

    def write(name: str) -> None:
        with HistoryStore.open(path) as store:
            for i, day in enumerate(days):
                store.append_daily_closes(_closes([day], {name: [float(i)]}))

    threads = [threading.Thread(target=write, args=(name,)) for name in ("T1", "T2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with HistoryStore.open(path) as store:
        closes = store.daily_closes(days=len(days))
    assert closes["T1"].tolist() == closes["T2"].tolist() == [float(i) for i in range(200)]


def test_kill_9_during_writes_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    writer = _writer(path, "K", 100_000)
    reported = []
    for line in writer.stdout:
        reported.append(int(line))
        if len(reported) == 200:
            os.kill(writer.pid, signal.SIGKILL)
            break
    writer.wait(timeout=30)
    reported += [int(line) for line in writer.stdout.read().split()]  # anything still piped
    assert writer.returncode == -signal.SIGKILL
    with HistoryStore.open(path) as store:
        assert store.notices == []
        stored = store.daily_closes(["K"], days=200_000)["K"].tolist()
    assert stored[: len(reported)] == [float(i) for i in reported]
    assert len(stored) >= len(reported)  # the row in flight may or may not have committed
