"""What the terminal can take: refusing without one, and characters for non-UTF-8 locales."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from rich.cells import cell_len

from tui.ui.terminal import Charset, ascii_lookalike, terminal_problem

#: Every non-ASCII character capwatch or Textual draws in the monitor.
DRAWN = "▲▼★●◐○│…—←→▁▂▃▄▅▆▇█─━┃╭╮╰╯┏┓┗┛├┤┬┴┼╷╵╴╶▔▕▏▎▍▌▋▊▉"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_terminal_is_refused_pointing_at_ssh_t_and_snapshot() -> None:
    problem = terminal_problem(io.StringIO(), io.StringIO(), "xterm")
    assert problem is not None
    assert "input and output are not terminals" in problem
    assert "ssh -t HOST capwatch" in problem and "capwatch snapshot" in problem
    assert "its output is not one" in (terminal_problem(_Tty(), io.StringIO(), "xterm") or "")


def test_dumb_terminal_is_refused() -> None:
    assert "TERM=dumb" in (terminal_problem(_Tty(), _Tty(), "dumb") or "")
    assert terminal_problem(_Tty(), _Tty(), "xterm-256color") is None


@pytest.mark.parametrize("encoding", ["ascii", "iso8859-1"])
def test_lookalikes_keep_every_width_and_encode(encoding: str) -> None:
    charset = Charset(encoding, "test")
    text = DRAWN + " 株式 Ωé"
    fitted = charset.fit(text)
    fitted.encode(encoding)  # nothing left that the terminal cannot take
    assert cell_len(fitted) == cell_len(text)
    assert "?" not in charset.fit(DRAWN)  # every glyph capwatch draws has a real look-alike


def test_box_drawing_becomes_plus_minus_bar() -> None:
    assert [ascii_lookalike(c) for c in "─│╭┼━┃"] == ["-", "|", "+", "+", "-", "|"]
    assert Charset("iso8859-1", "test").fit("é·▲") == "é·^"  # Latin-1 keeps its own


def _charset_under(env: dict[str, str], *args: str) -> str:
    code = "import sys; from tui.ui.terminal import detect_charset; " + (
        f"print(detect_charset({args[0]!r}).encoding)"
        if args
        else "print(detect_charset().encoding)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONUTF8"))}
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_c_locale_draws_ascii_though_python_switches_to_utf8() -> None:
    assert _charset_under({"LANG": "C"}) == "ascii"
    assert _charset_under({"LANG": "C", "PYTHONUTF8": "1"}) == "utf-8"  # asked for
    assert _charset_under({"LANG": "C.UTF-8"}) == "utf-8"
    assert _charset_under({"LANG": "C"}, "utf-8") == "utf-8"  # --utf8
    assert _charset_under({"LANG": "C.UTF-8"}, "ascii") == "ascii"  # --ascii
