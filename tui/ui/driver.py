"""The terminal driver: Textual's Linux driver, made to quit when the terminal goes away.

Textual's input thread loops without pause once its input reaches end-of-file (upstream
Textualize/textual PR 6690), and a dead terminal (an SSH client gone while SIGHUP is ignored,
as under ``nohup``) turns every read into EIO: the monitor spun at 100% CPU and never exited.
Here end-of-file or an error on input, an error writing the screen, SIGHUP, SIGTERM and
SIGQUIT all end the app the ordinary way, which restores the terminal (main screen, cursor,
mouse reporting, bracketed paste, kitty keyboard mode, line settings). If that cannot finish
(a stalled link leaves the screen writer blocked on a full terminal) within ``QUIT_GRACE_S``,
or a second signal comes meanwhile, it restores what it can without waiting and exits.

Output goes through :class:`TerminalOutput`, which encodes for the terminal's charset
(``tui.ui.terminal``) and turns a write error into "the terminal is gone" instead of a dead
writer thread that blocks the app's shutdown.

This leans on ``LinuxDriver``'s internals and Textual's private key parser (textual is pinned
in constraints.txt); ``tests/test_terminal.py`` runs the real thing in a pty.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import selectors
import signal
import sys
import termios
import time
from codecs import getincrementaldecoder
from collections.abc import Callable
from threading import Event, Thread
from typing import IO, TYPE_CHECKING, Any, ClassVar

from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from tui.ui.terminal import Charset, is_tty

if TYPE_CHECKING:
    from textual.app import App

#: Signals that end the monitor; SIGHUP only when it was not ignored at start (``nohup``):
#: then a terminal that is really gone still shows up as end-of-file or EIO on input.
QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
#: Everything Textual turns on, turned off: kitty keyboard, bracketed paste, mouse modes,
#: focus events, line wrap back on, cursor shown, main screen.
RESET_SEQUENCE = (
    "\x1b[<u\x1b[?2004l\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1016l"
    "\x1b[?1004l\x1b[?2048l\x1b[?7h\x1b[?25h\x1b[?1049l"
)
_RETRY = (errno.EINTR, errno.EAGAIN)
#: Seconds the ordinary exit may take before the process restores what it can and exits.
QUIT_GRACE_S = 5.0


#: Seconds after the last input during which the key parser is ticked (its timeouts, such as
#: a lone Esc, are a fraction of this); after that the input thread sleeps until input comes.
PARSER_TICK_WINDOW_S = 1.0
_TICK_S = 0.1


class WakingEvent(Event):
    """A ``threading.Event`` that also makes a pipe readable while set, so a thread blocked
    in ``select`` on ``fileno()`` wakes as soon as it is set. Textual's driver sets and
    clears its ``exit_event`` (which this replaces) to stop and restart its input thread."""

    def __init__(self) -> None:
        super().__init__()
        self._read_end, self._write_end = os.pipe()
        os.set_blocking(self._read_end, False)

    def fileno(self) -> int:
        return self._read_end

    def set(self) -> None:
        super().set()
        with contextlib.suppress(OSError):
            os.write(self._write_end, b"x")

    def clear(self) -> None:
        super().clear()
        with contextlib.suppress(OSError):
            while os.read(self._read_end, 64):
                pass


def read_terminal(
    fd: int,
    feed: Callable[[str], None],
    tick: Callable[[], None],
    stop: WakingEvent,
    encoding: str = "utf-8",
) -> bool:
    """Read ``fd`` and pass the decoded text to ``feed`` until ``stop`` is set (returns
    False) or the input ends — end-of-file or a read error such as EIO (returns True).
    ``tick`` runs every 0.1 s for ``PARSER_TICK_WINDOW_S`` after input (the key parser's
    timeouts, e.g. a lone Esc). Otherwise the thread sleeps until input comes or ``stop``
    is set: a monitor left open all day is not woken ten times a second for nothing."""
    decode = getincrementaldecoder(encoding)(errors="replace").decode
    last_input = -PARSER_TICK_WINDOW_S
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        selector.register(stop.fileno(), selectors.EVENT_READ)
        while not stop.is_set():
            recent = time.monotonic() - last_input < PARSER_TICK_WINDOW_S
            ready = selector.select(_TICK_S if recent else None)
            if any(key.fd == fd for key, _ in ready):
                try:
                    data = os.read(fd, 4096)
                except OSError as exc:
                    if exc.errno in _RETRY:
                        continue
                    return True
                if not data:
                    return True
                last_input = time.monotonic()
                if text := decode(data):
                    feed(text)
            tick()
    return False


class TerminalOutput:
    """The file the writer thread writes the screen to: text fitted to the terminal's
    charset, encoded here (so ``--utf8`` works under any locale), and a write error taken
    as the terminal having gone (``on_gone``) rather than raised in the writer thread."""

    def __init__(self, stream: IO[str], charset: Charset, on_gone: Callable[[], None]) -> None:
        self._stream = stream
        self._binary = stream.buffer  # type: ignore[attr-defined]
        self.charset = charset
        self._on_gone = on_gone
        self.gone = False

    def write(self, text: str) -> None:
        if self.gone:
            return
        data = self.charset.fit(text).encode(self.charset.encoding, errors="replace")
        self._guard(self._binary.write, data)

    def flush(self) -> None:
        if not self.gone:
            self._guard(self._binary.flush)

    def fileno(self) -> int:
        return self._stream.fileno()

    def _guard(self, call: Callable[..., Any], *args: Any) -> None:
        try:
            call(*args)
        except (OSError, ValueError):  # EIO/EPIPE: hung up; ValueError: closed
            self.gone = True
            self._on_gone()


class CapwatchDriver(LinuxDriver):
    """``LinuxDriver`` that quits cleanly when its terminal goes away or on a quit signal."""

    charset: ClassVar[Charset] = Charset("utf-8", "default")

    def __init__(self, app: App, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        # Draw where there is a terminal: stderr as Textual does, else stdout (`2>log`).
        stream = sys.__stderr__ if is_tty(sys.__stderr__) else sys.__stdout__
        assert stream is not None
        self._file = TerminalOutput(stream, self.charset, self._terminal_gone)
        self._quitting = False
        self._watchdog_pipe: int | None = None  # a byte here (the exit code) starts the watchdog
        self._signals: list[int] = []
        self.exit_event = WakingEvent()  # the input thread sleeps until input or this

    @classmethod
    def for_charset(cls, charset: Charset) -> type[CapwatchDriver]:
        """The driver class for a terminal with ``charset``."""
        return type(cls.__name__, (cls,), {"charset": charset})

    def start_application_mode(self) -> None:
        super().start_application_mode()
        if self._watchdog_pipe is None:  # once: a resume after ctrl+z starts the mode again
            read_end, self._watchdog_pipe = os.pipe()
            watchdog = Thread(target=self._watchdog, args=(read_end,), daemon=True)
            watchdog.start()
        loop = asyncio.get_running_loop()
        for signum in QUIT_SIGNALS:
            if signal.getsignal(signum) is signal.SIG_IGN:
                continue  # nohup / trap '' HUP: respected; a dead tty is noticed on input
            loop.add_signal_handler(signum, self._quit_signal, signum)
            # asyncio runs _quit_signal from the loop; this Python-level handler (in place of
            # asyncio's no-op one: the wakeup fd still reaches the loop) starts the watchdog
            # even if the loop never gets there. It only writes a byte: a signal handler that
            # took a lock could deadlock with the code it interrupted.
            signal.signal(signum, self._on_quit_signal)
            signal.siginterrupt(signum, False)  # as asyncio had it: system calls resume
            self._signals.append(signum)

    def stop_application_mode(self) -> None:
        super().stop_application_mode()
        self._remove_signal_handlers()

    def _remove_signal_handlers(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for signum in self._signals:
            loop.remove_signal_handler(signum)
        self._signals.clear()

    def run_input_thread(self) -> None:
        parser = XTermParser(self._debug)

        def feed(text: str) -> None:
            for event in parser.feed(text):
                self.process_message(event)

        def tick() -> None:
            for event in parser.tick():
                self.process_message(event)

        encoding = self.charset.input_encoding
        if read_terminal(self.fileno, feed, tick, self.exit_event, encoding):
            self._terminal_gone()

    def _terminal_gone(self) -> None:
        """Input ended or the screen cannot be written: nobody is watching; quit."""
        self._quit(return_code=0)

    def _on_quit_signal(self, signum: int, frame: object) -> None:
        self._start_watchdog(128 + signum)

    def _quit_signal(self, signum: int) -> None:
        if self._quitting:  # a second signal: the clean way is stuck, so restore and go
            self._force_exit(128 + signum)
        self._quit(return_code=128 + signum)

    def _quit(self, return_code: int) -> None:
        """Exit the ordinary way; if that has not finished within ``QUIT_GRACE_S`` (a stalled
        link: the screen writer blocks on a full terminal, the app cannot finish), exit anyway."""
        if not self._quitting:
            self._quitting = True
            self._app.call_later(self._app.exit, None, return_code)
            self._start_watchdog(return_code)

    def _start_watchdog(self, return_code: int) -> None:
        """Exit with ``return_code`` in ``QUIT_GRACE_S`` unless the app has by then."""
        if self._watchdog_pipe is not None:
            with contextlib.suppress(OSError):
                os.write(self._watchdog_pipe, bytes([return_code & 0xFF]))

    def _watchdog(self, read_end: int) -> None:
        code = os.read(read_end, 1)
        if code:
            time.sleep(QUIT_GRACE_S)
            self._force_exit(code[0])

    def _force_exit(self, return_code: int) -> None:
        self._restore_now()
        os._exit(return_code)

    def _restore_now(self) -> None:
        """Best effort, straight to the terminal, never waiting on it: the reset sequence
        and the line settings."""
        with contextlib.suppress(OSError):
            fd = self._file.fileno()
            os.set_blocking(fd, False)
            os.write(fd, RESET_SEQUENCE.encode("ascii"))
        if self.attrs_before is not None:
            with contextlib.suppress(termios.error):
                termios.tcsetattr(self.fileno, termios.TCSANOW, self.attrs_before)
