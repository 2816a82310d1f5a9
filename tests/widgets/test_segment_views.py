"""``SegmentViews``: one refresh's views, each built when first read."""

from __future__ import annotations

import pytest
from factories.views import segment_view

from providers.contract import Segment
from widgets.views import WATCH, Scope, SegmentSummary, SegmentView, SegmentViews, summaries


def _views(built: list[Scope]) -> SegmentViews:
    def build(scope: Scope) -> SegmentView:
        built.append(scope)
        return segment_view(scope)

    return SegmentViews(build, {s: SegmentSummary(None, 0.5) for s in Segment})


def test_only_the_views_read_are_built_and_each_once() -> None:
    built: list[Scope] = []
    views = _views(built)
    assert views[Segment.SMALL] is views[Segment.SMALL]
    assert views.get(Segment.MID) is not None
    assert built == [Segment.SMALL, Segment.MID]
    assert summaries(views) == {s: SegmentSummary(None, 0.5) for s in Segment}
    assert built == [Segment.SMALL, Segment.MID]  # the segment bar built nothing


def test_an_added_watch_view_is_listed_with_its_summary() -> None:
    views = _views([])
    watch = segment_view(WATCH)
    views.add(watch)
    assert views[WATCH] is watch
    assert list(views) == [*Segment, WATCH]
    assert summaries(views)[WATCH] == SegmentSummary.of(watch)


def test_a_scope_without_a_view_is_missing() -> None:
    views = SegmentViews(segment_view, {Segment.ALL: SegmentSummary(1, 0.1)})
    with pytest.raises(KeyError):
        views[Segment.SMALL]
    assert views.get(Segment.SMALL) is None
    assert len(views) == 1
