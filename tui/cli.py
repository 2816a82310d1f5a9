"""The ``capwatch`` command: argument parsing and dispatch only.

Each subcommand lives in ``tui.commands.<name>`` and is imported only when used, so
``capwatch snapshot`` never imports textual.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import MutableMapping, Sequence
from datetime import datetime

from providers.contract import IST

#: Commands that run for hours: their allocator is set before any thread starts.
LONG_RUNNING = frozenset({"monitor", "feed", "serve"})
#: Textual paints a change at its next frame tick, at most this often; a start passes several
#: ticks, so at 120 (Textual's own: 60) the first screen comes ~17 ms sooner. A refresh is one
#: paint at either rate. ``TEXTUAL_FPS``, if set, wins.
PAINTS_PER_S = 120


def set_paint_rate(environ: MutableMapping[str, str]) -> None:
    """Before textual is imported: it reads the rate once."""
    environ.setdefault("TEXTUAL_FPS", str(PAINTS_PER_S))


def use_one_blas_thread(environ: MutableMapping[str, str]) -> None:
    """Before numpy is imported: its OpenBLAS starts a thread per core when loaded, and they
    spin at first: ~0.16 s of CPU in a demo start (0.50 -> 0.35 s to the first screen), on
    the core the provider build and the analytics thread need. Our arrays are a few thousand
    stocks long: one thread is plenty. ``OPENBLAS_NUM_THREADS``, if set, wins."""
    environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _ist_datetime(text: str) -> datetime:
    """Parse an ISO 8601 time; a naive one is taken as IST."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=IST)


#: A subcommand's copy of a top-level option: given after the subcommand it wins, absent it
#: leaves the top-level value alone (argparse would reset it to None, so ``capwatch --config
#: X snapshot`` read the default config).
KEEP: dict = {"default": argparse.SUPPRESS}


