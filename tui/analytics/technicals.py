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
from datetime import date, datetime, time

import numpy as np
from msgspec import Struct

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


def _trailing_sums(values: np.ndarray, *lengths: int, lead: int = 0) -> list[np.ndarray]:
    """Per length ``n``: the sum of the last ``n`` rows at every row, NaN unless all ``n``
    values are known, below ``lead`` rows of NaN. One running sum serves every length (a
    window's sum is the difference of two running sums, the same numbers whichever windows
    are asked for), and known values are counted only when one is missing."""
    rows, width = values.shape
    known = ~np.isnan(values)
    complete = bool(known.all())
    running = np.zeros((rows + 1, width))
    np.cumsum(values if complete else np.where(known, values, 0.0), axis=0, out=running[1:])
    counts = None
    if not complete:
        counts = np.zeros((rows + 1, width), dtype=np.intp)
        np.cumsum(known, axis=0, out=counts[1:])
    sums = []
    for n in lengths:
        out = np.full((lead + rows, width), np.nan)
        if rows >= n:
            window = np.subtract(running[n:], running[:-n], out=out[lead + n - 1 :])
            if counts is not None:
                window[counts[n:] - counts[:-n] != n] = np.nan
        sums.append(out)
    return sums


def _moves(values: np.ndarray) -> np.ndarray:
    """Each session's change from the one before: one row fewer than ``values``, as the
    first session has none (hence ``lead=1`` on sums of moves)."""
    return np.diff(values, axis=0)


def _vote(a: np.ndarray, b: np.ndarray, margin: np.ndarray | float) -> np.ndarray:
    """+1 where a is above b by more than ``margin`` of b, -1 where below by more, else 0
    (within the margin, or either unknown). Two comparisons rather than a sign and a select:
    a wobbling market's votes are too random for the processor to guess a select's branch."""
    difference = a - b
    threshold = np.abs(b)
    threshold *= margin
    with np.errstate(invalid="ignore"):
        above = difference > threshold
        np.negative(threshold, out=threshold)
        below = difference < threshold
    return above.view(np.int8) - below.view(np.int8)


def margins(values: np.ndarray) -> np.ndarray:
    """Per (session, name): how far a close must be from an average to vote — ``MARGIN``, or
    ``VOL_MARGIN`` times the last 20 sessions' daily volatility when that is larger, so a
    volatile small cap's daily noise does not flip its votes."""
    return _margins(values, _moves(values))


