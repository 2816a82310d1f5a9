"""The terminal driver's input loop and output file, without a running app."""

from __future__ import annotations

import io
import os
import threading
import time
import tty

from tui.ui.driver import PARSER_TICK_WINDOW_S, TerminalOutput, WakingEvent, read_terminal
from tui.ui.terminal import Charset


def _read_in_thread(fd: int, stop: WakingEvent) -> tuple[list[str], dict[str, bool]]:
    fed: list[str] = []
    result: dict[str, bool] = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("gone", read_terminal(fd, fed.append, lambda: None, stop))
    )
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the input loop did not return"
    return fed, result


def test_input_at_end_of_file_ends_the_loop_instead_of_spinning() -> None:
    """Textual's loop re-read an empty pipe forever at 100% CPU (textual PR 6690)."""
    read, write = os.pipe()
    os.write(write, "q€".encode())
    os.close(write)
    started = time.process_time()
    fed, result = _read_in_thread(read, WakingEvent())
    os.close(read)
    assert result == {"gone": True}
    assert "".join(fed) == "q€"
    assert time.process_time() - started < 1.0


def test_closed_terminal_eio_ends_the_loop() -> None:
    master, slave = os.openpty()
    os.close(master)  # the SSH client died: reads on the slave now fail with EIO
    fed, result = _read_in_thread(slave, WakingEvent())
    os.close(slave)
    assert result == {"gone": True} and fed == []


def test_stop_ends_the_loop_without_calling_the_terminal_gone() -> None:
    master, slave = os.openpty()
    stop = WakingEvent()
    stop.set()
    _, result = _read_in_thread(slave, stop)
    os.close(master)
    os.close(slave)
    assert result == {"gone": False}


def test_an_idle_input_loop_sleeps_until_stopped() -> None:
    """No input, no wake-ups (Textual's loop woke ten times a second, all day); the
    ``WakingEvent`` that stops it wakes it at once."""
    master, slave = os.openpty()
    stop = WakingEvent()
    ticks: list[float] = []
    result: dict[str, bool] = {}
    thread = threading.Thread(
        target=lambda: result.setdefault(
            "gone", read_terminal(slave, lambda text: None, lambda: ticks.append(0), stop)
        )
    )
    thread.start()
    time.sleep(0.6)
    assert ticks == []
    stopped_at = time.monotonic()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive() and result == {"gone": False}
    assert time.monotonic() - stopped_at < 0.5
    os.close(master)
    os.close(slave)


def test_the_key_parser_is_ticked_after_input_then_the_loop_sleeps() -> None:
    """A lone Esc becomes a key only when the parser's timeout is ticked: input starts the
    ticks, and they stop ``PARSER_TICK_WINDOW_S`` later."""
    master, slave = os.openpty()
    tty.setraw(slave)  # as the app's terminal: no line buffering
    stop = WakingEvent()
    ticks: list[float] = []
    fed: list[str] = []
    thread = threading.Thread(
        target=read_terminal, args=(slave, fed.append, lambda: ticks.append(time.monotonic()), stop)
    )
    thread.start()
    typed_at = time.monotonic()
    os.write(master, b"\x1b")
    time.sleep(PARSER_TICK_WINDOW_S + 0.6)
    stop.set()
    thread.join(timeout=5)
    os.close(master)
    os.close(slave)
    assert fed == ["\x1b"]
    assert len(ticks) >= 5  # every 0.1 s within the window
    assert ticks[0] - typed_at < 0.3
    assert max(ticks[:-1]) - typed_at < PARSER_TICK_WINDOW_S + 0.3  # the last: on stop


def test_a_waking_event_restarts_cleared() -> None:
    """Textual clears its exit event to start input again (after ctrl+z): the pipe empties."""
    stop = WakingEvent()
    stop.set()
    stop.clear()
    master, slave = os.openpty()
    ticks: list[int] = []
    thread = threading.Thread(
        target=read_terminal, args=(slave, print, lambda: ticks.append(0), stop)
    )
    thread.start()
    time.sleep(0.4)
    assert thread.is_alive() and ticks == []
    stop.set()
    thread.join(timeout=5)
    os.close(master)
    os.close(slave)


def test_latin1_input_is_decoded_as_latin1() -> None:
    read, write = os.pipe()
    os.write(write, "é".encode("latin-1"))
    os.close(write)
    fed: list[str] = []
    read_terminal(read, fed.append, lambda: None, WakingEvent(), encoding="iso8859-1")
    os.close(read)
    assert fed == ["é"]


class _DeadTerminal(io.TextIOWrapper):
    def __init__(self) -> None:
        super().__init__(io.BytesIO())

    @property
    def buffer(self) -> io.BufferedIOBase:  # type: ignore[override]
        class Broken(io.BytesIO):
            def write(self, data: object) -> int:
                raise OSError(5, "Input/output error")

        return Broken()


def test_output_to_a_dead_terminal_reports_it_once_and_drops_the_rest() -> None:
    gone: list[bool] = []
    output = TerminalOutput(_DeadTerminal(), Charset("utf-8", "test"), lambda: gone.append(True))
    output.write("\x1b[?1049h")
    output.write("more")
    output.flush()
    assert gone == [True] and output.gone


def test_output_is_encoded_for_the_terminal_with_lookalikes() -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    output = TerminalOutput(stream, Charset("iso8859-1", "test"), lambda: None)
    output.write("╭─ Índices ─╮ ▲+1.00% ▼-2.00% —")
    output.flush()
    assert stream.buffer.getvalue() == "+- Índices -+ ^+1.00% v-2.00% -".encode("latin-1")  # type: ignore[attr-defined]
