"""A snapshot as JSON, CSV or plain-text tables, for ``capwatch snapshot`` and scripts.

The JSON keys are a public interface: later versions add keys but never rename these. Every
time is ISO 8601 with its offset, every date ISO 8601; prices and caps are rounded to 2
decimals, percentages to 2. ``None`` stays ``null`` ("not known", never zero). Imports neither
textual nor pandas (the history functions take a frame their caller built).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from providers.contract import (
    Breadth,
    IndexQuote,
    InstitutionalFlow,
    RatingChange,
    Snapshot,
    StockQuote,
)
from tui.history.codec import Layout, Style, encoder

if TYPE_CHECKING:
    import pandas as pd


def _num(value: float, places: int = 2) -> float:
    return round(value, places) + 0.0  # no "-0.0" in the output


def _pairs(*keys: str | tuple[str, str]) -> Layout:
    return tuple((k, k) if isinstance(k, str) else k for k in keys)


#: The public JSON layout of each contract type (key order is part of the interface; the
#: contract types not named here are written field by field).
_LAYOUTS: dict[type, Layout] = {
    IndexQuote: _pairs(
        "name",
        "exchange",
        "segment",
        "last",
        "prev_close",
        "change_pct",
        "open",
        "high",
        "low",
        "year_high",
        "year_low",
        "advances",
        "declines",
        "unchanged",
        "time",
    ),
    StockQuote: _pairs(
        "symbol",
        "name",
        "sector",
        "segment",
        "last",
        "prev_close",
        "change_pct",
        "volume",
        "ffmc",
        "band_pct",
        "day_high",
        "day_low",
        "time",
    ),
    RatingChange: _pairs(
        "symbol", "name", "kind", ("from", "from_rating"), ("to", "to_rating"), "at", "source"
    ),
    InstitutionalFlow: _pairs(
        ("date", "day"), "fii_buy", "fii_sell", "fii_net", "dii_buy", "dii_sell", "dii_net"
    ),
    Snapshot: _pairs(
        "provider",
        "simulated",
        "as_of",
        "status",
        "indices",
        "breadth",
        "stocks",
        "ratings",
        "earnings",
        "members",
        "flows",
        "announcements",
        "sources",
        "errors",
    ),
}
#: Rounded numbers, plain ISO 8601 times with offsets, Part-ordered maps.
PUBLIC = Style(number=_num, moment=datetime.isoformat, layouts=_LAYOUTS, enum_order=True)
#: Columns of ``stocks_csv``, in order (the JSON stock object has the same keys).
STOCK_COLUMNS = tuple(key for key, _ in _LAYOUTS[StockQuote])
_stock_row = encoder(StockQuote, PUBLIC)


def snapshot_to_dict(
    snapshot: Snapshot,
    *,
    extra: Mapping[str, object] | None = None,
    index_extra: Mapping[str, Mapping[str, object]] | None = None,
) -> dict[str, object]:
    """The JSON-ready form of ``snapshot``.

    ``extra`` adds top-level keys (e.g. analytics' ``segments``); ``index_extra`` adds keys to
    the index object of that name (e.g. ``change_5d_pct``). Neither may replace a key.
    """
    out: dict[str, object] = encoder(Snapshot, PUBLIC)(snapshot)  # type: ignore[assignment]
    for row in out["indices"]:  # type: ignore[attr-defined]
        row.update(_additions(row, (index_extra or {}).get(row["name"], {})))
    out.update(_additions(out, extra or {}))
    return out


def _additions(base: Mapping[str, object], extra: Mapping[str, object]) -> dict[str, object]:
    clash = sorted(set(base) & set(extra))
    if clash:
        raise ValueError(f"extra keys would replace snapshot keys: {', '.join(clash)}")
    return dict(extra)


def to_json(snapshot: Snapshot, **kwargs: object) -> str:
    """Stable, indented JSON (same snapshot, same bytes); kwargs go to ``snapshot_to_dict``."""
    data = snapshot_to_dict(snapshot, **kwargs)  # type: ignore[arg-type]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def stocks_csv(snapshot: Snapshot) -> str:
    """One row per stock with ``STOCK_COLUMNS`` (the stocks table; indices are in JSON)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=STOCK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for quote in snapshot.stocks:
        writer.writerow(_stock_row(quote))
    return buffer.getvalue()


# -- daily history ---------------------------------------------------------------------------


def _history_rows(frame: pd.DataFrame) -> list[tuple[str, list[float | None]]]:
    """(ISO date, closes rounded, None where unknown) per row of a wide closes frame."""
    values = frame.to_numpy(dtype=float, na_value=float("nan"))
    return [
        (stamp.date().isoformat(), [None if v != v else _num(v) for v in row])  # v != v: NaN
        for stamp, row in zip(frame.index, values.tolist(), strict=True)
    ]


def history_csv(frame: pd.DataFrame) -> str:
    """``date,<name>,...`` then one row per trading day, oldest first; unknown = empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["date", *map(str, frame.columns)])
    for day, row in _history_rows(frame):
        writer.writerow([day, *("" if v is None else v for v in row)])
    return buffer.getvalue()


def history_json(frame: pd.DataFrame, provider: str, simulated: bool, before: date) -> str:
    """``{"provider", "simulated", "before", "columns", "closes": [{"date", <name>: close}]}``:
    the same rows as ``history_csv``; ``before`` is the snapshot's day the rows lead up to."""
    columns = [str(name) for name in frame.columns]
    data = {
        "provider": provider,
        "simulated": simulated,
        "before": before.isoformat(),
        "columns": columns,
        "closes": [
            {"date": day, **dict(zip(columns, row, strict=True))}
            for day, row in _history_rows(frame)
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# -- plain-text tables ---------------------------------------------------------------------


def _fmt_num(value: float | None, places: int = 2) -> str:
    return "-" if value is None else f"{value:,.{places}f}"


def _fmt_pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}%"


def _fmt_int(value: int | None) -> str:
    return "-" if value is None else str(value)


def _ratio(breadth: Breadth) -> str:
    """Advance/decline ratio by the analytics rule (``tui.analytics.breadth.ad_ratio``)."""
    from tui.analytics.breadth import ad_ratio

    ratio = ad_ratio(breadth.advances, breadth.declines)
    return "-" if ratio is None else f"{ratio:.2f}x"


#: The widest a name may be in a text table: a 5,000-character sector name must not make every
#: row 5,000 columns wide (the JSON and CSV outputs keep the whole text).
MAX_NAME_CHARS = 40


def cut(name: str) -> str:
    """``name`` for a table column: cut to ``MAX_NAME_CHARS`` with an ellipsis."""
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def text_table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: str = "") -> str:
    """Aligned columns; ``right`` has an "r" at each position to right-align."""
    rows = [list(row) for row in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            c.rjust(w) if right[i : i + 1] == "r" else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def to_table(snapshot: Snapshot) -> str:
    """Indices and breadth by segment and index as the provider reported them (the
    analytics' tables, movers included, follow in ``tui.output.report``)."""
    label = "DEMO (simulated)" if snapshot.simulated else snapshot.provider
    status = f" · {snapshot.status.message}" if snapshot.status else ""
    parts = [f"capwatch snapshot — {label} · as of {snapshot.as_of.isoformat()}{status}"]
    if snapshot.indices:
        parts.append(
            text_table(
                ("INDEX", "EXCH", "LAST", "CHANGE", "ADV", "DEC", "UNCH"),
                (
                    (
                        cut(q.name),
                        q.exchange,
                        _fmt_num(q.last),
                        _fmt_pct(q.change_pct),
                        _fmt_int(q.advances),
                        _fmt_int(q.declines),
                        _fmt_int(q.unchanged),
                    )
                    for q in snapshot.indices
                ),
                right="  rrrrr",
            )
        )
    if snapshot.breadth:
        parts.append(
            text_table(
                ("BREADTH", "ADV", "DEC", "UNCH", "A/D"),
                (
                    (cut(b.scope), str(b.advances), str(b.declines), str(b.unchanged), _ratio(b))
                    for b in snapshot.breadth
                ),
                right=" rrrr",
            )
        )
    counts = []
    if snapshot.ratings:
        counts.append(f"{len(snapshot.ratings)} rating changes")
    if snapshot.earnings:
        counts.append(f"{len(snapshot.earnings)} results/board meetings ahead or today")
    if counts:
        parts.append("; ".join(counts) + " (see --format json)")
    for part, message in snapshot.errors.items():
        parts.append(f"error in {part.value}: {message}")
    return "\n\n".join(parts) + "\n"
