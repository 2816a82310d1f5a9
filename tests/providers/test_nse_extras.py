"""NSE's FII/DII flows and corporate announcements on fixtures in the recorded shapes
(sources: tests/fixtures/README.md)."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from msgspec.structs import replace

from providers.base import BadPayload
from providers.contract import IST
from providers.nse import extras

FIXTURES = Path(__file__).parent.parent / "fixtures" / "nse"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def test_flows_2026_shape():
    flow = extras.parse_flows(fixture("fiidiiTradeReact.json"))
    assert flow.day == date(2026, 5, 26)
    assert (flow.fii_buy, flow.fii_sell, flow.fii_net) == (13127.02, 15534.89, -2407.87)
    assert (flow.dii_buy, flow.dii_sell, flow.dii_net) == (15536.74, 14175.31, 1361.43)


def test_flows_with_footnote_marks_and_a_thousands_comma():
    flow = extras.parse_flows(fixture("fiidiiTradeReact_marked.json"))
    assert flow.day == date(2022, 1, 27)
    assert flow.fii_buy == 11417.36 and flow.fii_net == -6266.75 and flow.dii_net == 2881.32


def test_a_missing_side_stays_unknown():
    (dii,) = [r for r in fixture("fiidiiTradeReact.json") if r["category"] == "DII"]
    flow = extras.parse_flows([dii])
    assert flow.fii_net is None and flow.dii_net == 1361.43


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"data": []}, "fiidiiTradeReact"),  # not the bare list NSE sends
        ([{"category": "Client", "date": "26-May-2026"}], "category"),
        (
            [
                {"category": "FII/FPI", "date": "26-May-2026", "netValue": "1"},
                {"category": "DII", "date": "27-May-2026", "netValue": "2"},
            ],
            "date",
        ),
    ],
)
def test_bad_flow_payloads_name_the_field(payload, field):
    with pytest.raises(BadPayload) as caught:
        extras.parse_flows(payload)
    assert caught.value.field == field


def test_announcements_newest_first_cleaned_and_bad_rows_skipped():
    found = extras.parse_announcements(fixture("corporate_announcements.json"))
    assert [a.symbol for a in found] == ["ISGEC", "RELIANCE", "TCIEXP"]  # no-symbol row gone
    isgec = found[0]
    assert isgec.at == datetime(2026, 5, 27, 10, 16, 2, tzinfo=IST)
    assert isgec.subject == "Award of Order / Receipt of Order"
    assert isgec.attachment and isgec.attachment.endswith("_Order.pdf")
    tci = found[2]
    assert "\x1b" not in tci.name + tci.subject and tci.subject.startswith("Financial Results")
    assert tci.attachment is None  # "-" is no URL


def test_announcement_window_is_yesterday_and_today():
    assert extras.announcement_params(date(2026, 5, 27)) == {
        "index": "equities",
        "from_date": "26-05-2026",
        "to_date": "27-05-2026",
    }


def test_flow_book_keeps_the_months_days_and_starts_over_next_month():
    book = extras.FlowBook()
    may = extras.parse_flows(fixture("fiidiiTradeReact.json"))
    assert book.add(may) == (may,)
    again = book.add(may)  # asked again the same day: counted once
    assert again == (may,)
    next_day = replace(may, day=date(2026, 5, 27), fii_net=100.0)
    assert [f.day for f in book.add(next_day)] == [date(2026, 5, 26), date(2026, 5, 27)]
    june = replace(may, day=date(2026, 6, 1))
    assert book.add(june) == (june,)
