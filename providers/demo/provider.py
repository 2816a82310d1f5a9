"""The demo provider: turns the simulation into contract snapshots and history frames.

Quote objects are cached and rebuilt only for stocks that traded in the step, so a fetch over
thousands of stocks stays cheap; the simulation itself is vectorised numpy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import platformdirs

from providers.contract import (
    CAP_SEGMENTS,
    IST,
    Announcement,
    Breadth,
    ClosesTable,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    InstitutionalFlow,
    MarketPhase,
    MarketStatus,
    Part,
    Segment,
    Snapshot,
    StockQuote,
)
from providers.demo import news
from providers.demo.simulation import Simulation
from providers.demo.spec import DEFAULTS, SPEC
from providers.demo.universe import INDICES, SECTORS

if TYPE_CHECKING:
    import pandas as pd

#: Upcoming results shown this many days ahead.
EARNINGS_HORIZON = timedelta(days=21)
_YEAR_ROWS = 250
#: A day's volume is drawn around the stock's typical volume; on average it comes out this
#: much higher (the lognormal's mean and the bigger volumes of big moves), which is what the
#: demo reports as the 20-day average.
_AVERAGE_VOLUME_FACTOR = 1.2
_BENCHMARK_ROW = next(row for row, index in enumerate(INDICES) if index.name == "NIFTY 50")
_MESSAGES = {
    MarketPhase.PRE_OPEN: "Pre-open",
    MarketPhase.OPEN: "Open",
    MarketPhase.CLOSED: "Closed",
}


class DemoProvider:
    """Simulated Indian market (offline, labelled DEMO)."""

    name = "demo"
    parts = SPEC.parts
    simulated = True

    def __init__(
        self,
        *,
        seed: int = DEFAULTS["seed"],  # type: ignore[assignment]
        start: datetime | None = None,
        step_seconds: float = DEFAULTS["step_seconds"],  # type: ignore[assignment]
        stocks: int = DEFAULTS["stocks"],  # type: ignore[assignment]
        history_days: int = DEFAULTS["history_days"],  # type: ignore[assignment]
        cache_folder: Path | None = None,
    ) -> None:
        """``cache_folder``: where the market's path is kept between runs (None: nowhere)."""
        if step_seconds <= 0:
            raise ValueError(f"step_seconds must be > 0, got {step_seconds}")
        if history_days < 260:
            raise ValueError(f"history_days must be >= 260, got {history_days}")
        if start is None:
            start = datetime.now(IST)  # the only wall-clock read; pass start to reproduce
        elif start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._sim = Simulation(
            seed, start.astimezone(IST), step_seconds, stocks, history_days, cache_folder
        )
        u = self._sim.universe
        self._sector_names = tuple(SECTORS[code].name for code in u.sector.tolist())
        self._segments = tuple(CAP_SEGMENTS[code] for code in u.segment.tolist())
        self._members = {
            index.name: tuple(u.symbols[pos] for pos in members.tolist())
            for index, members in zip(INDICES, self._sim.members, strict=True)
        }
        self._quotes: list[StockQuote] = []
        self._fetched = False
        self._earnings_day: date | None = None
        self._earnings: tuple[EarningsEvent, ...] = ()
        self._frame: tuple[int, pd.DataFrame] | None = None
        self._news: tuple[date, tuple[Announcement, ...]] | None = None
        self._flows_made: tuple[tuple, tuple[InstitutionalFlow, ...]] | None = None

    @property
    def simulation(self) -> Simulation:
        return self._sim

    def next_time(self) -> datetime:
        """The simulated time the next fetch will show: the demo's "next refresh" in its own
        clock, so the status bar never mixes simulated and wall-clock times."""
        return self._sim.next_time() if self._fetched else self._sim.now

    async def fetch(self, parts: Collection[Part] | None = None) -> Snapshot:
        """The market at the simulated clock. The first call shows the start; every later
        call first moves the clock one step (``step_seconds``)."""
        sim = self._sim
        if self._fetched:
            changed = sim.advance()
        else:
            changed = np.ones(sim.universe.size, dtype=bool)
            self._fetched = True
        self._refresh_quotes(changed)
        wanted = frozenset(parts) if parts is not None else self.parts
        now = sim.now
        return Snapshot(
            provider=self.name,
            as_of=now,
            simulated=True,
            indices=self._indices() if Part.INDICES in wanted else (),
            stocks=tuple(self._quotes) if Part.STOCKS in wanted else (),
            breadth=self._breadth() if Part.BREADTH in wanted else (),
            ratings=sim.ratings.recent(now) if Part.RATINGS in wanted else (),
            earnings=self._earnings_now() if Part.EARNINGS in wanted else (),
            status=self._status() if Part.STATUS in wanted else None,
            sources={
                part: self.name for part in Part if part in wanted and part is not Part.HISTORY
            },
            members=self._members if Part.INDICES in wanted else {},
            flows=self._flows() if Part.FLOWS in wanted else (),
            announcements=self._announcements() if Part.ANNOUNCEMENTS in wanted else (),
        )

    async def history(self, names: Collection[str] | None = None, days: int = 260) -> pd.DataFrame:
        """Daily closes of every index and stock up to the previous trading day. Built in a
        thread: the first call imports pandas (~0.2 s), which must not hold up the screen."""
        frame = await asyncio.to_thread(self._history_frame)
        if names is not None:
            frame = frame[[name for name in names if name in frame.columns]]
        return frame.iloc[-days:] if days > 0 else frame.iloc[:0]

    async def closes_table(self) -> ClosesTable:
        """The closes ``history()`` gives, as arrays: the monitor loads them without pandas
        (~30 MB of a running monitor's memory). Copies, so a day roll cannot change them."""
        sim = self._sim
        names = tuple(index.name for index in INDICES) + tuple(sim.universe.symbols)
        return ClosesTable(
            dates=np.array(sim.days, dtype="datetime64[D]"),
            names=names,
            values=np.hstack([sim.index_closes, sim.closes]),
        )

    async def aclose(self) -> None:
        """Nothing to release: the demo holds no network clients or files."""

    # -- parts ------------------------------------------------------------------------------

    def _refresh_quotes(self, changed: np.ndarray) -> None:
        """Rebuild the quotes of the ``changed`` stocks. Their columns are taken as lists:
        reading numpy scalars one by one was most of a first fetch's ~3 ms."""
        sim, u = self._sim, self._sim.universe
        session = sim.session
        if not self._quotes:  # the first fetch: every quote is "changed"
            self._quotes = [None] * u.size  # type: ignore[list-item]
        now = sim.now
        positions = np.flatnonzero(changed)
        shares = u.free_float_shares[positions]
        typical = shares * u.turnover[positions] * _AVERAGE_VOLUME_FACTOR  # as intraday draws
        unopened = [None] * len(positions)
        columns = zip(
            positions.tolist(),
            session.last[positions].tolist(),
            session.prev_close[positions].tolist(),
            session.volume[positions].tolist(),
            shares.tolist(),
            u.band[positions].tolist(),
            session.high[positions].tolist() if session.opened else unopened,
            session.low[positions].tolist() if session.opened else unopened,
            typical.tolist(),
            strict=True,
        )
        for pos, last, prev, volume, held, band, high, low, average in columns:
            self._quotes[pos] = StockQuote(
                symbol=u.symbols[pos],
                name=u.names[pos],
                sector=self._sector_names[pos],
                segment=self._segments[pos],
                last=last,
                prev_close=prev,
                change_pct=(last / prev - 1) * 100,
                volume=volume,
                time=now,
                ffmc=held * last / 1e7,
                band_pct=band,
                day_high=high,
                day_low=low,
                avg_volume=average,
            )

    def _indices(self) -> tuple[IndexQuote, ...]:
        sim = self._sim
        session = sim.session
        up = session.last > session.prev_close
        down = session.last < session.prev_close
        year = np.vstack([sim.index_closes[-_YEAR_ROWS:], sim.index_last])
        quotes = []
        for row, (index, members) in enumerate(zip(INDICES, sim.members, strict=True)):
            last = float(sim.index_last[row])
            prev = float(sim.index_closes[-1, row])
            advances, declines = int(up[members].sum()), int(down[members].sum())
            quotes.append(
                IndexQuote(
                    name=index.name,
                    segment=index.segment,
                    last=last,
                    prev_close=prev,
                    change_pct=(last / prev - 1) * 100,
                    time=sim.now,
                    exchange=index.exchange,
                    open=None if sim.index_open is None else float(sim.index_open[row]),
                    high=None if sim.index_high is None else float(sim.index_high[row]),
                    low=None if sim.index_low is None else float(sim.index_low[row]),
                    year_high=float(year[:, row].max()),
                    year_low=float(year[:, row].min()),
                    advances=advances,
                    declines=declines,
                    unchanged=len(members) - advances - declines,
                )
            )
        return tuple(quotes)

    def _breadth(self) -> tuple[Breadth, ...]:
        sim = self._sim
        session, segment = sim.session, sim.universe.segment
        up = session.last > session.prev_close
        down = session.last < session.prev_close
        scopes: list[tuple[str, np.ndarray]] = [
            (index.name, members) for index, members in zip(INDICES, sim.members, strict=True)
        ]
        scopes += [(seg.value, np.flatnonzero(segment == code)) for code, seg in
                   enumerate(CAP_SEGMENTS)]  # fmt: skip
        scopes.append((Segment.ALL.value, np.arange(sim.universe.size)))
        found = []
        for scope, members in scopes:
            advances, declines = int(up[members].sum()), int(down[members].sum())
            found.append(
                Breadth(scope, advances, declines, len(members) - advances - declines, sim.now)
            )
        return tuple(found)

    def _earnings_now(self) -> tuple[EarningsEvent, ...]:
        """Results declared today and those coming over the next three weeks."""
        day = self._sim.day
        if self._earnings_day != day:
            u = self._sim.universe
            self._earnings = tuple(
                EarningsEvent(
                    symbol=u.symbols[pos],
                    name=u.names[pos],
                    date=when,
                    status=EarningsStatus.DECLARED if when == day else EarningsStatus.UPCOMING,
                    purpose=purpose,
                )
                for pos, when, purpose in self._sim.earnings.events(day, day + EARNINGS_HORIZON)
            )
            self._earnings_day = day
        return self._earnings

    def _flows(self) -> tuple[InstitutionalFlow, ...]:
        """The month's flows, made again only when the day or today's publication changes
        (they were ~1.5 ms of every tick)."""
        sim = self._sim
        nifty = sim.index_closes[:, _BENCHMARK_ROW]
        today_change = (float(sim.index_last[_BENCHMARK_ROW]) / float(nifty[-1]) - 1) * 100
        key = (sim.day, today_change if news.after_close(sim.now) else None)
        if self._flows_made is None or self._flows_made[0] != key:
            flows = news.flows_until(sim.seed, sim.days, nifty, sim.now, today_change)
            self._flows_made = (key, flows)
        return self._flows_made[1]

    def _announcements(self) -> tuple[Announcement, ...]:
        """Today's and the previous session's filings made by now (made up once a day)."""
        sim = self._sim
        if self._news is None or self._news[0] != sim.day:
            days = (*sim.days[-1:], sim.day)
            declaring = {day: np.flatnonzero(sim.earnings.declared_on(day)) for day in days}
            end_of_day = datetime.combine(sim.day, datetime.max.time(), IST)
            u = sim.universe
            every = news.announcements_until(
                sim.seed, days, end_of_day, u.symbols, u.names, declaring
            )
            self._news = (sim.day, every)
        now = sim.now
        return tuple(item for item in self._news[1] if item.at <= now)

    def _status(self) -> MarketStatus:
        sim = self._sim
        return MarketStatus(sim.phase, _MESSAGES[sim.phase], sim.now, sim.next_open())

    def _history_frame(self) -> pd.DataFrame:
        import pandas as pd

        sim = self._sim
        if self._frame is None or self._frame[0] != len(sim.days):
            columns = [index.name for index in INDICES] + list(sim.universe.symbols)
            values = np.hstack([sim.index_closes, sim.closes])
            frame = pd.DataFrame(values, index=pd.DatetimeIndex(sim.days), columns=columns)
            self._frame = (len(sim.days), frame)
        return self._frame[1]


def _parse_start(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        start = value
    elif isinstance(value, str):
        try:
            start = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"demo setting 'start': not an ISO 8601 time: {value!r}") from exc
    else:
        raise ValueError(f"demo setting 'start': expected a time, got {value!r}")
    if start is not None and start.tzinfo is None:
        start = start.replace(tzinfo=IST)  # a naive time is IST, as on the command line
    return start


def create(settings: Mapping[str, object]) -> DemoProvider:
    """Build the demo provider from its ``[providers.demo]`` settings (see ``spec.SPEC``)."""
    values = SPEC.resolve(settings)
    return DemoProvider(
        **{**values, "start": _parse_start(values["start"])},  # type: ignore[arg-type]
        cache_folder=platformdirs.user_cache_path("capwatch", appauthor=False) / "demo",
    )
