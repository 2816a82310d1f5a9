"""The base of every pane: a Line-API widget that repaints only the cells that changed.

Over SSH every byte is latency, and Textual's DataTable repaints the whole table when one cell
changes. A pane here keeps the strips it last put on screen (one per visible line, cursor and
base style already applied); after any change — new data, scroll, cursor, focus, filter, sort,
resize — it builds the new strips, compares them cell by cell with the old ones and refreshes
only the changed runs of cells (the span compositor then has Textual write just those cells).
Rendering is a list lookup. A new view that reads the same as the one on screen (``reads``)
is not drawn at all, and a new border title or subtitle repaints its border row only.

Subclasses supply ``build_lines(width)``, or for tables ``COLUMNS``, ``table_rows()``,
``row_cells(row)`` and ``row_key(row)``; only the rows on screen are ever formatted, and of
those only the cells of the columns shown when a cell is given as a function.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from itertools import pairwise
from typing import Any, ClassVar, Self, TypeVar

from msgspec import Struct
from rich.segment import Segment
from rich.style import Style
from rich.text import Span, Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from providers.contract import IST, Part
from widgets.format import DIM, clean, fit, since_label
from widgets.views import WATCH, SegmentView

CURSOR = Style(reverse=True)
R = TypeVar("R")
#: Runs of changed cells closer than this are refreshed as one region (fewer cursor moves).
_MERGE_GAP = 2


class Column(Struct, frozen=True):
    """A table column. Narrow panes drop columns with the highest ``priority`` first."""

    title: str
    width: int
    align: str = "right"
    priority: int = 0
    flex: bool = False  # takes the width left over (at most one column per table)
    min_width: int = 0  # a flex column may shrink to this before others are dropped


#: A line as drawn: its segments, unstyled text merged (hashable, so a key of the strip cache).
Line = tuple[Segment, ...]
#: A table cell: its text, or a function making it, called only if its column is shown (a
#: narrow pane drops columns, and a row is formatted at every tick it changes).
Cell = str | Text | Callable[[], str | Text]


class Lines(Struct, frozen=True):
    """What a pane shows: an optional fixed header and ``count`` scrolling rows, each drawn by
    ``line(i)`` only when it is on screen (a feed may hold hundreds of rows)."""

    header: Line | None
    count: int
    line: Callable[[int], Line]
    key: Callable[[int], str | None] = lambda i: None  # the stock row ``i`` stands for

    @classmethod
    def of(cls, rows: Sequence[Text]) -> Lines:
        """A few lines of text, no header (a status, a chart, "waiting…")."""
        lines = [tuple(text_segments(row)) for row in rows]
        return cls(None, len(lines), lines.__getitem__)


def text_segments(text: Text) -> list[Segment]:
    """``text`` as styled segments, its own style under each span's (later spans over
    earlier ones where they overlap).

    ``Text.render`` wants a console, is slow for a few spans, and (rich 15) drops the style of
    a text without spans, which left "waiting…" lines undimmed."""
    plain = text.plain
    base = _style_of(text.style)
    segments: list[Segment] = []
    at = 0  # spans one after another (text built by appending): one pass
    for span in text.spans:
        start, end = span.start, min(span.end, len(plain))
        if start >= end:
            continue
        if start < at:
            return _overlapping_segments(plain, base, text.spans)
        if start > at:
            segments.append(Segment(plain[at:start], base))
        own = _style_of(span.style)
        segments.append(Segment(plain[start:end], own if base is None else base + own))
        at = end
    if at < len(plain):
        segments.append(Segment(plain[at:], base))
    return segments


def _overlapping_segments(plain: str, base: Style | None, spans: list[Span]) -> list[Segment]:
    """``text_segments`` where spans overlap: a segment between every two span edges, in the
    styles of the spans over it, in order."""
    cuts = sorted({0, len(plain), *(span.start for span in spans), *(span.end for span in spans)})
    segments = []
    for start, end in pairwise(cuts):
        if start >= end or start >= len(plain):
            continue
        style = base
        for span in spans:
            if span.start <= start and end <= span.end:
                style = _style_of(span.style) if style is None else style + _style_of(span.style)
        segments.append(Segment(plain[start:end], style))
    return segments


def _style_of(style: str | Style) -> Style | None:
    if isinstance(style, str):
        return Style.parse(style) if style else None
    return style or None


def fit_columns(columns: Sequence[Column], width: int) -> list[int]:
    """Width of each column at ``width`` cells (0 = dropped), one space between columns.

    Columns go, highest ``priority`` first (rightmost first, the flex column last, among
    equals), until the rest fit with the flex column at its ``min_width``; the flex column
    then takes whatever is left."""
    return list(_fit_columns(tuple(columns), width))


@lru_cache(maxsize=256)
def _fit_columns(columns: tuple[Column, ...], width: int) -> tuple[int, ...]:
    """``fit_columns``, remembered: every table asks at every refresh, for the same answer."""

    def least(column: Column) -> int:
        return column.min_width or column.width if column.flex else column.width

    kept = list(columns)
    while len(kept) > 1 and sum(map(least, kept)) + len(kept) - 1 > width:
        kept.remove(max(kept, key=lambda c: (c.priority, not c.flex, columns.index(c))))
    spare = width - (sum(map(least, kept)) + len(kept) - 1)
    return tuple(
        0 if column not in kept else least(column) + (max(0, spare) if column.flex else 0)
        for column in columns
    )


def table_line(cells: Sequence[Cell], columns: Sequence[Column], widths: Sequence[int]) -> Line:
    """One table line: each shown cell made and fitted to its column, columns separated by a
    space.

    Built as segments, not a ``Text``: a tick redraws every price, and this is most of it."""
    segments: list[Segment] = []
    plain: list[str] = []  # unstyled text waiting to become one segment
    first = True
    for cell, column, width in zip(cells, columns, widths, strict=True):
        if not width:
            continue
        if callable(cell):
            cell = cell()
        if not first:
            plain.append(" ")
        first = False
        if isinstance(cell, str):
            plain.append(fit(cell, width, align=column.align))
            continue
        length = cell.cell_len
        if length > width:
            cell, length = Text.assemble(fit(cell, width)), width  # cut, with …
        pad = " " * (width - length)  # padded here: fit would copy and re-span it
        if column.align == "right":
            plain.append(pad)
        for segment in text_segments(cell):
            if segment.style is None:
                plain.append(segment.text)
                continue
            if plain:
                if text := "".join(plain):
                    segments.append(Segment(text))
                plain.clear()
            segments.append(segment)
        if column.align != "right":
            plain.append(pad)
    if text := "".join(plain):
        segments.append(Segment(text))
    return tuple(segments)


def styled_strip(segments: Line, style: Style, width: int) -> Strip:
    """``segments`` cut or padded to ``width`` cells, ``style`` under each, and neighbours in
    the same style merged: ``Segment.simplify(Segment.apply_style(...))`` in one pass, which
    tells most equal styles by identity (``style + x`` is remembered) before hashing them."""
    texts: list[str] = []
    styles: list[Style] = []
    add = style.__add__
    for text, own, _ in Segment.adjust_line_length(list(segments), width):
        combined = add(own)
        if styles and (combined is styles[-1] or combined == styles[-1]):
            texts[-1] += text
        else:
            texts.append(text)
            styles.append(combined)
    return Strip(list(map(Segment, texts, styles)), width)


def changed_runs(
    old: Strip | None, new: Strip, merge_gap: int = _MERGE_GAP
) -> list[tuple[int, int]]:
    """Cell ranges ``[start, end)`` where ``new`` differs from ``old`` (whole line if unsure)."""
    if old is None or old.cell_length != new.cell_length:
        return [(0, new.cell_length)] if new.cell_length else []
    if old is new:
        return []
    runs: list[tuple[int, int]] = []
    for x in _changed_cells(list(old), list(new), new.cell_length):
        if x < 0:
            return [(0, new.cell_length)]
        if runs and x - runs[-1][1] <= merge_gap:
            runs[-1] = (runs[-1][0], x + 1)
        else:
            runs.append((x, x + 1))
    return runs


def _changed_cells(old: list[Segment], new: list[Segment], cells: int) -> list[int]:
    """The cells that differ, in order; ``[-1]`` when cells can't be told from characters
    (wide characters). Lines cut the same way (a table row) are compared segment by segment."""
    if len(old) == len(new):
        changed: list[int] = []
        x = 0
        for (a, a_style, _), (b, b_style, _) in zip(old, new, strict=True):
            if len(a) != len(b) or not (a_style is b_style or a_style == b_style):
                break  # cut another way: cell by cell
            if a != b:
                changed.extend(x + i for i, (c, d) in enumerate(zip(a, b, strict=True)) if c != d)
            x += len(b)
        else:
            return changed if x == cells else [-1]
    before = [(char, segment.style) for segment in old for char in segment.text]
    after = [(char, segment.style) for segment in new for char in segment.text]
    if len(before) != cells or len(after) != cells:
        return [-1]
    return [x for x, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]


def _empty_watchlist(view: SegmentView | None) -> bool:
    """The Watch view with no watched stock in the data (none added, or none quoted)."""
    if view is None or view.segment != WATCH:
        return False
    counts = view.breadth
    return counts.advances + counts.declines + counts.unchanged == 0


class Pane(Widget, can_focus=True):
    """A titled, focusable, scrollable list of lines with an optional cursor."""

    DEFAULT_CSS = """
    Pane {
        height: 1fr;
        border: round $panel-lighten-2;
        border-title-align: left;
        border-subtitle-align: right;
    }
    Pane:focus {
        border: heavy $accent;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move(-1000000)", "First", show=False),
        Binding("end", "move(1000000)", "Last", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]

    TITLE: ClassVar[str] = ""
    #: Sort orders ``s`` cycles through (labels shown in the pane's subtitle).
    SORTS: ClassVar[tuple[str, ...]] = ()
    #: Whether rows can be chosen with a cursor (otherwise Up/Down just scroll).
    SELECTABLE: ClassVar[bool] = True
    COLUMNS: ClassVar[tuple[Column, ...]] = ()
    #: Whether the pane reads ``horizon`` (its title then names it).
    HORIZONED: ClassVar[bool] = False
    WAITING: ClassVar[str] = "waiting for data…"
    #: Repaint only the changed cells; off for a pane whose every line changes at once
    #: (a search list), where one whole repaint costs less than diffing each line.
    CELL_DIFF: ClassVar[bool] = True
    #: What a pane shows in the Watch view while no watched stock is in the data (short
    #: lines: they must fit a pane at 80x24).
    NO_WATCHED: ClassVar[tuple[str, ...] | None] = (
        "No watched stocks yet.",
        "w on a stock row adds it;",
        "g finds any stock by name.",
    )
    #: Set while a border label is set (``_set_border_label``): Textual's whole-pane repaint
    #: for it is skipped (a class default: Textual sets the title before ``__init__`` is done).
    _border_row_only: bool = False
    #: The data kind the pane shows, when the source may fetch it less often than every
    #: refresh (then the border says how old it is).
    PART: ClassVar[Part | None] = None

    class StockChosen(Message):
        """Enter (or a click) on a row that stands for a stock."""

        def __init__(self, symbol: str) -> None:
            super().__init__()
            self.symbol = symbol

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = self.TITLE
        self.view: SegmentView | None = None
        self.filter_text = ""
        self.stale = False
        self.stale_note = ""
        self.age_text = ""
        self.sort_index = 0
        self.horizon = "Day"  # what Sectors and Gainers/Losers read (``h`` cycles)
        self.anchor_index = 0  # which since-date the since columns use (``a`` cycles)
        self.cursor = 0
        self._focused_when_app_blurred = False
        self.top = 0
        self._lines = Lines.of(())
        self._shown: list[Strip] = []
        self._strips: dict[tuple, Strip] = {}  # the lines last drawn, by text and style
        self._base: Style | None = None  # rich_style, worked out again on a restyle only
        #: table rows formatted at the last two builds, by ``row_cache_key``, for one layout
        #: (columns and widths, with the header line drawn for them)
        self._row_layout: tuple[tuple[Column, ...], list[int], Line] | None = None
        self._row_lines: tuple[dict[Hashable, Line], dict[Hashable, Line]] = ({}, {})
        self._sync_pending = False
        #: what the pane drew from the view on screen (``_reading``; None: nothing drawn yet,
        #: or not from a view), kept so a new view is read once, not the old one again
        self._drawn: tuple[object, ...] | None = None

    # --- what subclasses provide -------------------------------------------------------------

    def table_rows(self) -> Sequence[object]:
        """The rows to list, filtered and sorted (tables only: used with ``COLUMNS``)."""
        return ()

    def row_key(self, row: object) -> str | None:
        """The stock symbol a row stands for (Enter opens it), if any."""
        return None

    def row_cells(self, row: object) -> Sequence[Cell]:
        """One cell per column of ``columns()``; a dear one in a column that narrow panes drop
        as a function, so it is made only when shown."""
        return ()

    def columns(self) -> tuple[Column, ...]:
        """The table's columns now (``COLUMNS``; a pane whose headers carry a date or the
        horizon read overrides it)."""
        return self.COLUMNS

    def row_cache_key(self, row: object) -> Hashable | None:
        """Everything ``row_cells(row)`` depends on, when that is cheaper to compare than the
        cells are to format: a row with the same key is not formatted again (most rows of
        a tick are as they were). None, the default: always format."""
        return None

    def build_lines(self, width: int) -> Lines:
        """The pane's content at ``width`` cells. Default: a table from ``columns()``."""
        columns = self.columns()
        widths = fit_columns(columns, width)
        rows = self.table_rows()
        if self._row_layout is None or (columns, widths) != self._row_layout[:2]:
            header = table_line([c.title for c in columns], columns, widths)
            dim_header = tuple(Segment.apply_style(header, DIM))
            self._row_layout, self._row_lines = (columns, widths, dim_header), ({}, {})
        else:  # keep the lines drawn at the last build, forget older ones
            self._row_lines = (self._row_lines[1], {})
        header = self._row_layout[2]
        last, now = self._row_lines

        def line(i: int) -> Line:
            row = rows[i]
            key = self.row_cache_key(row)
            drawn = None if key is None else now.get(key) or last.get(key)
            if drawn is None:
                drawn = table_line(self.row_cells(row), columns, widths)
            if key is not None:
                now[key] = drawn
            return drawn

        return Lines(
            header,
            len(rows),
            line,
            lambda i: self.row_key(rows[i]),
        )

    def shows_cursor(self) -> bool:
        """Whether the cursor row is highlighted now: while the pane has the focus, and while
        the terminal is unfocused if it had the focus then (alt-tab restyles the border only)."""
        return self.has_focus or self._focused_when_app_blurred

    def has_content(self) -> bool:
        """Whether there is anything to draw yet (otherwise the pane says it is waiting)."""
        return self.view is not None

    def title(self) -> str:
        """The top border's words: ``TITLE``, plus the horizon read when it is not the day."""
        if self.HORIZONED and self.horizon != "Day":
            return f"{self.TITLE} · {self.horizon_label()}"
        return self.TITLE

    def subtitle(self) -> str:
        """Extra words for the bottom border (sort order, badges)."""
        return f"by {self.SORTS[self.sort_index]}" if len(self.SORTS) > 1 else ""

    # --- state changes -----------------------------------------------------------------------

    def reads(self, view: SegmentView) -> object:
        """Everything the pane draws from ``view`` (lines, title, subtitle), as one value to
        compare: ``show`` does not redraw a view that reads the same as the one on screen.
        The whole view by default; a pane whose part often stays the same while the rest
        moves (the views are new at every refresh) returns just that part."""
        return view

    def _reading(self, view: SegmentView) -> tuple[object, ...]:
        # with what every pane draws from a view: the Watch view's "no watched stocks"
        # lines and, for the horizon in a title, the since-dates
        return self.reads(view), _empty_watchlist(view), view.anchors

    def show(self, view: SegmentView) -> None:
        """Draw ``view`` (the current segment at the latest refresh), unless it reads the same
        as the view on screen (then the lines, title and subtitle would be too)."""
        self.view = view
        if self._drawn is None or self._reading(view) != self._drawn:
            self.sync()

    def set_reading(self, horizon: str, anchor_index: int) -> None:
        """Read the view over ``horizon`` (``views.HORIZONS``) and the ``anchor_index``-th
        since-date; a pane that uses neither ignores them."""
        if (horizon, anchor_index) != (self.horizon, self.anchor_index):
            self.horizon, self.anchor_index = horizon, anchor_index
            self.cursor = self.top = 0 if self.SELECTABLE else self.top
            self.sync()

    def anchor_date(self) -> date | None:
        """The since-date in use, from the view's anchors (None before data)."""
        anchors = self.view.anchors if self.view is not None else ()
        return anchors[min(self.anchor_index, len(anchors) - 1)] if anchors else None

    def horizon_label(self) -> str:
        """``Day``, ``5D``, ``1M`` or ``Since 07 Apr``."""
        if self.horizon == "Since":
            return since_label(self.anchor_date())
        return self.horizon

    def set_filter(self, text: str) -> None:
        text = text.strip().lower()
        if text != self.filter_text:
            self.filter_text = text
            self.cursor = self.top = 0
            self.sync()

    def cycle_sort(self) -> None:
        if self.SORTS:
            self.sort_index = (self.sort_index + 1) % len(self.SORTS)
            self.sync()

    @property
    def sort_key(self) -> str:
        return self.SORTS[self.sort_index] if self.SORTS else ""

    def matching(self, rows: Iterable[R], fields: Callable[[R], tuple[str | None, ...]]) -> list[R]:
        """The ``rows`` with a ``fields`` value holding the ``/`` filter text (any case): all of
        them, without looking, when there is none (a feed of 400 rows is listed each refresh)."""
        wanted = self.filter_text
        if not wanted:
            return list(rows)
        return [row for row in rows if any(f and wanted in f.lower() for f in fields(row))]

    @property
    def chosen_key(self) -> str | None:
        lines = self._lines
        return (
            lines.key(self.cursor) if self.SELECTABLE and 0 <= self.cursor < lines.count else None
        )

    # --- drawing -----------------------------------------------------------------------------

    def sync(self) -> None:
        """Rebuild the visible strips and refresh just the cells that differ from the screen."""
        self._sync_pending = False
        width, height = self.size
        self._drawn = None
        if not self.is_mounted or width <= 0 or height <= 0:
            return
        if self.has_content() and self.NO_WATCHED and _empty_watchlist(self.view):
            self._lines = Lines.of([Text(line, style=DIM) for line in self.NO_WATCHED])
        elif self.has_content():
            self._lines = self.build_lines(width)
        else:
            self._lines = Lines.of([Text(self.WAITING, style=DIM)])
        count = self._lines.count
        header_height = 1 if self._lines.header is not None else 0
        page = max(1, height - header_height)
        self.cursor = max(0, min(self.cursor, count - 1))
        if self.SELECTABLE:
            self.top = min(self.top, self.cursor)
            self.top = max(self.top, self.cursor - page + 1)
        self.top = max(0, min(self.top, count - page))

        base = self.base_style
        show_cursor = self.SELECTABLE and self.shows_cursor() and self.has_content()
        shown: list[Strip] = []
        visible: list[Line] = []
        if self._lines.header is not None:
            visible.append(self._lines.header)
        visible.extend(map(self._lines.line, range(self.top, min(count, self.top + page))))
        cache, self._strips = self._strips, {}
        for offset, segments in enumerate(visible):
            style = base
            if show_cursor and offset - header_height + self.top == self.cursor:
                style = base + CURSOR
            key = (segments, style, width)
            line = cache.get(key) or self._strips.get(key)
            if line is None:  # most lines are as they were: a tick changes a few numbers
                line = styled_strip(segments, style, width)
            self._strips[key] = line
            shown.append(line)
        blank = Strip.blank(width, base)
        shown.extend(blank for _ in range(height - len(shown)))

        old = self._shown
        self._shown = shown
        if not self.CELL_DIFF:
            self.refresh()
        else:
            changed = [
                Region(start, y, end - start, 1)
                for y, strip in enumerate(shown)
                for start, end in changed_runs(old[y] if y < len(old) else None, strip)
            ]
            if changed:
                self.refresh(*changed)
        self._update_subtitle()
        view = self.view
        self._drawn = self._reading(view) if view is not None and self.has_content() else None

    def set_stale(self, stale: bool, note: str = "") -> None:
        """Mark the data as old (a stored snapshot, the provider failing, or only this pane's
        part failing): the pane keeps drawing it, badged STALE, with ``note`` (its age and
        why) when only some panes are stale; the status bar says the rest."""
        if (stale, note) != (self.stale, self.stale_note):
            self.stale, self.stale_note = stale, note
            self._update_subtitle()  # the badge is in the border: the lines stay

    def set_age(self, fetched: datetime | None, now: datetime) -> None:
        """Say in the border when the shown data was fetched ("as of 11:05, 40 min"),
        for kinds the source asks hourly or daily; redrawn at each refresh, never ticking."""
        text = ""
        if fetched is not None:
            minutes = max(0, int((now - fetched).total_seconds() // 60))
            text = f"as of {fetched.astimezone(IST):%H:%M}, {minutes} min"
        if text != self.age_text:
            self.age_text = text
            self._update_subtitle()

    def _update_subtitle(self) -> None:
        count, page = self._lines.count, self._page_size()
        badge = f"STALE {clean(self.stale_note)}".strip() if self.stale else ""
        words = [badge, self.age_text, self.subtitle()]
        if self.filter_text:
            words.append(f"/{clean(self.filter_text)}")
        if count > page:
            words.append(f"{self.top + 1}-{min(count, self.top + page)}/{count}")
            if self.top + page < count:
                words.append(f"↓{count - self.top - page} more")
        subtitle = " ".join(w for w in words if w)
        if subtitle != (self.border_subtitle or ""):
            self._set_border_label("border_subtitle", subtitle)
        if (title := self.title()) != self.border_title:
            self._set_border_label("border_title", title)

    def _set_border_label(self, name: str, text: str) -> None:
        """Set the border's title or subtitle, repainting its row only: Textual repaints the
        whole pane for it (every line rendered again), and a count in a subtitle changes often."""
        self._border_row_only = True
        try:
            setattr(self, name, text)
        finally:
            self._border_row_only = False
        left, top = self.content_offset
        width, height = self.outer_size
        row = 0 if name == "border_title" else height - 1
        self.refresh(Region(-left, row - top, width, 1))

    def refresh(self, *regions: Region, **options: Any) -> Self:
        if self._border_row_only and not regions and not options:
            return self  # a border label's whole-pane repaint: _set_border_label repaints its row
        return super().refresh(*regions, **options)

    def render_line(self, y: int) -> Strip:
        if y < len(self._shown):
            return self._shown[y]
        return Strip.blank(self.size.width, self.base_style)

    # --- events and keys ---------------------------------------------------------------------

    def sync_soon(self) -> None:
        """``sync`` once after the current burst of events (start-up restyles the app many
        times; resize, focus and style changes all come in bursts)."""
        if not self._sync_pending:
            self._sync_pending = True
            self.call_later(self.sync)

    def on_resize(self, event: events.Resize) -> None:
        self._shown = []
        self.sync_soon()

    def on_mount(self) -> None:
        self.sync_soon()

    def on_focus(self) -> None:
        self._focused_when_app_blurred = False
        self.sync_soon()

    def on_blur(self) -> None:
        # Alt-tab away takes focus off the pane; keep its cursor, so only the border restyles
        # (and the terminal is sent a few border cells, not the pane).
        self._focused_when_app_blurred = not self.app.app_focus
        self.sync_soon()

    def notify_style_update(self) -> None:
        # Called on any restyle (focus, theme, breakpoints), often with nothing changed:
        # the diff in ``sync`` repaints only what the new base style really altered.
        super().notify_style_update()
        self._base = None
        self.sync_soon()

    @property
    def base_style(self) -> Style:
        """The pane's ``rich_style`` (its colours over its ancestors' backgrounds): Textual
        walks every ancestor's styles for it, so it is kept until Textual restyles the pane
        (``notify_style_update``, which a restyle of any ancestor reaches too)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def _page_size(self) -> int:
        return max(1, self.size.height - (1 if self._lines.header is not None else 0))

    def action_move(self, delta: int) -> None:
        if self.SELECTABLE:
            self.cursor = max(0, min(self.cursor + delta, self._lines.count - 1))
        else:
            self.top = max(0, self.top + delta)
        self.sync()

    def action_page(self, direction: int) -> None:
        page = self._page_size()
        if self.SELECTABLE:
            self.cursor += direction * page
        self.top += direction * page
        self.top = max(0, self.top)
        self.cursor = max(0, self.cursor)
        self.sync()

    def action_choose(self) -> None:
        if (key := self.chosen_key) is not None:
            self.post_message(self.StockChosen(key))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.top += 1
        if self.SELECTABLE:
            self.cursor = max(self.cursor, self.top)
        self.sync()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.top = max(0, self.top - 1)
        if self.SELECTABLE:
            self.cursor = min(self.cursor, self.top + self._page_size() - 1)
        self.sync()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = offset.y - (1 if self._lines.header is not None else 0)
        if self.SELECTABLE and 0 <= row < self._page_size():
            self.cursor = self.top + row
            self.sync()
            if event.chain == 2:
                self.action_choose()
