"""The Gainers and Losers panes: top stocks of the segment by % change, with price band hits;
over the day or (``h``) over 5D / 1M / since the anchor date."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar

from rich.text import Text

from widgets.format import BOLD, clean, pct, price, volume
from widgets.pane import Column, Pane
from widgets.views import MoverRow, SegmentView

_BANDS = {"upper": Text("UC", style=BOLD), "lower": Text("LC", style=BOLD)}


class MoversPane(Pane):
    """Shared by Gainers and Losers; ``rows_of`` picks which list of the view to draw."""

    #: "at band": every stock of the segment at its price band (not only the top N).
    SORTS = ("change", "volume", "name", "at band")
    HORIZONED = True
    COLUMNS = (
        Column("#", 2, priority=4),
        Column("Symbol", 10, align="left"),
        Column("Name", 14, align="left", priority=3, flex=True),
        Column("Last", 9),
        Column("Chg", 7),
        Column("", 2, align="left", priority=1),  # UC / LC: at the upper / lower price band
        Column("Vol", 6, priority=2),
        Column("Sector", 14, align="left", priority=5),
    )
    WAITING = "waiting for quotes…"
    side: ClassVar[str] = "gainers"

    def rows_of(self, view: SegmentView) -> tuple[MoverRow, ...]:
        if self.sort_key == "at band":
            return view.upper_band if self.side == "gainers" else view.lower_band
        if self.horizon != "Day":
            found = view.horizon(self.horizon, self.anchor_index)
            if found is None:
                return ()
            return found.gainers if self.side == "gainers" else found.losers
        return view.gainers if self.side == "gainers" else view.losers

    def table_rows(self) -> Sequence[tuple[int, MoverRow]]:
        """(rank by % change, row) pairs: the rank stays with the stock whatever the sort."""
        assert self.view is not None
        ranked = enumerate(self.rows_of(self.view), start=1)
        rows = self.matching(ranked, lambda item: (item[1].symbol, item[1].name))
        if self.sort_key == "volume":
            rows.sort(key=lambda item: -item[1].volume)
        elif self.sort_key == "name":
            rows.sort(key=lambda item: item[1].symbol)
        return rows

    def row_key(self, row: object) -> str | None:
        return row[1].symbol  # type: ignore[index]

    def reads(self, view: SegmentView) -> object:
        """The rows listed (as the sort and horizon pick them) and the count at the band."""
        return self.rows_of(view), self._band_count(view)

    def row_cache_key(self, row: object) -> Hashable:
        return row  # (rank, MoverRow): the cells are made of these alone

    def row_cells(self, row: object) -> Sequence[str | Text]:
        rank, r = row  # type: ignore[misc]
        return (
            str(rank),
            clean(r.symbol),
            clean(r.name),
            price(r.last),
            pct(r.change_pct),
            _BANDS.get(r.band or "", ""),
            volume(r.volume),
            clean(r.sector),
        )

    def subtitle(self) -> str:
        """How many of the segment's stocks sit at the price band (all of them, not only
        those listed: ``s`` to "by at band" lists every one)."""
        words = [super().subtitle()]
        if self.view is not None and (count := self._band_count(self.view)):
            words.insert(0, f"{count} at {'UC' if self.side == 'gainers' else 'LC'}")
        return " ".join(w for w in words if w)

    def _band_count(self, view: SegmentView) -> int:
        return view.upper_band_count if self.side == "gainers" else view.lower_band_count


class GainersPane(MoversPane):
    TITLE = "Gainers"
    side = "gainers"


class LosersPane(MoversPane):
    TITLE = "Losers"
    side = "losers"
