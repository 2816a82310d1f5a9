"""The log file: the monitor owns the terminal, so warnings (provider failures, store
notices, skipped feed rows) go to a size-bounded file in the user log directory."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILENAME = "capwatch.log"


def log_to_file(log_dir: Path, level: int = logging.INFO) -> Path:
    """Send capwatch's log records to ``log_dir/capwatch.log`` (1 MB, 3 old files kept)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILENAME
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    _attach(handler, level)
    return path


def log_nowhere() -> None:
    """No log file: drop capwatch's records, so Python's last-resort handler cannot print
    warnings over the monitor's screen."""
    _attach(logging.NullHandler(), logging.INFO)


def _attach(handler: logging.Handler, level: int) -> None:
    for name in ("providers", "tui"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
