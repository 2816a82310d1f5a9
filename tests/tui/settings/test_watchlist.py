"""The watchlist file: seeded by the config until the first edit, then the file is the list;
a bad file is never lost, a failed save keeps the old list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui.settings.watchlist import Watchlist, WatchlistError


def test_the_config_seeds_it_until_the_first_edit(tmp_path: Path) -> None:
    path = tmp_path / "data" / "watchlist.json"
    watchlist = Watchlist.load(path, seed=("tcs", "INFY", "TCS"))
    assert watchlist.symbols == ("TCS", "INFY") and not path.exists()
    assert watchlist.toggle("reliance") is True
    assert json.loads(path.read_text())["symbols"] == ["TCS", "INFY", "RELIANCE"]
    assert watchlist.toggle("TCS") is False
    again = Watchlist.load(path, seed=("WIPRO",))  # the file now wins over the config
    assert again.symbols == ("INFY", "RELIANCE") and "INFY" in again and "TCS" not in again


def test_an_unreadable_file_is_reported_and_kept_until_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.json"
    path.write_text("{not json", encoding="utf-8")
    watchlist = Watchlist.load(path, seed=("TCS",))
    assert watchlist.symbols == ("TCS",)
    assert watchlist.notice is not None and "unreadable" in watchlist.notice
    assert path.read_text(encoding="utf-8") == "{not json"


def test_a_failed_save_keeps_the_list(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    watchlist = Watchlist(("TCS",), blocker / "watchlist.json")  # parent is a file
    with pytest.raises(WatchlistError, match="cannot save"):
        watchlist.toggle("INFY")
    assert watchlist.symbols == ("TCS",)
