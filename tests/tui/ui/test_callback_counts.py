"""Textual's callback parameter counts, remembered per function (``tui.ui.callback_counts``)."""

from __future__ import annotations

import asyncio
import functools
import inspect
from typing import Any

import pytest
from textual import _callback

from tui.ui import callback_counts
from tui.ui.callback_counts import count_parameters


class Pump:
    def no_arguments(self) -> None: ...

    def one(self, event: object) -> None: ...

    def __call__(self, a: int, b: int) -> None: ...


def plain(a: int, b: int, c: int = 0) -> None: ...


@functools.wraps(plain)
def wrapped(*args: Any) -> None: ...


@pytest.mark.parametrize(
    "callback",
    [
        plain,
        wrapped,
        Pump().no_arguments,
        Pump().one,
        Pump(),
        [].append,
        asyncio.Event().set,
        functools.partial(plain, 1),
    ],
    ids=["function", "wrapped", "method", "method-1", "callable", "builtin", "event", "partial"],
)
def test_the_count_is_the_signatures(callback: Any) -> None:
    expected = len(inspect.signature(callback).parameters)
    assert count_parameters(callback) == expected
    assert count_parameters(callback) == expected  # and again, remembered


def test_a_new_bound_method_of_a_counted_function_is_not_counted_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted: list[object] = []
    signature = inspect.signature

    def counting(func: Any) -> inspect.Signature:
        counted.append(func)
        return signature(func)

    class Fresh(Pump):  # methods no test has counted yet
        def one(self, event: object) -> None: ...

        def no_arguments(self) -> None: ...

    monkeypatch.setattr(inspect, "signature", counting)
    first, second = Fresh(), Fresh()
    assert [count_parameters(first.one), count_parameters(second.one)] == [1, 1]
    assert count_parameters(first.no_arguments) == 0
    assert counted == [Fresh.one, Fresh.no_arguments]


def test_installed_textual_counts_each_new_partial_without_a_signature(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_callback, "_count_parameters", _callback._count_parameters)
    assert callback_counts.install()
    pump = Pump()
    counted: list[object] = []
    signature = inspect.signature

    def counting(func: Any) -> inspect.Signature:
        counted.append(func)
        return signature(func)

    monkeypatch.setattr(inspect, "signature", counting)
    monkeypatch.setattr(_callback, "signature", counting)  # Textual's own name for it
    counts = [_callback.count_parameters(functools.partial(pump.one)) for _ in range(3)]
    assert counts == [1, 1, 1] and len(counted) <= 1
    assert callback_counts.install()  # twice is once


def test_a_changed_textual_is_left_as_it_is(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def changed(func: Any, strict: bool) -> int:
        return 0

    monkeypatch.setattr(_callback, "_count_parameters", changed)
    assert not callback_counts.install()
    assert _callback._count_parameters is changed
    assert "left as it is" in caplog.text
