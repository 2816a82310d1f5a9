"""The config file: TOML read with tomllib into a frozen ``Config``, validated strictly.

Strict because a typo that is silently ignored (``[refresh] opne = 5``) costs the user an
afternoon: unknown keys, wrong types and malformed TOML raise one ``ConfigError`` naming the
file, the dotted key and, where it can be found, the line. Nothing here writes the file.

With no config file ``Config()`` applies: every data kind comes from the demo market.
``default_config_text()`` (written by ``capwatch config --init``) selects the live sources.
Command-line flags beat the file: ``Config.with_overrides``.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Collection, Mapping
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from msgspec import Struct, field
from msgspec.structs import replace

from providers import registry
from providers.contract import Part
from providers.schema import PLUGIN_COMMON, SettingError
from providers.schema import type_name as _type_name
from tui.alerts.terminal import Delivery, Desktop
from tui.market.clock import SpecialSession
from tui.market.schedule import MAX_INTERVAL_S, MIN_INTERVAL_S, Refresh

if TYPE_CHECKING:
    from tui.alerts import rules as alert_rules

#: Accepted ranges of the numeric settings: beyond them a value is a typo, or would freeze,
#: crash or flood the monitor (an ``inf`` interval, 5,000 years of retention, 1e-300 requests
#: per second). ``Range(low, high)`` is inclusive.


class Range(Struct, frozen=True):
    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int | float) and self.low <= value <= self.high


INTERVAL_RANGE = Range(MIN_INTERVAL_S, MAX_INTERVAL_S)
MOVERS_RANGE = Range(1, 500)
DAILY_YEARS_RANGE = Range(1, 100)


def _frozen(value: Mapping | None = None) -> Mapping:
    return MappingProxyType(dict(value or {}))


def _deep_freeze(value: object) -> object:
    """TOML values made immutable (tables -> read-only mappings, arrays -> tuples)."""
    if isinstance(value, dict):
        return MappingProxyType({k: _deep_freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_deep_freeze(v) for v in value)
    return value


class Sources(Struct, frozen=True):
    """Which providers supply each data kind, first choice first, then fallbacks."""

    indices: tuple[str, ...] = ("demo",)
    stocks: tuple[str, ...] = ("demo",)
    breadth: tuple[str, ...] = ("demo",)
    ratings: tuple[str, ...] = ("demo",)
    earnings: tuple[str, ...] = ("demo",)
    status: tuple[str, ...] = ("demo",)
    history: tuple[str, ...] = ("demo",)
    flows: tuple[str, ...] = ("demo",)
    announcements: tuple[str, ...] = ("demo",)

    def for_part(self, part: Part) -> tuple[str, ...]:
        return getattr(self, part.value)

    def routes(self) -> dict[str, tuple[str, ...]]:
        """Data kind -> providers, kinds with none left out: the ``routes`` argument of
        ``providers.compose.build_from_config``."""
        return {part.value: names for part in Part if (names := self.for_part(part))}

    def provider_names(self) -> tuple[str, ...]:
        """Every provider named, each once, in order of first mention."""
        names = (name for part in Part for name in self.for_part(part))
        return tuple(dict.fromkeys(names))


class ProviderSettings(Struct, frozen=True):
    """A ``[providers.NAME]`` table: the common knobs plus provider-specific ``extra`` keys."""

    base_url: str | None = None
    requests_per_second: float | None = None
    timeout: float | None = None
    extra: Mapping[str, object] = field(default_factory=_frozen)

    def as_mapping(self) -> Mapping[str, object]:
        """What ``providers.registry.create(name, settings)`` receives (unset keys left out)."""
        common = {
            "base_url": self.base_url,
            "requests_per_second": self.requests_per_second,
            "timeout": self.timeout,
        }
        return _frozen({**{k: v for k, v in common.items() if v is not None}, **self.extra})


class Display(Struct, frozen=True):
    movers: int = 10
    #: Anchor dates for the "since" column; the first is shown. None set: the start of the
    #: Indian financial year (1 April), which moves with the calendar.
    anchors: tuple[date, ...] = ()
    #: The index the relative columns measure against.
    benchmark: str = "NIFTY 50"
    watchlist: tuple[str, ...] = ()
    theme: str = "textual-dark"


class Retention(Struct, frozen=True):
    """How long the history store keeps daily closes (years)."""

    daily_years: int = 3


#: Where ``capwatch feed`` publishes when neither ``--publish`` nor ``[feed] url`` says.
DEFAULT_FEED_URL = "nats://127.0.0.1:4222"


class FeedSettings(Struct, frozen=True):
    """``[feed]``: the NATS server a collector publishes to and viewers read from.

    ``url`` set makes bare ``capwatch`` a viewer; ``market`` names the subjects, so one server
    can carry several feeds; credentials are a ``user``/``password`` pair or a ``token``;
    ``tls_ca`` (and a client ``tls_cert``/``tls_key``) turn on TLS.
    """

    url: str | None = None
    market: str = "india"
    user: str | None = None
    password: str | None = None
    token: str | None = None
    tls_ca: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None


class ServeSettings(Struct, frozen=True):
    """``[serve]``: ``password`` is required to bind ``capwatch serve`` beyond localhost."""

    password: str | None = None


class Config(Struct, frozen=True):
    """Everything configurable. ``path`` is the file it came from (None: built-in defaults)."""

    path: Path | None = None
    sources: Sources = field(default_factory=Sources)
    providers: Mapping[str, ProviderSettings] = field(default_factory=_frozen)
    refresh: Refresh = field(default_factory=Refresh)
    display: Display = field(default_factory=Display)
    special_sessions: tuple[SpecialSession, ...] = ()
    history: Retention = field(default_factory=Retention)
    feed: FeedSettings = field(default_factory=FeedSettings)
    serve: ServeSettings = field(default_factory=ServeSettings)
    alerts: tuple[alert_rules.Rule, ...] = ()
    notifications: Delivery = field(default_factory=Delivery)

    def provider_settings(self, name: str) -> Mapping[str, object]:
        """Settings for provider ``name`` (empty when it has no table)."""
        settings = self.providers.get(name)
        return settings.as_mapping() if settings else _frozen()

    def all_provider_settings(self) -> dict[str, Mapping[str, object]]:
        """Provider name -> settings for every provider named in ``sources`` (the
        ``provider_settings`` argument of ``providers.compose.build_from_config``)."""
        return {name: self.provider_settings(name) for name in self.sources.provider_names()}

    def with_overrides(
        self,
        *,
        interval: float | None = None,
        movers: int | None = None,
        anchor: date | str | None = None,
        provider: str | None = None,
        provider_parts: Collection[Part] | None = None,
    ) -> Config:
        """This config with command-line flags applied (None = flag not given).

        ``interval`` sets the open-market refresh (and raises the closed one to at least it);
        ``anchor`` becomes the shown anchor date; ``provider`` supplies every data kind, or,
        when ``provider_parts`` (what it supplies, from the registry) is given, every kind it
        supplies while the others get no provider.
        Raises ``ValueError`` naming the flag when a value is unusable.
        """
        config = self
        if interval is not None:
            if interval not in INTERVAL_RANGE:
                raise ValueError(
                    f"--interval must be {INTERVAL_RANGE.low:g} to {INTERVAL_RANGE.high:g} "
                    f"seconds, got {interval}"
                )
            closed = max(self.refresh.closed, interval)
            config = replace(config, refresh=replace(self.refresh, open=interval, closed=closed))
        if movers is not None:
            if movers not in MOVERS_RANGE:
                raise ValueError(f"--movers must be 1 to {MOVERS_RANGE.high:g}, got {movers}")
            config = replace(config, display=replace(config.display, movers=movers))
        if anchor is not None:
            day = _parse_anchor_flag(anchor)
            rest = tuple(d for d in config.display.anchors if d != day)
            config = replace(config, display=replace(config.display, anchors=(day, *rest)))
        if provider is not None:
            every = {
                part.value: (provider,) if provider_parts is None or part in provider_parts else ()
                for part in Part
            }
            config = replace(config, sources=replace(config.sources, **every))
        return config


def _parse_anchor_flag(anchor: date | str) -> date:
    if isinstance(anchor, date):
        return anchor
    try:
        return date.fromisoformat(anchor)
    except ValueError:
        raise ValueError(f"--anchor must be a date like 2025-04-07, got {anchor!r}") from None


class ConfigError(Exception):
    """A config problem, as one message naming the file, the key and (if known) the line."""

    def __init__(
        self, file: Path | str | None, key: str | None, problem: str, line: int | None = None
    ) -> None:
        self.file = str(file) if file is not None else "<config>"
        self.key = key
        self.problem = problem
        self.line = line
        where = self.file + (f", line {line}" if line else "")
        what = f"{key}: {problem}" if key else problem
        super().__init__(f"config error in {where}: {what}")


# ---------------------------------------------------------------------------------------------
# Reading and validation


class _Reader:
    """Validates one parsed file; every failure raises a ``ConfigError`` with the key's line."""

    def __init__(self, file: Path, text: str) -> None:
        self.file = file
        self.text = text

    def fail(self, key: str, problem: str) -> NoReturn:
        raise ConfigError(self.file, key, problem, _locate(self.text, key))

    def table(self, value: object, key: str, known: Collection[str] | None) -> dict:
        if not isinstance(value, dict):
            self.fail(key, f"expected a table, got {_type_name(value)}")
        if known is not None:
            for name in value:
                if name not in known:
                    self.fail(_join(key, name), _unknown_key_hint(name, known, key))
        return value

    def string(self, value: object, key: str, *, allow_empty: bool = False) -> str:
        if not isinstance(value, str) or not (allow_empty or value.strip()):
            self.fail(key, f"expected a non-empty string, got {_type_name(value)}")
        return value.strip()

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            self.fail(key, f"expected true or false, got {_type_name(value)}")
        return value

    def number(
        self, value: object, key: str, *, integer: bool = False, within: Range | None = None
    ) -> float:
        """A finite positive number (an integer when ``integer``), inside ``within``."""
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            expected = "a positive integer" if integer else "a positive number"
            self.fail(key, f"expected {expected}, got {_type_name(value)}")
        if not math.isfinite(value):
            self.fail(key, f"must be a finite number, got {value!r}")
        if within is not None:
            if value not in within:
                self.fail(key, f"must be {within.low:g} to {within.high:g}, got {value!r}")
        elif not value > 0:
            self.fail(key, f"must be > 0, got {value!r}")
        return value

    def strings(self, value: object, key: str, *, allow_empty: bool = True) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(key, f"expected an array of strings, got {_type_name(value)}")
        if not value and not allow_empty:
            self.fail(key, "must not be empty")
        return tuple(self.string(item, f"{key}[{i}]") for i, item in enumerate(value))

    def day(self, value: object, key: str) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.fail(key, f"expected a date like 2025-04-07, got {_type_name(value)}")

    def clock_time(self, value: object, key: str) -> time:
        if isinstance(value, time):
            return value
        if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", value.strip()):
            try:
                return time.fromisoformat(value.strip().zfill(5))
            except ValueError:
                pass
        self.fail(key, f"expected a time like 18:15 (IST), got {_type_name(value)}")


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


