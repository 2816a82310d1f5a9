"""Technical calls: a five-step view of each stock's and index's trend from daily closes.

Design. Each session, five signals vote, each +1 (bullish), -1 (bearish) or 0 (neutral:
within the margin, or not known yet):

1. close above (+1) or below (-1) its 20-session simple moving average (short-term trend),
   by more than a margin — 1% of the average, or twice the stock's daily volatility over the
   last 20 sessions when that is more (``margins``) — a close hugging its average votes 0;
2. close above or below its 50-session average by the same margin (medium-term trend);
3. close above or below its 200-session average (long-term trend);
4. the 50-session average above or below the 200-session average by 1% (golden/death cross);
5. momentum: 14-session RSI (Cutler's, i.e. simple averages of gains and losses) at or
   above 70 is +1, at or below 30 is -1, in between 0 (an RSI with no losses is 100).

The score (-5..+5) maps to the call: >= +4 Bullish, +2..+3 Mildly Bullish, -1..+1 Sideways,
-3..-2 Mildly Bearish, <= -4 Bearish. An average needs a full window of closes, so a young
listing simply has fewer voters; with fewer than 20 closes there is no call at all (None).

Hysteresis: once made, a call holds until the score leaves that call's range by more than
one point (Sideways, -1..+1, holds from -2 to +2; Mildly Bullish, +2..+3, from +1 to +4) on
``CONFIRM_SESSIONS`` (3) sessions running — a blip of a day or two changes nothing — and the
new call is then the score's own. So a call that changed cannot change back within two
sessions (no Bullish -> Sideways -> Bullish). A close wobbling around an average flips one
vote each day; without the margins, the hysteresis and the confirmation, a fifth of all
names changed call every session on the demo market — with them under 4% do
(``benchmarks/demo_stats.py``), and a change means the picture really moved.

Why this design: it is the common "price vs 20/50/200-day MA + RSI" reading traders use, every
step is explainable in one line, and it is a handful of vectorised cumulative sums over the
whole history matrix (all names, all days at once), which is what makes the call history and
the call-change events cheap. A call change is emitted for the session whose close moved the
score across a step boundary, stamped at that day's 15:30 IST close.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

import numpy as np

from providers.contract import IST, TECHNICAL_SCALE, RatingChange, RatingKind
from tui.analytics.frames import DailyCloses

SHORT, MEDIUM, LONG = 20, 50, 200
RSI_LENGTH = 14
RSI_BULLISH, RSI_BEARISH = 70.0, 30.0
SOURCE = "capwatch technicals"
CLOSE_TIME = time(15, 30)
NO_CALL = -1
MARGIN = 0.01  # a close (or the 50-day average) within 1% of the average votes 0
VOL_MARGIN = 2.0
#: score + 5 -> position in TECHNICAL_SCALE
_CALL_OF_SCORE = np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4], dtype=np.int8)
#: per position in TECHNICAL_SCALE, the scores (low, high) that keep the call (hysteresis)
_HOLD_LOW = np.array([-6, -4, -2, 1, 3])
_HOLD_HIGH = np.array([-3, -1, 2, 4, 6])
#: Sessions running the score must be outside the call's hold range before the call changes.
CONFIRM_SESSIONS = 3


def _window_sum(values: np.ndarray, n: int) -> np.ndarray:
    """Sum of the last ``n`` rows at every row; NaN unless all ``n`` values are known."""
    known = ~np.isnan(values)
    sums = np.cumsum(np.where(known, values, 0.0), axis=0)
    counts = np.cumsum(known, axis=0)
    pad = np.zeros((1, values.shape[1]))
    sums, counts = np.vstack([pad, sums]), np.vstack([pad, counts])
    out = np.full(values.shape, np.nan)
    if len(values) >= n:
        window = sums[n:] - sums[:-n]
        full = (counts[n:] - counts[:-n]) == n
        out[n - 1 :] = np.where(full, window, np.nan)
    return out


def _vote(a: np.ndarray, b: np.ndarray, margin: np.ndarray | float) -> np.ndarray:
    """+1 where a is above b by more than ``margin`` of b, -1 where below by more, else 0
    (within the margin, or either unknown)."""
    difference = a - b
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(difference) > margin * np.abs(b), np.sign(difference), 0.0)


def margins(values: np.ndarray) -> np.ndarray:
    """Per (session, name): how far a close must be from an average to vote — ``MARGIN``, or
    ``VOL_MARGIN`` times the last 20 sessions' daily volatility when that is larger, so a
    volatile small cap's daily noise does not flip its votes."""
    moves = np.vstack([np.full((1, values.shape[1]), np.nan), np.diff(values, axis=0)])
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = moves / np.vstack([values[:1], values[:-1]])
        mean_square = _window_sum(returns**2, SHORT) / SHORT
    return np.fmax(MARGIN, VOL_MARGIN * np.sqrt(mean_square))


