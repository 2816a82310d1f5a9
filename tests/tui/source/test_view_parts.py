"""A view in three parts: joined again it is the view sent; without its signals part the lists
are empty but their counts stand; and a viewer reads a part again only when its bytes change."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime

import pytest
from factories.views import segment_view
from msgspec.structs import replace

from providers.contract import IST, Segment
from providers.demo import create
from tui.analytics import AnalyticsSettings, MarketAnalytics
from tui.source import view_parts, wire
from tui.source.subscriber import Decoded, KeptViews
from tui.source.view_parts import NEWS, PARTS, SEGMENT, SIGNALS
from widgets.views import SIGNAL_LISTS, SegmentView

START = datetime(2026, 11, 20, 11, 30, tzinfo=IST)


@pytest.fixture(scope="module")
def views() -> Mapping[Segment, SegmentView]:
    """The views of one demo refresh, with history (so the signal lists are full)."""
    provider = create({"seed": 7, "start": START})
    engine = MarketAnalytics(AnalyticsSettings())
    engine.load_history(asyncio.run(provider.history()))
    return engine.refresh(asyncio.run(provider.fetch()))


def packed(view: SegmentView) -> dict[str, bytes]:
    return {part: wire.deflate(json) for part, json in view_parts.split(view).items()}


def read_all(parts: Mapping[str, bytes]) -> dict[str, object]:
    return {part: view_parts.read(part, data) for part, data in parts.items()}


def test_the_parts_hold_every_field_once_but_the_flag_join_sets() -> None:
    held = [name for kind in PARTS.values() for name in kind.__struct_fields__]
    assert len(held) == len(set(held))
    assert set(SegmentView.__struct_fields__) - set(held) == {"signal_lists"}


def test_every_view_joins_again_from_its_three_parts(views) -> None:
    for view in views.values():
        assert view.oversold and view.events  # real content, not empty tuples
        back = view_parts.join(read_all(packed(view)))
        assert back == view and back.signal_lists
        assert back.segment is view.segment


def test_without_its_signals_part_a_view_has_counts_but_no_lists(views) -> None:
    view = views[Segment.ALL]
    parts = packed(view)
    back = view_parts.join(read_all({p: d for p, d in parts.items() if p != SIGNALS}))
    assert not back.signal_lists
    assert back.oversold == () and back.breakouts.lists == ()
    for name in SIGNAL_LISTS:
        assert back.signal_count(name) == len(view.signal_rows(name))
    assert back.signal_count("Oversold") > 0
    assert replace(back, signal_lists=True, oversold=view.oversold) != view  # really left out
    assert len(parts[SEGMENT]) < len(parts[SIGNALS]) / 2  # what a viewer is spared


def test_without_its_news_part_a_view_has_empty_feeds() -> None:
    view = segment_view()
    back = view_parts.join(read_all({SEGMENT: packed(view)[SEGMENT]}))
    assert (back.events, back.upcoming, back.declared, back.announcements) == ((), (), (), ())
    assert back.indices == view.indices
    assert back.signal_count("↑50DMA") == len(view.breakouts.rows("↑50DMA")) > 0


def test_a_viewer_reads_a_part_again_only_when_its_bytes_change(monkeypatch) -> None:
    reads: list[str] = []
    real_read = view_parts.read

    def counting(part: str, data: bytes) -> object:
        reads.append(part)
        return real_read(part, data)

    monkeypatch.setattr(view_parts, "read", counting)
    decoded = Decoded()
    first = packed(segment_view())
    assert KeptViews({Segment.ALL: first}, decoded)[Segment.ALL] == segment_view()
    assert sorted(reads) == sorted([SEGMENT, NEWS, SIGNALS])

    reads.clear()
    moved = packed(segment_view(change_pct=1.5))  # a new refresh; the news as it was
    received = {**first, SEGMENT: moved[SEGMENT], NEWS: bytes(first[NEWS])}  # new bytes objects
    kept = KeptViews({Segment.ALL: received}, decoded)
    assert kept[Segment.ALL].change_pct == 1.5
    assert kept[Segment.ALL] is kept[Segment.ALL]  # joined once per frame
    assert reads == [SEGMENT]


def test_a_view_without_its_segment_part_or_with_a_bad_part_is_missing() -> None:
    parts = packed(segment_view())
    assert Segment.ALL not in KeptViews({Segment.ALL: {NEWS: parts[NEWS]}}, Decoded())
    broken = KeptViews({Segment.ALL: {**parts, NEWS: b"{}"}}, Decoded())
    assert broken.get(Segment.ALL) is None