def _source_options(parser: argparse.ArgumentParser, **keep: object) -> None:
    """Options that pick and seed the data source, shared by the monitor and snapshot
    (``**KEEP`` for a subcommand's copy)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--demo", action="store_true", help="use the built-in simulated market", **keep
    )
    group.add_argument(
        "--provider", metavar="NAME", help="use provider NAME for every data kind", **keep
    )
    parser.add_argument(
        "--seed", type=int, help="demo market random seed (reproducible runs)", **keep
    )
    parser.add_argument(
        "--start",
        type=_ist_datetime,
        metavar="TIME",
        help="demo market clock start, ISO 8601 (naive = IST), e.g. 2026-11-20T11:30",
        **keep,
    )
    _config_option(parser, "config file (default: see config --path)", **keep)


def _config_option(
    parser: argparse.ArgumentParser, help: str = "config file to use", **keep: object
) -> None:
    parser.add_argument("--config", metavar="PATH", help=help, **keep)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="capwatch",
        description="Live terminal monitor of India's market-cap segments. "
        "Unofficial; not affiliated with NSE, BSE or Yahoo; not investment advice.",
    )
    _source_options(parser)
    parser.add_argument("--interval", type=float, metavar="SECONDS", help="refresh interval")
    parser.add_argument("--movers", type=int, metavar="N", help="gainers/losers to show")
    parser.add_argument(
        "--anchor", metavar="DATE", help="anchor date for the 'since' column (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--feed",
        metavar="URL",
        help="view the feed at URL (nats://HOST:PORT) instead of fetching: see 'capwatch feed'",
    )
    charset = parser.add_mutually_exclusive_group()
    charset.add_argument(
        "--utf8",
        dest="charset",
        action="store_const",
        const="utf-8",
        help="draw with UTF-8 (arrows, box lines) whatever the locale says",
    )
    charset.add_argument(
        "--ascii",
        dest="charset",
        action="store_const",
        const="ascii",
        help="draw with ASCII only (default when the locale is not UTF-8: Latin-1 keeps its "
        "own letters)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    prov = sub.add_parser("providers", help="list the providers found and what each supplies")
    prov.add_argument(
        "name", nargs="?", help="a built-in: its [providers.NAME] settings and their defaults"
    )

    snap = sub.add_parser("snapshot", help="print one snapshot and exit (no TUI)")
    _source_options(snap, **KEEP)
    snap.add_argument(
        "--format", choices=("json", "csv", "table"), default="table", help="output format"
    )
    _reading_options(snap)
    snap.add_argument(
        "--segment",
        choices=("all", "large", "mid", "small", "micro", "watch"),
        help="only this segment's tables (watch: your watchlist); CSV: only its stocks",
    )

    hist = sub.add_parser(
        "history", help="print the daily index closes behind 5D/1M/YTD (CSV or JSON) and exit"
    )
    _source_options(hist, **KEEP)
    hist.add_argument(
        "--days", type=int, default=260, metavar="N", help="trading days, newest last (260)"
    )
    hist.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    hist.add_argument("--stocks", action="store_true", help="add a column per stock")

    conf = sub.add_parser("config", help="show, create or check the config file")
    _config_option(conf, **KEEP)
    action = conf.add_mutually_exclusive_group(required=True)
    action.add_argument("--path", action="store_true", help="print the paths in use")
    action.add_argument("--init", action="store_true", help="write a commented default config")
    action.add_argument("--check", action="store_true", help="validate the config file")

    feed = sub.add_parser(
        "feed", help="collect once, publish to every viewer (headless; 'capwatch --feed URL' views)"
    )
    _source_options(feed, **KEEP)
    feed.add_argument(
        "--publish",
        metavar="URL",
        help="NATS server to publish to (default: [feed] url, else nats://127.0.0.1:4222; "
        "a local one is started when none is listening)",
    )
    feed.add_argument("--interval", type=float, metavar="SECONDS", help="refresh interval", **KEEP)
    _reading_options(feed)

    serve = sub.add_parser("serve", help="serve the monitor to web browsers (one viewer per tab)")
    _config_option(serve, **KEEP)
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default 127.0.0.1; others need [serve] password)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    alerts = sub.add_parser("alerts", help="check the [[alerts]] rules, or print today's alerts")
    _config_option(alerts, **KEEP)
    alerts.add_argument(
        "--demo", action="store_true", help="--log: the demo market's alerts", **KEEP
    )
    what = alerts.add_mutually_exclusive_group(required=True)
    what.add_argument("--check", action="store_true", help="validate the rules and list them")
    what.add_argument("--log", action="store_true", help="print today's alerts (the journal)")

    doctor = sub.add_parser("doctor", help="try each configured provider once and report")
    _config_option(doctor, **KEEP)
    doctor.add_argument(
        "--provider",
        metavar="NAME",
        help="check only provider NAME, for every data kind it supplies",
        **KEEP,
    )
    return parser


def _reading_options(parser: argparse.ArgumentParser) -> None:
    """A subcommand's copies of ``--movers`` and ``--anchor``."""
    parser.add_argument(
        "--movers", type=int, metavar="N", help="gainers/losers per segment", **KEEP
    )
    parser.add_argument(
        "--anchor", metavar="DATE", help="anchor date for 'since' (YYYY-MM-DD)", **KEEP
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    use_one_blas_thread(os.environ)
    command = args.command or "monitor"
    if command not in LONG_RUNNING:
        return _run(command, args)
    from tui.settings import memory

    set_paint_rate(os.environ)
    memory.keep_heap_small()
    memory.collect_young_less_often()
    if command == "monitor":
        memory.pause_gc()  # until the first screen is drawn (the app resumes it)
    try:
        return _run(command, args)
    finally:
        memory.resume_gc()


def _run(command: str, args: argparse.Namespace) -> int:
    module = importlib.import_module(f"tui.commands.{command}")
    return int(module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
