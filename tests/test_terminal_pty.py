"""The real ``capwatch --demo`` in a pseudo-terminal, as a person over SSH runs it (issue 12 asked
for tests/test_terminal.py; that basename is taken by tests/tui/alerts/test_terminal.py and
pytest's default import mode cannot collect two modules of one name).

Each test starts the installed command on a fresh pty (pyte plays the terminal) and checks what
the person would see: that it exits when it should, burns no CPU once its terminal is gone,
leaves the terminal as it found it, stays legible without colour or UTF-8, and never shows a
traceback. Waits are generous and poll for an outcome (the machine is small and shared): a
passing test takes about as long as the demo needs to start.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import os
import platform
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte
import pytest

CAPWATCH = Path(sys.executable).with_name("capwatch")
START_TIMEOUT = 60.0  # the first screen; seconds on an idle machine, far more when loaded
EXIT_TIMEOUT = 30.0
#: The ``--interval`` flag for tests that check later frames too: no waiting 2 s for one.
FAST_REFRESH = ("--interval", "0.5")
#: Everything the monitor turns on and must turn off again on the way out.
RESTORED = {
    "main screen": "\x1b[?1049l",
    "cursor shown": "\x1b[?25h",
    "mouse reporting off": "\x1b[?1000l",
    "bracketed paste off": "\x1b[?2004l",
    "kitty keyboard off": "\x1b[<u",
}
#: SGR parameters that set a colour: 30-37, 38;..., 40-47, 48;..., 90-97, 100-107.
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_AS_OF = re.compile(r"as of (\d\d:\d\d:\d\d)")

pytestmark = pytest.mark.skipif(not CAPWATCH.exists(), reason="capwatch is not installed")


def _sets_colour(params: str) -> bool:
    codes = [int(p) for p in re.split("[;:]", params) if p.isdigit()]
    return any(30 <= c <= 38 or 40 <= c <= 48 or 90 <= c <= 97 or 100 <= c <= 107 for c in codes)


class Terminal:
    """capwatch on a pty of ``cols`` x ``rows``; ``screen`` is what the person sees."""

    def __init__(
        self,
        *args: str,
        cols: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        stdin: int | None = None,
        ignore_hangup: bool = False,
        encoding: str = "utf-8",
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.Stream(self.screen)
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self.output = bytearray()
        full_env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "LC_ALL": "",
            "COLUMNS": str(cols),  # the size asked for wins over one inherited (xdist sets 80x24)
            "LINES": str(rows),
            **(env or {}),
        }
        if "NO_COLOR" not in (env or {}):
            full_env.pop("NO_COLOR", None)

        def child_setup() -> None:
            os.setsid()  # the pty becomes the controlling terminal: closing it hangs up
            fcntl.ioctl(0 if stdin is None else 1, termios.TIOCSCTTY, 0)
            if ignore_hangup:
                signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as nohup / trap '' HUP

        self.process = subprocess.Popen(
            [str(CAPWATCH), "--demo", "--seed", "1", *args],
            stdin=slave if stdin is None else stdin,
            stdout=slave,
            stderr=slave,
            env=full_env,
            preexec_fn=child_setup,
            close_fds=True,
        )
        os.close(slave)
        self.closed = False

    def pump(self, seconds: float, until: Callable[[], bool] | None = None) -> bool:
        """Read output for up to ``seconds``; True as soon as ``until()`` holds."""
        deadline = time.monotonic() + seconds
        while True:
            if until is not None and until():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if self.closed:
                time.sleep(min(0.1, left))
                continue
            ready, _, _ = select.select([self.master], [], [], min(0.1, left))
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    data = b""
                if not data:
                    self.closed = True
                    continue
                self.output += data
                self.stream.feed(self.decoder.decode(data))

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, *texts: str, timeout: float = START_TIMEOUT) -> None:
        shown = self.pump(timeout, lambda: all(t in self.text for t in texts))
        assert shown, f"{texts} not shown within {timeout}s; screen:\n{self.text}"

    def as_of(self) -> str | None:
        """The status bar's "as of" time: none while the first refresh is loading."""
        found = _AS_OF.search(self.text)
        return found[1] if found else None

    def wait_for_refresh(self, timeout: float = START_TIMEOUT) -> None:
        """Until the next refresh is drawn in full: the "as of" time moves (the demo's clock
        steps each refresh)."""
        before = self.as_of()
        drawn = self.pump(timeout, lambda: self.as_of() not in (None, before))
        assert drawn, f"no refresh drawn within {timeout}s; screen:\n{self.text}"

    def wait_exit(self, timeout: float = EXIT_TIMEOUT) -> int | None:
        """The exit code, reading output meanwhile (a full pty would block the child)."""
        self.pump(timeout, lambda: self.process.poll() is not None)
        self.pump(0.5, lambda: self.closed)
        return self.process.poll()

    def cpu_seconds(self) -> float:
        with open(f"/proc/{self.process.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def resize(self, cols: int, rows: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def hang_up(self) -> None:
        """The SSH client dies: the pty's far end closes."""
        os.close(self.master)
        self.closed = True

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if not self.closed:
            os.close(self.master)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _settle(term: Terminal, quiet: float = 1.0) -> None:
    """Read until nothing has arrived for ``quiet`` seconds."""
    while True:
        seen = len(term.output)
        if not term.pump(quiet, lambda: len(term.output) != seen):  # noqa: B023 - read at once
            return


def _no_traceback(term: Terminal) -> None:
    assert b"Traceback" not in term.output, term.output.decode(errors="replace")[-2000:]


def test_no_terminal_for_input_refused_with_advice() -> None:
    """``capwatch </dev/null`` (input at end-of-file from the start): a clear refusal, not
    a screen nobody can quit that spins at 100% CPU."""
    with open(os.devnull, "rb") as devnull, Terminal(stdin=devnull.fileno()) as term:
        assert term.wait_exit() == 2
        assert "ssh -t HOST capwatch" in term.text
        assert "capwatch snapshot" in term.text
        assert b"\x1b[?1049h" not in term.output  # never took the screen
        _no_traceback(term)


def test_term_dumb_refused_with_advice() -> None:
    with Terminal(env={"TERM": "dumb"}) as term:
        assert term.wait_exit() == 2
        assert "TERM=dumb" in term.text and "capwatch snapshot" in term.text
        assert b"\x1b[" not in term.output
        _no_traceback(term)


def test_hangup_ignored_then_terminal_closed_exits() -> None:
    """SIGHUP ignored (nohup, ``trap '' HUP``) and the SSH client dies: the pty closes and
    reads fail. It used to spin two threads at 100% CPU and never exit."""
    with Terminal(ignore_hangup=True) as term:
        term.wait_for("DEMO", "? help")
        term.hang_up()
        deadline = time.monotonic() + EXIT_TIMEOUT
        while term.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        if term.process.poll() is None:
            before = term.cpu_seconds()
            time.sleep(2)
            busy = (term.cpu_seconds() - before) / 2
            pytest.fail(f"still running {EXIT_TIMEOUT}s after hang-up, at {busy:.0%} CPU")
        assert term.process.returncode == 0


#: The ``write`` system call's number, as ``/proc/PID/task/TID/syscall`` shows it.
_WRITE_SYSCALL = {"x86_64": 1, "aarch64": 64}


def _blocked_writing(pid: int) -> bool:
    """Whether a thread of ``pid`` is waiting inside ``write`` (the screen writer, stalled)."""
    number = _WRITE_SYSCALL[platform.machine()]
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            if (task / "syscall").read_text().split()[0] == str(number):
                return True
    return False


@pytest.mark.skipif(platform.machine() not in _WRITE_SYSCALL, reason="write's number unknown")
def test_quit_signal_on_a_stalled_link_still_exits() -> None:
    """The link stalls (nobody reads the terminal): redraws at new sizes fill the pty and the
    screen writer blocks in ``write``, so the ordinary exit cannot finish; it must exit anyway."""
    with Terminal("--interval", "0.2", cols=200, rows=60) as term:
        term.wait_for("DEMO", "? help")
        sizes = [(160, 50), (220, 70), (180, 55), (200, 60)] * 10
        for size in sizes:  # redraws, never read
            term.resize(*size)
            time.sleep(0.25)
            if _blocked_writing(term.process.pid):
                break
        assert _blocked_writing(term.process.pid), "the writer never blocked"
        term.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + EXIT_TIMEOUT
        while term.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert term.process.poll() == 128 + signal.SIGTERM


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT])
def test_quit_signal_restores_terminal(signum: int) -> None:
    """``kill <pid>`` from another pane: the terminal is given back as it was."""
    with Terminal() as term:
        term.wait_for("DEMO", "? help")
        shown = len(term.output)
        term.process.send_signal(signum)
        assert term.wait_exit() == 128 + signum, _where_it_waits(term.process.pid)
        after = term.output[shown:].decode(errors="replace")
        missing = [what for what, code in RESTORED.items() if code not in after]
        assert not missing, f"not restored: {missing}"
        assert "\x1b[?1049h" not in after
        _no_traceback(term)


