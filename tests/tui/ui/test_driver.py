"""The terminal driver's input loop and output file, without a running app."""

from __future__ import annotations

import io
import os
import threading
import time

from tui.ui.driver import TerminalOutput, read_terminal
from tui.ui.terminal import Charset


def _read_in_thread(fd: int, stop: threading.Event) -> tuple[list[str], dict[str, bool]]:
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
    fed, result = _read_in_thread(read, threading.Event())
    os.close(read)
    assert result == {"gone": True}
    assert "".join(fed) == "q€"
    assert time.process_time() - started < 1.0


def test_closed_terminal_eio_ends_the_loop() -> None:
    master, slave = os.openpty()
    os.close(master)  # the SSH client died: reads on the slave now fail with EIO
    fed, result = _read_in_thread(slave, threading.Event())
    os.close(slave)
    assert result == {"gone": True} and fed == []


def test_stop_ends_the_loop_without_calling_the_terminal_gone() -> None:
    master, slave = os.openpty()
    stop = threading.Event()
    stop.set()
    _, result = _read_in_thread(slave, stop)
    os.close(master)
    os.close(slave)
    assert result == {"gone": False}


def test_latin1_input_is_decoded_as_latin1() -> None:
    read, write = os.pipe()
    os.write(write, "é".encode("latin-1"))
    os.close(write)
    fed: list[str] = []
    read_terminal(read, fed.append, lambda: None, threading.Event(), encoding="iso8859-1")
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
