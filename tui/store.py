"""The history store: what the monitor saw, kept in one SQLite file between runs.

It holds daily closes per index and stock (so 5D/1M/YTD/since-anchor and moving averages work
even when a provider has no history endpoint), the intraday breadth series, rating and
technical-call events, earnings events, and the last full snapshot (painted at once, marked
stale, when the monitor starts).

Safety, because the monitor runs all day and often twice (two SSH sessions):
- WAL mode and a busy timeout, and every write is one ``BEGIN IMMEDIATE`` transaction, so two
  processes can write without "database is locked" errors or half-written refreshes;
- ``synchronous=NORMAL`` in WAL mode: a killed process (even ``kill -9``) loses nothing
  committed; only an OS crash or power cut may lose the last transactions;
- the schema version lives in ``PRAGMA user_version`` and ``MIGRATIONS`` upgrades old files;
- a file SQLite cannot read is moved aside (``history.db.corrupt-<time>``) and a new one is
  started; ``notices`` says so, for the status bar.
Real and simulated data never share a file: a store is opened for one or the other.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from providers.contract import (
    IST,
    Breadth,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    Part,
    RatingChange,
    RatingKind,
    Snapshot,
    StockQuote,
)
from tui.codec import SnapshotDecodeError, snapshot_from_json, snapshot_to_json

if TYPE_CHECKING:  # pandas is imported only by the methods that return or take frames
    import pandas as pd

log = logging.getLogger(__name__)

#: Seconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_S = 10.0

#: Schema steps; ``MIGRATIONS[i]`` takes a file from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: the tables.
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
    # v2: remember which provider supplied each close (a backfill can be told from live
    # ticks), and index rows by day so retention and "last N days" don't scan everything.
    (
        "ALTER TABLE daily_close ADD COLUMN source TEXT",
        "CREATE INDEX daily_close_day ON daily_close (day)",
        "CREATE INDEX breadth_day ON breadth (day)",
        "CREATE INDEX rating_event_day ON rating_event (day)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


class StoreError(Exception):
    """The history database cannot be used (e.g. written by a newer capwatch)."""


@dataclass(frozen=True, slots=True)
class Pruned:
    """Rows removed by ``HistoryStore.prune``, per kind."""

    breadth: int
    daily_closes: int
    ratings: int
    earnings: int


_EPOCH = datetime.fromtimestamp(0, IST)


def _epoch_micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _ist_day(moment: datetime) -> str:
    return moment.astimezone(IST).date().isoformat()


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
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _CORRUPT_CODES:
                raise
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
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- writing -----------------------------------------------------------------------------

    def append_snapshot(self, snapshot: Snapshot) -> None:
        """Store one refresh in one transaction: the last snapshot (unless a newer one is
        already stored, e.g. by another process), breadth points, rating and earnings events,
        and each index's and stock's latest price as that day's close."""
        if snapshot.simulated != self.simulated:
            kind = "simulated" if snapshot.simulated else "real"
            raise ValueError(f"{kind} snapshot offered to the {self._kind} store {self.path}")
        body = snapshot_to_json(snapshot)
        closes = _close_rows(
            snapshot.indices, snapshot.sources.get(Part.INDICES, snapshot.provider)
        )
        closes += _close_rows(snapshot.stocks, snapshot.sources.get(Part.STOCKS, snapshot.provider))
        with self._write() as db:
            db.execute(
                """INSERT INTO last_snapshot (id, as_of, provider, body) VALUES (1, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET as_of = excluded.as_of,
                   provider = excluded.provider, body = excluded.body
                   WHERE excluded.as_of >= last_snapshot.as_of""",
                (_epoch_micros(snapshot.as_of), snapshot.provider, body),
            )
            _upsert_closes(db, closes)
            db.executemany(
                "INSERT OR REPLACE INTO breadth VALUES (?, ?, ?, ?, ?, ?)",
                [_breadth_row(b) for b in snapshot.breadth],
            )
            db.executemany(
                "INSERT OR IGNORE INTO rating_event VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [_rating_row(r) for r in snapshot.ratings],
            )
            db.executemany(
                """INSERT INTO earnings_event VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (symbol, day, purpose) DO UPDATE
                   SET status = excluded.status, name = excluded.name""",
                [_earnings_row(e) for e in snapshot.earnings],
            )

    def append_daily_closes(self, frame: pd.DataFrame, source: str | None = None) -> int:
        """Store a wide frame of daily closes (the shape of ``Provider.history``: index =
        trading days, columns = names); missing values are skipped. Returns rows written."""
        long = frame.rename_axis(index="day", columns="name").stack().dropna()
        rows = [
            (str(name), _as_date(day).isoformat(), float(close), source)
            for (day, name), close in long.items()
        ]
        with self._write() as db:
            _upsert_closes(db, rows)
        return len(rows)

    def prune(self, now: datetime, *, intraday_days: int, daily_years: int) -> Pruned:
        """Drop intraday breadth older than ``intraday_days`` and daily closes, rating and
        earnings events older than ``daily_years``, keeping the file bounded."""
        today = now.astimezone(IST).date()
        intraday_cut = (today - timedelta(days=intraday_days)).isoformat()
        daily_cut = _years_before(today, daily_years).isoformat()
        with self._write() as db:
            counts = [
                db.execute(sql, (cut,)).rowcount
                for sql, cut in (
                    ("DELETE FROM breadth WHERE day < ?", intraday_cut),
                    ("DELETE FROM daily_close WHERE day < ?", daily_cut),
                    ("DELETE FROM rating_event WHERE day < ?", daily_cut),
                    ("DELETE FROM earnings_event WHERE day < ?", daily_cut),
                )
            ]
        return Pruned(*counts)

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
        returns them: index = naive ``DatetimeIndex``, columns = names (``names`` or all)."""
        import pandas as pd

        with self._lock:
            trading_days = [
                day
                for (day,) in self._db.execute(
                    "SELECT DISTINCT day FROM daily_close ORDER BY day DESC LIMIT ?", (days,)
                )
            ]
            if not trading_days:
                rows = []
            elif names is None:
                rows = self._db.execute(
                    "SELECT day, name, close FROM daily_close WHERE day >= ?", (trading_days[-1],)
                ).fetchall()
            else:
                rows = self._db.execute(
                    "SELECT day, name, close FROM daily_close WHERE day >= ?"
                    " AND name IN (SELECT value FROM json_each(?))",
                    (trading_days[-1], _json_list(names)),
                ).fetchall()
        index = pd.DatetimeIndex(sorted(trading_days))
        if not rows:
            return pd.DataFrame(index=index, dtype=float)
        long = pd.DataFrame(rows, columns=["day", "name", "close"])
        wide = long.pivot(index="day", columns="name", values="close")
        wide.index = pd.DatetimeIndex(wide.index)
        # every stored trading day is a row, even where these names have no close (NaN)
        return wide.reindex(index).rename_axis(index=None, columns=None)

    def breadth_series(self, scope: str, day: date) -> tuple[Breadth, ...]:
        """The day's (IST) breadth points for ``scope`` (a segment id or index name), oldest
        first, for the intraday A/D sparkline."""
        with self._lock:
            rows = self._db.execute(
                "SELECT ts, advances, declines, unchanged FROM breadth"
                " WHERE scope = ? AND day = ? ORDER BY ts",
                (str(scope), day.isoformat()),
            ).fetchall()
        return tuple(
            Breadth(str(scope), adv, dec, unch, _from_micros(ts)) for ts, adv, dec, unch in rows
        )

    def rating_events(self, since: date) -> tuple[RatingChange, ...]:
        """Rating and technical-call changes on or after ``since`` (IST), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT symbol, name, kind, from_rating, to_rating, source, at FROM rating_event"
                " WHERE day >= ? ORDER BY at",
                (since.isoformat(),),
            ).fetchall()
        return tuple(
            RatingChange(
                sym,
                name,
                RatingKind(kind),
                old,
                new,
                source,
                datetime.fromisoformat(at).astimezone(IST),
            )
            for sym, name, kind, old, new, source, at in rows
        )

    def earnings_events(self, start: date, end: date) -> tuple[EarningsEvent, ...]:
        """Earnings events dated ``start``..``end`` inclusive, by date."""
        with self._lock:
            rows = self._db.execute(
                "SELECT symbol, name, day, status, purpose FROM earnings_event"
                " WHERE day BETWEEN ? AND ? ORDER BY day, symbol",
                (start.isoformat(), end.isoformat()),
            ).fetchall()
        return tuple(
            EarningsEvent(sym, name, date.fromisoformat(day), EarningsStatus(status), purpose)
            for sym, name, day, status, purpose in rows
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
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


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


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _close_rows(
    quotes: tuple[IndexQuote, ...] | tuple[StockQuote, ...], source: str
) -> list[tuple[str, str, float, str]]:
    return [
        (getattr(q, "symbol", None) or q.name, _ist_day(q.time), q.last, source) for q in quotes
    ]


def _upsert_closes(db: sqlite3.Connection, rows: list[tuple[str, str, float, str | None]]) -> None:
    db.executemany(
        """INSERT INTO daily_close (name, day, close, source) VALUES (?, ?, ?, ?)
           ON CONFLICT (name, day)
           DO UPDATE SET close = excluded.close, source = excluded.source""",
        rows,
    )


def _breadth_row(b: Breadth) -> tuple[str, int, str, int, int, int]:
    return (
        str(b.scope),
        _epoch_micros(b.time),
        _ist_day(b.time),
        b.advances,
        b.declines,
        b.unchanged,
    )


def _rating_row(r: RatingChange) -> tuple[str, ...]:
    return (
        r.symbol,
        r.kind.value,
        r.source,
        r.at.astimezone(IST).isoformat(),  # one zone, so text order is time order
        r.to_rating,
        r.from_rating,
        r.name,
        _ist_day(r.at),
    )


def _earnings_row(e: EarningsEvent) -> tuple[str, str, str, str, str]:
    return (e.symbol, e.date.isoformat(), e.purpose, e.status.value, e.name)