def rsi(values: np.ndarray) -> np.ndarray:
    """Cutler's RSI over ``RSI_LENGTH`` sessions for every row (NaN until enough changes)."""
    moves = np.vstack([np.full((1, values.shape[1]), np.nan), np.diff(values, axis=0)])
    unknown = np.isnan(moves)
    gains = np.where(unknown, np.nan, np.where(moves > 0, moves, 0.0))
    losses = np.where(unknown, np.nan, np.where(moves < 0, -moves, 0.0))
    gains, losses = _window_sum(gains, RSI_LENGTH), _window_sum(losses, RSI_LENGTH)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 100.0 * gains / (gains + losses)
    return np.where((gains + losses) == 0, 50.0, out)


def scores(values: np.ndarray) -> np.ndarray:
    """The -5..+5 score per (session, name); NaN where there is no call (< 20 closes)."""
    short = _window_sum(values, SHORT) / SHORT
    medium = _window_sum(values, MEDIUM) / MEDIUM
    long = _window_sum(values, LONG) / LONG
    strength = rsi(values)
    with np.errstate(invalid="ignore"):
        momentum = np.where(strength >= RSI_BULLISH, 1, np.where(strength <= RSI_BEARISH, -1, 0))
    margin = margins(values)
    total = (
        _vote(values, short, margin)
        + _vote(values, medium, margin)
        + _vote(values, long, margin)
        + _vote(medium, long, MARGIN)
        + np.where(np.isnan(strength), 0, momentum)
    )
    return np.where(np.isnan(short), np.nan, total)


def calls_with_hysteresis(score: np.ndarray) -> np.ndarray:
    """Positions in TECHNICAL_SCALE per (session, name) from scores, with the hysteresis and
    confirmation of the module docstring; ``NO_CALL`` where the score is NaN. One vectorised
    step per session."""
    known = ~np.isnan(score)
    fresh = np.full(score.shape, NO_CALL, dtype=np.int8)
    fresh[known] = _CALL_OF_SCORE[score[known].astype(np.intp) + 5]
    codes = fresh.copy()
    width = score.shape[1] if score.ndim == 2 else 0
    outside = np.zeros(width, dtype=np.int64)  # sessions running the score left the range
    for row in range(1, len(codes)):
        before = codes[row - 1]
        had = before != NO_CALL
        position = np.where(had, before, 0)
        value = score[row]
        with np.errstate(invalid="ignore"):
            hold = had & (value >= _HOLD_LOW[position]) & (value <= _HOLD_HIGH[position])
        outside = np.where(had & ~hold, outside + 1, 0)
        keep = hold | (had & (outside < CONFIRM_SESSIONS))
        codes[row] = np.where(keep, before, fresh[row])
        outside[codes[row] != before] = 0
    return codes


@dataclass(frozen=True, slots=True, eq=False)
class Calls:
    """The call of every history column on every session (``NO_CALL`` = none yet)."""

    dates: np.ndarray  # datetime64[D]
    columns: Mapping[str, int]
    codes: np.ndarray  # int8, (sessions, columns): position in TECHNICAL_SCALE

    @classmethod
    def compute(cls, closes: DailyCloses) -> Calls:
        score = scores(closes.values) if closes.values.size else np.empty(closes.values.shape)
        return cls(dates=closes.dates, columns=closes.columns, codes=calls_with_hysteresis(score))

    def latest(self, name: str) -> str | None:
        """The call as of the last session, None when there is none."""
        column = self.columns.get(name)
        if column is None or not len(self.dates):
            return None
        code = int(self.codes[-1, column])
        return None if code == NO_CALL else TECHNICAL_SCALE[code]

    def history(self, name: str) -> tuple[tuple[date, str], ...]:
        """(day the call began, call) for each run of equal calls, oldest first."""
        column = self.columns.get(name)
        if column is None:
            return ()
        codes = self.codes[:, column]
        starts = np.flatnonzero(np.diff(codes, prepend=NO_CALL))
        return tuple(
            (self.dates[i].astype(date), TECHNICAL_SCALE[codes[i]])
            for i in starts.tolist()
            if codes[i] != NO_CALL
        )

    def changes(self, names: Mapping[str, str], sessions: int) -> tuple[RatingChange, ...]:
        """Call changes on the last ``sessions`` sessions of the columns in ``names``
        (symbol -> display name); a first call (from no call) is not a change."""
        symbols = [s for s in names if s in self.columns]
        wanted = np.array([self.columns[s] for s in symbols], dtype=np.intp)
        first = max(len(self.dates) - sessions, 1)
        if sessions <= 0 or wanted.size == 0 or first >= len(self.dates):
            return ()
        before = self.codes[first - 1 : -1][:, wanted]
        after = self.codes[first:][:, wanted]
        changed = (before != after) & (before != NO_CALL) & (after != NO_CALL)
        out = []
        for row, k in zip(*np.nonzero(changed), strict=True):
            symbol = symbols[k]
            day = self.dates[first + row].astype(date)
            out.append(
                RatingChange(
                    symbol=symbol,
                    name=names[symbol],
                    kind=RatingKind.TECHNICAL,
                    from_rating=TECHNICAL_SCALE[before[row, k]],
                    to_rating=TECHNICAL_SCALE[after[row, k]],
                    source=SOURCE,
                    at=datetime.combine(day, CLOSE_TIME, IST),
                )
            )
        return tuple(out)
