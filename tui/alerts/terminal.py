"""How an alert reaches a person through the terminal: the bell, and optionally a desktop
notification by OSC 9 (iTerm2, WezTerm, kitty, Windows Terminal, foot, ...) or OSC 777
(rxvt-unicode, VTE terminals such as GNOME Terminal, Konsole). Inside tmux the sequence is
wrapped in tmux's DCS passthrough (``ESC P tmux; ... ESC \\``, inner ESCs doubled), which tmux
3.3+ forwards when ``set -g allow-passthrough on``.

Pure strings: the monitor writes them to its terminal; tests capture them.
"""

from __future__ import annotations

import re
from enum import StrEnum

from msgspec import Struct

from widgets.views import AlertRow

ESC = "\x1b"
BEL = "\x07"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Desktop(StrEnum):
    OFF = "off"
    OSC9 = "osc9"
    OSC777 = "osc777"


class Delivery(Struct, frozen=True):
    """The config's ``[notifications]``: ring the bell, send a desktop notification."""

    bell: bool = True
    desktop: Desktop = Desktop.OFF


def _safe(text: str) -> str:
    """No control characters (they would end or hijack the sequence)."""
    return _CONTROL.sub(" ", text)


def osc9(message: str) -> str:
    return f"{ESC}]9;{_safe(message)}{BEL}"


def osc777(title: str, body: str) -> str:
    return f"{ESC}]777;notify;{_safe(title).replace(';', ',')};{_safe(body)}{BEL}"


def tmux_passthrough(sequence: str) -> str:
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"


def sequences(alerts: list[AlertRow], delivery: Delivery, *, in_tmux: bool) -> str:
    """What to write to the terminal for ``alerts`` fired together: one bell, one desktop
    notification each."""
    if not alerts:
        return ""
    out = [BEL] if delivery.bell else []
    for alert in alerts:
        if delivery.desktop is Desktop.OSC9:
            sequence = osc9(f"capwatch: {alert.message}")
        elif delivery.desktop is Desktop.OSC777:
            sequence = osc777(f"capwatch alert {alert.rule}", alert.message)
        else:
            continue
        out.append(tmux_passthrough(sequence) if in_tmux else sequence)
    return "".join(out)
