"""``capwatch serve``: the monitor in web browsers, through textual-serve.

Each browser tab gets its own process: a viewer of the configured feed (``[feed] url``), or
the demo market when none is configured, never a monitor with its own providers (that would
multiply the requests the exchanges see). Binds to localhost unless told otherwise; any
other address needs ``[serve] password``, checked with HTTP basic auth on every request,
websocket included. What that does and does not protect is in the README.
"""

from __future__ import annotations

import argparse
import base64
import hmac
import shlex
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from aiohttp import web
    from textual_serve.server import Server

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REALM = "capwatch"


def tab_command(config: str | None, feed_url: str | None) -> str:
    """The shell command textual-serve runs for each tab."""
    args = [sys.executable, "-m", "tui.cli"]
    if config:
        args += ["--config", config]
    args += ["--feed", feed_url] if feed_url else ["--demo"]
    return shlex.join(args)


def authorized(header: str | None, password: str) -> bool:
    """Does an ``Authorization`` header carry ``password`` (basic auth, any user name)?"""
    if not header or not header.startswith("Basic "):
        return False
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    _, _, given = decoded.partition(":")
    return hmac.compare_digest(given.encode(), password.encode())


def make_server(command: str, host: str, port: int, password: str | None) -> Server:
    """A textual-serve ``Server`` with the password check and per-request public URLs."""
    from aiohttp import web
    from textual_serve.server import Server

    class CapwatchServer(Server):
        async def _make_app(self) -> web.Application:
            app = await super()._make_app()
            app.middlewares.append(self._guard)
            return app

        @web.middleware
        async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
            if password is not None and not authorized(
                request.headers.get("Authorization"), password
            ):
                raise web.HTTPUnauthorized(
                    headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
                    text="capwatch: password required",
                )
            # the page tells the browser where the websocket is: the address it came to
            self.public_url = f"{request.scheme}://{request.host}"
            return await handler(request)

    return CapwatchServer(command, host=host, port=port, title="capwatch")


def run(args: argparse.Namespace) -> int:
    from tui.settings import wiring
    from tui.settings.config import ConfigError
    from tui.source.bus import LOCAL_HOSTS

    try:
        import textual_serve  # noqa: F401
    except ImportError:
        print("capwatch: serve needs the feed extra: pip install 'capwatch[feed]'", file=sys.stderr)
        return 2
    try:
        the_plan = wiring.plan(args)
    except (ConfigError, ValueError) as exc:
        print(f"capwatch: {exc}", file=sys.stderr)
        return 2
    password = the_plan.config.serve.password
    if args.host not in LOCAL_HOSTS and password is None:
        print(
            f"capwatch: serving on {args.host} would let anyone who reaches it in; "
            "set [serve] password in the config (or keep the default 127.0.0.1)",
            file=sys.stderr,
        )
        return 2
    feed = the_plan.config.feed.url
    config = getattr(args, "config", None)
    server = make_server(tab_command(config, feed), args.host, args.port, password)
    what = f"viewers of {feed}" if feed else "the demo market (no [feed] url configured)"
    print(f"capwatch serve: http://{args.host}:{args.port}/ — {what}", file=sys.stderr)
    server.serve()
    return 0
