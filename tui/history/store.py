"""The history store: what the monitor saw, kept in one SQLite file between runs.

It holds daily closes per index and stock (so 5D/1M/YTD/since-anchor and moving averages work
even when a provider has no history endpoint), the last full snapshot (painted at once,
marked stale, when the monitor starts) and texts fetched rarely (NSE's constituent lists).
Nothing else: what nothing reads back is not written (v4 dropped the intraday breadth,
rating and earnings journals).

Safety, because the monitor runs all day and often twice (two SSH sessions):
- WAL mode and a busy timeout, and every write is one ``BEGIN IMMEDIATE`` transaction, so two
  processes can write without "database is locked" errors or half-written refreshes;
- ``synchronous=NORMAL`` in WAL mode: a killed process (even ``kill -9``) loses nothing
  committed; only an OS crash or power cut may lose the last transactions;
- the schema version lives in ``PRAGMA user_version`` and ``MIGRATIONS`` upgrades old files;
- a file SQLite cannot read, or whose pages fail ``PRAGMA quick_check`` at open (damage past
  the header, which plain reads only meet later, on every refresh), is moved aside
  (``history.db.corrupt-<time>``) and a new one is started; ``notices`` says so, for the
  status bar.
Real and simulated data never share a file: a store is opened for one or the other.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from providers.contract import (
    IST,
    Part,
    Snapshot,
)
from tui.history.codec import SnapshotDecodeError, snapshot_from_json, snapshot_to_json

if TYPE_CHECKING:  # pandas is imported only by the methods that return or take frames
    import pandas as pd

log = logging.getLogger(__name__)

#: Seconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 10.0

#: Days are stored as proleptic Gregorian ordinals (``date.toordinal()``); SQLite's
#: ``julianday`` of a date's midnight minus this is that ordinal.
_JULIAN_TO_ORDINAL = 1721424.5
_UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

#: Schema steps; ``MIGRATIONS[i]`` takes a file from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: the tables, closes keyed by (name, ISO day text).
    (
        """CREATE TABLE daily_close (
            name TEXT NOT NULL, day TEXT NOT NULL, close REAL NOT NULL,
            PRIMARY KEY (name, day)) WITHOUT ROWID""",
        """CREATE TABLE breadth (
            scope TEXT NOT NULL, ts INTEGER NOT NULL, day TEXT NOT NULL,
            advances INTEGER NOT NULL, declines INTEGER NOT NULL, unchanged INTEGER NOT NULL,
            PRIMARY KEY (scope, ts)) WITHOUT ROWID""",
        """CREATE TABLE rating_event (
            symbol TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL,
            to_rating TEXT NOT NULL, from_rating TEXT, name TEXT NOT NULL, day TEXT NOT NULL,
            PRIMARY KEY (symbol, kind, source, at, to_rating)) WITHOUT ROWID""",
        """CREATE TABLE earnings_event (
            symbol TEXT NOT NULL, day TEXT NOT NULL, purpose TEXT NOT NULL,
            status TEXT NOT NULL, name TEXT NOT NULL,
            PRIMARY KEY (symbol, day, purpose)) WITHOUT ROWID""",
        """CREATE TABLE last_snapshot (
            id INTEGER PRIMARY KEY CHECK (id = 1), as_of INTEGER NOT NULL,
            provider TEXT NOT NULL, body TEXT NOT NULL)""",
    ),
    # v2: compact closes. 5,000 stocks x 3 years is millions of rows: names become integer
    # ids and days ordinals, and rows are clustered by day, so "the last 260 days" and
    # retention are range scans (7x faster reads and writes, half the file, than v1).
    # Breadth and events get by-day indexes for retention.
    (
        "CREATE TABLE instrument (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
        "INSERT INTO instrument (name) SELECT DISTINCT name FROM daily_close ORDER BY name",
        """CREATE TABLE daily_close_v2 (
            day INTEGER NOT NULL, id INTEGER NOT NULL, close REAL NOT NULL,
            PRIMARY KEY (day, id)) WITHOUT ROWID""",
        f"""INSERT INTO daily_close_v2 (day, id, close)
            SELECT CAST(julianday(c.day) - {_JULIAN_TO_ORDINAL} AS INTEGER), i.id, c.close
            FROM daily_close AS c JOIN instrument AS i ON i.name = c.name""",
        "DROP TABLE daily_close",
        "ALTER TABLE daily_close_v2 RENAME TO daily_close",
        "CREATE INDEX breadth_day ON breadth (day)",
        "CREATE INDEX rating_event_day ON rating_event (day)",
        "CREATE INDEX earnings_event_day ON earnings_event (day)",
    ),
    # v3: texts providers fetch rarely and keep between runs (NSE's constituent lists).
    (
        """CREATE TABLE fetched_text (
            key TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL, body TEXT NOT NULL)""",
    ),
    # v4: the intraday breadth, rating and earnings journals go: nothing read them back (the
    # monitor rebuilds breadth, ratings and earnings from each refresh), so their rows only
    # grew the file. Their indexes go with them.
    (
        "DROP TABLE breadth",
        "DROP TABLE rating_event",
        "DROP TABLE earnings_event",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_UPSERT_CLOSE = """INSERT INTO daily_close (day, id, close) VALUES (?, ?, ?)
    ON CONFLICT (day, id) DO UPDATE SET close = excluded.close"""
_CLOSE_DTYPE = [("day", "i8"), ("id", "i8"), ("close", "f8")]


class Damaged(Exception):
    """``PRAGMA quick_check`` found the file damaged; the message is its first finding."""


class StoreError(Exception):
    """The history database cannot be opened or written (locked too long by another process,
    written by a newer capwatch, disk full, ...). Every store failure is one of these."""


_EPOCH = datetime.fromtimestamp(0, IST)


def _epoch_micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class HistoryStore:
    """One open history database. Safe to share between threads (calls are serialised)."""

    def __init__(
        self, connection: sqlite3.Connection, path: Path, simulated: bool, notices: list[str]
    ) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self.path = path
        self.simulated = simulated
        #: Messages for the user (e.g. "corrupt file moved aside"); the app shows them.
        self.notices = notices
        self._ids: dict[str, int] = {}  # instrument name -> id; ids never change once given

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | str, *, simulated: bool = False, now: datetime | None = None
    ) -> HistoryStore:
        """Open (creating or upgrading) the database at ``path``. An unreadable file is moved
        aside to ``<path>.corrupt-<now>`` and a fresh one started, with a notice."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        notices: list[str] = []
        try:
            connection = _connect_and_migrate(path)
        except (sqlite3.Error, Damaged) as exc:
            if not isinstance(exc, Damaged) and (
                getattr(exc, "sqlite_errorcode", None) not in _CORRUPT_CODES
            ):
                raise StoreError(f"cannot open history database {path}: {exc}") from exc
            aside = _move_aside(path, now or datetime.now(IST))
            message = (
                f"history database {path} could not be read ({exc}); moved it to {aside.name} "
                "and started a new one"
            )
            log.warning(message)
            notices.append(message)
            connection = _connect_and_migrate(path)
        return cls(connection, path, simulated, notices)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken eagerly so a busy database waits rather than fails."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:  # e.g. another process held the lock too long
                raise StoreError(f"history database {self.path}: {exc}") from exc
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._ids.clear()  # ids handed out in this transaction no longer exist
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"history database {self.path}: {exc}") from exc
                raise

    # -- writing -----------------------------------------------------------------------------

    def append_snapshot(self, snapshot: Snapshot, *, stale: Collection[Part] = ()) -> None:
        """Store one refresh in one transaction: the last snapshot (unless a newer one is
        already stored, e.g. by another process) and each index's and stock's latest price
        as that day's close. The prices of ``stale`` parts (an earlier refresh's data kept on
        screen) are not recorded again."""
        if snapshot.simulated != self.simulated:
            kind = "simulated" if snapshot.simulated else "real"
            raise ValueError(f"{kind} snapshot offered to the {self._kind} store {self.path}")
        body = snapshot_to_json(snapshot)

        def fresh(part: Part, rows: tuple) -> tuple:
            return () if part in stale else rows

        closes = [
            (q.name, _ist_ordinal(q.time), q.last) for q in fresh(Part.INDICES, snapshot.indices)
        ]
        closes += [
            (q.symbol, _ist_ordinal(q.time), q.last) for q in fresh(Part.STOCKS, snapshot.stocks)
        ]
        with self._write() as db:
            db.execute(
                """INSERT INTO last_snapshot (id, as_of, provider, body) VALUES (1, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET as_of = excluded.as_of,
                   provider = excluded.provider, body = excluded.body
                   WHERE excluded.as_of >= last_snapshot.as_of""",
                (_epoch_micros(snapshot.as_of), snapshot.provider, body),
            )
            self._upsert_closes(db, closes)

    def append_daily_closes(self, frame: pd.DataFrame) -> int:
        """Store a wide frame of daily closes (the shape of ``Provider.history``: index =
        trading days, columns = names); missing values are skipped. Returns rows written.
        Vectorised, because a backfill can be a million values."""
        import numpy as np
        import pandas as pd

        values = frame.to_numpy(dtype=float, na_value=np.nan)
        day_index = pd.DatetimeIndex(frame.index).to_numpy(dtype="datetime64[D]")
        ordinals = day_index.astype(np.int64) + _UNIX_EPOCH_ORDINAL
        rows_at, cols_at = np.nonzero(~np.isnan(values))
        names = [str(name) for name in frame.columns]
        with self._write() as db:
            ids = np.asarray([self._ids_for(db, names)[n] for n in names], dtype=np.int64)
            db.executemany(
                _UPSERT_CLOSE,
                zip(
                    ordinals[rows_at].tolist(),
                    ids[cols_at].tolist(),
                    values[rows_at, cols_at].tolist(),
                    strict=True,
                ),
            )
        return len(rows_at)

    def _ids_for(self, db: sqlite3.Connection, names: Collection[str]) -> dict[str, int]:
        """Instrument ids for ``names``, creating missing ones (inside the caller's write)."""
        missing = [name for name in dict.fromkeys(names) if name not in self._ids]
        if missing:
            db.executemany(
                "INSERT OR IGNORE INTO instrument (name) VALUES (?)", [(n,) for n in missing]
            )
            self._ids.update(
                db.execute(
                    "SELECT name, id FROM instrument"
                    " WHERE name IN (SELECT value FROM json_each(?))",
                    (json.dumps(missing),),
                )
            )
        return self._ids

    def _upsert_closes(self, db: sqlite3.Connection, rows: list[tuple[str, int, float]]) -> None:
        ids = self._ids_for(db, [name for name, _, _ in rows])
        db.executemany(_UPSERT_CLOSE, [(day, ids[name], close) for name, day, close in rows])

    def prune(self, now: datetime, *, daily_years: int) -> int:
        """Drop daily closes older than ``daily_years``, keeping the file bounded; returns
        the rows removed."""
        cut = _years_before(now.astimezone(IST).date(), daily_years).toordinal()
        with self._write() as db:
            return db.execute("DELETE FROM daily_close WHERE day < ?", (cut,)).rowcount

    # -- reading -----------------------------------------------------------------------------

    def last_snapshot(self) -> Snapshot | None:
        """The newest stored snapshot, or None (nothing stored, or unreadable: see notices)."""
        with self._lock:
            row = self._db.execute("SELECT body FROM last_snapshot WHERE id = 1").fetchone()
        if row is None:
            return None
        try:
            return snapshot_from_json(row[0])
        except SnapshotDecodeError as exc:
            message = f"stored snapshot in {self.path} is unreadable ({exc}); ignoring it"
            log.warning(message)
            self.notices.append(message)
            return None

    def daily_closes(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """The last ``days`` stored trading days of closes, oldest first, as ``Provider.history``
        returns them: index = naive ``DatetimeIndex`` with a row for every stored trading day,
        columns = names (``names`` or all, sorted; NaN where a name has no close that day)."""
        import numpy as np
        import pandas as pd

        with self._lock:
            trading_days = self._last_days(days)
            if not trading_days:
                rows = np.empty(0, dtype=_CLOSE_DTYPE)
            else:
                query = "SELECT day, id, close FROM daily_close WHERE day >= ?"
                params: tuple = (trading_days[0],)
                if names is not None:
                    query += (
                        " AND id IN (SELECT id FROM instrument"
                        " WHERE name IN (SELECT value FROM json_each(?)))"
                    )
                    params += (_json_list(names),)
                rows = np.fromiter(self._db.execute(query, params), dtype=_CLOSE_DTYPE)
            ids = np.unique(rows["id"])
            id_names = dict(
                self._db.execute(
                    "SELECT id, name FROM instrument WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(ids.tolist()),),
                )
            )
        day_ordinals = np.asarray(trading_days, dtype=np.int64)
        index = pd.DatetimeIndex(
            (day_ordinals - _UNIX_EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[ns]")
        )
        grid = np.full((len(day_ordinals), len(ids)), np.nan)
        grid[np.searchsorted(day_ordinals, rows["day"]), np.searchsorted(ids, rows["id"])] = rows[
            "close"
        ]
        frame = pd.DataFrame(grid, index=index, columns=[id_names[i] for i in ids.tolist()])
        return frame[sorted(frame.columns)]

    def _last_days(self, count: int) -> list[int]:
        """The ordinals of the last ``count`` days with closes, oldest first (one index probe
        per day, so it costs nothing however many names a day has)."""
        found: list[int] = []
        (day,) = self._db.execute("SELECT max(day) FROM daily_close").fetchone()
        while day is not None and len(found) < count:
            found.append(day)
            (day,) = self._db.execute(
                "SELECT max(day) FROM daily_close WHERE day < ?", (day,)
            ).fetchone()
        return found[::-1]

    def load_text(self, key: str) -> tuple[str, datetime] | None:
        """A text a provider stored with ``save_text`` and when it was fetched (IST)."""
        row = self._db.execute(
            "SELECT body, fetched_at FROM fetched_text WHERE key = ?", (key,)
        ).fetchone()
        return None if row is None else (row[0], _from_micros(row[1]))

    def save_text(self, key: str, text: str, fetched_at: datetime) -> None:
        """Keep a fetched text (a constituent list) so a restart need not fetch it again."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO fetched_text VALUES (?, ?, ?)",
                (key, _epoch_micros(fetched_at), text),
            )

    @property
    def _kind(self) -> str:
        return "simulated" if self.simulated else "real"


# -- helpers -----------------------------------------------------------------------------------


def _connect_and_migrate(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the header
        _refuse_newer(connection.execute("PRAGMA user_version").fetchone()[0])  # before writing
        _check_pages(connection)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_pages(connection: sqlite3.Connection) -> None:
    """Raise ``Damaged`` when ``PRAGMA quick_check`` finds a bad page or index (it reads every
    page once: ~0.1 s per 100 MB, at start only)."""
    findings = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
    if findings != ["ok"]:
        raise Damaged(f"damaged: {'; '.join(findings)}")


def migrate(connection: sqlite3.Connection) -> int:
    """Bring the schema to ``SCHEMA_VERSION`` in one transaction; returns the old version.
    Safe when two processes open a new file at once (the second sees the first's work)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        _refuse_newer(version)
        for step in MIGRATIONS[version:]:
            for statement in step:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return version


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"history database is schema v{version}, newer than this capwatch "
            f"(v{SCHEMA_VERSION}); upgrade capwatch or use another file"
        )


def _move_aside(path: Path, now: datetime) -> Path:
    """Rename the unreadable file (and its WAL/SHM companions) out of the way."""
    stamp = now.astimezone(IST).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    path.replace(aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.replace(aside.with_name(aside.name + suffix))
    return aside


def _json_list(names: Collection[str]) -> str:
    return json.dumps([str(n) for n in names])


def _ist_ordinal(moment: datetime) -> int:
    return moment.astimezone(IST).date().toordinal()
