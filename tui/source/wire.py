"""Views on the wire: the frozen view structs to JSON and back, driven by their type hints.

The collector publishes exactly what the panes draw (``widgets.views``), so a viewer needs
neither pandas nor the analytics to rebuild them. Views go out ``pack``ed (deflated: a
segment's JSON is 100-300 KB a refresh and shrinks about four times); ``loads`` reads both.
One generic codec instead of one function per class: a field added to a view travels
without touching this module. Decoding is strict (a missing field raises), so a collector
and viewer of different versions fail loudly.
"""

from __future__ import annotations

import json
import types
import zlib
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache, partial
from typing import Any, Union, get_args, get_origin, get_type_hints

from msgspec import Struct


def to_plain(value: object) -> Any:
    """A view (or any nesting of structs, tuples, enums, dates) as JSON-ready values.
    Numbers and strings first, and each class's fields looked up once: a collector encodes
    some ten thousand rows a refresh."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: to_plain(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_plain(item) for item in value]
    if isinstance(value, dict | types.MappingProxyType):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


_SCALARS = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The field names of struct ``kind``, in order; None for any other type."""
    if not (isinstance(kind, type) and issubclass(kind, Struct)):
        return None
    return kind.__struct_fields__


def dumps(value: object) -> bytes:
    return json.dumps(to_plain(value), separators=(",", ":"), allow_nan=False).encode()


#: The first byte of a zlib stream at the default window (JSON never starts with it).
_DEFLATED = b"x"


def pack(value: object) -> bytes:
    """``dumps``, deflated at the fastest level (about 1 ms for a segment's view)."""
    return zlib.compress(dumps(value), 1)


def loads(kind: Any, data: bytes | str) -> Any:
    """Rebuild a ``kind`` (a view class, or ``View | None``) published by ``dumps`` or
    ``pack``. Raises ``ValueError`` on a wrong shape."""
    try:
        if isinstance(data, bytes) and data[:1] == _DEFLATED:
            data = zlib.decompress(data)
        return from_plain(kind, json.loads(data))
    except (TypeError, KeyError, AttributeError, zlib.error) as exc:
        raise ValueError(f"not a {kind}: {exc!r}") from exc


def from_plain(kind: Any, value: Any) -> Any:
    """``value`` (from JSON) as an instance of the type ``kind``."""
    return _decoder(kind)(value)


def _same(value: Any) -> Any:
    return value


@cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """A function from JSON values to ``kind``, built once per type (viewers decode every
    refresh, so the type inspection is not repeated per value)."""
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(kind) if arg is not type(None)]
        inner = _decoder(options[0]) if len(options) == 1 else _first_of(options)
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        args = get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda value: tuple(map(item, value))
        parts = [_decoder(arg) for arg in args]
        return lambda value: tuple(p(v) for p, v in zip(parts, value, strict=True))
    if isinstance(kind, type) and issubclass(kind, Struct):
        hints = get_type_hints(kind)
        fields = [(name, _decoder(hints[name])) for name in kind.__struct_fields__]
        build = lambda value: kind(*[decode(value[name]) for name, decode in fields])  # noqa: E731
        return _remembered(build)
    if isinstance(kind, type):
        if issubclass(kind, Enum):
            return kind
        if kind is datetime:
            return datetime.fromisoformat
        if kind is date:
            return date.fromisoformat
        if kind is float:
            return float
        if kind in (int, str, bool):
            return partial(_checked, kind)
    return _same


def _first_of(options: list[Any]) -> Callable[[Any], Any]:
    """A union of several types (``Segment | Watch``): the first whose decoder takes it."""
    decoders = [_decoder(option) for option in options]

    def decode(value: Any) -> Any:
        for decode_one in decoders:
            try:
                return decode_one(value)
            except (ValueError, TypeError, KeyError):
                continue
        raise TypeError(f"none of {options} fits {value!r}")

    return decode


#: Rows remembered per view class: more than a refresh holds, so a steady list is never rebuilt.
MEMO_LIMIT = 4096


def _remembered(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``build`` that reuses the object made from an identical JSON object last time. Most rows
    (ratings, results, sectors) are the same from one refresh to the next, and the views are
    frozen, so sharing is safe; it makes a viewer's decoding several times cheaper."""
    made: dict[tuple, Any] = {}

    def decode(value: Any) -> Any:
        try:
            key = tuple(value.items())
            return made[key]
        except KeyError:
            pass
        except (TypeError, AttributeError):  # nested values: not a hashable key; or not a dict
            return build(value)
        if len(made) >= MEMO_LIMIT:
            made.clear()
        made[key] = result = build(value)
        return result

    return decode


def _checked(kind: type, value: Any) -> Any:
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind.__name__}, got {value!r}")
    return value
