"""The baseline for benchmarks/monitor.py: the smallest honest Textual app.

A Header, a Footer and six Statics; every 2 s one Static shows a new number (as a monitor
tick would), ``p`` pauses that, ``q`` quits. Whatever the monitor costs beyond this is ours.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, Static

INTERVAL_S = 2.0


class BareApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "pause", "Pause"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0
        self.paused = False

    def compose(self) -> ComposeResult:
        yield Header()
        for n in range(5):
            yield Static(f"pane {n} ready")
        yield Static("0", id="counter")
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(INTERVAL_S, self.tick)

    def tick(self) -> None:
        if self.paused:
            return
        self.ticks += 1
        self.query_one("#counter", Static).update(str(self.ticks))

    def action_pause(self) -> None:
        self.paused = not self.paused


if __name__ == "__main__":
    BareApp().run()
