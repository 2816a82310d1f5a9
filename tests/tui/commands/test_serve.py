"""``capwatch serve``: HTML on localhost, one real tab driven over the websocket (pyte draws
what the browser would), and the password guard for wider binds."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pyte
import pytest
from fakes.ports import free_port

from tui.commands.serve import authorized, tab_command

ROOT = Path(__file__).resolve().parents[3]
#: A tab that never answers fails the test instead of hanging it (aiohttp waits 5 min).
TIMEOUT = aiohttp.ClientTimeout(total=60)


@contextmanager
def serving(*argv: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", "--port", str(port), *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def text(screen: pyte.Screen) -> str:
    return "\n".join(screen.display)


async def wait_for(
    ws: aiohttp.ClientWebSocketResponse, stream: pyte.ByteStream, want: Callable[[str], bool]
) -> None:
    """Feed the tab's output to the terminal until ``want(screen text)`` holds."""
    deadline = time.monotonic() + 30
    while not want(text(stream.listener)):
        left = deadline - time.monotonic()
        assert left > 0, "screen never showed what was expected:\n" + text(stream.listener)
        message = await ws.receive(timeout=left)
        if message.type == aiohttp.WSMsgType.BINARY:
            stream.feed(message.data)
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            raise AssertionError("the tab closed")


async def test_serve_answers_html_and_a_tab_shows_the_monitor_and_switches_segment() -> None:
    with serving() as where:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.get(f"http://{where}/") as page:
                assert page.status == 200 and page.content_type == "text/html"
                assert f"ws://{where}/ws" in await page.text()
            screen = pyte.Screen(120, 40)
            stream = pyte.ByteStream(screen)
            async with session.ws_connect(f"http://{where}/ws?width=120&height=40") as ws:
                await wait_for(
                    ws, stream, lambda s: "Gainers" in s and "as of" in s and "NIFTY 50" in s
                )
                assert "DEMO" in text(screen)  # no feed configured: each tab is the demo
                await ws.send_json(["stdin", "3"])  # the Mid segment, in every pane
                await wait_for(
                    ws, stream, lambda s: "NIFTY MIDCAP 100" in s and "│NIFTY 50 " not in s
                )


async def test_a_password_guards_every_request(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[serve]\npassword = "correct horse battery"\n')
    with serving("--config", str(config)) as where:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            async with session.get(f"http://{where}/") as refused:
                assert refused.status == 401
                assert refused.headers["WWW-Authenticate"].startswith("Basic")
            right = {"Authorization": basic("anyone:correct horse battery")}
            async with session.get(f"http://{where}/", headers=right) as page:
                assert page.status == 200
            wrong = {"Authorization": basic("anyone:wrong")}
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await session.ws_connect(f"http://{where}/ws", headers=wrong)


def test_wider_binding_needs_a_password() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "serve", "--host", "0.0.0.0", "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "[serve] password" in done.stderr


def basic(user_password: str) -> str:
    return "Basic " + base64.b64encode(user_password.encode()).decode()


def test_basic_auth_check() -> None:
    header = basic
    assert authorized(header("x:secret-password"), "secret-password")
    assert not authorized(header("x:secret-passwore"), "secret-password")
    assert not authorized(header("secret-password"), "secret-password")  # no colon: a user
    assert not authorized("Bearer secret-password", "secret-password")
    assert not authorized("Basic !!!", "secret-password")
    assert not authorized(None, "secret-password")


def test_each_tab_views_the_configured_feed_else_the_demo() -> None:
    assert tab_command(None, None).endswith("-m tui.cli --demo")
    with_feed = tab_command("/etc/cw.toml", "nats://desk:4222")
    assert with_feed.endswith("--config /etc/cw.toml --feed nats://desk:4222")
