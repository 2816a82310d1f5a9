"""The bell and desktop-notification sequences, plain and through tmux."""

from __future__ import annotations

from factories.views import AS_OF

from tui.alerts.terminal import Delivery, Desktop, osc9, osc777, sequences, tmux_passthrough
from widgets.views import AlertRow

ALERT = AlertRow(AS_OF, "small-breadth", "small", "2.61x", "small A/D 2.61x, above 2.50x")


def test_osc_sequences() -> None:
    assert osc9("hello") == "\x1b]9;hello\x07"
    assert osc777("capwatch; alert", "body") == "\x1b]777;notify;capwatch, alert;body\x07"


def test_control_characters_cannot_end_the_sequence_early() -> None:
    assert osc9("a\x07b\x1b]c\nd") == "\x1b]9;a b ]c d\x07"


def test_tmux_passthrough_doubles_escapes() -> None:
    assert tmux_passthrough("\x1b]9;hi\x07") == "\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\"


def test_one_bell_per_batch_and_one_notification_per_alert() -> None:
    two = [ALERT, ALERT]
    assert sequences(two, Delivery(), in_tmux=False) == "\x07"
    osc = sequences(two, Delivery(bell=False, desktop=Desktop.OSC9), in_tmux=False)
    assert osc == 2 * "\x1b]9;capwatch: small A/D 2.61x, above 2.50x\x07"
    wrapped = sequences([ALERT], Delivery(desktop=Desktop.OSC777), in_tmux=True)
    assert wrapped == "\x07" + tmux_passthrough(
        "\x1b]777;notify;capwatch alert small-breadth;small A/D 2.61x, above 2.50x\x07"
    )
    assert sequences([], Delivery(desktop=Desktop.OSC9), in_tmux=False) == ""
    assert sequences([ALERT], Delivery(bell=False), in_tmux=False) == ""
