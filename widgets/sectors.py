"""The Sectors pane: sectors ranked by move, with breadth and each one's leader and laggard,
over the day or (``h``) over 5D / 1M / since the anchor date, by the index methodology."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from widgets.format import DOWN, MISSING, UP, clean, pct
from widgets.pane import Cell, Column, Pane
from widgets.views import SectorRow


def advance_decline(advances: int, declines: int) -> Text:
    text = Text()
    text.append(str(advances), style=UP)
    text.append("/")
    text.append(str(declines), style=DOWN)
    return text


def named_move(symbol: str | None, change: float | None) -> Text:
    if symbol is None:
        return Text(MISSING)
    return Text(clean(symbol) + " ").append_text(pct(change, arrowed=False, decimals=1))


class SectorsPane(Pane):
    """Enter on a sector opens its leader (the stock that moved it most)."""

    TITLE = "Sectors"
    SORTS = ("change", "A/D", "name")
    HORIZONED = True
    COLUMNS = (
        Column("Sector", 14, align="left", flex=True),
        Column("Chg", 7),
        Column("A/D", 7),
        Column("5D", 6, priority=5),
        Column("1M", 6, priority=6),
        Column("Median", 6, priority=4),
        Column("Leader", 17, align="left", priority=2),
        Column("Laggard", 17, align="left", priority=3),
    )
    #: Over a longer horizon the Chg column is that horizon's: no separate 5D/1M.
    LONGER = tuple(c for c in COLUMNS if c.title not in ("5D", "1M"))

    def columns(self) -> tuple[Column, ...]:
        return self.COLUMNS if self.horizon == "Day" else self.LONGER

    def horizon_rows(self) -> tuple[SectorRow, ...]:
        assert self.view is not None
        if self.horizon == "Day":
            return self.view.sectors
        found = self.view.horizon(self.horizon, self.anchor_index)
        return found.sectors if found is not None else ()

    def table_rows(self) -> Sequence[SectorRow]:
        rows = self.matching(self.horizon_rows(), lambda r: (r.sector, r.leader, r.laggard))
        if self.sort_key == "A/D":
            rows.sort(key=lambda r: (-(r.advances - r.declines), r.sector))
        elif self.sort_key == "name":
            rows.sort(key=lambda r: r.sector)
        return rows

    def row_key(self, row: object) -> str | None:
        assert isinstance(row, SectorRow)
        return row.leader

    def row_cells(self, row: object) -> Sequence[Cell]:
        assert isinstance(row, SectorRow)
        longer: tuple[Cell, ...] = (
            (
                lambda: pct(row.change_5d_pct, arrowed=False),
                lambda: pct(row.change_1m_pct, arrowed=False),
            )
            if self.horizon == "Day"
            else ()
        )
        return (  # the columns a narrow pane drops are made only when shown
            clean(row.sector),
            pct(row.change_pct),
            advance_decline(row.advances, row.declines),
            *longer,
            lambda: pct(row.median_pct, arrowed=False),
            lambda: named_move(row.leader, row.leader_pct),
            lambda: named_move(row.laggard, row.laggard_pct),
        )
