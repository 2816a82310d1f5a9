"""The demo market's state over time: history, today's session and the simulated IST clock.

No wall clock is read here: the caller gives a start time and each ``advance`` moves the clock
by a fixed step. The session runs 09:15-15:30 on trading days; a start on a weekend or an
exchange holiday moves to the next trading day. At the close the market shows Closed for a
few steps, then rolls to the next trading day and today's closes join the history.

Every close comes from ``market.MarketPath``, generated forward from the demo's epoch, so two
simulations of one seed agree on every day they share, whatever their start.
"""

from __future__ import annotations

from collections import deque
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from providers.contract import MarketPhase
from providers.demo import days, path_cache, universe
from providers.demo.earnings import EarningsCalendar
from providers.demo.intraday import Session
from providers.demo.market import MarketPath
from providers.demo.ratings import RatingBook
from providers.demo.universe import INDICES, Universe

#: Steps the market shows Closed before rolling to the next day.
CLOSED_STEPS = 3
#: Where the next day starts: just before the open, so a step or two shows pre-open.
_ROLL_TO = time(9, 14)
#: Where a start outside the session hours is moved to.
_DEFAULT_START = time(10, 0)
_RATING_WARMUP_DAYS = 10
#: Share of the members' combined high/low an index is taken to have reached before a start.
_INDEX_REACH = 0.25
_PERFORMANCE_DAYS = 20


