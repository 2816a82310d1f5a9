"""The feed's security settings against a real nats-server: credentials and TLS from the
config reach both the collector and the viewers, and a viewer without them is refused with a
message that says so."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.ports import free_port
from msgspec.structs import replace
from test_feed import COLLECTOR, ROOT

from tui.market.clock import now_ist
from tui.settings.config import FeedSettings, load_config
from tui.source.bus import listening, server_binary, start_server
from tui.source.frame import Frame
from tui.source.subscriber import FeedDown, FeedSource


async def first_frame(settings: FeedSettings, timeout: float = 30) -> Frame:
    source = FeedSource(settings, clock=now_ist)
    try:
        async with asyncio.timeout(timeout):
            while True:
                try:
                    async for frame in source.refresh():
                        return frame
                except FeedDown:  # the collector has not published yet
                    await asyncio.sleep(0.2)
    finally:
        await source.aclose()


async def refused(settings: FeedSettings) -> str:
    source = FeedSource(settings, clock=now_ist)
    with pytest.raises(FeedDown) as caught:
        async for _ in source.refresh():
            pass
    await source.aclose()
    return str(caught.value)


def collector_with(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*COLLECTOR, "--config", str(config)], cwd=ROOT)


@pytest.fixture
def stop() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in reversed(started):
        process.terminate()
        process.wait(timeout=10)


async def test_user_and_password_from_config(tmp_path: Path, stop: list) -> None:
    port = free_port()
    url = f"nats://127.0.0.1:{port}"
    config = tmp_path / "feed.toml"
    config.write_text(f'[feed]\nurl = "{url}"\nuser = "desk"\npassword = "pass word 42"\n')
    settings = load_config(config).feed
    stop.append(start_server("127.0.0.1", port, tmp_path / "js", settings))
    stop.append(collector_with(config))
    frame = await first_frame(settings)
    assert frame.simulated and frame.views
    message = await refused(replace(settings, password="wrong"))
    assert f"cannot reach {url}" in message and "uthorization" in message


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=capwatch test"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_tls_with_the_servers_ca_from_config(tmp_path: Path, stop: list) -> None:
    cert, key = make_certificate(tmp_path)
    port = free_port()
    stop.append(
        subprocess.Popen(
            [
                *(server_binary(), "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(tmp_path)),
                *("--tls", "--tlscert", str(cert), "--tlskey", str(key)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    for _ in range(100):
        if listening("127.0.0.1", port):
            break
        await asyncio.sleep(0.05)
    url = f"tls://127.0.0.1:{port}"
    config = tmp_path / "feed.toml"
    config.write_text(f'[feed]\nurl = "{url}"\ntls_ca = "{cert}"\n')
    settings = load_config(config).feed
    stop.append(collector_with(config))
    frame = await first_frame(settings)
    assert frame.views
    message = await refused(replace(settings, tls_ca=None))  # the system CAs do not know it
    assert f"cannot reach {url}" in message


async def test_no_server_is_reported_not_waited_on() -> None:
    url = f"nats://127.0.0.1:{free_port()}"
    message = await refused(FeedSettings(url=url))
    assert message.startswith(f"feed: cannot reach {url}")
