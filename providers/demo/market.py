"""The demo market's price process: daily closes and the intraday path.

A day's close-to-close return is ``beta * market + segment + sector + noise``: the factors are
drawn from a day *regime* (ordinary, broad rally, sell-off, sector rotation) so breadth swings
the way it does in the real market, and the stock noise is Student-t (fat tails). Prices sit on
a 0.05 tick and never leave their price band around the previous close.

Each trading day draws from a generator seeded by ``(seed, day)``, so a day's moves do not
depend on which day the simulation started. History is generated *backwards* from today's
previous close, so the universe's caps and ranks are exactly today's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from providers.demo.universe import SECTORS, Universe

TICK = 0.05
_T_DF = 4.0
_T_SCALE = np.sqrt((_T_DF - 2) / _T_DF)  # Student-t with unit variance

#: regime -> (probability, market mean, market sd, segment sd, sector sd, segment tilt)
#: segment tilt is added to small and micro caps' segment factor (broad-market days).
REGIMES: dict[str, tuple[float, float, float, float, float, float]] = {
    "ordinary": (0.62, 0.0004, 0.005, 0.003, 0.004, 0.0),
    "rally": (0.13, 0.009, 0.0025, 0.003, 0.005, 0.003),
    "selloff": (0.12, -0.009, 0.0025, 0.003, 0.005, -0.003),
    "rotation": (0.13, 0.0, 0.003, 0.004, 0.015, 0.0),
}
_REGIME_NAMES = tuple(REGIMES)
_REGIME_PROBS = np.array([r[0] for r in REGIMES.values()])
#: How much of a results day's surprise shows in the stock's own noise.
RESULTS_VOL_BOOST = 2.5


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


@dataclass(frozen=True, slots=True, eq=False)
class DayDraw:
    regime: str
    returns: np.ndarray  # unbanded close-to-close return per stock


def draw_day(universe: Universe, seed: int, day: date, results_today: np.ndarray) -> DayDraw:
    """The factor model for one trading day, from its own seeded generator."""
    rng = np.random.default_rng([seed, 1, day.toordinal()])
    regime = _REGIME_NAMES[int(rng.choice(len(_REGIME_NAMES), p=_REGIME_PROBS))]
    _, mean, market_sd, segment_sd, sector_sd, tilt = REGIMES[regime]
    market = rng.normal(mean, market_sd)
    segment_factor = rng.normal(0.0, segment_sd, 4) + np.array([0.0, 0.4, 1.0, 1.2]) * tilt
    sector_factor = rng.normal(0.0, sector_sd, len(SECTORS))
    noise = rng.standard_t(_T_DF, universe.size) * _T_SCALE * universe.idio_vol
    noise *= np.where(results_today, RESULTS_VOL_BOOST, 1.0)
    returns = (
        universe.beta * market
        + segment_factor[universe.segment]
        + sector_factor[universe.sector]
        + noise
    )
    return DayDraw(regime, returns)


def previous_closes(close: np.ndarray, ret: np.ndarray, band_pct: np.ndarray) -> np.ndarray:
    """Invert one day: the tick prices whose move by ``ret`` (banded) lands on ``close``."""
    frac = band_pct / 100.0
    lowest = np.ceil(close / (1 + frac) / TICK - 1e-9) * TICK  # close <= prev * (1 + band)
    highest = np.floor(close / (1 - frac) / TICK + 1e-9) * TICK  # close >= prev * (1 - band)
    prev = np.clip(to_tick(close / (1 + ret)), lowest, highest)
    return np.round(np.maximum(prev, TICK), 2)
