"""Textual's count of a callback's parameters, remembered per function.

Before calling a callback, Textual counts its parameters (``textual._callback``) and keeps the
count on the callable. Timers, ``call_later``, ``call_next`` and ``call_after_refresh`` wrap
the callback in a new ``functools.partial`` each time, so the count is lost with it and
``inspect.signature`` runs again: four times a monitor tick, each ~0.25 ms on a CPU whose
caches went cold in the 2 s since the last tick (~1 ms a tick, 3 % of the monitor's).

Here the count is kept per underlying function (a bound method counts one less than its
function), which is what the signature depends on. ``textual._callback`` is private: if it no
longer has the shape replaced, nothing is installed and Textual counts as before.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import weakref
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

_counts: weakref.WeakKeyDictionary[Callable[..., Any], int] = weakref.WeakKeyDictionary()


def count_parameters(func: Callable[..., Any]) -> int:
    """``len(inspect.signature(func).parameters)``, computed once per function."""
    function = getattr(func, "__func__", func)  # a bound method's function counts its self
    try:
        count = _counts[function]
    except (KeyError, TypeError):
        count = len(inspect.signature(function).parameters)
        with contextlib.suppress(TypeError):  # not weakly referable (a builtin): not kept
            _counts[function] = count
    return count - (function is not func)


def install() -> bool:
    """Have Textual count through :func:`count_parameters`; False (and logged) if its private
    counter is not the one-argument function this replaces."""
    try:
        from textual import _callback

        counter = _callback._count_parameters
        if counter is count_parameters:
            return True
        if list(inspect.signature(counter).parameters) != ["func"]:
            raise TypeError("textual._callback._count_parameters(func) has changed")
    except (ImportError, AttributeError, TypeError) as exc:
        log.warning("Textual's callback counting left as it is (%s)", exc)
        return False
    _callback._count_parameters = count_parameters
    return True
