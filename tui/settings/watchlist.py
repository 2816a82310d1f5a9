"""The user's watchlist: edited in the app, kept in the user data dir, seeded by the config.

The config file is never rewritten, so the list the user edits with ``w`` lives in a JSON file
of its own (``Paths.watchlist``). While that file does not exist, ``display.watchlist`` from
the config is the list; the first edit writes the file, and from then on the file is the list.
Writes go to a temporary file that replaces the old one, so a crash never leaves half a list.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


class WatchlistError(Exception):
    """The watchlist file could not be written (the list in memory is unchanged)."""


class Watchlist:
    """Watched symbols, in the order they were added; ``path`` None keeps them in memory."""

    def __init__(self, symbols: Iterable[str] = (), path: Path | None = None) -> None:
        self.path = path
        self._symbols: tuple[str, ...] = tuple(dict.fromkeys(s.strip().upper() for s in symbols))
        #: Why the file was not used, for the status bar (None when all is well).
        self.notice: str | None = None

    @classmethod
    def load(cls, path: Path, seed: Iterable[str] = ()) -> Watchlist:
        """The list in ``path``; ``seed`` (``display.watchlist``) while there is no file.
        An unreadable file is left untouched until the next edit, and ``seed`` is used."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            symbols = data["symbols"]
            if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
                raise ValueError("'symbols' is not a list of strings")
        except FileNotFoundError:
            return cls(seed, path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            watchlist = cls(seed, path)
            watchlist.notice = f"watchlist {path}: unreadable ({exc}); using the config's"
            log.warning("%s", watchlist.notice)
            return watchlist
        return cls(symbols, path)

    @property
    def symbols(self) -> tuple[str, ...]:
        return self._symbols

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._symbols

    def __len__(self) -> int:
        return len(self._symbols)

    def toggle(self, symbol: str) -> bool:
        """Add ``symbol`` or remove it; True when it is now watched. Saved at once; raises
        ``WatchlistError`` (and keeps the old list) when the file cannot be written."""
        symbol = symbol.strip().upper()
        if symbol in self._symbols:
            symbols = tuple(s for s in self._symbols if s != symbol)
        else:
            symbols = (*self._symbols, symbol)
        self._save(symbols)
        self._symbols = symbols
        return symbol in symbols

    def _save(self, symbols: tuple[str, ...]) -> None:
        if self.path is None:
            return
        text = json.dumps({"version": FORMAT_VERSION, "symbols": list(symbols)}, indent=1)
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text + "\n", encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as exc:
            raise WatchlistError(f"cannot save {self.path}: {exc.strerror or exc}") from exc
        self.notice = None
