"""The day's alerts on disk: which rules are active and what fired, so a restart on the same
trading day neither fires them again nor forgets them (the Alerts log keeps the whole day).

One small JSON file, replaced atomically on every change. A file that cannot be read starts
the day afresh (with a warning in the log); it is only rewritten when something fires.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime
from pathlib import Path

from tui.alerts.firing import AlertState
from widgets.views import AlertRow

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def load(path: Path) -> AlertState:
    """The state saved in ``path``; an empty state when there is none or it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AlertState(
            day=date.fromisoformat(data["day"]),
            active=frozenset(str(key) for key in data["active"]),
            log=tuple(
                AlertRow(
                    at=datetime.fromisoformat(row["at"]),
                    rule=str(row["rule"]),
                    subject=str(row["subject"]),
                    value=str(row["value"]),
                    message=str(row["message"]),
                    stock=bool(row.get("stock", False)),
                )
                for row in data["log"]
            ),
        )
    except FileNotFoundError:
        return AlertState()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("alerts journal %s unreadable, starting the day afresh: %s", path, exc)
        return AlertState()


def save(path: Path, state: AlertState) -> None:
    """Write ``state`` to ``path`` atomically; raises ``OSError``."""
    data = {
        "version": FORMAT_VERSION,
        "day": None if state.day is None else state.day.isoformat(),
        "active": sorted(state.active),
        "log": [
            {
                "at": row.at.isoformat(),
                "rule": row.rule,
                "subject": row.subject,
                "value": row.value,
                "message": row.message,
                "stock": row.stock,
            }
            for row in state.log
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)