#: Loaded into the monitor (``sitecustomize``): from its third frame on, drawing never returns,
#: so the event loop is stuck and runs no callback, signal handlers included.
_STUCK_LOOP = """
import time
import tui.ui.app

_draw = tui.ui.app.CapwatchApp._draw

def _stuck_draw(self, frame):
    _draw(self, frame)
    if frame.seq >= 3:
        time.sleep(3600)

tui.ui.app.CapwatchApp._draw = _stuck_draw
"""


def test_quit_signal_exits_even_when_the_event_loop_is_stuck(tmp_path: Path) -> None:
    """The loop is busy for good (here: a draw that never returns), so the callback asyncio
    would run for the signal never runs: the watchdog must still start, and restore and exit."""
    (tmp_path / "sitecustomize.py").write_text(_STUCK_LOOP)
    with Terminal(*FAST_REFRESH, env={"PYTHONPATH": str(tmp_path)}) as term:
        term.wait_for("DEMO", "? help")
        term.pump(3.0)  # a few refreshes: the loop is stuck by now
        shown = len(term.output)
        term.process.send_signal(signal.SIGTERM)
        assert term.wait_exit() == 128 + signal.SIGTERM, _where_it_waits(term.process.pid)
        after = term.output[shown:].decode(errors="replace")
        assert RESTORED["main screen"] in after and RESTORED["cursor shown"] in after


