"""``capwatch config --path | --init | --check``: show the paths, write the commented default
config, or validate the config. Exit status 2 on any config problem; never overwrites."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from tui.settings.config import Config, ConfigError, default_config_text, error_at, load_config
from tui.settings.paths import resolve_paths

EXIT_CONFIG_ERROR = 2


def run(args: argparse.Namespace) -> int:
    paths = resolve_paths(getattr(args, "config", None))
    if args.path:
        exists = "exists" if paths.config.exists() else "not created; defaults apply"
        print(f"config:  {paths.config} ({paths.config_source}; {exists})")
        print(f"history: {paths.history}")
        print(f"watch:   {paths.watchlist(demo=False)} (demo: {paths.watchlist(demo=True).name})")
        print(f"alerts:  {paths.alerts(demo=False)} (demo: {paths.alerts(demo=True).name})")
        print(f"logs:    {paths.log_dir}")
        return 0
    if args.init:
        return _init(paths.config)
    return _check(paths.config, explicit=paths.config_is_explicit)


def _init(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8") as out:  # "x": fail if it exists, atomically
            out.write(default_config_text())
    except FileExistsError:
        print(f"capwatch: {path} already exists; not overwriting it", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    except OSError as exc:
        print(f"capwatch: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    print(f"wrote {path}")
    return 0


def _check(path: Path, *, explicit: bool) -> int:
    from providers.registry import available  # only --check needs the plugin list

    if not explicit and not path.exists():
        print(f"no config file at {path}; built-in defaults apply (demo market)")
        return 0
    try:
        config = load_config(path, known_providers=available())
        _as_the_monitor_would(config)
    except (ConfigError, ValueError, ImportError) as exc:
        print(f"capwatch: {exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    names = ", ".join(config.sources.provider_names())
    print(f"{path}: OK (providers: {names})")
    return 0


def _as_the_monitor_would(config: Config) -> None:
    """What the monitor checks beyond the file's own rules: the theme exists, and every
    provider accepts its settings (created and closed again, no request made)."""
    from textual.theme import BUILTIN_THEMES

    from providers.compose import build_from_config
    from tui.commands.monitor import theme_problem

    problem = theme_problem(config.display.theme, BUILTIN_THEMES)
    if problem:
        raise error_at(config, "display.theme", problem)
    routes = config.sources.routes()
    if routes:
        provider = build_from_config(routes, config.all_provider_settings())
        asyncio.run(provider.aclose())
