"""The demo's institutional flows and corporate announcements.

Flows: like NSE's report, one figure per trading day, published after the close — so during a
session the latest day is yesterday, and today's appears once the market has closed. The FII
net follows the day's NIFTY 50 move (foreign money chases large caps) with noise, and domestic
funds lean against it, as they usually do; gross buying and selling sit in the ₹10,000-20,000
crore range of a normal NSE day. Every figure is a pure function of the seed and the day, so
any two runs agree.

Announcements: each trading day a few dozen companies file (orders, capex, board outcomes,
credit ratings, ...), plus a "Financial Results" filing for every company declaring that day;
each is stamped between 07:00 and 22:00 IST and shown once its time has passed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np

from providers.contract import IST, Announcement, InstitutionalFlow

#: (subject, one-line summary pattern) of the filings the demo makes up.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("Award of Order / Receipt of Order", "{name} has informed the Exchange about an order win."),
    ("Outcome of Board Meeting", "{name} has informed the Exchange about the board's outcome."),
    ("Capacity expansion", "{name} has informed the Exchange about new capacity (capex)."),
    ("Credit Rating", "{name} has informed the Exchange about a credit rating action."),
    ("Press Release", "{name} has informed the Exchange about a press release."),
    ("Analysts/Institutional Investor Meet/Con. Call Updates", "{name} will meet analysts."),
    ("Acquisition", "{name} has informed the Exchange about an acquisition."),
)
RESULTS_SUBJECT = "Financial Results"
FILINGS_PER_DAY = 40
_FIRST_FILING = time(7, 0)
_FILING_HOURS = 15  # 07:00-22:00
_CLOSE = time(15, 30)


def flow_for(seed: int, day: date, nifty_change_pct: float) -> InstitutionalFlow:
    """The day's flows; ``nifty_change_pct`` is the NIFTY 50's move that day."""
    rng = np.random.default_rng([seed, day.toordinal(), 1])
    fii_net = 900.0 * nifty_change_pct + rng.normal(-300.0, 1800.0)
    dii_net = -0.6 * fii_net + rng.normal(600.0, 1200.0)
    fii_buy = rng.uniform(11_000.0, 18_000.0)
    dii_buy = rng.uniform(10_000.0, 16_000.0)
    return InstitutionalFlow(
        day=day,
        fii_buy=round(fii_buy, 2),
        fii_sell=round(fii_buy - fii_net, 2),
        fii_net=round(fii_net, 2),
        dii_buy=round(dii_buy, 2),
        dii_sell=round(dii_buy - dii_net, 2),
        dii_net=round(dii_net, 2),
    )


def after_close(now: datetime) -> bool:
    """Whether today's flows are out (NSE publishes them after the close)."""
    return now.time() >= _CLOSE


def flows_until(
    seed: int, days: list[date], nifty: np.ndarray, now: datetime, today_change: float
) -> tuple[InstitutionalFlow, ...]:
    """This month's published days: the history ``days`` (NIFTY 50 closes ``nifty``) in the
    month of the latest published day, and today once the market has closed."""
    changes = {day: (nifty[i] / nifty[i - 1] - 1) * 100 for i, day in enumerate(days) if i > 0}
    today = now.date()
    if after_close(now) and today not in changes:
        changes[today] = today_change
    if not changes:
        return ()
    latest = max(changes)
    return tuple(
        flow_for(seed, day, change)
        for day, change in sorted(changes.items())
        if (day.year, day.month) == (latest.year, latest.month)
    )


def announcements_until(
    seed: int,
    days: tuple[date, ...],
    now: datetime,
    symbols: tuple[str, ...],
    names: tuple[str, ...],
    declaring: dict[date, np.ndarray],
) -> tuple[Announcement, ...]:
    """The filings of ``days`` stamped at or before ``now``, newest first; ``declaring`` maps
    a day to the positions of the companies declaring results that day."""
    found: list[Announcement] = []
    for day in days:
        rng = np.random.default_rng([seed, day.toordinal(), 2])
        picks = rng.choice(len(symbols), size=min(FILINGS_PER_DAY, len(symbols)), replace=False)
        kinds = rng.integers(0, len(SUBJECTS), size=len(picks))
        chosen = [(int(p), SUBJECTS[k]) for p, k in zip(picks, kinds.tolist(), strict=True)]
        results = declaring.get(day, np.array([], dtype=int)).tolist()
        chosen += [
            (int(p), (RESULTS_SUBJECT, "{name} has submitted its financial results."))
            for p in results
        ]
        minutes = rng.integers(0, _FILING_HOURS * 60, size=len(chosen))
        start = datetime.combine(day, _FIRST_FILING, IST)
        for (position, (subject, pattern)), minute in zip(chosen, minutes.tolist(), strict=True):
            at = start + timedelta(minutes=minute)
            if at <= now:
                name = names[position]
                found.append(
                    Announcement(
                        symbol=symbols[position],
                        name=name,
                        subject=subject,
                        text=pattern.format(name=name),
                        at=at,
                    )
                )
    found.sort(key=lambda a: (a.at, a.symbol), reverse=True)
    return tuple(found)
