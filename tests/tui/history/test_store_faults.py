"""History store against damage past the header, and stale parts not recorded as today's data
(issue 12, items 8 and 13)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from factories.snapshot import make_snapshot

from providers.contract import IST, Part
from tui.history.store import HistoryStore

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=IST)


def _filled(path: Path) -> None:
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(200)]
    frame = pd.DataFrame(
        {f"STOCK{i}": [100.0 + n for n in range(200)] for i in range(40)},
        index=pd.DatetimeIndex(days),
    )
    with HistoryStore.open(path) as store:
        store.append_daily_closes(frame)


def test_a_page_damaged_past_the_header_is_found_at_open_and_moved_aside(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.db"
    _filled(path)
    size = path.stat().st_size
    assert size > 8 * 4096
    with path.open("r+b") as file:  # the header and schema pages stay intact
        file.seek(size // 2)
        file.write(b"\xde\xad\xbe\xef" * 1024)
    with HistoryStore.open(path, now=WHEN) as store:
        assert (tmp_path / "history.db.corrupt-20261120T093000").exists()
        assert len(store.notices) == 1 and "damaged" in store.notices[0]
        store.append_snapshot(make_snapshot())  # the fresh file records again
        assert store.last_snapshot() == make_snapshot()


def test_a_sound_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    _filled(path)
    with HistoryStore.open(path, now=WHEN) as store:
        assert store.notices == []
        assert len(store.daily_closes(days=300)) == 200


def test_stale_parts_are_not_recorded_as_the_days_data(tmp_path: Path) -> None:
    snapshot = make_snapshot()
    assert snapshot.indices and snapshot.stocks
    with HistoryStore.open(tmp_path / "history.db") as store:
        store.append_snapshot(snapshot, stale={Part.STOCKS})
        closes = store.daily_closes(days=5)
        assert set(closes.columns) == {q.name for q in snapshot.indices}
        assert store.last_snapshot() == snapshot  # painted on the next start, all of it
