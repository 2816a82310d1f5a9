"""The demo's FII/DII flows and announcements: published like NSE's, reproducible."""

from datetime import datetime, time

from providers.contract import IST
from providers.demo import create

MORNING = datetime(2026, 11, 20, 11, 30, tzinfo=IST)  # a Friday


async def test_flows_are_this_months_published_days_and_today_only_after_the_close():
    demo = create({"seed": 3, "start": MORNING, "step_seconds": 3600})
    snapshot = await demo.fetch()
    days = [flow.day for flow in snapshot.flows]
    assert days and days == sorted(days) and MORNING.date() not in days  # not published yet
    assert all((d.year, d.month) == (2026, 11) for d in days)
    for flow in snapshot.flows:  # net is buy - sell, as NSE states it
        assert abs(flow.fii_buy - flow.fii_sell - flow.fii_net) < 0.011
    for _ in range(5):  # 12:30 ... 16:30: past the close
        snapshot = await demo.fetch()
        if snapshot.as_of.time() >= time(15, 30):
            break
    assert snapshot.flows[-1].day == MORNING.date()


async def test_announcements_are_made_by_now_newest_first_and_reproducible():
    first = await create({"seed": 3, "start": MORNING}).fetch()
    again = await create({"seed": 3, "start": MORNING}).fetch()
    news = first.announcements
    assert news and news == again.announcements
    assert all(item.at <= MORNING for item in news)
    assert [a.at for a in news] == sorted((a.at for a in news), reverse=True)
    symbols = {s.symbol for s in first.stocks}
    assert {a.symbol for a in news} <= symbols  # every filer is a listed company
    declared = {e.symbol for e in first.earnings if e.date == MORNING.date()}
    results = {
        a.symbol for a in news if a.subject == "Financial Results" and a.at.date() == MORNING.date()
    }
    assert results <= declared  # a results filing only from a company declaring today
