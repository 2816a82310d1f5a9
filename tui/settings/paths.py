"""Where capwatch keeps its files: the config file, the history database, the watchlist, the
day's alerts and the logs.

The platform's user directories come from platformdirs (XDG on Linux, so ``XDG_CONFIG_HOME``
and friends are honoured). The config path can be overridden: the ``--config`` flag beats the
``CAPWATCH_CONFIG`` environment variable, which beats the default. Real and simulated history
live in different databases so demo prices can never leak into real history; likewise the
demo market's fictional symbols get a watchlist and an alerts journal of their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs
from msgspec import Struct

APP_NAME = "capwatch"
CONFIG_ENV = "CAPWATCH_CONFIG"
CONFIG_FILENAME = "config.toml"
HISTORY_FILENAME = "history.db"
WATCHLIST_FILENAME = "watchlist.json"
ALERTS_FILENAME = "alerts.json"
DEMO_PREFIX = "demo-"


class Paths(Struct, frozen=True):
    """The files in use. ``config_source`` says why that config path was chosen:
    ``"--config"``, ``CONFIG_ENV`` or ``"default"``."""

    config: Path
    config_source: str
    data_dir: Path
    log_dir: Path

    @property
    def config_is_explicit(self) -> bool:
        """True when the user named the config file, so a missing file is an error."""
        return self.config_source != "default"

    @property
    def history(self) -> Path:
        return self.data_dir / HISTORY_FILENAME

    def watchlist(self, *, demo: bool) -> Path:
        """The watchlist edited in the app (``w``); the demo market's is a separate file."""
        return self.data_dir / ((DEMO_PREFIX if demo else "") + WATCHLIST_FILENAME)

    def alerts(self, *, demo: bool) -> Path:
        """The day's fired alerts and their log, so a restart neither replays nor forgets them."""
        return self.data_dir / ((DEMO_PREFIX if demo else "") + ALERTS_FILENAME)


def resolve_paths(config_flag: str | None = None, env: Mapping[str, str] | None = None) -> Paths:
    """The paths in use, given the ``--config`` flag value and the environment."""
    env = os.environ if env is None else env
    if config_flag:
        config, source = Path(config_flag), "--config"
    elif env.get(CONFIG_ENV):
        config, source = Path(env[CONFIG_ENV]), CONFIG_ENV
    else:
        config = platformdirs.user_config_path(APP_NAME, appauthor=False) / CONFIG_FILENAME
        source = "default"
    return Paths(
        config=config.expanduser(),
        config_source=source,
        data_dir=platformdirs.user_data_path(APP_NAME, appauthor=False),
        log_dir=platformdirs.user_log_path(APP_NAME, appauthor=False),
    )
