"""Returns over horizons, 52-week range, moving averages and crosses, relative performance,
and the ranking of the cap segments.

Daily work (``References.build``, once per trading day) reduces the history to the few
closes each live price is compared with; the per-tick part is then a division per figure.
Only sessions strictly before today are used: the live price stands for today.

Definitions (all in percent; ``None`` whenever a reference close is unknown — a name missing
from the history, or a history too short — never 0):

- 5-day: against the close 5 sessions before today. Sessions are the history's rows, so a
  holiday in the window is skipped, not counted (the window is always five trading days).
- 1-month: against the last close on or before the same day one calendar month earlier.
- YTD: against the last close of the previous calendar year (on or before 31 December).
- since anchor: against the last close on or before the anchor date (default: 31 March, the
  close before the Indian financial year; see ``effective_anchor``). Several anchors may be
  configured; each gets its own reference row, the first is the one shown first.
- 52-week high/low: the highest/lowest of the closes of the last 52 weeks, today's price and
  the source's own ``year_high``/``year_low`` when it reports them.
- Moving averages (50, 100, 200 sessions) include today's live price with the last n-1 closes;
  "crossed today" means yesterday's close was on the other side of yesterday's average.
- Relative performance: a horizon's change minus the benchmark's change over the same
  horizon (percentage points), for the day, 5D, 1M and each since-anchor.
- Segment performance, index methodology: the free-float-cap-weighted % change of the
  segment's stocks with the weights at the start of the period — today, the caps at the
  previous close; over 5 sessions, each session's change weighted by the caps at the close
  before it, chain-linked (``chain_linked_change``). The cap segments are ranked 1 = best.
- Baskets over 5D/1M/since (sectors, movers' sectors): the same methodology from the
  period's start close to the live price (``start_weights``: free-float shares x the start
  price). With the basket's shares fixed, one step from the start equals the chain-linked
  daily steps (the ratios telescope), so no per-session walk is needed.
"""

from __future__ import annotations

import calendar
import itertools
from collections.abc import Callable, Mapping
from datetime import date, timedelta

import numpy as np
from msgspec import Struct

from tui.analytics.frames import DailyCloses

MA_LENGTHS: tuple[int, ...] = (50, 100, 200)
FIVE_DAY_SESSIONS = 5
YEAR_WINDOW = timedelta(weeks=52)


def effective_anchor(anchor: date | None, today: date) -> date:
    """The anchor date in use: ``anchor``, or 31 March before today (financial-year start)."""
    if anchor is not None:
        return anchor
    year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    return date(year, 3, 31)


def month_before(day: date) -> date:
    """The same day one calendar month earlier, clipped to that month's last day (31 March ->
    28/29 February), as ``pd.DateOffset(months=1)`` counts; plain dates keep pandas out of
    the first refresh."""
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def pct(last: float, reference: float) -> float | None:
    """% change from ``reference`` to ``last``; None when the reference is not a usable price."""
    if not np.isfinite(reference) or reference <= 0 or not np.isfinite(last):
        return None
    return float((last / reference - 1.0) * 100.0)