class Simulation:
    """Everything that changes: closes, index levels, today's session, ratings, the clock."""

    def __init__(
        self,
        seed: int,
        start: datetime,
        step_seconds: float,
        stocks: int,
        history_days: int,
        cache_folder: Path | None = None,
    ) -> None:
        """``cache_folder``: where the path is kept between runs (``path_cache``)."""
        self.seed = seed
        self.step = timedelta(seconds=step_seconds)
        cache = None if cache_folder is None else path_cache.cache_file(cache_folder, seed, stocks)
        saved = None if cache is None else path_cache.load(cache, stocks)
        labels = None if saved is None else saved.labels
        self.universe: Universe = universe.build(seed, stocks, labels)
        self.earnings = EarningsCalendar(seed, self.universe)
        self.ratings = RatingBook(seed, self.universe)
        self._weights = self._index_weights()
        self._index_scale = np.array([index.base_level for index in INDICES]) / (
            self._weights @ self.universe.price
        )
        self.members = tuple(self.universe.members(index) for index in INDICES)
        self.path = MarketPath(self.universe, seed, self.earnings.declared_on)
        if saved is not None:
            path_cache.resume(self.path, saved)
            del saved  # its mapping of the file lives on only in the path's arrays
        cached_rows = len(self.path.days)

        self.day: date = days.on_or_after(start.date())
        self._row = self.path.row_of(self.day)
        if self._row < history_days:
            earliest = self.path.days[-1]
            while len(self.path.days) <= history_days:
                earliest = days.next_trading_day(earliest)
                self.path.extend_through(earliest)
            raise ValueError(
                f"the demo market begins on {days.EPOCH:%Y-%m-%d}: with history_days="
                f"{history_days} the earliest start is {self.path.days[history_days]:%Y-%m-%d}"
            )
        if cache is not None and len(self.path.days) > cached_rows:
            path_cache.save(self.path, (self.universe.names, self.universe.symbols), cache)
        self._first = self._row - history_days
        self.path.forget_before(self._first)  # older closes are never read again
        self._index_rows: tuple[int, np.ndarray] | None = None
        self._results: deque[np.ndarray] = deque(maxlen=2)
        self._warm_up_ratings()

        self.now, self.phase = self._place(start)
        self._closed_steps = 0
        self._begin_day()
        if self.phase is MarketPhase.OPEN:
            self.session.open_at(self._session_fraction())
        self._track_indices(reset=True)

    # -- set-up -----------------------------------------------------------------------------

    def _index_weights(self) -> np.ndarray:
        """(indices x stocks) free-float shares of members, zero elsewhere: an index level is
        proportional to ``weights @ prices``, so its change is the members' change weighted
        by their free-float caps at the previous close."""
        shares = self.universe.free_float_shares
        weights = np.zeros((len(INDICES), self.universe.size))
        for row, index in enumerate(INDICES):
            members = self.universe.members(index)
            weights[row, members] = shares[members]
        return weights

    @property
    def days(self) -> list[date]:
        """The history's trading days, oldest first, up to the day before ``day``."""
        return self.path.days[self._first : self._row]

    @property
    def closes(self) -> np.ndarray:
        """(days, stocks) daily closes of the history."""
        return self.path.closes_between(self._first, self._row)

    @property
    def index_closes(self) -> np.ndarray:
        """(days, indices) index closing levels of the history."""
        if self._index_rows is None or self._index_rows[0] != self._row:
            self._index_rows = (self._row, (self.closes @ self._weights.T) * self._index_scale)
        return self._index_rows[1]

    def _warm_up_ratings(self) -> None:
        path = self.path
        first = max(self._row - _RATING_WARMUP_DAYS, _PERFORMANCE_DAYS + 1)
        for row in range(first, self._row):
            performance = path.closes_of(row - 1) / path.closes_of(row - 1 - _PERFORMANCE_DAYS) - 1
            self._results.append(self.earnings.declared_on(path.days[row]))
            self.ratings.draw_day(path.days[row], performance, self._after_results())

    def _after_results(self) -> np.ndarray:
        """Companies that declared results today or on the previous session."""
        mask = np.zeros(self.universe.size, dtype=bool)
        for results in self._results:
            mask |= results
        return mask

    def _place(self, start: datetime) -> tuple[datetime, MarketPhase]:
        """Map the start onto the session: pre-open and open times stay, others go to 10:00."""
        if days.at(self.day, days.PRE_OPEN) <= start < days.at(self.day, days.OPEN):
            return start, MarketPhase.PRE_OPEN
        if days.at(self.day, days.OPEN) <= start < days.at(self.day, days.CLOSE):
            return start, MarketPhase.OPEN
        return days.at(self.day, _DEFAULT_START), MarketPhase.OPEN

    def _begin_day(self) -> None:
        results_today = self.earnings.declared_on(self.day)
        self._results.append(results_today)
        path = self.path
        prev_close, close = path.closes_of(self._row - 1), path.closes_of(self._row)
        rng = np.random.default_rng([self.seed, 2, self.day.toordinal()])
        idle = path.idle_of(self._row)
        self.session = Session(self.universe, rng, prev_close, close, results_today, idle)
        performance = prev_close / path.closes_of(self._row - 1 - _PERFORMANCE_DAYS) - 1
        self.ratings.draw_day(self.day, performance, self._after_results())

    # -- the clock --------------------------------------------------------------------------

    def _session_fraction(self) -> float:
        elapsed = (self.now - days.at(self.day, days.OPEN)).total_seconds()
        return min(max(elapsed / days.SESSION_SECONDS, 0.0), 1.0)

    def advance(self) -> np.ndarray:
        """Move the clock one step; returns the mask of stocks whose quote changed."""
        nobody = np.zeros(self.universe.size, dtype=bool)
        if self.phase is MarketPhase.CLOSED:
            self._closed_steps += 1
            if self._closed_steps <= CLOSED_STEPS:
                self.now += self.step
                return nobody
            self._roll()
            return np.ones(self.universe.size, dtype=bool)
        self.now += self.step
        if self.phase is MarketPhase.PRE_OPEN:
            if self.now < days.at(self.day, days.OPEN):
                return nobody
            self.phase = MarketPhase.OPEN
            changed = self.session.open_at(self._session_fraction())
        elif self.now >= days.at(self.day, days.CLOSE):
            self.now = days.at(self.day, days.CLOSE)
            self.phase = MarketPhase.CLOSED
            self._closed_steps = 0
            changed = self.session.finish()
        else:
            changed = self.session.step_to(self._session_fraction(), self.step.total_seconds())
        self._track_indices(reset=False)
        return changed

    def next_time(self) -> datetime:
        """The clock after the next :meth:`advance` (what the status bar calls "next")."""
        if self.phase is MarketPhase.CLOSED:
            if self._closed_steps < CLOSED_STEPS:
                return self.now + self.step
            return days.at(days.next_trading_day(self.day), _ROLL_TO)
        if self.phase is MarketPhase.OPEN:
            return min(self.now + self.step, days.at(self.day, days.CLOSE))
        return self.now + self.step

    def _roll(self) -> None:
        """Today's closes join the history; the next trading day starts in pre-open."""
        self.day = days.next_trading_day(self.day)
        self._row = self.path.row_of(self.day)
        self.now = days.at(self.day, _ROLL_TO)
        self.phase = MarketPhase.PRE_OPEN
        self._begin_day()
        self._track_indices(reset=True)

    def next_open(self) -> datetime | None:
        if self.phase is MarketPhase.OPEN:
            return None
        if self.phase is MarketPhase.PRE_OPEN:
            return days.at(self.day, days.OPEN)
        return days.at(days.next_trading_day(self.day), days.OPEN)

    # -- indices ----------------------------------------------------------------------------

    def index_levels(self, prices: np.ndarray) -> np.ndarray:
        return self._weights @ prices * self._index_scale

    def _track_indices(self, *, reset: bool) -> None:
        """Index last/open/high/low for the day so far (``None`` until the open)."""
        self.index_last = self.index_levels(self.session.last)
        if not self.session.opened:
            self.index_open = self.index_high = self.index_low = None
            return
        if reset or self.index_open is None:
            self.index_open = self.index_levels(self.session.open)
            high = np.maximum(self.index_open, self.index_last)
            low = np.minimum(self.index_open, self.index_last)
            # Opened mid-session: the index went some way towards its members' extremes
            # (all of them at once would overstate it).
            self.index_high = high + _INDEX_REACH * (self.index_levels(self.session.high) - high)
            self.index_low = low - _INDEX_REACH * (low - self.index_levels(self.session.low))
        else:
            self.index_high = np.maximum(self.index_high, self.index_last)
            self.index_low = np.minimum(self.index_low, self.index_last)
