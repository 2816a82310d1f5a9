"""Benchmark the monitor over a real SSH session on a slow link (issue 13).

Three pieces, all on 127.0.0.1 and started here:

- an SSH server (``asyncssh``, benchmark-only:
  ``.venv/bin/pip install -c constraints.txt -e ".[bench]"``) that runs ``capwatch --demo``
  in a pseudo-terminal per session;
- a shaping TCP proxy in front of it: a rate (bytes/s) and a one-way delay per direction, a
  small bottleneck buffer (like a congested link, not an unbounded queue), and a freeze that
  stops both directions (a link that hangs);
- the real OpenSSH client (``ssh``; ``apt-get install openssh-client`` if missing), driven from
  a 120x40 pseudo-terminal as a person would (``pty_session.py``).

It prints: seconds from starting ``ssh`` to the first full screen; key-to-settled seconds (from
the press until the screen stops changing) for single segment keys and for four right-arrow
presses 100 ms apart (counted from the last press, with the final segment checked); bytes on
the wire per minute of ticking; bytes per alt-tab (terminal focus out + in); and after a freeze
of the link, the seconds until the screen is live again and the bytes replayed meanwhile.

Targets at 20 KB/s and 200 ms round trip: first screen <= 3 s, four presses settled <= 1.5 s
after the last, alt-tab <= 1 KB, live <= 2 s after a 60 s freeze.

Run from the project root:
    .venv/bin/python benchmarks/slowlink.py [--rate 20000] [--rtt 0.2] [--freeze 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from monitor import MONITOR, MONITOR_READY
from pty_session import PtySession, compile_project

try:
    import asyncssh
except ImportError:  # pragma: no cover - told to the person running it
    raise SystemExit('needs asyncssh: pip install -c constraints.txt -e ".[bench]"') from None

COLS, ROWS = 120, 40
BOTTLENECK_BYTES = 16 * 1024  # what the slow link's queue holds (TCP buffers are kept this small)
CHUNK = 1024
AS_OF = re.compile(r"as of (\d\d):(\d\d):(\d\d)")
DEMO_STEP_S = 30  # the demo clock moves 30 s per refresh


# --- the SSH server ----------------------------------------------------------------------------


class _AnyUser(asyncssh.SSHServer):
    def begin_auth(self, username: str) -> bool:
        return False  # no authentication: a local benchmark


async def _run_monitor(process: asyncssh.SSHServerProcess, command: list[str]) -> None:
    """Bridge one SSH session to the monitor in a fresh pty, with back-pressure both ways."""
    import fcntl
    import termios

    master, slave = os.openpty()
    cols, rows, _, _ = process.term_size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows or ROWS, cols or COLS, 0, 0))
    env = dict(os.environ, TERM=process.term_type or "xterm-256color", COLORTERM="truecolor")
    child = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=CHUNK * 4)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(master, "rb", 0)
    )

    async def screen_out() -> None:
        while data := await reader.read(CHUNK * 4):
            process.stdout.write(data)
            await process.stdout.drain()  # a full link stops the reads, so the pty fills

    async def keys_in() -> None:
        while data := await process.stdin.read(1024):
            os.write(master, data)

    tasks = [asyncio.create_task(screen_out()), asyncio.create_task(keys_in())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        child.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=2)
        if child.poll() is None:
            child.kill()
        transport.close()
        process.exit(0)


# --- the shaping proxy -------------------------------------------------------------------------


class Link:
    """Rate and one-way delay per direction, a small bottleneck buffer, and a freeze."""

    def __init__(self, rate: float, rtt: float) -> None:
        self.rate = rate
        self.delay = rtt / 2
        self.running = asyncio.Event()
        self.running.set()
        self.down_bytes = 0  # server -> client, on the wire (SSH-encrypted)
        self.up_bytes = 0

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, down: bool):
        loop = asyncio.get_running_loop()
        in_flight: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await in_flight.get()
                if not data:
                    writer.close()
                    return
                await asyncio.sleep(max(0.0, due - loop.time()))
                await self.running.wait()
                writer.write(data)
                await writer.drain()

        delivery = asyncio.create_task(deliver())
        try:
            while True:
                await self.running.wait()
                data = await reader.read(CHUNK)
                if not data:
                    break
                await asyncio.sleep(len(data) / self.rate)  # serialisation at the link's rate
                await self.running.wait()
                if down:
                    self.down_bytes += len(data)
                else:
                    self.up_bytes += len(data)
                in_flight.put_nowait((loop.time() + self.delay, data))
        finally:
            in_flight.put_nowait((0.0, b""))
            await delivery

    async def handle(self, client_r, client_w, upstream_port: int) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BOTTLENECK_BYTES // 2)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", upstream_port))
        server_r, server_w = await asyncio.open_connection(sock=sock, limit=CHUNK)
        await asyncio.gather(
            self._pipe(client_r, server_w, down=False),
            self._pipe(server_r, client_w, down=True),
            return_exceptions=True,
        )


class Rig:
    """Server and proxy on a background event loop; the measuring runs in the main thread."""

    def __init__(self, rate: float, rtt: float, command: list[str]) -> None:
        self.loop = asyncio.new_event_loop()
        self.command = command
        self.link: Link | None = None
        self.session_at = 0.0  # when the last SSH session reached the server (monotonic)
        self.rate, self.rtt = rate, rtt
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.proxy_port = self._call(self._start())

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    async def _start(self) -> int:
        self.link = Link(self.rate, self.rtt)
        key = asyncssh.generate_private_key("ssh-ed25519")

        async def session(process: asyncssh.SSHServerProcess) -> None:
            self.session_at = time.monotonic()
            await _run_monitor(process, self.command)

        self._ssh = await asyncssh.create_server(
            _AnyUser,
            "127.0.0.1",
            0,
            server_host_keys=[key],
            process_factory=session,
            encoding=None,
            line_editor=False,
        )
        ssh_port = self._ssh.sockets[0].getsockname()[1]
        link = self.link
        self._proxy = await asyncio.start_server(
            lambda r, w: link.handle(r, w, ssh_port), "127.0.0.1", 0, limit=CHUNK
        )
        return self._proxy.sockets[0].getsockname()[1]

    def freeze(self, frozen: bool) -> None:
        assert self.link is not None
        self.loop.call_soon_threadsafe(self.link.running.clear if frozen else self.link.running.set)

    @property
    def down_bytes(self) -> int:
        return self.link.down_bytes if self.link else 0

    def close(self) -> None:
        async def stop() -> None:
            await asyncio.sleep(1.0)  # sessions whose client has gone end and reap the monitor
            self._proxy.close()
            self._ssh.close()

        with contextlib.suppress(Exception):
            self._call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)


# --- the person at the ssh client --------------------------------------------------------------


def ssh_command(port: int, home: Path) -> list[str]:
    return [
        "ssh",
        "-F",
        "/dev/null",
        "-tt",
        "-p",
        str(port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        f"UserKnownHostsFile={home / 'known_hosts'}",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "BatchMode=yes",
        "bench@127.0.0.1",
    ]


def settled_after(session: PtySession, pressed: float, quiet: float) -> float:
    """Seconds from ``pressed`` until the last output before ``quiet`` seconds of silence."""
    session.pump(10, lambda: session.last_output > pressed)
    session.settle(quiet=quiet, timeout=20)
    return max(0.0, session.last_output - pressed)


def as_of_seconds(text: str) -> int | None:
    found = AS_OF.search(text)
    if found is None:
        return None
    hours, minutes, seconds = map(int, found.groups())
    return hours * 3600 + minutes * 60 + seconds


def one_run(rig: Rig, home: Path, freeze_s: float, tick_window: float) -> dict[str, float]:
    quiet = rig.rtt + 0.5
    session = PtySession(ssh_command(rig.proxy_port, home), COLS, ROWS)
    try:
        session.pump(60, lambda: session.bytes > 0)
        first_byte = time.monotonic() - session.started
        shown = session.wait_for(MONITOR_READY, timeout=60)
        if shown is None:
            raise SystemExit(f"no first screen over ssh:\n{session.text()}")
        figures: dict[str, float] = {
            "first screen (s)": shown,
            "ssh session set up (s)": rig.session_at - session.started,
            "first byte (s)": first_byte,
            "terminal bytes to first screen": session.bytes,
        }
        session.pump(3.0)  # history loads and repaints

        # Ticking: wire bytes per minute, and the refresh cadence seen at the client.
        wire0, seen0, began = rig.down_bytes, as_of_seconds(session.text()), time.monotonic()
        session.pump(tick_window)
        elapsed = time.monotonic() - began
        figures["wire bytes per minute ticking"] = (rig.down_bytes - wire0) * 60 / elapsed
        seen1 = as_of_seconds(session.text())
        ticks_per_s = ((seen1 or 0) - (seen0 or 0)) / DEMO_STEP_S / elapsed

        # Freeze the link while ticking, then time how long until the screen is live again.
        before = as_of_seconds(session.text()) or 0
        rig.freeze(True)
        frozen_at = time.monotonic()
        time.sleep(freeze_s)
        rig.freeze(False)
        thawed = time.monotonic()
        expected = before + (thawed - frozen_at) * ticks_per_s * DEMO_STEP_S - DEMO_STEP_S
        wire0 = rig.down_bytes
        live = session.pump(30, lambda: (as_of_seconds(session.text()) or 0) >= expected)
        figures["live after freeze (s)"] = time.monotonic() - thawed if live else float("inf")
        figures["wire bytes until live"] = rig.down_bytes - wire0

        session.send("p")  # paused: key figures without ticks mixed in
        session.settle(quiet=quiet)
        single = []
        for key in ["2", "3", "4", "5", "1"]:
            session.send(key)
            single.append(settled_after(session, time.monotonic(), quiet))
        figures["single key settled (s)"] = statistics.median(single)

        for _ in range(4):
            session.send("right")
            last_press = time.monotonic()
            session.pump(0.1)
        figures["4 presses settled after last (s)"] = settled_after(session, last_press, quiet)
        burst_screen = session.text()
        session.send("5")  # the segment four presses from All: nothing left to draw
        session.settle(quiet=quiet)
        figures["4 presses end on the right segment"] = float(session.text() == burst_screen)

        terminal0, wire0 = session.bytes, rig.down_bytes
        session.send("focus-out")
        session.settle(quiet=quiet)
        session.send("focus-in")
        session.settle(quiet=quiet)
        figures["alt-tab terminal bytes"] = session.bytes - terminal0
        figures["alt-tab wire bytes"] = rig.down_bytes - wire0
    finally:
        session.close()
    return figures


TARGETS = {
    "first screen (s)": "<= 3",
    "4 presses settled after last (s)": "<= 1.5",
    "alt-tab terminal bytes": "<= 1024",
    "live after freeze (s)": "<= 2",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20_000, help="bytes per second each way")
    parser.add_argument("--rtt", type=float, default=0.2, help="round trip, seconds")
    parser.add_argument("--freeze", type=float, default=60.0, help="link freeze, seconds")
    parser.add_argument("--ticks", type=float, default=60.0, help="ticking window, seconds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stocks", type=int, help="demo universe size (default: the demo's)")
    options = parser.parse_args()
    if shutil.which("ssh") is None:
        raise SystemExit("needs the OpenSSH client: apt-get install openssh-client")
    compile_project()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        command = list(MONITOR)
        if options.stocks:
            config = Path(folder) / "config.toml"
            config.write_text(f"[providers.demo]\nstocks = {options.stocks}\n")
            command += ["--config", str(config)]
        os.chdir(root)
        rig = Rig(options.rate, options.rtt, command)
        try:
            runs = []
            for n in range(options.runs):
                runs.append(one_run(rig, Path(folder), options.freeze, options.ticks))
                print(f"run {n + 1}/{options.runs}: {runs[-1]}", file=sys.stderr)
        finally:
            rig.close()
    print(
        f"medians of {options.runs} runs over ssh, {options.rate / 1000:g} KB/s each way, "
        f"{options.rtt * 1000:g} ms RTT, {options.freeze:g} s freeze, 120x40"
    )
    for figure in runs[0]:
        values = [run[figure] for run in runs]
        spread = f"{min(values):.2f}-{max(values):.2f}"
        target = TARGETS.get(figure, "")
        print(f"{figure:<36} {statistics.median(values):>10.2f}  ({spread})  {target}")


if __name__ == "__main__":
    main()
