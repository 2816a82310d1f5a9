"""A program in a pseudo-terminal, watched as a person would see it (shared by the benchmarks).

Like ``../shared/tools/ttyprobe.py``, but scriptable from Python so one run can time several
steps: bytes and time until a screen shows, bytes a key costs until the screen settles, CPU and
memory of the process tree. Needs ``pyte`` (a test dependency).
"""

from __future__ import annotations

import compileall
import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pyte

PROJECT = Path(__file__).resolve().parent.parent

KEYS = {
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "tab": b"\t",
    "focus-out": b"\x1b[O",  # what a terminal sends on alt-tab away (focus reporting on)
    "focus-in": b"\x1b[I",
}


def compile_project(root: Path = PROJECT) -> None:
    """Write the project's bytecode before timing a start, as ``pip install`` does for a user.

    A checkout run with ``PYTHONDONTWRITEBYTECODE`` set (this machine sets it) never writes
    ``.pyc`` files, so every start would compile each edited module again: up to ~0.13 s that
    no installed copy pays, and none of the bare app's (textual's bytecode is installed)."""
    for package in ("providers", "tui", "widgets", "benchmarks"):
        compileall.compile_dir(root / package, quiet=1)


def home_env(home: Path, **extra: str) -> dict[str, str]:
    """This environment with ``home`` as HOME and every XDG folder, and no CAPWATCH_CONFIG:
    commands started with it read no config, history or logs of the user's."""
    env = dict(
        os.environ,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        **extra,
    )
    env.pop("CAPWATCH_CONFIG", None)
    return env


def tree_usage(pid: int) -> tuple[float, float]:
    """CPU seconds and resident MB of ``pid`` and all its descendants."""
    hz, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    children: dict[int, list[tuple[int, list[str]]]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        stats[int(entry)] = fields
        children.setdefault(int(fields[1]), []).append((int(entry), fields))
    todo, cpu, rss = [pid], 0.0, 0
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields is not None:
            cpu += (int(fields[11]) + int(fields[12])) / hz
            rss += int(fields[21]) * page
        todo.extend(child for child, _ in children.get(current, []))
    return cpu, rss / 2**20


class PtySession:
    """``command`` running in a ``cols`` x ``rows`` pty; everything it writes is counted."""

    def __init__(
        self, command: Sequence[str], cols: int = 120, rows: int = 40, env: dict | None = None
    ) -> None:
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self.parsing = True  # False: output is counted, not drawn (many screens, less CPU)
        self.bytes = 0
        self.last_output = time.monotonic()
        self.started = time.monotonic()
        environment = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        # As installed: Python's bytecode cache in use (a run without it compiles every
        # project module again, ~0.1 s of start-up no user pays).
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment.update(env or {})
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execvpe(command[0], list(command), environment)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.alive = True

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def pump(self, seconds: float, until: Callable[[], bool] | None = None) -> bool:
        """Read output for up to ``seconds``; True as soon as ``until()`` holds."""
        deadline = time.monotonic() + seconds
        while True:
            if until is not None and until():
                return True
            left = deadline - time.monotonic()
            if left <= 0 or not self.alive:
                return False
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                self.read()

    def read(self) -> None:
        """Take what the program has written (call when its fd is readable)."""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b""
        if not data:
            self.alive = False
            return
        self.bytes += len(data)
        self.last_output = time.monotonic()
        if self.parsing:
            self._stream.feed(data)

    def wait_for(self, texts: Sequence[str], timeout: float) -> float | None:
        """Seconds since start until every one of ``texts`` is on screen (None: timed out)."""
        if self.pump(timeout, lambda: all(t in self.text() for t in texts)):
            return time.monotonic() - self.started
        return None

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> float:
        """Read until nothing arrives for ``quiet`` seconds; returns when output last came."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(quiet / 3)
            if time.monotonic() - self.last_output >= quiet:
                break
        return self.last_output

    def send(self, key: str) -> None:
        os.write(self.fd, KEYS.get(key, key.encode()))

    def usage(self) -> tuple[float, float]:
        return tree_usage(self.pid)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        for _ in range(40):
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                break
            time.sleep(0.05)
        else:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        os.close(self.fd)


def pump_all(sessions: Sequence[PtySession], seconds: float) -> None:
    """Drain every session's output for ``seconds`` (many screens ticking at once)."""
    deadline = time.monotonic() + seconds
    while True:
        left = max(0.0, deadline - time.monotonic())
        by_fd = {session.fd: session for session in sessions if session.alive}
        if not by_fd:
            time.sleep(left)
            return
        ready, _, _ = select.select(list(by_fd), [], [], min(left, 0.05))
        for fd in ready:
            by_fd[fd].read()
        if left <= 0:
            return
