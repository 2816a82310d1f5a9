"""The demo market's price process: daily closes from the epoch forward.

A day's close-to-close return is ``beta * market + segment + sector + noise``:

- the market has *regimes* that persist — a Markov chain over ordinary, rally, sell-off and
  rotation days (a rally lasts about a month, a sell-off two weeks, and a sell-off can turn
  straight into a rally: the V-shaped rebound) — and its volatility *clusters* (GARCH(1,1)), so
  busy weeks follow busy days;
- the segment factor tilts mid, small and micro caps the regime's way, so broad rallies lift
  small caps most; sectors carry a slow-moving trend (leadership lasts weeks) plus a daily
  draw, larger on rotation days;
- each stock's own noise scales with the day's volatility (dispersion widens on busy days), a
  few stocks a day jump 5-25% on news (more on results days, more often the market's way),
  and some illiquid ones do not trade at all, so their close is unchanged.

Prices sit on a 0.05 tick and never leave their price band around the previous close.

History is generated *forward* from ``days.EPOCH``: the day-level draws come from one generator
per seed, drawn in order, and the stock-level draws from one generator per block of trading
days, so a day's close is the same whichever start date asked for it.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Mapping
from datetime import date

import numpy as np
from msgspec import Struct

from providers.demo import days
from providers.demo.universe import SECTORS, Universe

TICK = 0.05
REGIMES = ("ordinary", "rally", "selloff", "rotation")
#: Daily regime transitions: row = today's regime, column = tomorrow's (REGIMES order).
TRANSITIONS = np.array(
    [
        [0.960, 0.015, 0.015, 0.010],
        [0.045, 0.950, 0.005, 0.000],
        [0.050, 0.030, 0.920, 0.000],
        [0.100, 0.000, 0.000, 0.900],
    ]
)


class RegimeParams(Struct, frozen=True):
    drift: float  # mean market factor per day
    vol_scale: float  # multiplies the clustered market volatility
    tilt: float  # added to the mid/small/micro segment factors (times their loading)
    sector_sd: float  # sd of the daily sector draw


PARAMS: dict[str, RegimeParams] = {
    "ordinary": RegimeParams(0.0002, 0.9, 0.0, 0.004),
    "rally": RegimeParams(0.0028, 1.0, 0.0015, 0.005),
    "selloff": RegimeParams(-0.0042, 1.4, -0.0015, 0.005),
    "rotation": RegimeParams(0.0, 1.0, 0.0, 0.012),
}
_PARAMS_BY_CODE = tuple(PARAMS[name] for name in REGIMES)
#: How much of the regime tilt each segment takes (CAP_SEGMENTS order).
_TILT_LOADING = np.array([0.0, 0.5, 1.0, 1.2])
_SEGMENT_SD = 0.003
#: GARCH(1,1) of the market factor: long-run daily volatility, ARCH and GARCH weights.
LONG_RUN_VOL = 0.0085
_ARCH, _GARCH = 0.08, 0.90
#: Stock noise widens with the market's volatility to this power (busy days disperse more),
#: up to this many times its ordinary width.
_DISPERSION_POWER = 1.0
_DISPERSION_CAP = 2.0
#: Sector trends: AR(1) persistence and innovation sd per day.
_TREND_PERSISTENCE, _TREND_SD = 0.97, 0.0003
#: Results days: the stock's own noise is this much larger, news jumps this much likelier.
RESULTS_VOL_BOOST = 2.5
_RESULTS_JUMP_BOOST = 3.0
_JUMP_LOW, _JUMP_SPAN = 0.05, 0.22
#: Trading days of stock-level draws made at once (one generator per block).
_BLOCK = 64


def to_tick(price: np.ndarray) -> np.ndarray:
    return np.round(np.round(price / TICK) * TICK, 2)


def band_limits(prev_close: np.ndarray, band_pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest tick prices inside the band around ``prev_close``."""
    frac = band_pct / 100.0
    low = np.ceil(prev_close * (1 - frac) / TICK - 1e-9) * TICK
    high = np.floor(prev_close * (1 + frac) / TICK + 1e-9) * TICK
    return np.round(np.maximum(low, TICK), 2), np.round(high, 2)


def close_after(prev_close: np.ndarray, ret: np.ndarray, band_pct: np.ndarray) -> np.ndarray:
    """The tick price ``ret`` away from ``prev_close``, held inside the band."""
    low, high = band_limits(prev_close, band_pct)
    return np.clip(to_tick(prev_close * (1 + ret)), low, high)


