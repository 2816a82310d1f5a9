"""Fixtures shared by the tui tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.paths import CONFIG_ENV


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine with nothing on it: HOME and the XDG directories under tmp_path."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_STATE_HOME", "state"),
    ):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    return tmp_path
