"""One simulated trading session: each stock's path from the open to a close fixed in advance.

The day's closes are drawn first (``market.draw_day``), then each stock follows a Brownian
bridge from its opening gap to that close, with correlated market and sector wiggles so the
indices move smoothly. Only some stocks trade in any step (liquid ones more often), so a
screen refreshed every few seconds changes a little, not everything at once.
"""

from __future__ import annotations

import numpy as np

from providers.demo.market import band_limits, to_tick
from providers.demo.universe import SECTORS, Universe

#: Per segment: mean seconds between trades, so the chance to trade in a step of ``dt`` is
#: ``1 - exp(-dt / tau)``.
_TRADE_TAU = np.array([60.0, 120.0, 200.0, 400.0])
_MARKET_LOADING = 0.5
_SECTOR_LOADING = 0.35
_OWN_LOADING = float(np.sqrt(1 - _MARKET_LOADING**2 - _SECTOR_LOADING**2))


def _volume_curve(frac: float) -> float:
    """Share of the day's volume traded by session fraction ``frac``: U-shaped intensity,
    heavy at the open and the close, always increasing."""
    return 0.02 + 0.98 * (frac + 0.15 * np.sin(2 * np.pi * frac))


class Session:
    """Intraday state of every stock for one day. Mutated step by step by the provider."""

    def __init__(
        self,
        universe: Universe,
        rng: np.random.Generator,
        prev_close: np.ndarray,
        close: np.ndarray,
        results_today: np.ndarray,
        idle: np.ndarray,
    ) -> None:
        """``idle`` marks stocks that do not trade today: they stay at the previous close."""
        self._universe = universe
        self._rng = rng
        self.prev_close = prev_close
        self.close = close
        self.band_low, self.band_high = band_limits(prev_close, universe.band)
        self._x_close = np.log(close / prev_close)
        self._sigma = universe.idio_vol * 0.9
        gap = 0.35 * self._x_close + rng.normal(0.0, 0.3, universe.size) * self._sigma
        self._trades = ~idle
        self.open = np.where(idle, prev_close, self._price(gap))
        self._x = np.log(self.open / prev_close)
        self._frac = 0.0
        surprise = 1 + 10 * np.abs(self._x_close) + np.where(results_today, 1.5, 0.0)
        typical = universe.free_float_shares * universe.turnover
        self._day_volume = typical * np.exp(rng.normal(0.0, 0.35, universe.size)) * surprise
        self._day_volume[idle] = 0.0
        self.last = prev_close.copy()
        self.high = self.open.copy()
        self.low = self.open.copy()
        self.volume = np.zeros(universe.size, dtype=np.int64)
        self.opened = False
        self.finished = False

    def _price(self, log_move: np.ndarray) -> np.ndarray:
        return np.clip(to_tick(self.prev_close * np.exp(log_move)), self.band_low, self.band_high)

    def _bridge_to(self, frac: float) -> None:
        """Move every stock's latent log price to session fraction ``frac`` (< 1)."""
        span = (frac - self._frac) / (1 - self._frac)
        sd = self._sigma * np.sqrt((frac - self._frac) * (1 - frac) / (1 - self._frac))
        shocks = (
            _MARKET_LOADING * self._rng.normal()
            + _SECTOR_LOADING * self._rng.normal(size=len(SECTORS))[self._universe.sector]
            + _OWN_LOADING * self._rng.normal(size=self._universe.size)
        )
        self._x = self._x + (self._x_close - self._x) * span + sd * shocks
        self._frac = frac

    def _trade(self, who: np.ndarray) -> None:
        who = who & self._trades
        price = self._price(self._x)[who]
        self.last[who] = price
        self.high[who] = np.maximum(self.high[who], price)
        self.low[who] = np.minimum(self.low[who], price)
        self.volume[who] = (self._day_volume[who] * _volume_curve(self._frac)).astype(np.int64)

    def open_at(self, frac: float) -> np.ndarray:
        """Open the session and jump to ``frac``; every stock has traded. Returns the mask
        of stocks whose quote changed (all)."""
        self.opened = True
        everyone = np.ones(self._universe.size, dtype=bool)
        self.last = self.open.copy()
        if frac > 0:
            self._bridge_to(min(frac, 0.999))
            self._trade(everyone)
            # Between the open and now each stock went further than either end.
            swing = np.abs(self._rng.normal(size=self._universe.size)) * self._sigma * 0.3
            reach = swing * np.sqrt(frac)
            high = np.minimum(to_tick(self.high * (1 + reach)), self.band_high)
            low = np.maximum(to_tick(self.low * (1 - reach)), self.band_low)
            self.high = np.where(self._trades, high, self.prev_close)
            self.low = np.where(self._trades, low, self.prev_close)
        else:
            self.volume = (self._day_volume * _volume_curve(0.0)).astype(np.int64)
        return everyone

    def step_to(self, frac: float, seconds: float) -> np.ndarray:
        """Advance to ``frac`` after ``seconds`` of trading; returns the mask of stocks that
        traded (and so changed quote)."""
        self._bridge_to(min(frac, 0.999))
        chance = 1 - np.exp(-seconds / _TRADE_TAU)[self._universe.segment]
        traded = (self._rng.random(self._universe.size) < chance) & self._trades
        self._trade(traded)
        return traded

    def finish(self) -> np.ndarray:
        """The closing auction: every stock ends at its drawn close."""
        self.finished = True
        self.last = self.close.copy()
        self.high = np.maximum(self.high, self.close)
        self.low = np.minimum(self.low, self.close)
        self.volume = self._day_volume.astype(np.int64)
        return np.ones(self._universe.size, dtype=bool)
