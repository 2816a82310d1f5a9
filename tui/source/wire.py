"""Views on the wire: the frozen view structs to JSON and back, with msgspec.

The collector publishes exactly what the panes draw (``widgets.views``, in the parts of
``view_parts``), so a viewer needs neither pandas nor the analytics to rebuild them. Views go
out deflated (a part's JSON shrinks about four times); ``loads`` reads both.
msgspec encodes and decodes the structs from their type hints in C: a viewer reads a
segment in 1-2 ms, inflating included (the pure-Python codec before it took 6-15 ms), and a
field added to a view travels without touching this module. Decoding is strict (a missing
field or a wrong type raises ``ValueError``), so a collector and viewer of different versions
fail loudly.

One shape msgspec refuses is a union of two string enums, such as a view's ``Scope``
(``Segment | Watch``): such a field travels as its string, and the decoder built here reads it
into a stand-in struct with ``str`` in its place, then makes the real struct with the first
enum that takes the string.
"""

from __future__ import annotations

import numbers
import types
import zlib
from collections.abc import Callable
from enum import Enum, StrEnum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

import msgspec
from msgspec.structs import fields


def _plain(value: object) -> object:
    """What msgspec cannot encode itself: numpy scalars the analytics leave in views (as
    the number they are) and read-only mappings (as objects)."""
    if isinstance(value, types.MappingProxyType):
        return dict(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise NotImplementedError(f"cannot put {type(value).__name__} on the wire")


_encoder = msgspec.json.Encoder(enc_hook=_plain)


def dumps(value: object) -> bytes:
    return _encoder.encode(value)


#: The first byte of a zlib stream at the default window (JSON never starts with it).
_DEFLATED = b"x"


def deflate(data: bytes) -> bytes:
    """JSON from ``dumps`` deflated at the fastest level (about 1 ms for a segment's view)."""
    return zlib.compress(data, 1)


def loads(kind: Any, data: bytes | str) -> Any:
    """Rebuild a ``kind`` (a view class, or ``View | None``) published by ``dumps`` or
    ``deflate``. Raises ``ValueError`` on a wrong shape."""
    try:
        if isinstance(data, bytes) and data[:1] == _DEFLATED:
            data = zlib.decompress(data)
        return _reader(kind)(data)
    except (msgspec.DecodeError, zlib.error) as exc:
        raise ValueError(f"not a {kind}: {exc}") from exc


@cache
def _reader(kind: Any) -> Callable[[bytes | str], Any]:
    """A function from JSON to ``kind``, built once per type."""
    decode = msgspec.json.Decoder(_on_wire(kind)).decode
    restore = _restorer(kind)
    return decode if restore is None else lambda data: restore(decode(data))


def _enum_union(kind: Any) -> tuple[type[Enum], ...] | None:
    """The enums of a union of several string enums (``Segment | Watch``), else None."""
    if get_origin(kind) not in (Union, types.UnionType):
        return None
    options = get_args(kind)
    enums = tuple(o for o in options if isinstance(o, type) and issubclass(o, StrEnum))
    return enums if len(enums) > 1 and len(enums) == len(options) else None


@cache
def _on_wire(kind: Any) -> Any:
    """``kind`` as msgspec decodes it: each union of string enums as ``str``, and each struct
    holding one as a stand-in struct of the same fields."""
    if _enum_union(kind) is not None:
        return str
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType, tuple):
        parts = tuple(a if a is Ellipsis else _on_wire(a) for a in args)
        if parts == args:
            return kind
        return tuple[parts] if origin is tuple else Union[parts]  # noqa: UP007 (at run time)
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        hints = get_type_hints(kind)
        if all(_on_wire(hints[name]) == hints[name] for name in kind.__struct_fields__):
            return kind
        return msgspec.defstruct(
            kind.__name__,
            [(f.name, _on_wire(hints[f.name]), default_of(f)) for f in fields(kind)],
        )
    return kind


def default_of(field: msgspec.structs.FieldInfo) -> Any:
    """A struct field's default as ``defstruct`` takes it (``NODEFAULT``: required)."""
    if field.default_factory is not msgspec.NODEFAULT:
        return msgspec.field(default_factory=field.default_factory)
    return field.default


@cache
def _restorer(kind: Any) -> Callable[[Any], Any] | None:
    """A function from what the ``_on_wire(kind)`` decoder gives to ``kind``; None where
    they are the same."""
    if _on_wire(kind) == kind:
        return None
    if (enums := _enum_union(kind)) is not None:
        return _member_of(enums)
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):  # ``X | None``: as X, None as None
        restorers = [r for a in args if (r := _restorer(a)) is not None]
        if len(restorers) != 1 or len(args) != 2 or type(None) not in args:
            raise TypeError(f"{kind}: only X | None can hold a union of string enums")
        inner = restorers[0]
        return lambda value: None if value is None else inner(value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _restorer(args[0]) or _same
            return lambda value: tuple(map(item, value))
        parts = [_restorer(a) or _same for a in args]
        return lambda value: tuple(p(v) for p, v in zip(parts, value, strict=True))
    hints = get_type_hints(kind)
    plan = [(name, _restorer(hints[name]) or _same) for name in kind.__struct_fields__]
    return lambda value: kind(*[restore(getattr(value, name)) for name, restore in plan])


def _member_of(enums: tuple[type[Enum], ...]) -> Callable[[str], Enum]:
    """The member of the first of ``enums`` whose value is the string."""

    def member(value: str) -> Enum:
        for enum in enums:
            try:
                return enum(value)
            except ValueError:
                continue
        raise msgspec.ValidationError(f"{value!r} is none of {[e.__name__ for e in enums]}")

    return member


def _same(value: Any) -> Any:
    return value