def pct_array(last: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Vectorised ``pct``: NaN where the reference is unknown or not positive."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (last / reference - 1.0) * 100.0
    out[~(reference > 0)] = np.nan
    return out


class References(Struct, frozen=True, eq=False):
    """Per history column, the closes today's live price is compared with (NaN = unknown)."""

    columns: Mapping[str, int]
    anchor_date: date
    five_day: np.ndarray
    one_month: np.ndarray
    year_end: np.ndarray
    anchor: np.ndarray
    anchor_dates: tuple[date, ...]  # every configured anchor, ``anchor_date`` first
    anchors: np.ndarray  # (len(anchor_dates), columns): the close each anchor refers to
    high_52w: np.ndarray
    low_52w: np.ndarray
    ma_partial: np.ndarray  # (len(MA_LENGTHS), columns): sum of the last n-1 closes
    above_prev: np.ndarray  # (len(MA_LENGTHS), columns): 1.0/0.0 last close above its MA, NaN

    @classmethod
    def build(
        cls,
        closes: DailyCloses,
        today: date,
        anchor: date | None,
        more_anchors: tuple[date, ...] = (),
    ) -> References:
        """``anchor`` (None: the financial-year start) first, then ``more_anchors``."""
        rows = closes.before(today)
        values = closes.values[:rows]
        width = values.shape[1] if values.ndim == 2 else 0
        missing = np.full(width, np.nan)

        def row_at(index: int) -> np.ndarray:
            return values[index] if 0 <= index < rows else missing

        month_ago = month_before(today)
        anchor_day = effective_anchor(anchor, today)
        anchor_days = tuple(dict.fromkeys((anchor_day, *more_anchors)))
        window = values[closes.before(today - YEAR_WINDOW + timedelta(days=1)) :]
        partial = np.full((len(MA_LENGTHS), width), np.nan)
        above = np.full((len(MA_LENGTHS), width), np.nan)
        for k, n in enumerate(MA_LENGTHS):
            if rows >= n - 1:
                partial[k] = values[rows - (n - 1) :].sum(axis=0)
            if rows >= n:
                average = values[rows - n :].sum(axis=0) / n
                known = ~np.isnan(average)
                above[k][known] = (values[-1][known] > average[known]).astype(float)
        return cls(
            columns=closes.columns,
            anchor_date=anchor_day,
            five_day=row_at(rows - FIVE_DAY_SESSIONS),
            one_month=row_at(closes.on_or_before(month_ago, rows)),
            year_end=row_at(closes.on_or_before(date(today.year - 1, 12, 31), rows)),
            anchor=row_at(closes.on_or_before(anchor_day, rows)),
            anchor_dates=anchor_days,
            anchors=np.array(
                [row_at(closes.on_or_before(day, rows)) for day in anchor_days]
            ).reshape(len(anchor_days), width),
            high_52w=np.fmax.reduce(window, axis=0) if len(window) else missing,
            low_52w=np.fmin.reduce(window, axis=0) if len(window) else missing,
            ma_partial=partial,
            above_prev=above,
        )


class Horizons(Struct, frozen=True):
    """One name's figures against its references at a live price."""

    change_5d_pct: float | None
    change_1m_pct: float | None
    change_ytd_pct: float | None
    since_anchor_pct: float | None
    from_52w_high_pct: float | None
    from_52w_low_pct: float | None
    above_ma: tuple[bool | None, ...]  # per MA_LENGTHS
    crossed_today: tuple[int, ...]  # +n crossed up through the n-day MA today, -n down
    since_pcts: tuple[float | None, ...] = ()  # per ``References.anchor_dates``


def horizons(
    refs: References,
    name: str,
    last: float,
    year_high: float | None = None,
    year_low: float | None = None,
) -> Horizons:
    """``name``'s horizon figures at price ``last``; all None when history lacks ``name``."""
    column = refs.columns.get(name)
    if column is None:
        high = _extreme(max, last, np.nan, year_high)
        low = _extreme(min, last, np.nan, year_low)
        return Horizons(
            None,
            None,
            None,
            None,
            from_52w_high_pct=None if high is None else pct(last, high),
            from_52w_low_pct=None if low is None else pct(last, low),
            above_ma=(None,) * len(MA_LENGTHS),
            crossed_today=(),
            since_pcts=(None,) * len(refs.anchor_dates),
        )
    above: list[bool | None] = []
    crossed: list[int] = []
    for k, n in enumerate(MA_LENGTHS):
        partial = refs.ma_partial[k, column]
        if np.isnan(partial):
            above.append(None)
            continue
        now_above = bool(last > (partial + last) / n)
        above.append(now_above)
        before = refs.above_prev[k, column]
        if not np.isnan(before) and bool(before) != now_above:
            crossed.append(n if now_above else -n)
    high = _extreme(max, last, refs.high_52w[column], year_high)
    low = _extreme(min, last, refs.low_52w[column], year_low)
    return Horizons(
        change_5d_pct=pct(last, refs.five_day[column]),
        change_1m_pct=pct(last, refs.one_month[column]),
        change_ytd_pct=pct(last, refs.year_end[column]),
        since_anchor_pct=pct(last, refs.anchor[column]),
        from_52w_high_pct=None if high is None else pct(last, high),
        from_52w_low_pct=None if low is None else pct(last, low),
        above_ma=tuple(above),
        crossed_today=tuple(crossed),
        since_pcts=tuple(pct(last, ref) for ref in refs.anchors[:, column].tolist()),
    )


def year_range(refs: References, name: str, last: float) -> tuple[float | None, float | None]:
    """(52-week low, 52-week high) of ``name`` from history and ``last``; None without history."""
    column = refs.columns.get(name)
    if column is None:
        return None, None
    return (
        _extreme(min, last, refs.low_52w[column], None),
        _extreme(max, last, refs.high_52w[column], None),
    )


def _extreme(
    pick: Callable[[list[float]], float], last: float, from_history: float, reported: float | None
) -> float | None:
    """The 52-week extreme from whatever is known; None when neither history nor source know."""
    known = [v for v in (from_history, reported) if v is not None and np.isfinite(v)]
    return pick([*known, last]) if known else None


def weighted_change(change_pct: np.ndarray, weights: np.ndarray) -> float | None:
    """Weighted mean of the known changes with positive weights; None when there are none."""
    usable = ~np.isnan(change_pct) & (weights > 0)  # NaN weights compare False
    total = float(weights[usable].sum())
    return float((change_pct[usable] * weights[usable]).sum() / total) if total else None


def start_weights(shares: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Free-float cap at the period's start: free-float shares x the reference price (NaN
    where either is unknown) — the weights ``chain_linked_change`` uses for its first step."""
    return shares * reference


def basket_change(shares: np.ndarray, last: np.ndarray, reference: np.ndarray) -> float | None:
    """A basket's % change from ``reference`` prices to ``last`` by the index methodology
    (module docstring): start-of-period free-float-cap weights; None when nothing is known."""
    return weighted_change(pct_array(last, reference), start_weights(shares, reference))


def chain_linked_change(closes: np.ndarray, shares: np.ndarray, last: np.ndarray) -> float | None:
    """% change over the sessions of ``closes`` (rows oldest first, one column per stock)
    and on to the live ``last`` prices: each step's change is weighted by the free-float caps
    (``shares * price``) at the step's start, over the stocks known at both ends, and the
    steps are multiplied. None when a step has no such stock."""
    path = np.vstack([closes, last[None, :]])
    growth = 1.0
    for before, after in itertools.pairwise(path):
        known = ~np.isnan(before) & ~np.isnan(after) & (shares > 0) & (before > 0)
        start = float(before[known] @ shares[known])
        if start <= 0:
            return None
        growth *= float(after[known] @ shares[known]) / start
    return (growth - 1.0) * 100.0


def rank(changes: Mapping[object, float | None]) -> dict[object, int | None]:
    """1 = highest change; keys with an unknown change get None. Ties share the order given."""
    known = sorted((key for key, v in changes.items() if v is not None), key=lambda k: -changes[k])
    ranks: dict[object, int | None] = dict.fromkeys(changes)
    ranks.update({key: i for i, key in enumerate(known, start=1)})
    return ranks
