"""Warnings reach the log file in the user log directory, not the terminal the TUI owns."""

from __future__ import annotations

import logging
from pathlib import Path

from tui.settings.logs import log_to_file


def test_provider_and_app_warnings_go_to_the_log_file(tmp_path: Path) -> None:
    path = log_to_file(tmp_path / "log")
    try:
        logging.getLogger("providers.nse").warning("NSE said %s", "Access Restricted")
        logging.getLogger("tui.ui.app").warning("refresh failed")
        logging.getLogger("elsewhere").warning("not ours")
        for handler in logging.getLogger("tui").handlers:
            handler.flush()
        text = path.read_text()
    finally:
        for name in ("providers", "tui"):
            for handler in list(logging.getLogger(name).handlers):
                logging.getLogger(name).removeHandler(handler)
                handler.close()
    assert "WARNING providers.nse: NSE said Access Restricted" in text
    assert "tui.ui.app: refresh failed" in text
    assert "not ours" not in text
