"""``capwatch alerts --check | --log``: validate the ``[[alerts]]`` rules (exit 2 with the
config's usual message, naming the file, the key and the line), or print today's alerts from
the journal the monitor keeps."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from providers.contract import IST
from tui.alerts import journal
from tui.settings.config import ConfigError, load_config_or_default
from tui.settings.paths import resolve_paths

EXIT_CONFIG_ERROR = 2


def run(args: argparse.Namespace) -> int:
    from providers.registry import available  # the config check names unknown providers

    paths = resolve_paths(getattr(args, "config", None))
    if args.log:
        return _log(paths.alerts(demo=args.demo))
    try:
        config = load_config_or_default(
            paths.config, explicit=paths.config_is_explicit, known_providers=available()
        )
    except ConfigError as exc:
        print(f"capwatch: {exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    where = config.path or "built-in defaults (no config file)"
    if not config.alerts:
        print(f"{where}: no [[alerts]] rules")
        return 0
    print(f"{where}: {len(config.alerts)} alert rules OK")
    width = max(len(rule.id) for rule in config.alerts)
    for rule in config.alerts:
        print(f"  {rule.id:<{width}}  {rule.kind.value:<8} {rule.describe()}")
    return 0


def _log(path: Path) -> int:
    state = journal.load(path)
    if state.day is None or not state.log:
        print(f"no alerts recorded in {path}")
        return 0
    stale = "" if state.day == datetime.now(IST).date() else " (not today)"
    print(f"alerts of {state.day:%d %b %Y}{stale}, from {path}:")
    for row in state.log:
        print(f"  {row.at:%H:%M:%S}  {row.rule}  {row.subject}  {row.value}  {row.message}")
    return 0
