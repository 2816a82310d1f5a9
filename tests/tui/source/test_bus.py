"""``bus.connect``: a first connection that is reset is tried again, a little."""

from __future__ import annotations

import pytest

from tui.settings.config import FeedSettings
from tui.source import bus

SETTINGS = FeedSettings(url="nats://127.0.0.1:4222")


def resets_then(outcomes: list[object]) -> tuple[list[dict], object]:
    """A stand-in for one try: raise or return each of ``outcomes`` in turn."""
    tries: list[dict] = []

    async def one_try(options: dict[str, object]) -> object:
        tries.append(options)
        outcome = outcomes[len(tries) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return tries, one_try


async def test_a_reset_before_the_answer_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    client = object()
    tries, one_try = resets_then([ConnectionResetError("reset"), client])
    monkeypatch.setattr(bus, "_first_connection", one_try)
    assert await bus.connect(SETTINGS, name="test") is client
    assert len(tries) == 2 and tries[0] == tries[1]


async def test_resets_every_time_are_reported_after_the_retries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries, one_try = resets_then([ConnectionResetError(f"reset {n}") for n in range(5)])
    monkeypatch.setattr(bus, "_first_connection", one_try)
    with pytest.raises(ConnectionResetError, match="reset 2"):
        await bus.connect(SETTINGS, name="test")
    assert len(tries) == bus.RESET_RETRIES + 1


async def test_any_other_refusal_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    tries, one_try = resets_then([ConnectionError("Authorization Violation")])
    monkeypatch.setattr(bus, "_first_connection", one_try)
    with pytest.raises(ConnectionError, match="Authorization"):
        await bus.connect(SETTINGS, name="test")
    assert len(tries) == 1
