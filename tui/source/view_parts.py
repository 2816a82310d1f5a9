"""A segment view travels in three parts, so a viewer reads only what changed and what it shows.

Measured on the demo's All view (325 KB of JSON a refresh), a viewer spent more of each tick
inflating and decoding it than drawing it. Most of those bytes are not on the main screen:

- ``segment``: what the panes draw, new every refresh (about 45 KB);
- ``news``: the ratings feed, earnings and announcements (about 125 KB), which change a few
  times a day: the collector publishes it only when it changed, JetStream keeps the last, and a
  viewer decodes it once per change;
- ``signals``: the breakout and RSI lists behind the Breadth pane's counts (about half the
  view), new every refresh but shown only on the signals screen: a viewer subscribes to them
  only while that screen is open. Their counts travel with ``segment``.

Each part is a struct of some of ``SegmentView``'s fields, sent as deflated JSON (``wire``);
``join`` makes the view again from the parts a viewer holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_type_hints

import msgspec
from msgspec.structs import asdict, fields

from tui.source import wire
from widgets.views import SegmentView

#: The part names, as the subjects spell them (``capwatch.<market>.<part>.<scope>``).
SEGMENT, NEWS, SIGNALS = "segment", "news", "signals"
_FIELDS_OF = {
    NEWS: ("events", "upcoming", "declared", "announcements"),
    SIGNALS: ("breakouts", "oversold", "overbought"),
}
#: Set by ``join``: whether the signal lists came along.
_JOINED = ("signal_lists",)


def _part_struct(part: str, names: tuple[str, ...]) -> type[msgspec.Struct]:
    """A frozen struct of ``SegmentView``'s fields ``names``, with their types and defaults."""
    hints = get_type_hints(SegmentView)
    chosen = [f for f in fields(SegmentView) if f.name in names]
    return msgspec.defstruct(
        f"{part.title()}Part",
        [(f.name, hints[f.name], wire.default_of(f)) for f in chosen],
        frozen=True,
    )


_SEGMENT_FIELDS = tuple(
    name
    for name in SegmentView.__struct_fields__
    if name not in _JOINED and all(name not in names for names in _FIELDS_OF.values())
)
PARTS: dict[str, type[msgspec.Struct]] = {
    part: _part_struct(part, names)
    for part, names in ((SEGMENT, _SEGMENT_FIELDS), *_FIELDS_OF.items())
}


def split(view: SegmentView) -> dict[str, bytes]:
    """``view`` as its parts' JSON, by part name (``wire.deflate`` them to send)."""
    return {
        part: wire.dumps({name: getattr(view, name) for name in kind.__struct_fields__})
        for part, kind in PARTS.items()
    }


def read(part: str, data: bytes) -> Any:
    """A received part, as its struct. Raises ``ValueError`` on a wrong shape."""
    return wire.loads(PARTS[part], data)


def join(parts: Mapping[str, Any]) -> SegmentView:
    """The view from its read parts. Without ``signals`` the lists are empty and
    ``signal_lists`` says so (their counts came with ``segment``); without ``news`` (not
    received yet) the feeds are empty."""
    values = asdict(parts[SEGMENT])
    news = asdict(parts[NEWS]) if NEWS in parts else dict.fromkeys(_FIELDS_OF[NEWS], ())
    values.update(news)
    if SIGNALS in parts:
        values.update(asdict(parts[SIGNALS]))
    return SegmentView(**values, signal_lists=SIGNALS in parts)