def _where_it_waits(pid: int) -> str:
    """For a process that did not exit: its state and what each thread waits in (seen rarely
    with SIGQUIT on a loaded machine, never reproduced alone)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]
        waits = [
            (task / "wchan").read_text() for task in sorted(Path(f"/proc/{pid}/task").iterdir())
        ]
    except OSError as exc:
        return f"gone ({exc})"
    return f"still running: state {state.strip()}, threads wait in {waits}"


def test_no_color_sends_no_colour_and_keeps_direction() -> None:
    """NO_COLOR: no colour codes at all (so the terminal's own, legible foreground and
    background everywhere: no 1.65:1 grey losses), direction by sign and arrow."""
    with Terminal(*FAST_REFRESH, env={"NO_COLOR": "1"}) as term:
        term.wait_for("DEMO", "? help", "▼-", "▲+")
        term.wait_for_refresh()  # its changes are sent without colour too
        colours = [p for p in _SGR.findall(term.output.decode(errors="replace")) if _sets_colour(p)]
        assert not colours, f"colour codes sent: {sorted(set(colours))[:10]}"
        cells = [c for row in term.screen.buffer.values() for c in row.values() if c.data != " "]
        assert all(c.fg == "default" and c.bg == "default" for c in cells)
        term.send("q")
        assert term.wait_exit() == 0
        _no_traceback(term)


def _latin1_locale(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for an ISO-8859-1 locale compiled into a temporary directory."""
    if not shutil.which("localedef"):
        pytest.skip("localedef is not installed")
    where = tmp_path_factory.mktemp("locale")
    name = "en_US.ISO-8859-1"
    made = subprocess.run(
        ["localedef", "-i", "en_US", "-f", "ISO-8859-1", str(where / name)],
        capture_output=True,
        timeout=120,
    )
    if not (where / name).exists():
        pytest.skip(f"localedef could not build {name}: {made.stderr.decode()[-200:]}")
    check = subprocess.run(
        [sys.executable, "-c", "import locale; print(locale.getpreferredencoding(False))"],
        env={**os.environ, "LOCPATH": str(where), "LANG": name, "LC_ALL": ""},
        capture_output=True,
        text=True,
    )
    if "8859" not in check.stdout:
        pytest.skip(f"the compiled locale is not used here: {check.stdout!r}")
    return {"LOCPATH": str(where), "LANG": name}


