"""How a provider declares itself once: its settings (keys, types, defaults, ranges, env
fallbacks, help) and the data kinds it supplies.

Each built-in keeps its ``SPEC`` in a light module next to it (``providers/nse/spec.py``,
``providers/bse_spec.py``, ...) that imports nothing heavy, so config checking and
``capwatch providers`` read it without loading httpx, numpy or pandas. The config file is
checked against it (``tui.settings.config``), the registry lists it, and the provider's
``create`` resolves its settings with it: one declaration, three readers.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from enum import StrEnum
from types import MappingProxyType

from msgspec import Struct

from providers.contract import Part


class Kind(StrEnum):
    """The shape of a setting's value in TOML."""

    NUMBER = "number"
    INTEGER = "integer"
    STRING = "string"
    URL = "URL"  # http:// or https:// with a host
    MOMENT = "date-time"  # an ISO 8601 string or a TOML date-time
    BOOLEAN = "boolean"
    STRINGS = "array of strings"
    INTEGERS = "array of integers"
    TEXT_TABLE = "table of text"  # name -> text
    TABLES = "table of tables"  # name -> {name -> text}


class SettingError(ValueError):
    """A setting's value is unusable: ``key`` is the dotted key under the provider's table
    (``symbols.NIFTY 50``), ``problem`` what is wrong with it."""

    def __init__(self, provider: str, key: str, problem: str) -> None:
        super().__init__(f"providers.{provider}.{key}: {problem}")
        self.provider = provider
        self.key = key
        self.problem = problem


_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    tuple: "an array",
    dict: "a table",
    datetime: "a date-time",
    date: "a date",
    time: "a time",
}


def type_name(value: object) -> str:
    """``a string ('10s')``: how messages name a value that has the wrong type."""
    for kind, name in _TYPE_NAMES.items():  # bool before int, datetime before date
        if isinstance(value, kind):
            return f"{name} ({value!r})" if not isinstance(value, dict | list | tuple) else name
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__


_URL = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+(/\S*)?")


def _text(number: float) -> str:
    """4294967295, 0.01, 86400: no exponent for a whole bound."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


class _Problem(Exception):
    """Raised inside ``Setting.check`` with the sub-key (``[1]``, ``.NIFTY 50``) it concerns."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem


