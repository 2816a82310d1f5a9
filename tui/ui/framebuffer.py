"""The screen as the app wants it and as the terminal has it: only the difference is sent.

Textual repaints whole widgets (a focus change restyles every pane, a segment switch redraws
every row) and writes every repainted cell. Over SSH at 20 KB/s that is seconds of link per
key. Here each repaint is painted into ``wanted`` (cells of text and SGR), and :meth:`diff`
writes only the cells that differ from ``sent`` — what the terminal was last sent — then
records them as sent. Because the difference is taken when the terminal is ready for more (see
``tui.ui.framed_output``), any number of repaints in between cost one write of the latest state,
as mosh and tmux do.

Output tricks that keep a diff small: the changed pieces grouped by style, so one SGR per
style (not per piece), and only what differs from the pen before it; short relative cursor
moves where they beat an absolute one; unchanged cells inside a short gap of the same style
re-sent rather than jumped over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

#: A terminal cell: its text ("" for the right half of a wide character) and its SGR string.
Cell = tuple[str, str]
RESET = "\x1b[0m"
BLANK: Cell = (" ", RESET)
#: Unchanged cells between two changed runs of a row that are re-sent instead of moved over.
_MAX_GAP = 3


def _absolute(x: int, y: int) -> str:
    return f"\x1b[{y + 1};{x + 1}H"


def _move(cursor: tuple[int, int] | None, x: int, y: int) -> str:
    """The shortest sequence that moves the cursor from ``cursor`` (None: unknown) to x, y.
    Relative moves never scroll: the target is always on screen."""
    if cursor is None:
        return _absolute(x, y)
    cx, cy = cursor
    if (cx, cy) == (x, y):
        return ""
    if x == 0 and y == cy + 1:
        return "\r\n"  # column 0 of the next row, with or without the tty's CR/LF mapping
    relative = ""
    if y > cy:
        relative += "\x1b[B" if y == cy + 1 else f"\x1b[{y - cy}B"
    elif y < cy:
        relative += "\x1b[A" if y == cy - 1 else f"\x1b[{cy - y}A"
    if x == 0 and cx:
        relative = "\r" + relative
    elif x > cx:
        relative += "\x1b[C" if x == cx + 1 else f"\x1b[{x - cx}C"
    elif x < cx:
        relative += "\b" if x == cx - 1 else f"\x1b[{cx - x}D"
    best = _absolute(x, y)
    return relative if len(relative) < len(best) else best


def _sgr_parts(code: str) -> tuple[frozenset[str], str, str]:
    """(attributes, foreground, background) of an SGR sequence made by ``sgr`` (``\x1b[0;...m``)."""
    tokens = code[2:-1].split(";")
    attributes: set[str] = set()
    fg = bg = ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("38", "48"):
            length = 5 if tokens[i + 1 : i + 2] == ["2"] else 3
            color = ";".join(tokens[i : i + length])
            fg, bg = (color, bg) if token == "38" else (fg, color)
            i += length
            continue
        if token and token != "0":
            number = int(token)
            if 30 <= number <= 39 or 90 <= number <= 97:
                fg = token
            elif 40 <= number <= 49 or 100 <= number <= 107:
                bg = token
            else:
                attributes.add(token)
        i += 1
    return frozenset(attributes), fg, bg


def _pen_change(pen: str, code: str) -> str:
    """The shortest SGR from style ``pen`` to style ``code``: only what differs, unless an
    attribute must be switched off (then the full sequence, which starts with a reset)."""
    if not pen:
        return code
    had, want = _sgr_parts(pen), _sgr_parts(code)
    if not had[0] <= want[0] or (had[1] and not want[1]) or (had[2] and not want[2]):
        return code
    parts = sorted(want[0] - had[0])
    parts += [part for part, old in zip(want[1:], had[1:], strict=True) if part != old]
    return f"\x1b[{';'.join(parts)}m" if parts else ""


def _changed_pieces(want: list[Cell], had: list[Cell] | None) -> list[tuple[str, int, int]]:
    """(SGR, start, end) of the cells of a row that differ from ``had``, one piece per style;
    a gap of at most _MAX_GAP unchanged cells in the same style is re-sent, not moved over.
    A wide character is never cut: a piece takes both of its halves."""
    width = len(want)
    if had is None or len(had) != width:
        changed: Iterable[int] = range(width)
    else:
        changed = [x for x in range(width) if want[x] != had[x]]
    pieces: list[tuple[str, int, int]] = []
    for x in changed:
        code = want[x][1]
        if pieces:
            last_code, start, end = pieces[-1]
            same_style = last_code == code and x - end <= _MAX_GAP
            if same_style and all(want[gap][1] == code for gap in range(end, x)):
                pieces[-1] = (code, start, x + 1)
                continue
        pieces.append((code, x, x + 1))
    whole = []
    for code, start, end in pieces:
        if start > 0 and want[start][0] == "":
            start -= 1  # begin at the wide character, not its right half
        if end < width and want[end][0] == "":
            end += 1  # and end after its right half
        whole.append((code, start, end))
    return whole


class FrameBuffer:
    """Wanted and sent screen contents; safe to paint from one thread and diff from another."""

    def __init__(self, sgr: Callable[[Style | None], str]) -> None:
        """``sgr`` turns a style into the SGR sequence that sets it from a reset."""
        self._sgr = sgr
        self._sgr_cache: dict[Style | None, str] = {}
        self._pen_cache: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self.width = 0
        self.height = 0
        self._wanted: list[list[Cell]] = []
        self._sent: list[list[Cell] | None] = []
        self._dirty: set[int] = set()
        self._cursor = (0, 0)
        self._sent_cursor: tuple[int, int] | None = None

    def resize(self, width: int, height: int) -> None:
        """A new terminal size: the screen's content is unknown until every cell is sent."""
        with self._lock:
            if (width, height) == (self.width, self.height):
                return
            self.width, self.height = width, height
            self._wanted = [[BLANK] * width for _ in range(height)]
            self._forget_sent()

    def forget_sent(self) -> None:
        """The terminal's content is unknown (something else wrote to it): resend it all."""
        with self._lock:
            self._forget_sent()

    def _forget_sent(self) -> None:
        self._sent = [None] * self.height
        self._dirty = set(range(self.height))
        self._sent_cursor = None

    def place_cursor(self, x: int, y: int) -> None:
        """Where the terminal's cursor should rest after the next frame (input methods use it)."""
        with self._lock:
            self._cursor = (x, y)

    def _style_code(self, style: Style | None) -> str:
        code = self._sgr_cache.get(style)
        if code is None:
            code = self._sgr_cache[style] = self._sgr(style)
        return code

    def cells(self, segments: Iterable[Segment]) -> list[Cell]:
        """``segments`` as cells (a wide character is two: its text, then "")."""
        cells: list[Cell] = []
        for text, style, control in segments:
            if control or not text:
                continue
            code = self._style_code(style)
            if text.isascii():
                cells.extend([(char, code) for char in text])
                continue
            for char in text:
                width = cell_len(char)
                if width == 0:  # a combining mark joins the cell before it
                    if cells:
                        cells[-1] = (cells[-1][0] + char, cells[-1][1])
                    continue
                cells.append((char, code))
                if width == 2:
                    cells.append(("", code))
        return cells

    def paint(self, x: int, y: int, segments: Iterable[Segment]) -> None:
        """Put ``segments`` on row ``y`` from column ``x`` (clipped to the screen)."""
        self.paint_cells(x, y, self.cells(segments))

    def paint_cells(self, x: int, y: int, cells: list[Cell]) -> None:
        """Put ``cells`` (from ``cells``, or a slice of them) on row ``y`` from column ``x``
        (clipped to the screen); a wide character cut at either end becomes a space."""
        if not 0 <= y < self.height or x >= self.width:
            return
        cells = cells[: self.width - x]
        if not cells:
            return
        if cells[0][0] == "":  # the right half of a wide character cut off at the left
            cells[0] = (" ", cells[0][1])
        if cell_len(cells[-1][0]) == 2:  # a wide character cut at the right
            cells[-1] = (" ", cells[-1][1])
        with self._lock:
            row = self._wanted[y]
            end = x + len(cells)
            cuts_wide = x > 0 and row[x][0] == ""  # lands on the right half of a wide character
            row[x:end] = cells
            if cuts_wide:
                row[x - 1] = (" ", row[x - 1][1])
            if end < self.width and row[end][0] == "":
                row[end] = (" ", row[end][1])
            self._dirty.add(y)

    def _pen_change(self, pen: str, code: str) -> str:
        key = (pen, code)
        change = self._pen_cache.get(key)
        if change is None:
            change = self._pen_cache[key] = _pen_change(pen, code)
        return change

    def row_text(self, y: int) -> str:
        """The wanted text of row ``y`` (for tests and benchmarks)."""
        with self._lock:
            return "".join(text for text, _ in self._wanted[y])

    def diff(self) -> str:
        """Escape sequences that turn the sent screen into the wanted one; marks them sent.

        The changed pieces go out grouped by style, not in screen order: a truecolour SGR is
        ~19 bytes and a cursor move 3-8, and a tick's changes are mostly prices flipping
        between a few colours, so one colour change per style beats one per piece."""
        out: list[str] = []
        with self._lock:
            by_style: dict[str, list[tuple[int, int, int]]] = {}
            for y in sorted(self._dirty):
                for code, start, end in _changed_pieces(self._wanted[y], self._sent[y]):
                    by_style.setdefault(code, []).append((y, start, end))
                self._sent[y] = list(self._wanted[y])
            self._dirty.clear()
            cursor: tuple[int, int] | None = None
            pen = ""
            for code, pieces in by_style.items():
                out.append(self._pen_change(pen, code))
                pen = code
                for y, start, end in pieces:
                    out.append(_move(cursor, start, y))
                    out.append("".join(text for text, _ in self._wanted[y][start:end]))
                    # At the right edge the cursor waits to wrap: its place is terminal-specific.
                    cursor = (end, y) if end < self.width else None
            if out:
                out.append(RESET)
            if out or self._cursor != self._sent_cursor:
                out.append(_move(cursor, *self._cursor))
                self._sent_cursor = self._cursor
        return "".join(out)