def _margins(values: np.ndarray, moves: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        returns = moves / values[:-1]
        (mean_square,) = _trailing_sums(np.square(returns, out=returns), SHORT, lead=1)
        mean_square /= SHORT
        volatility = np.sqrt(mean_square, out=mean_square)
    volatility *= VOL_MARGIN
    return np.fmax(MARGIN, volatility, out=volatility)


def rsi(values: np.ndarray) -> np.ndarray:
    """Cutler's RSI over ``RSI_LENGTH`` sessions for every row (NaN until enough changes)."""
    return _rsi(_moves(values))


def _rsi(moves: np.ndarray) -> np.ndarray:
    gains = np.maximum(moves, 0.0)  # an unknown (NaN) move stays unknown, not a gain of 0
    losses = gains - moves  # exactly the falls: 0 - move, or move - move = 0
    (gains,) = _trailing_sums(gains, RSI_LENGTH, lead=1)
    (losses,) = _trailing_sums(losses, RSI_LENGTH, lead=1)
    losses += gains  # now the sum of all moves' sizes
    with np.errstate(invalid="ignore", divide="ignore"):
        gains *= 100.0
        gains /= losses
        gains[losses == 0] = 50.0
    return gains


def scores(values: np.ndarray) -> np.ndarray:
    """The -5..+5 score per (session, name); NaN where there is no call (< 20 closes).

    A few dozen operations on the whole matrix, not more on blocks of it: the calls are
    computed off the UI thread, and each operation may wait for the interpreter lock."""
    short, medium, long = _trailing_sums(values, SHORT, MEDIUM, LONG)
    short /= SHORT
    medium /= MEDIUM
    long /= LONG
    moves = _moves(values)
    strength = _rsi(moves)
    margin = _margins(values, moves)
    with np.errstate(invalid="ignore"):
        total = (strength >= RSI_BULLISH).view(np.int8) - (strength <= RSI_BEARISH).view(np.int8)
    total += _vote(values, short, margin)
    total += _vote(values, medium, margin)
    total += _vote(values, long, margin)
    total += _vote(medium, long, MARGIN)
    return np.where(np.isnan(short), np.nan, total)


def _hold_step(
    before: np.ndarray, outside: np.ndarray, value: np.ndarray, fresh: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One session of the hysteresis, per column: from the call before, the sessions running
    the score has been outside that call's range, today's score and the score's own call, to
    today's call and count. Run once for every state and input to build ``_NEXT``."""
    had = before != NO_CALL
    position = np.where(had, before, 0)
    with np.errstate(invalid="ignore"):
        hold = had & (value >= _HOLD_LOW[position]) & (value <= _HOLD_HIGH[position])
    outside = np.where(had & ~hold, outside + 1, 0)
    keep = hold | (had & (outside < CONFIRM_SESSIONS))
    code = np.where(keep, before, fresh)
    outside[code != before] = 0
    return code, outside


#: The hysteresis as a table. A column's state is its call and how many sessions running the
#: score has been outside the call's range (0..CONFIRM_SESSIONS - 1: on the last, the call
#: changes and the count restarts); a session's input is its score + 5, or ``_NO_SCORE``.
#: States are numbered times ``_INPUTS``, so ``_NEXT[state + input]`` — one lookup a session
#: for every column at once — is the next state.
_NO_SCORE = len(_CALL_OF_SCORE)
_INPUTS = _NO_SCORE + 1
_CALL_OF_INPUT = np.append(_CALL_OF_SCORE, np.int8(NO_CALL))
_STATE_CALL = np.repeat(np.arange(NO_CALL, len(TECHNICAL_SCALE), dtype=np.int8), CONFIRM_SESSIONS)
_STATE_OUTSIDE = np.tile(np.arange(CONFIRM_SESSIONS), len(TECHNICAL_SCALE) + 1)


def _state(call: np.ndarray, outside: np.ndarray | int) -> np.ndarray:
    return ((call.astype(np.intp) - NO_CALL) * CONFIRM_SESSIONS + outside) * _INPUTS


def _transitions() -> np.ndarray:
    """``_hold_step`` from every state on every input."""
    state, inputs = np.divmod(np.arange(len(_STATE_CALL) * _INPUTS), _INPUTS)
    value = np.where(inputs == _NO_SCORE, np.nan, inputs - 5.0)
    call, outside = _hold_step(
        _STATE_CALL[state], _STATE_OUTSIDE[state], value, _CALL_OF_INPUT[inputs]
    )
    assert (outside < CONFIRM_SESSIONS).all(), "a call changes when the count reaches its end"
    return _state(call, outside)


_NEXT = _transitions()
#: the call of each state, indexed by the state's number
_CALL_OF_STATE = np.repeat(_STATE_CALL, _INPUTS)


def calls_with_hysteresis(score: np.ndarray) -> np.ndarray:
    """Positions in TECHNICAL_SCALE per (session, name) from scores, with the hysteresis and
    confirmation of the module docstring; ``NO_CALL`` where the score is NaN. One table
    lookup per session (``_NEXT``)."""
    known = ~np.isnan(score)
    inputs = np.full(score.shape, _NO_SCORE, dtype=np.intp)
    inputs[known] = score[known].astype(np.intp) + 5
    states = np.empty(score.shape, dtype=np.intp)
    if len(states):
        states[0] = _state(_CALL_OF_INPUT[inputs[0]], 0)
    for row in range(1, len(states)):
        np.add(states[row - 1], inputs[row], out=states[row])
        np.take(_NEXT, states[row], out=states[row], mode="clip")
    return _CALL_OF_STATE[states]


class Calls(Struct, frozen=True, eq=False):
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
