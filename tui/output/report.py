"""Segment views as JSON-ready objects and plain-text tables, for ``capwatch snapshot``.

The JSON keys are a public interface (``tui.output.export`` adds them to the snapshot object):
``segments`` is a list, one object per segment in ``Segment`` order (or just the one asked
for, ``watch`` included): breadth; the segment's index-style ``change_pct`` and
``change_5d_pct``; ``upper_band``/``lower_band``, how many of its stocks sit at their price
band; movers; sectors with their 5D and 1M changes; ``breakouts`` lists and counts,
``oversold``/``overbought`` and ``flows``. Every index object gains ``change_5d_pct``,
``change_1m_pct``, ``change_ytd_pct``, ``since`` (per anchor date) and ``relative`` (points
against the benchmark for the day, 5D, 1M and each anchor); ``alerts`` lists the alerts that
would fire, each with ``at``, ``rule``, ``subject``, ``value`` and ``message``. Percentages
and ratios are rounded to 2 decimals; ``None`` stays ``null`` (not known, never zero).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from providers.contract import Segment
from tui.output.export import cut, text_table
from widgets.views import SIGNALS, AlertRow, FlowsView, MoverRow, Scope, SegmentView, SignalRow

EVERY_SEGMENT: tuple[Scope, ...] = tuple(Segment)


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 2) + 0.0  # + 0.0: no "-0.0"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}%"


def _movers_json(rows: tuple[MoverRow, ...]) -> list[dict[str, object]]:
    return [{"symbol": r.symbol, "change_pct": _num(r.change_pct)} for r in rows]


def _signals_json(rows: tuple[SignalRow, ...]) -> list[dict[str, object]]:
    return [
        {
            "symbol": r.symbol,
            "last": _num(r.last),
            "change_pct": _num(r.change_pct),
            "rsi": _num(r.rsi),
            "volume_ratio": _num(r.volume_ratio),
        }
        for r in rows
    ]


def _flows_json(flows: FlowsView | None) -> dict[str, object] | None:
    if flows is None:
        return None
    return {
        "date": flows.day.isoformat(),
        "fii_net": _num(flows.fii_net),
        "dii_net": _num(flows.dii_net),
        "month_fii_net": _num(flows.month_fii_net),
        "month_dii_net": _num(flows.month_dii_net),
        "month_days": flows.month_days,
    }


def segments_json(
    views: Mapping[Scope, SegmentView], scopes: Sequence[Scope] = EVERY_SEGMENT
) -> list[dict[str, object]]:
    """The ``segments`` list: breadth, change, band hits, movers and sectors of each of
    ``scopes``."""
    out = []
    for segment in scopes:
        view = views[segment]
        out.append(
            {
                "id": segment.value,
                "advances": view.breadth.advances,
                "declines": view.breadth.declines,
                "unchanged": view.breadth.unchanged,
                "ad_ratio": _num(view.breadth.ad_ratio),
                "change_pct": _num(view.change_pct),
                "change_5d_pct": _num(view.change_5d_pct),
                "upper_band": view.upper_band_count,
                "lower_band": view.lower_band_count,
                "gainers": _movers_json(view.gainers),
                "losers": _movers_json(view.losers),
                "sectors": [
                    {
                        "sector": row.sector,
                        "change_pct": _num(row.change_pct),
                        "change_5d_pct": _num(row.change_5d_pct),
                        "change_1m_pct": _num(row.change_1m_pct),
                        "advances": row.advances,
                        "declines": row.declines,
                    }
                    for row in view.sectors
                ],
                "breakouts": {
                    "counts": {signal: view.signal_count(signal) for signal in SIGNALS},
                    "lists": {
                        signal: _signals_json(view.breakouts.rows(signal)) for signal in SIGNALS
                    },
                },
                "oversold": _signals_json(view.oversold),
                "overbought": _signals_json(view.overbought),
                "flows": _flows_json(view.flows),
            }
        )
    return out


def alerts_json(alerts: Sequence[AlertRow]) -> list[dict[str, object]]:
    """The ``alerts`` list."""
    return [
        {
            "at": alert.at.isoformat(),
            "rule": alert.rule,
            "subject": alert.subject,
            "value": alert.value,
            "message": alert.message,
        }
        for alert in alerts
    ]


def index_horizons_json(views: Mapping[Scope, SegmentView]) -> dict[str, dict[str, object]]:
    """Per index name, the horizon keys its JSON object gains."""
    view = views[Segment.ALL]
    anchors = [day.isoformat() for day in view.anchors]
    out: dict[str, dict[str, object]] = {}
    for row in view.indices:
        relative = row.relative
        out[row.name] = {
            "change_5d_pct": _num(row.change_5d_pct),
            "change_1m_pct": _num(row.change_1m_pct),
            "change_ytd_pct": _num(row.change_ytd_pct),
            "since": {day: _num(v) for day, v in zip(anchors, row.since_pcts, strict=True)},
            "relative": None
            if relative is None
            else {
                "benchmark": relative.benchmark,
                "day": _num(relative.day),
                "5d": _num(relative.five_day),
                "1m": _num(relative.one_month),
                "since": {day: _num(v) for day, v in zip(anchors, relative.since, strict=True)},
            },
        }
    return out


def segments_table(
    views: Mapping[Scope, SegmentView], anchor: date | None, scopes: Sequence[Scope] = EVERY_SEGMENT
) -> str:
    """The same figures as ``segments_json`` and the index horizons, as aligned text tables."""
    since = f"SINCE {anchor:%d %b %Y}".upper() if anchor else "SINCE"
    parts = [
        text_table(
            ("INDEX", "DAY", "5D", "1M", "YTD", since, "CALL"),
            (
                (
                    r.name,
                    _pct(r.change_pct),
                    _pct(r.change_5d_pct),
                    _pct(r.change_1m_pct),
                    _pct(r.change_ytd_pct),
                    _pct(r.since_anchor_pct),
                    r.call or "-",
                )
                for r in views[Segment.ALL].indices
            ),
            right=" rrrrr",
        ),
        text_table(
            ("SEGMENT", "ADV", "DEC", "UNCH", "A/D", "DAY", "RANK", "5D", "RANK 5D"),
            (
                (
                    segment.value,
                    str(view.breadth.advances),
                    str(view.breadth.declines),
                    str(view.breadth.unchanged),
                    "-" if view.breadth.ad_ratio is None else f"{view.breadth.ad_ratio:.2f}x",
                    _pct(view.change_pct),
                    "-" if view.rank_today is None else str(view.rank_today),
                    _pct(view.change_5d_pct),
                    "-" if view.rank_5d is None else str(view.rank_5d),
                )
                for segment, view in ((s, views[s]) for s in scopes)
            ),
            right=" rrrrrrrr",
        ),
    ]
    movers = []
    for segment in scopes:
        view = views[segment]
        for label, rows in (("gainers", view.gainers), ("losers", view.losers)):
            listed = ", ".join(f"{r.symbol} {_pct(r.change_pct)}" for r in rows) or "-"
            movers.append((segment.value if label == "gainers" else "", label, listed))
    parts.append(text_table(("SEGMENT", "MOVERS", "STOCKS"), movers))
    sectors = [
        (segment.value, cut(row.sector), _pct(row.change_pct), str(row.advances), str(row.declines))
        for segment in scopes
        for row in views[segment].sectors
    ]
    parts.append(text_table(("SEGMENT", "SECTOR", "CHANGE", "ADV", "DEC"), sectors, "  rrr"))
    return "\n\n".join(parts) + "\n"
