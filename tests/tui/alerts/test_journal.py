"""The day's alert journal round-trips, and a broken one starts the day afresh."""

from __future__ import annotations

from pathlib import Path

from factories.views import AS_OF

from tui.alerts import AlertState
from tui.alerts.journal import load, save
from widgets.views import AlertRow


def test_state_round_trips(tmp_path: Path) -> None:
    row = AlertRow(AS_OF, "circuit", "ISGEC", "1,200.00", "ISGEC at upper circuit", stock=True)
    state = AlertState(AS_OF.date(), frozenset({"circuit:ISGEC"}), (row,))
    path = tmp_path / "deep" / "alerts.json"
    save(path, state)
    assert load(path) == state
    assert not path.with_name("alerts.json.tmp").exists()


def test_missing_or_broken_files_give_an_empty_state(tmp_path: Path) -> None:
    assert load(tmp_path / "none.json") == AlertState()
    broken = tmp_path / "alerts.json"
    broken.write_text('{"day": "yesterday"}', encoding="utf-8")
    assert load(broken) == AlertState()
