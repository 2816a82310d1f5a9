"""Snapshot <-> JSON, exactly: what goes in comes back equal, zones and enums included.

The one walker over the contract's types: the history store uses it as is (the last
snapshot, for an instant offline start), and ``tui.output.export`` encodes with it under its
own ``Style`` (rounded numbers, plain ISO times, the public key names and order). Walking is
driven by the contract's type hints, so a new optional field in ``providers.contract`` needs
no change here. Datetimes keep their zone: ``2026-11-20T11:30:00+05:30[Asia/Kolkata]``
(RFC 9557 style) when it is a named zone.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import Enum
from functools import cache
from zoneinfo import ZoneInfo

from msgspec import Struct, field
from msgspec.structs import fields

from providers.contract import Snapshot

#: Bumped when the JSON layout changes incompatibly; older payloads are then refused.
CODEC_VERSION = 1


class SnapshotDecodeError(ValueError):
    """The JSON is not a snapshot this version can read; the message says where."""


Convert = Callable[[object], object]


def _identity(value: object) -> object:
    return value


def _datetime_text(value: datetime) -> str:
    text = value.isoformat()
    return f"{text}[{value.tzinfo.key}]" if isinstance(value.tzinfo, ZoneInfo) else text


def _parse_datetime(text: str) -> datetime:
    base, bracket, zone = text.partition("[")
    moment = datetime.fromisoformat(base)
    return moment.astimezone(ZoneInfo(zone.rstrip("]"))) if bracket else moment


def _optional_inner(kind: object) -> object | None:
    """``X`` for ``X | None``; None when ``kind`` is not an optional."""
    if typing.get_origin(kind) not in (typing.Union, types.UnionType):
        return None
    options = [a for a in typing.get_args(kind) if a is not type(None)]
    if len(options) != 1:
        raise TypeError(f"unsupported union {kind}")
    return options[0]


#: A struct's JSON layout: (key, attribute) pairs in output order.
Layout = tuple[tuple[str, str], ...]


class Style(Struct, frozen=True, eq=False):
    """How the walker writes leaves and lays out structs. The default is exact (the
    store's); ``layouts`` may rename, reorder or leave out fields of a contract type."""

    number: Convert = _identity  # a float field's value (None never reaches it)
    moment: Callable[[datetime], object] = _datetime_text
    layouts: Mapping[type, Layout] = field(default_factory=dict)
    #: Enum-keyed maps (``sources``, ``errors``) written in the enum's order, not insertion.
    enum_order: bool = False


EXACT = Style()


def _layout(kind: type, style: Style) -> Layout:
    return style.layouts.get(kind) or tuple((f.name, f.name) for f in fields(kind))


@cache
def encoder(kind: object, style: Style = EXACT) -> Convert:
    """A function turning a value of type ``kind`` into JSON-ready data, built once per type
    and style from the contract's hints (a few hundred thousand values per snapshot must be
    cheap)."""
    if (inner := _optional_inner(kind)) is not None:
        encode = encoder(inner, style)
        return _identity if encode is _identity else lambda v: None if v is None else encode(v)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        item = encoder(args[0], style)
        return list if item is _identity else lambda v: [item(x) for x in v]
    if origin is Mapping:
        key, item = encoder(args[0], style), encoder(args[1], style)
        if style.enum_order and isinstance(args[0], type) and issubclass(args[0], Enum):
            order = tuple(args[0])
            return lambda v: {str(key(k)): item(v[k]) for k in order if k in v}
        return lambda v: {str(key(k)): item(x) for k, x in v.items()}
    if isinstance(kind, type) and issubclass(kind, Struct):
        hints = typing.get_type_hints(kind)
        plan = [(name, attr, encoder(hints[attr], style)) for name, attr in _layout(kind, style)]
        return lambda v: {name: encode(getattr(v, attr)) for name, attr, encode in plan}
    if kind is datetime:
        return style.moment  # type: ignore[return-value]
    if kind is date:
        return date.isoformat
    if kind is float:
        return style.number
    if isinstance(kind, type) and issubclass(kind, Enum):
        return lambda v: v.value
    return _identity


def snapshot_to_json(snapshot: Snapshot) -> str:
    """Compact JSON text of ``snapshot`` (NaN allowed: Python reads it back)."""
    payload = {"codec": CODEC_VERSION, "snapshot": encoder(Snapshot)(snapshot)}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _exact(kind: type) -> Convert:
    def check(value: object) -> object:
        if type(value) is kind:
            return value
        if kind is float and type(value) is int:
            return float(value)
        raise SnapshotDecodeError(f"expected {kind.__name__}, got {type(value).__name__}")

    return check


@cache
def _decoder(kind: object) -> Convert:
    """The inverse of ``encoder(kind)``, checking types on the way in."""
    if (inner := _optional_inner(kind)) is not None:
        decode = _decoder(inner)
        return lambda v: None if v is None else decode(v)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple:
        item = _decoder(args[0])
        return lambda v: tuple(item(x) for x in _expect_list(v))
    if origin is Mapping:
        key, item = _decoder(args[0]), _decoder(args[1])
        return lambda v: {key(k): item(x) for k, x in _expect_dict(v).items()}
    if isinstance(kind, type) and issubclass(kind, Struct):
        return _struct_decoder(kind)
    if kind is datetime:
        return _parse_datetime
    if kind is date:
        return date.fromisoformat
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    if isinstance(kind, type):
        return _exact(kind)
    raise TypeError(f"unsupported type {kind}")


def _struct_decoder(kind: type) -> Convert:
    hints = typing.get_type_hints(kind)
    plan = {f.name: _decoder(hints[f.name]) for f in fields(kind)}

    def decode(value: object) -> object:
        values = {}
        for name, item in _expect_dict(value).items():
            field_decoder = plan.get(name)
            if field_decoder is None:  # a field since removed from the contract
                continue
            try:
                values[name] = field_decoder(item)
            except (TypeError, ValueError, AttributeError) as exc:
                raise SnapshotDecodeError(f"{kind.__name__}.{name}: {exc}") from None
        try:
            return kind(**values)
        except TypeError as exc:  # a required field is missing
            raise SnapshotDecodeError(f"{kind.__name__}: {exc}") from None

    return decode


def _expect_list(value: object) -> list:
    if not isinstance(value, list):
        raise SnapshotDecodeError(f"expected an array, got {type(value).__name__}")
    return value


def _expect_dict(value: object) -> dict:
    if not isinstance(value, dict):
        raise SnapshotDecodeError(f"expected an object, got {type(value).__name__}")
    return value


def snapshot_from_json(text: str | bytes) -> Snapshot:
    """The snapshot ``snapshot_to_json`` wrote; ``SnapshotDecodeError`` when it is not one."""
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise SnapshotDecodeError(f"not JSON: {exc}") from None
    if not isinstance(payload, dict) or payload.get("codec") != CODEC_VERSION:
        version = payload.get("codec") if isinstance(payload, dict) else None
        raise SnapshotDecodeError(f"codec version {version!r}, expected {CODEC_VERSION}")
    return _decoder(Snapshot)(payload.get("snapshot"))