#: The plain keys of each section, for checking and for "it belongs in [display]" hints.
SECTION_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "sources": tuple(part.value for part in Part),
        "refresh": ("open", "closed", "heartbeat"),
        "display": ("movers", "anchors", "benchmark", "watchlist", "theme"),
        "history": ("daily_years",),
        "feed": ("url", "market", "user", "password", "token", "tls_ca", "tls_cert", "tls_key"),
        "serve": ("password",),
        "notifications": ("bell", "desktop"),
    }
)


def _unknown_key_hint(name: str, known: Collection[str], parent: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    home = [section for section, keys in SECTION_KEYS.items() if name in keys]
    if close:
        hint = f"did you mean {close[0]!r}?"
    elif home and home[0] != parent:
        hint = f"it belongs in [{home[0]}]"
    else:
        hint = f"known keys: {', '.join(sorted(known))}"
    return f"unknown key ({hint})"


_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _normal_key(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def _locate(text: str, dotted: str) -> int | None:
    """Best-effort line number of ``dotted`` (e.g. ``special_sessions[1].start``) in ``text``;
    None when not found (the message then names only the key)."""
    table = ""
    seen_arrays: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER_RE.match(line):
            name = _normal_key(header.group(2))
            if header.group(1) == "[[":
                seen_arrays[name] = seen_arrays.get(name, -1) + 1
                name = f"{name}[{seen_arrays[name]}]"
            table = name
            if table == dotted:
                return number
        elif (key := _KEY_RE.match(line)) and _join(table, _normal_key(key.group(1))) == dotted:
            return number
    # not written out (an array item, a missing key): point at the enclosing key or table
    enclosing = re.fullmatch(r"(.+)(\[\d+\]|\.[^.\[\]]+)", dotted)
    return _locate(text, enclosing.group(1)) if enclosing else None


def _toml_syntax_line(exc: tomllib.TOMLDecodeError) -> tuple[int | None, str]:
    """(line, message without the position) from tomllib's "... (at line 3, column 5)"."""
    message = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if not found:
        return getattr(exc, "lineno", None), message
    return int(found.group(1)), f"{message[: found.start()]} (column {found.group(2)})"


#: Data kinds added after configs were first written; see ``_read_sources``.
LATER_KINDS = (Part.FLOWS.value, Part.ANNOUNCEMENTS.value)


def _read_sources(reader: _Reader, data: object) -> Sources:
    kinds = [part.value for part in Part]
    table = reader.table(data, "sources", SECTION_KEYS["sources"])
    values: dict[str, object] = {}
    for kind in kinds:
        if kind in table:
            values[kind] = reader.strings(table[kind], f"sources.{kind}")
    named = {name for names in values.values() for name in names}  # type: ignore[attr-defined]
    if named - {"demo"}:  # a live config written before these kinds existed: none, not demo
        for kind in LATER_KINDS:
            values.setdefault(kind, ())
    return Sources(**values)


def _read_provider(reader: _Reader, name: str, data: object) -> ProviderSettings:
    """A built-in's table checked against its declared ``SPEC``; a plugin's common keys
    checked, the rest passed on as written (frozen)."""
    key = f"providers.{name}"
    spec = registry.builtin_spec(name) if name in registry.BUILTINS else None
    table = reader.table(data, key, spec.keys if spec else None)
    declared = {s.key: s for s in (spec.settings if spec else PLUGIN_COMMON)}
    values: dict[str, object] = {}
    for item, value in table.items():
        setting = declared.get(item)
        if setting is None:
            values[item] = _deep_freeze(value)
            continue
        try:
            values[item] = setting.check(name, value)
        except SettingError as exc:
            reader.fail(f"{key}.{exc.key}", exc.problem)
    return ProviderSettings(
        base_url=values.pop("base_url", None),  # type: ignore[arg-type]
        requests_per_second=values.pop("requests_per_second", None),  # type: ignore[arg-type]
        timeout=values.pop("timeout", None),  # type: ignore[arg-type]
        extra=_frozen(values),
    )


def _read_refresh(reader: _Reader, data: object) -> Refresh:
    table = reader.table(data, "refresh", SECTION_KEYS["refresh"])
    return Refresh(
        **{
            k: float(reader.number(v, f"refresh.{k}", within=INTERVAL_RANGE))
            for k, v in table.items()
        },
    )


def _read_display(reader: _Reader, data: object) -> Display:
    table = reader.table(data, "display", SECTION_KEYS["display"])
    values: dict[str, object] = {}
    if "movers" in table:
        values["movers"] = int(
            reader.number(table["movers"], "display.movers", integer=True, within=MOVERS_RANGE)
        )
    if "anchors" in table:
        anchors = table["anchors"]
        if not isinstance(anchors, list):
            reader.fail("display.anchors", f"expected an array of dates, got {_type_name(anchors)}")
        values["anchors"] = tuple(
            reader.day(item, f"display.anchors[{i}]") for i, item in enumerate(anchors)
        )
    if "benchmark" in table:
        values["benchmark"] = reader.string(table["benchmark"], "display.benchmark")
    if "watchlist" in table:
        symbols = reader.strings(table["watchlist"], "display.watchlist")
        values["watchlist"] = tuple(s.upper() for s in symbols)
    if "theme" in table:
        values["theme"] = reader.string(table["theme"], "display.theme")
    return Display(**values)


def _read_special_sessions(reader: _Reader, data: object) -> tuple[SpecialSession, ...]:
    if not isinstance(data, list):
        reader.fail("special_sessions", "expected [[special_sessions]] tables")
    sessions = []
    for i, item in enumerate(data):
        key = f"special_sessions[{i}]"
        table = reader.table(item, key, ["date", "start", "end", "name"])
        for required in ("date", "start", "end"):
            if required not in table:
                reader.fail(f"{key}.{required}", "missing (date, start and end are required)")
        start = reader.clock_time(table["start"], f"{key}.start")
        end = reader.clock_time(table["end"], f"{key}.end")
        if start >= end:
            reader.fail(f"{key}.end", f"must be after start ({start:%H:%M})")
        name = reader.string(table["name"], f"{key}.name") if "name" in table else None
        day = reader.day(table["date"], f"{key}.date")
        sessions.append(SpecialSession(day, start, end, *([name] if name else [])))
    return tuple(sessions)


def _read_alerts(reader: _Reader, data: object) -> tuple[alert_rules.Rule, ...]:
    """``[[alerts]]``: each table's keys checked for its kind, ids unique."""
    from tui.alerts import rules as alert_rules  # only a config with alerts needs them

    if not isinstance(data, list):
        reader.fail("alerts", "expected [[alerts]] tables")
    rules: list[alert_rules.Rule] = []
    for i, item in enumerate(data):
        key = f"alerts[{i}]"
        table = reader.table(item, key, None)
        for required in ("id", "kind"):
            if required not in table:
                reader.fail(f"{key}.{required}", "missing (every alert needs an id and a kind)")
        try:
            kind = alert_rules.parse_kind(table["kind"])
            reader.table(table, key, alert_rules.keys_for(kind))
            rule = alert_rules.build(table)
        except alert_rules.RuleError as exc:
            reader.fail(f"{key}.{exc.key}", exc.problem)
        if any(other.id == rule.id for other in rules):
            reader.fail(f"{key}.id", f"{rule.id!r} is used by another alert; ids must differ")
        rules.append(rule)
    return tuple(rules)


def _read_notifications(reader: _Reader, data: object) -> Delivery:
    table = reader.table(data, "notifications", SECTION_KEYS["notifications"])
    values: dict[str, object] = {}
    if "bell" in table:
        values["bell"] = reader.boolean(table["bell"], "notifications.bell")
    if "desktop" in table:
        choice = table["desktop"]
        if choice not in tuple(Desktop):
            known = ", ".join(f'"{d.value}"' for d in Desktop)
            reader.fail("notifications.desktop", f"expected one of {known}, got {choice!r}")
        values["desktop"] = Desktop(choice)
    return Delivery(**values)  # type: ignore[arg-type]


#: ``[history]`` keys that no longer do anything; files written with them still load.
#: ``intraday_days``: the store keeps no intraday breadth since schema v4.
RETIRED_HISTORY_KEYS = ("intraday_days",)


def _read_retention(reader: _Reader, data: object) -> Retention:
    table = reader.table(data, "history", (*SECTION_KEYS["history"], *RETIRED_HISTORY_KEYS))
    return Retention(
        **{
            k: int(reader.number(v, f"history.{k}", integer=True, within=DAILY_YEARS_RANGE))
            for k, v in table.items()
            if k not in RETIRED_HISTORY_KEYS
        }
    )


def _read_feed(reader: _Reader, data: object) -> FeedSettings:
    table = reader.table(data, "feed", SECTION_KEYS["feed"])
    values = {key: reader.string(value, f"feed.{key}") for key, value in table.items()}
    if "url" in values and urlsplit(values["url"]).scheme not in ("nats", "tls"):
        reader.fail(
            "feed.url", f"expected nats://HOST:PORT or tls://HOST:PORT, got {values['url']!r}"
        )
    if "market" in values and not re.fullmatch(r"[A-Za-z0-9_-]+", values["market"]):
        reader.fail("feed.market", "letters, digits, '-' and '_' only (it names NATS subjects)")
    if "token" in values and "user" in values:
        reader.fail("feed.token", "give a token or a user and password, not both")
    if "password" in values and "user" not in values:
        reader.fail("feed.password", "a password needs a user")
    if "tls_key" in values and "tls_cert" not in values:
        reader.fail("feed.tls_key", "a key needs tls_cert")
    for key in ("tls_ca", "tls_cert", "tls_key"):
        if key in values:
            values[key] = str(Path(values[key]).expanduser())
    return FeedSettings(**values)


def _read_serve(reader: _Reader, data: object) -> ServeSettings:
    table = reader.table(data, "serve", SECTION_KEYS["serve"])
    if "password" in table:
        password = reader.string(table["password"], "serve.password")
        if len(password) < 12:
            reader.fail("serve.password", "use at least 12 characters")
        return ServeSettings(password=password)
    return ServeSettings()


_SECTIONS = (
    "sources",
    "providers",
    "refresh",
    "display",
    "special_sessions",
    "history",
    "feed",
    "serve",
    "alerts",
    "notifications",
)


def parse_config(
    text: str, file: Path | str = "<config>", known_providers: Collection[str] | None = None
) -> Config:
    """Validate TOML ``text`` (from ``file``, used in messages) into a ``Config``.

    With ``known_providers``, every provider named in ``[sources]`` must be one of them.
    """
    path = Path(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_syntax_line(exc)
        raise ConfigError(path, None, f"invalid TOML: {message}", line) from None
    reader = _Reader(path, text)
    reader.table(data, "", _SECTIONS)
    values: dict[str, object] = {"path": path}
    if "sources" in data:
        values["sources"] = _read_sources(reader, data["sources"])
    if "providers" in data:
        providers = reader.table(data["providers"], "providers", None)
        values["providers"] = _frozen(
            {name: _read_provider(reader, name, table) for name, table in providers.items()}
        )
    sections = {
        "refresh": _read_refresh,
        "display": _read_display,
        "special_sessions": _read_special_sessions,
        "history": _read_retention,
        "feed": _read_feed,
        "serve": _read_serve,
        "alerts": _read_alerts,
        "notifications": _read_notifications,
    }
    for name, read in sections.items():  # the Config field of each is named as its table
        if name in data:
            values[name] = read(reader, data[name])
    config = Config(**values)
    if known_providers is not None:
        _check_provider_names(reader, config.sources, known_providers)
    return config


def _check_provider_names(reader: _Reader, sources: Sources, known: Collection[str]) -> None:
    for part in Part:
        for i, name in enumerate(sources.for_part(part)):
            if name not in known:
                reader.fail(
                    f"sources.{part.value}[{i}]",
                    f"unknown provider {name!r} (known: {', '.join(sorted(known))})",
                )


def error_at(config: Config, key: str, problem: str) -> ConfigError:
    """A ``ConfigError`` about ``key`` found after reading (e.g. an unknown theme, which only
    the UI can judge), with its line in the file ``config`` came from."""
    try:
        text = config.path.read_text(encoding="utf-8") if config.path else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    return ConfigError(config.path, key, problem, _locate(text, key) if text else None)


def load_config(path: Path | str, known_providers: Collection[str] | None = None) -> Config:
    """Read and validate the config file at ``path``; a missing or unreadable file is a
    ``ConfigError`` too (callers decide whether a missing default file means defaults)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(path, None, "file not found") from None
    except OSError as exc:
        raise ConfigError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, f"not UTF-8 text (byte {exc.start})") from None
    return parse_config(text, path, known_providers)


def load_config_or_default(
    path: Path | str, *, explicit: bool, known_providers: Collection[str] | None = None
) -> Config:
    """The config at ``path``, or the built-in defaults when it does not exist and the user
    did not name it (``explicit``: from ``--config`` or ``CAPWATCH_CONFIG``)."""
    if not explicit and not Path(path).exists():
        return Config()
    return load_config(path, known_providers)


_REFRESH = Refresh()


def _said(name: str, key: str) -> str:
    """A built-in's default for ``key`` as TOML, from its SPEC (so the template cannot drift)."""
    value = registry.builtin_spec(name).defaults[key]
    return f'"{value}"' if isinstance(value, str) else f"{value:g}"  # type: ignore[str-format]


@cache
def default_config_text() -> str:
    """The commented default config (``capwatch config --init``), with each built-in's
    defaults read from its SPEC. Built on first use: reading NSE's SPEC imports its modules,
    which no start of the monitor needs."""
    nse, bse, yahoo = (
        {key: _said(name, key) for key in ("base_url", "requests_per_second", "timeout")}
        for name in ("nse", "bse", "yahoo")
    )
    return f"""\
# capwatch configuration (TOML). Written by `capwatch config --init`;
# check it with `capwatch config --check`. Command-line flags override these values.
# Times are IST. Unknown keys are errors, so typos do not go unnoticed.

[sources]
# Providers per data kind, first choice first, then fallbacks.
# Built-ins: nse, bse, yahoo, files, demo; plugins add more (`capwatch providers`).
indices = ["nse", "bse", "yahoo"]  # levels from NSE and BSE together; Yahoo if both fail
stocks = ["nse"]               # constituents' quotes (movers, sectors, breadth)
breadth = ["nse"]              # advances/declines; add "bse" for BSE indices
ratings = ["files"]            # analyst rating changes from your file, see [providers.files]
earnings = ["nse"]             # results calendar; "bse" and "files" also supply it
status = ["nse"]               # market open/closed
history = ["nse"]              # daily closes to backfill 5D, 1M, YTD, moving averages
flows = ["nse"]                # FII/DII net cash flows (left out of a live config: none)
announcements = ["nse"]        # corporate announcements (left out of a live config: none)

[providers.nse]
base_url = {nse["base_url"]}
requests_per_second = {nse["requests_per_second"]:<8} # NSE blocks faster clients for 10 minutes
timeout = {nse["timeout"]:<20} # seconds

[providers.bse]
base_url = {bse["base_url"]}
requests_per_second = {bse["requests_per_second"]}
timeout = {bse["timeout"]}

[providers.yahoo]
base_url = {yahoo["base_url"]}
requests_per_second = {yahoo["requests_per_second"]}
timeout = {yahoo["timeout"]}
# max_age_hours = {_said("yahoo", "max_age_hours"):<11} # reject quotes older than this
# [providers.yahoo.symbols]    # index name -> Yahoo symbol
# "NIFTY 50" = "^NSEI"
# "SENSEX" = "^BSESN"

[providers.files]
# A CSV or JSON file or URL of analyst rating changes / earnings (formats: README).
# ratings = "~/ratings.csv"
# earnings = "~/earnings.csv"

[refresh]
open = {_REFRESH.open:<23g} # seconds between refreshes while the market is open
closed = {_REFRESH.closed:<21g} # while closed but opening within two hours
heartbeat = {_REFRESH.heartbeat:<18g} # nights, weekends and holidays

[display]
movers = 10                    # gainers/losers per segment
# anchors = [2025-04-07]       # "since" dates, first shown first, key a cycles (default: FY start)
benchmark = "NIFTY 50"         # the index the Rel columns subtract
watchlist = []                 # symbols, e.g. ["RELIANCE", "TCS"]
theme = "textual-dark"         # any Textual theme name

[history]
daily_years = 3                # keep daily closes this many years

[feed]
# One collector (`capwatch feed`) publishes to a NATS server; with `url` set, bare
# `capwatch` is a viewer of it (README: "Share one monitor").
# url = "nats://127.0.0.1:4222"
# market = "india"            # names the subjects: several feeds can share one server
# user = "desk"               # credentials: user and password, or a token
# password = "..."
# tls_ca = "~/certs/ca.pem"     # TLS: the server's CA (and tls_cert / tls_key for a client cert)

[serve]
# `capwatch serve --host` beyond localhost needs a password (HTTP basic auth, any user name).
# password = "at least 12 characters"
[notifications]
bell = true                    # ring the terminal bell when an alert fires
desktop = "off"                # "osc9" or "osc777": a desktop notification through the terminal

# Alerts (README, "Alerts"): each has a stable id and a kind. For example:
# [[alerts]]
# id = "small-breadth"
# kind = "breadth"             # a segment's A/D ratio
# segment = "small"
# above = 2.5

# Extra sessions, e.g. Muhurat trading on Diwali (IST times):
# [[special_sessions]]
# date = 2026-11-08
# start = "18:00"
# end = "19:00"
# name = "Muhurat trading"
"""