class Setting(Struct, frozen=True):
    """One ``[providers.NAME]`` key.

    ``low``/``high`` bound numbers (``low`` is exclusive unless ``low_inclusive``);
    ``choices`` restricts strings and table values; ``keys`` restricts a table's keys;
    ``allow_empty`` lets a string or a table value be ``""`` (it turns a feature off or
    removes a default); ``env`` names the environment variable used when the key is not set.
    """

    key: str
    kind: Kind
    default: object
    help: str
    low: float | None = None
    low_inclusive: bool = False
    high: float | None = None
    choices: tuple[str, ...] | None = None
    keys: tuple[str, ...] | None = None
    allow_empty: bool = False
    env: str | None = None

    def check(self, provider: str, value: object) -> object:
        """``value`` validated and normalised (tables frozen, arrays tuples);
        ``SettingError`` naming the exact key otherwise."""
        try:
            return self._check(value)
        except _Problem as exc:
            raise SettingError(provider, f"{self.key}{exc.where}", exc.problem) from None

    def range_text(self) -> str:
        """``> 0``, ``>= 260``, ``> 0 and <= 5`` ('' when unbounded)."""
        if self.low is not None and self.low_inclusive and self.high is not None:
            return f"{_text(self.low)} to {_text(self.high)}"
        bounds = []
        if self.low is not None:
            bounds.append(f"{'>=' if self.low_inclusive else '>'} {_text(self.low)}")
        if self.high is not None:
            bounds.append(f"<= {_text(self.high)}")
        return " and ".join(bounds)

    def _check(self, value: object) -> object:
        match self.kind:
            case Kind.NUMBER:
                return float(self._number(value, ""))
            case Kind.INTEGER:
                return int(self._number(value, ""))
            case Kind.STRING:
                return self._string(value, "", allow_empty=self.allow_empty)
            case Kind.URL:
                text = self._string(value, "", allow_empty=False)
                if not _URL.fullmatch(text):
                    raise _Problem("", f"expected an http:// or https:// URL, got {text!r}")
                return text
            case Kind.MOMENT:
                return self._moment(value)
            case Kind.BOOLEAN:
                if not isinstance(value, bool):
                    raise _Problem("", f"expected true or false, got {type_name(value)}")
                return value
            case Kind.STRINGS | Kind.INTEGERS:
                if not isinstance(value, list | tuple):
                    raise _Problem("", f"expected an {self.kind.value}, got {type_name(value)}")
                item = self._string if self.kind is Kind.STRINGS else self._integer_item
                return tuple(item(v, f"[{i}]") for i, v in enumerate(value))
            case Kind.TEXT_TABLE:
                return self._text_table(value, "")
            case Kind.TABLES:
                table = self._table(value, "")
                return MappingProxyType(
                    {k: self._text_table(v, f".{k}", nested=True) for k, v in table.items()}
                )
        raise AssertionError(self.kind)

    def _table(self, value: object, where: str) -> Mapping[str, object]:
        if not isinstance(value, Mapping):
            raise _Problem(where, f"expected a table, got {type_name(value)}")
        if self.keys is not None and where == "":
            for name in value:
                if name not in self.keys:
                    raise _Problem(f".{name}", f"unknown key (known keys: {', '.join(self.keys)})")
        return value

    def _text_table(self, value: object, where: str, *, nested: bool = False) -> Mapping[str, str]:
        table = self._table(value, where)
        choices = None if nested else self.choices
        return MappingProxyType(
            {
                str(k): self._string(
                    v, f"{where}.{k}", allow_empty=self.allow_empty, choices=choices
                )
                for k, v in table.items()
            }
        )

    def _string(
        self,
        value: object,
        where: str,
        *,
        allow_empty: bool = False,
        choices: tuple[str, ...] | None = None,
    ) -> str:
        if not isinstance(value, str) or not (allow_empty or value.strip()):
            raise _Problem(where, f"expected a non-empty string, got {type_name(value)}")
        choices = choices if choices is not None else (self.choices if where == "" else None)
        text = value.strip()
        if choices is not None and text not in choices and not (allow_empty and not text):
            raise _Problem(where, f"expected one of {', '.join(choices)}, got {value!r}")
        return text

    def _moment(self, value: object) -> datetime:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip())
            except ValueError:
                pass
        raise _Problem("", f"expected a time like 2026-02-11T11:30, got {type_name(value)}")

    def _integer_item(self, value: object, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Problem(where, f"expected an integer, got {type_name(value)}")
        return value

    def _number(self, value: object, where: str) -> float | int:
        integer = self.kind is Kind.INTEGER
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        positive = self.low is not None and (self.low > 0 or not self.low_inclusive)
        if isinstance(value, bool) or not isinstance(value, kinds):
            article = "a positive" if positive else ("an" if integer else "a")
            expected = f"{article} {'integer' if integer else 'number'}"
            raise _Problem(where, f"expected {expected}, got {type_name(value)}")
        if not math.isfinite(value):
            raise _Problem(where, f"must be a finite number, got {value!r}")
        too_low = self.low is not None and (
            value < self.low if self.low_inclusive else value <= self.low
        )
        too_high = self.high is not None and value > self.high
        if too_low or too_high:
            raise _Problem(where, f"must be {self.range_text()}, got {value!r}")
        return value


class ProviderSpec(Struct, frozen=True):
    """Everything known about a provider before it is imported."""

    name: str
    #: ``module:attribute`` of its factory ``(settings) -> Provider``.
    factory: str
    parts: frozenset[Part]
    description: str
    settings: tuple[Setting, ...] = ()

    def __post_init__(self) -> None:
        keys = [s.key for s in self.settings]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.name}: a setting is declared twice")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.settings)

    @property
    def defaults(self) -> dict[str, object]:
        """Key -> default, for the provider classes' keyword defaults."""
        return {s.key: s.default for s in self.settings}

    def setting(self, key: str) -> Setting | None:
        return next((s for s in self.settings if s.key == key), None)

    def check(self, settings: Mapping[str, object]) -> dict[str, object]:
        """The keys set in ``settings``, each validated; unknown keys are a ``SettingError``
        (a typo must not be silently ignored)."""
        unknown = sorted(set(settings) - set(self.keys))
        if unknown:
            raise SettingError(
                self.name,
                unknown[0],
                f"unknown setting; known: {', '.join(sorted(self.keys))}",
            )
        return {
            key: self.setting(key).check(self.name, value)  # type: ignore[union-attr]
            for key, value in settings.items()
        }

    def resolve(self, settings: Mapping[str, object]) -> dict[str, object]:
        """Every setting's value: what ``settings`` says (checked), else its environment
        variable (checked too), else the default."""
        values = self.check(settings)
        for setting in self.settings:
            if setting.key in values:
                continue
            from_env = os.environ.get(setting.env) if setting.env else None
            values[setting.key] = (
                setting.check(self.name, from_env) if from_env else setting.default
            )
        return values


# -- the keys most HTTP providers share: declared here once, each provider picks its default ---


def base_url(default: str | None, *, env: str | None = None) -> Setting:
    return Setting(
        "base_url", Kind.URL, default, "where the API is (a mirror or test server)", env=env
    )


def requests_per_second(default: float | None, *, high: float = 100.0) -> Setting:
    """One request per 100 s at the slowest; beyond ``high`` a source blocks us."""
    return Setting(
        "requests_per_second",
        Kind.NUMBER,
        default,
        "request rate cap",
        low=0.01,
        low_inclusive=True,
        high=high,
    )


def timeout(default: float | None) -> Setting:
    return Setting(
        "timeout",
        Kind.NUMBER,
        default,
        "seconds to wait for an answer",
        low=0.1,
        low_inclusive=True,
        high=600.0,
    )


def within(low: float, high: float) -> dict[str, object]:
    """``Setting`` keywords for an inclusive range (past it a value is a typo, or would
    freeze, crash or flood the monitor)."""
    return {"low": low, "low_inclusive": True, "high": high}


#: What config checks in the table of a plugin (any other keys pass through as written).
PLUGIN_COMMON: tuple[Setting, ...] = (base_url(None), requests_per_second(None), timeout(None))
