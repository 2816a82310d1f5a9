"""What the terminal can take: whether there is one at all, and which characters it can show.

The monitor is a full-screen, cursor-addressed program. Without a terminal on both ends (``ssh
host capwatch`` without ``-t`` gives pipes) or with ``TERM=dumb`` it would draw into a pipe and
ignore ``q``, so it refuses with a pointer to ``ssh -t`` and ``capwatch snapshot`` instead.

Characters follow the locale, as htop does: a UTF-8 locale gets ▲▼ and box lines; any other
encoding (Latin-1, the C locale's ASCII) gets every character it cannot encode replaced by an
ASCII look-alike of the same width (``^``/``v`` arrows, ``+-|`` borders), so nothing turns
into ``\\u25b2`` escapes or stray bytes. ``--utf8`` and ``--ascii`` override the guess.
"""

from __future__ import annotations

import codecs
import locale
import os
import sys
import unicodedata
from collections.abc import Mapping
from typing import TextIO

from rich.cells import cell_len

#: Look-alikes for the symbols capwatch itself draws; box drawing goes by character name.
ASCII_LOOKALIKES: Mapping[str, str] = {
    "▲": "^", "▼": "v", "△": "^", "▽": "v", "▴": "^", "▾": "v", "▸": ">", "◂": "<",
    "►": ">", "◄": "<", "↑": "^", "↓": "v", "←": "<", "→": ">",
    "★": "*", "☆": "*", "●": "*", "◐": "~", "○": "o", "•": "*", "·": ".", "✓": "v",
    "…": ".", "—": "-", "–": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
    "≥": ">", "≤": "<", "×": "x", "₹": "R",
    "█": "#", "▉": "#", "▊": "#", "▋": "#", "▌": "|", "▐": "|", "▀": "^", "▄": "_",
    "▁": "_", "▂": "_", "▃": ".", "▅": "-", "▆": "=", "▇": "#",
    "░": ":", "▒": "%", "▓": "#", "\u00a0": " ",
}  # fmt: skip


def ascii_lookalike(char: str) -> str:
    """An ASCII stand-in for ``char`` taking the same number of cells."""
    if char in ASCII_LOOKALIKES:
        return ASCII_LOOKALIKES[char]
    width = cell_len(char)
    name = unicodedata.name(char, "")
    if width == 1 and name.startswith("BOX DRAWINGS"):
        words = set(name.split())
        if "ARC" in words:
            return "+"
        if "DIAGONAL" in words:
            return "X" if "CROSS" in words else "/" if "UPPER RIGHT" in name else "\\"
        down = bool(words & {"UP", "DOWN", "VERTICAL"})
        across = bool(words & {"LEFT", "RIGHT", "HORIZONTAL"})
        return "+" if down and across else "|" if down else "-"
    if width == 1 and name.endswith("BLOCK"):  # eighths and halves: borders and bars
        if name.startswith(("LEFT", "RIGHT")):
            return "|"
        return "-" if name.startswith("UPPER") else "_" if name.startswith("LOWER") else "#"
    return "?" * width


class _Fallbacks(dict[int, str]):
    """``str.translate`` table: a character the encoding cannot take becomes its look-alike;
    each character is worked out once."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self.encoding = encoding

    def __missing__(self, codepoint: int) -> str:
        char = chr(codepoint)
        try:
            char.encode(self.encoding)
        except UnicodeEncodeError:
            self[codepoint] = replacement = ascii_lookalike(char)
            return replacement
        self[codepoint] = char
        return char


class Charset:
    """The terminal's character encoding and why it was chosen (for messages and tests)."""

    def __init__(self, encoding: str, reason: str) -> None:
        self.encoding = encoding  # a Python codec name: "utf-8", "iso8859-1", "ascii"
        self.reason = reason
        self._table = _Fallbacks(encoding)

    def __repr__(self) -> str:
        return f"Charset({self.encoding!r}, {self.reason!r})"

    @property
    def unicode(self) -> bool:
        return self.encoding == "utf-8"

    @property
    def input_encoding(self) -> str:
        """Keys arrive in the locale's encoding; a C-locale terminal usually sends UTF-8."""
        return "utf-8" if self.encoding == "ascii" else self.encoding

    def fit(self, text: str) -> str:
        """``text`` with every character the terminal cannot show replaced, same width."""
        if self.unicode or text.isascii():
            return text
        return text.translate(self._table)


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "ascii"  # a locale Python does not know: the safe common subset


def detect_charset(force: str | None = None) -> Charset:
    """The charset to draw with: ``force`` ("utf-8" or "ascii", from ``--utf8``/``--ascii``),
    else the locale's. Python turns on UTF-8 mode by itself under the C/POSIX locale (PEP 538,
    PEP 540), which would send UTF-8 to a terminal that said it takes ASCII: that case is
    recognised and drawn in ASCII."""
    if force:
        return Charset(_codec(force), f"forced by --{force.replace('-', '')}")
    asked_utf8 = sys.flags.utf8_mode and (
        "utf8" in getattr(sys, "_xoptions", {}) or os.environ.get("PYTHONUTF8") == "1"
    )
    if sys.flags.utf8_mode and not asked_utf8:
        return Charset("ascii", "the C/POSIX locale (ASCII)")
    encoding = _codec(locale.getpreferredencoding(False))
    return Charset(encoding, f"the locale's encoding ({encoding})")


def terminal_problem(stdin: TextIO | None, stdout: TextIO | None, term: str | None) -> str | None:
    """Why the monitor cannot run here, as a message for the user; ``None`` when it can."""
    missing = [
        name for name, stream in (("input", stdin), ("output", stdout)) if not is_tty(stream)
    ]
    if missing:
        return (
            f"the monitor needs a terminal, but its {' and '.join(missing)} "
            f"{'is not one' if len(missing) == 1 else 'are not terminals'}.\n"
            "  Over SSH, ask for one:   ssh -t HOST capwatch\n"
            "  For a plain table:       capwatch snapshot   (--format table|csv|json)"
        )
    if (term or "").strip().lower() == "dumb":
        return (
            "TERM=dumb: this terminal cannot move the cursor, so it cannot show the monitor.\n"
            "  Use a terminal such as xterm or tmux (TERM=xterm-256color, tmux-256color),\n"
            "  or print a plain table: capwatch snapshot   (--format table|csv|json)"
        )
    return None


def is_tty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # closed or detached
        return False