class MarketPath:
    """The closes of every trading day from the epoch, generated on demand, a block of
    ``_BLOCK`` trading days at a time, and kept.

    ``results(day)`` gives the bool mask of companies declaring results on ``day``."""

    def __init__(
        self, universe: Universe, seed: int, results: Callable[[date], np.ndarray]
    ) -> None:
        self._universe = universe
        self._seed = seed
        self._results = results
        self.days: list[date] = []
        self.regimes: list[str] = []
        self._closes = np.empty((0, universe.size))
        self._idle = np.empty((0, universe.size), dtype=bool)
        self.first_row = 0  # the first row still held (``forget_before``)
        self._factor_rng = np.random.default_rng([seed, 1])
        self._regime = 0
        self._variance = LONG_RUN_VOL**2
        self._trend = np.zeros(len(SECTORS))

    @property
    def closes(self) -> np.ndarray:
        """(days, stocks) closes from row ``first_row`` (the epoch's, unless forgotten); rows
        are appended, never changed."""
        return self._closes

    @property
    def idle(self) -> np.ndarray:
        """(days, stocks) True where a stock did not trade that day (close unchanged), from
        row ``first_row``."""
        return self._idle

    def closes_between(self, start: int, stop: int) -> np.ndarray:
        """Closes of rows ``start`` to ``stop - 1`` (a row per trading day from the epoch)."""
        return self._closes[start - self.first_row : stop - self.first_row]

    def closes_of(self, row: int) -> np.ndarray:
        return self._closes[row - self.first_row]

    def idle_of(self, row: int) -> np.ndarray:
        return self._idle[row - self.first_row]

    def forget_before(self, row: int) -> None:
        """Drop the closes of rows before ``row``: a running simulation needs only its
        history, and the path since the epoch is years of it. ``days`` keeps every day."""
        if row > self.first_row:
            self._closes = self._closes[row - self.first_row :].copy()
            self._idle = self._idle[row - self.first_row :].copy()
            self.first_row = row

    def saved(self) -> dict[str, np.ndarray]:
        """Everything the path has generated and needs to go on: ``resume`` takes it back.
        Only a whole path (nothing forgotten) can be saved."""
        if self.first_row:
            raise ValueError("a path that forgot its first rows cannot be saved")
        state = {
            "rng": self._factor_rng.bit_generator.state,
            "regime": self._regime,
            "variance": self._variance,
        }
        return {
            "closes": self._closes,
            "idle": self._idle,
            "days": np.array([day.toordinal() for day in self.days], dtype=np.int64),
            "regimes": np.array([REGIMES.index(name) for name in self.regimes], dtype=np.int8),
            "trend": self._trend,
            "state": np.array(json.dumps(state)),
        }

    def resume(self, saved: Mapping[str, np.ndarray]) -> None:
        """Continue from ``saved`` (of a path of the same universe and seed), as if this
        path had generated it. Raises ``ValueError`` (or ``KeyError``) if it does not fit."""
        closes, idle, ordinals = saved["closes"], saved["idle"], saved["days"]
        rows, size = len(ordinals), self._universe.size
        fits = (
            not self.days
            and rows % _BLOCK == 0
            and closes.shape == idle.shape == (rows, size)
            and closes.dtype == np.float64
            and idle.dtype == np.bool_
            and len(saved["regimes"]) == rows
            and saved["trend"].shape == (len(SECTORS),)
        )
        if not fits:
            raise ValueError("saved path does not fit")
        state = json.loads(str(saved["state"]))
        rng = np.random.Generator(np.random.PCG64())
        rng.bit_generator.state = state["rng"]
        regime, variance = int(state["regime"]), float(state["variance"])
        path_days = [date.fromordinal(int(ordinal)) for ordinal in ordinals]
        regimes = [REGIMES[int(code)] for code in saved["regimes"]]
        # All read: nothing above changed the path, so a bad file leaves it as it was.
        self._factor_rng, self._regime, self._variance = rng, regime, variance
        self._trend = np.asarray(saved["trend"], dtype=float)
        self._closes = np.asarray(closes, dtype=float)
        self._idle = np.asarray(idle, dtype=bool)
        self.days, self.regimes = path_days, regimes

    def extend_through(self, day: date) -> None:
        """Generate trading days up to and including ``day`` (or the first one after it).
        The new blocks join the matrices in one copy: only one copy of them is kept."""
        blocks: list[tuple[np.ndarray, np.ndarray]] = []
        while not self.days or self.days[-1] < day:
            last = blocks[-1][0][-1] if blocks else self._closes[-1] if self.days else None
            blocks.append(self._block(last))
        if blocks:
            self._closes = np.concatenate([self._closes, *(closes for closes, _ in blocks)])
            self._idle = np.concatenate([self._idle, *(idle for _, idle in blocks)])

    def row_of(self, day: date) -> int:
        """Row of the first trading day on or after ``day`` (generating as needed)."""
        self.extend_through(day)
        return bisect.bisect_left(self.days, day)

    def _block(self, last: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(closes, idle) of the next ``_BLOCK`` trading days after the closes ``last``
        (None: the epoch): day-level factors in order from the seed's generator, stock-level
        draws from the block's own generator, then one banded step per day."""
        u = self._universe
        index = len(self.days) // _BLOCK
        first = days.next_trading_day(self.days[-1]) if self.days else days.on_or_after(days.EPOCH)
        block_days = [first]
        while len(block_days) < _BLOCK:
            block_days.append(days.next_trading_day(block_days[-1]))
        market, segment, sector, busy, regimes = self._factors(len(block_days))
        rng = np.random.default_rng([self._seed, 1, index])
        shape = (_BLOCK, u.size)
        noise = rng.standard_normal(shape, dtype=np.float32)
        event, size = rng.random(shape, dtype=np.float32), rng.random(shape, dtype=np.float32)
        results = np.array([self._results(d) for d in block_days])
        own = noise * (u.idio_vol * busy[:, None])
        own[results] *= RESULTS_VOL_BOOST
        jump_chance = u.jump_chance * busy[:, None]
        jump_chance[results] *= _RESULTS_JUMP_BOOST
        idle = event < u.idle_chance
        rows, cols = np.nonzero(~idle & (event < u.idle_chance + jump_chance))
        # Where in the jump interval the draw fell decides the sign: news follows the tape.
        up_share = np.clip(0.5 + 10.0 * market, 0.2, 0.8)[rows]
        position = (event[rows, cols] - u.idle_chance[cols]) / jump_chance[rows, cols]
        sign = np.where(position < up_share, 1.0, -1.0)
        returns = market[:, None] * u.beta + segment[:, u.segment] + sector[:, u.sector] + own
        returns[rows, cols] += sign * (_JUMP_LOW + _JUMP_SPAN * size[rows, cols] ** 1.2)
        closes = np.empty(shape)
        if last is None:
            last = u.price  # epoch prices first
        for row in range(_BLOCK):
            close = close_after(last, returns[row], u.band)
            last = closes[row] = np.where(idle[row], last, close)
        self.days.extend(block_days)
        self.regimes.extend(regimes)
        return closes, idle

    def _factors(
        self, count: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """(market, segment, sector, busy, regime names) for the next ``count`` days: the
        regime chain, the clustered market volatility and the sector trends, in order."""
        rng = self._factor_rng
        market, busy = np.empty(count), np.empty(count)
        segment, sector = np.empty((count, 4)), np.empty((count, len(SECTORS)))
        regimes = []
        for k in range(count):
            if self.days or k:
                row = np.cumsum(TRANSITIONS[self._regime])
                self._regime = min(int(np.searchsorted(row, rng.random())), len(REGIMES) - 1)
            params = _PARAMS_BY_CODE[self._regime]
            vol = np.sqrt(self._variance)
            shock = params.vol_scale * vol * rng.standard_normal()
            market[k] = params.drift + shock
            self._variance = (
                (1 - _ARCH - _GARCH) * LONG_RUN_VOL**2 + _ARCH * shock**2 + _GARCH * vol**2
            )
            busy[k] = min(
                (params.vol_scale * vol / LONG_RUN_VOL) ** _DISPERSION_POWER, _DISPERSION_CAP
            )
            segment[k] = rng.normal(0.0, _SEGMENT_SD * busy[k], 4) + _TILT_LOADING * params.tilt
            self._trend = _TREND_PERSISTENCE * self._trend + rng.normal(
                0.0, _TREND_SD, len(SECTORS)
            )
            sector[k] = self._trend + rng.normal(0.0, params.sector_sd * busy[k], len(SECTORS))
            regimes.append(REGIMES[self._regime])
        return market, segment, sector, busy, regimes