def test_latin1_locale_draws_ascii_lookalikes(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Under ISO-8859-1 every ▲, ▼ and box line used to arrive as literal ``\\u25b2`` text."""
    env = _latin1_locale(tmp_path_factory)
    with Terminal(*FAST_REFRESH, env=env, encoding="latin-1") as term:
        term.wait_for("DEMO", "? help", "Indices", "+-")
        term.wait_for_refresh()
        assert "\\u" not in term.text
        assert re.search(r"\^\+\d", term.text) and re.search(r"v-\d", term.text)
        term.output.decode("latin-1")  # every byte is a Latin-1 character...
        assert not re.search(rb"[\x80-\x9f]", term.output)  # ...none a C1 control (UTF-8)
        term.send("q")
        assert term.wait_exit() == 0
        _no_traceback(term)


def test_c_locale_draws_ascii() -> None:
    """``LANG=C``: Python would send UTF-8 anyway (PEP 538); the terminal said ASCII."""
    with Terminal(env={"LANG": "C", "LC_ALL": "C"}, encoding="latin-1") as term:
        term.wait_for("DEMO", "? help", "Indices", "+-")
        assert term.output.isascii()
        term.send("q")
        assert term.wait_exit() == 0


def test_too_small_says_how_big_and_quits() -> None:
    with Terminal(cols=40, rows=12) as term:
        term.wait_for("needs at least")
        assert "40x12" in term.text.replace(" ", "")
        before = term.cpu_seconds()
        term.pump(0.5)
        assert term.cpu_seconds() - before < 0.25  # idle, not busy redrawing
        term.send("q")
        assert term.wait_exit() == 0
        _no_traceback(term)


def test_unwritable_state_and_data_folders_run_without_them(tmp_path: Path) -> None:
    """A read-only XDG_STATE_HOME made ``capwatch --demo`` exit with a PermissionError."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = {"XDG_STATE_HOME": str(blocker), "XDG_DATA_HOME": str(blocker)}
    with Terminal(env=env, cols=160) as term:
        term.wait_for("DEMO", "no log file (")
        assert term.text.count("no log file") == 1
        term.send("q")
        assert term.wait_exit() == 0
        _no_traceback(term)


def test_focus_out_and_in_sends_only_the_border_cells() -> None:
    """Alt-tab away and back restyles the focused pane's border: a few hundred bytes through
    the framed output, not the whole screen Textual repaints (~50 KB; issue 13). Fails if
    the program's driver loses its frame writer, as a merge once did."""
    with Terminal("--start", "2026-11-20T11:30") as term:
        term.wait_for("DEMO", "? help", "Symbol")
        term.send("p")  # paused: no refresh mixes its cells in
        _settle(term)
        before = len(term.output)
        for key in ("\x1b[O", "\x1b[I"):  # focus out, then in: each restyles the border
            seen = len(term.output)
            term.send(key)
            term.pump(5.0, lambda: len(term.output) > seen)  # noqa: B023 - read at once
            _settle(term, quiet=0.3)
        sent = len(term.output) - before
        assert 0 < sent < 2048, f"{sent} bytes for focus out + in"
