"""The demo market's listed companies and indices: who exists, how big, in which sector.

Everything here is fixed for a seed; prices move in ``market``. Free-float market caps
(rupees crore, at the demo's epoch) follow the heavy-tailed shape of the Indian market: a few
lakh-crore giants, a long tail of micro caps. Ranks come from those caps, so segments and
index membership follow rank (``Segment.for_rank``), with the small segment running to rank
``SMALL_LAST`` — wide enough for a day of 873 advancers and 335 decliners, as in the real
small-cap universe. The classification is made once, at the epoch, and kept (as a list
reviewed rarely would be), so index levels never jump.
"""

from __future__ import annotations

import numpy as np
from msgspec import Struct

from providers.contract import CAP_SEGMENTS, Segment
from providers.demo import names


class SectorDef(Struct, frozen=True):
    name: str
    weight: float  # share of listed companies
    large_tilt: float  # > 1: over-represented among large caps (banks), < 1: among small
    suffixes: tuple[str, ...]


SECTORS: tuple[SectorDef, ...] = (
    SectorDef("Banks", 0.035, 4.0, ("Bank", "Finance Bank", "Co-operative Bank")),
    SectorDef("Financial Services", 0.07, 2.0, ("Finserv", "Capital", "Fincorp", "Credit")),
    SectorDef("IT", 0.07, 2.2, ("Infotech", "Softsys", "Datalabs", "Technologies", "Digital")),
    SectorDef("Pharma", 0.08, 1.4, ("Pharma", "Lifesciences", "Biotech", "Remedies", "Labs")),
    SectorDef("Auto", 0.06, 1.6, ("Motors", "Autocomp", "Auto Parts", "Wheels", "Forgings")),
    SectorDef(
        "Capital Goods",
        0.10,
        1.0,
        ("Engineering", "Heavy Industries", "Machines", "Electricals", "Switchgear"),
    ),
    SectorDef("Defence", 0.02, 1.5, ("Defence Systems", "Aerospace", "Shipbuilders", "Avionics")),
    SectorDef(
        "Chemicals", 0.09, 0.8, ("Polychem", "Chemicals", "Organics", "Fluorotech", "Dyestuffs")
    ),
    SectorDef(
        "Fertilisers", 0.02, 0.7, ("Fertilisers", "Agrotech", "Crop Nutrients", "Phosphates")
    ),
    SectorDef("Textiles", 0.07, 0.3, ("Textiles", "Spinning Mills", "Fabrics", "Denim", "Yarns")),
    SectorDef("Power", 0.04, 2.0, ("Power", "Energy", "Renewables", "Transmission")),
    SectorDef("Railways", 0.02, 1.0, ("Railtech", "Rail Systems", "Wagons", "Locomotives")),
    SectorDef("FMCG", 0.06, 1.8, ("Consumer", "Foods", "Beverages", "Home Care", "Agro Foods")),
    SectorDef("Metals", 0.05, 1.2, ("Steel", "Alloys", "Metals", "Ferro Alloys", "Castings")),
    SectorDef("Realty", 0.04, 0.8, ("Realty", "Estates", "Buildcon", "Developers")),
    SectorDef("Cement", 0.02, 1.3, ("Cements", "Cement Works")),
    SectorDef("Oil & Gas", 0.02, 3.0, ("Petro", "Oil & Gas", "Gas Distribution")),
    SectorDef("Infrastructure", 0.04, 0.8, ("Infraprojects", "Constructions", "Roadways")),
    SectorDef("Consumer Durables", 0.03, 1.0, ("Appliances", "Electronics", "Home Appliances")),
    SectorDef("Telecom", 0.01, 2.5, ("Telecom", "Communications")),
    SectorDef("Media", 0.02, 0.5, ("Media", "Entertainment", "Broadcast")),
    SectorDef("Logistics", 0.02, 0.8, ("Logistics", "Shipping", "Freight")),
)


class IndexDef(Struct, frozen=True):
    """An index: members are ranks ``first``..``last`` (1-based, inclusive) by free-float cap."""

    name: str
    exchange: str
    segment: Segment
    first: int
    last: int
    base_level: float  # level on the first day of generated history


INDICES: tuple[IndexDef, ...] = (
    IndexDef("NIFTY 50", "NSE", Segment.LARGE, 1, 50, 24_000.0),
    IndexDef("SENSEX", "BSE", Segment.LARGE, 1, 30, 79_000.0),
    IndexDef("NIFTY MIDCAP 100", "NSE", Segment.MID, 101, 200, 55_000.0),
    IndexDef("BSE MIDCAP", "BSE", Segment.MID, 101, 250, 45_000.0),
    IndexDef("NIFTY SMALLCAP 100", "NSE", Segment.SMALL, 251, 350, 17_500.0),
    IndexDef("NIFTY SMALLCAP 250", "NSE", Segment.SMALL, 251, 500, 16_500.0),
    IndexDef("BSE SMALLCAP", "BSE", Segment.SMALL, 251, 1000, 52_000.0),
    IndexDef("NIFTY MICROCAP 250", "NSE", Segment.MICRO, 1501, 1750, 22_000.0),
)

#: The last small-cap rank of the demo market (the segment holds ranks 251..SMALL_LAST).
SMALL_LAST = 1500
#: The smallest universe that fills every index (NIFTY MICROCAP 250 ends at rank 1750).
MIN_STOCKS = max(index.last for index in INDICES)

#: (rank, free-float cap in crore) anchors; caps in between are log-log interpolated.
_CAP_ANCHORS = ((1, 1.0e6), (10, 2.5e5), (50, 8.0e4), (100, 4.5e4), (250, 1.5e4), (500, 5.0e3),
                (1000, 1.6e3), (2000, 350.0), (5000, 40.0), (20000, 5.0))  # fmt: skip

#: Per segment (CAP_SEGMENTS order): probabilities of a 20%, 10%, 5% and 2% price band
#: (exchanges put the smallest, least liquid and surveilled stocks on the narrow bands).
_BAND_CHOICES = np.array([20.0, 10.0, 5.0, 2.0])
_BAND_PROBS = (
    (0.9, 0.1, 0.0, 0.0),
    (0.55, 0.35, 0.1, 0.0),
    (0.35, 0.35, 0.25, 0.05),
    (0.15, 0.3, 0.4, 0.15),
)
#: Per segment: market beta, daily idiosyncratic volatility, the daily chance of a news jump
#: (results, orders, a block deal: a 5-25% move) and of not trading at all (closes unchanged).
_BETA = np.array([0.9, 1.1, 1.25, 1.35])
_IDIO_VOL = np.array([0.014, 0.02, 0.03, 0.034])
_JUMP_CHANCE = np.array([0.002, 0.004, 0.011, 0.014])
#: Per band (_BAND_CHOICES order): idiosyncratic volatility relative to the segment's — the
#: narrow bands hold the least traded stocks.
_BAND_VOL = np.array([1.0, 1.0, 0.8, 0.5])
_IDLE_CHANCE = np.array([0.0, 0.002, 0.015, 0.035])


class Universe(Struct, frozen=True, eq=False):
    """Column arrays, one entry per company, ordered by rank (index 0 = largest)."""

    symbols: tuple[str, ...]
    names: tuple[str, ...]
    sector: np.ndarray  # int codes into SECTORS
    segment: np.ndarray  # int codes into CAP_SEGMENTS
    ffmc: np.ndarray  # free-float market cap (crore) at the epoch
    price: np.ndarray  # price at the epoch, rupees
    band: np.ndarray  # price band, percent
    beta: np.ndarray
    idio_vol: np.ndarray  # daily idiosyncratic volatility
    jump_chance: np.ndarray  # daily chance of a 5-25% news move
    idle_chance: np.ndarray  # daily chance of no trade (close = previous close)
    turnover: np.ndarray  # typical daily traded value as a fraction of free float

    @property
    def size(self) -> int:
        return len(self.symbols)

    @property
    def free_float_shares(self) -> np.ndarray:
        """Shares in free float; constant, so ffmc at any price is shares * price."""
        return self.ffmc * 1e7 / self.price

    def members(self, index: IndexDef) -> np.ndarray:
        """Positions (= rank - 1) of the index's members."""
        return np.arange(index.first - 1, min(index.last, self.size))


def _caps(rng: np.random.Generator, count: int) -> np.ndarray:
    ranks = np.arange(1, count + 1, dtype=float)
    log_rank = np.log([r for r, _ in _CAP_ANCHORS])
    log_cap = np.log([c for _, c in _CAP_ANCHORS])
    caps = np.exp(np.interp(np.log(ranks), log_rank, log_cap) + rng.normal(0.0, 0.2, count))
    return np.sort(caps)[::-1]


def _sectors(rng: np.random.Generator, segment: np.ndarray) -> np.ndarray:
    weight = np.array([s.weight for s in SECTORS])
    tilt = np.array([s.large_tilt for s in SECTORS])
    largeness = np.array([1.0, 0.5, 0.0, -0.3])[segment]  # micro leans the other way
    probs = weight[None, :] * tilt[None, :] ** largeness[:, None]
    cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(segment))[:, None]
    return np.minimum((draws > cumulative).sum(axis=1), len(SECTORS) - 1)


#: (names, symbols) of a universe's companies, in rank order.
Labels = tuple[tuple[str, ...], tuple[str, ...]]


def build(seed: int, count: int, labels: Labels | None = None) -> Universe:
    """The universe for ``seed``: ``count`` companies, ranked by free-float market cap.

    ``labels``: the names and symbols an earlier build of this seed and count drew (the path
    cache keeps them): drawing them is the last use of the generator and ~10 ms of thousands
    of scalar draws, so taking them as given changes nothing else."""
    if count < MIN_STOCKS:
        raise ValueError(f"the demo market needs at least {MIN_STOCKS} stocks, got {count}")
    rng = np.random.default_rng([seed, 0])
    ffmc = _caps(rng, count)
    segment = np.array(
        [CAP_SEGMENTS.index(Segment.for_rank(r, SMALL_LAST)) for r in range(1, count + 1)]
    )
    sector = _sectors(rng, segment)
    price = np.round(np.clip(np.exp(rng.normal(5.6, 1.1, count)), 12.0, 40_000.0) * 20) / 20
    band_draw = rng.random(count)
    band_cum = np.cumsum(np.array(_BAND_PROBS), axis=1)[segment]
    band_code = np.minimum((band_draw[:, None] > band_cum).sum(axis=1), 3)
    band = _BAND_CHOICES[band_code]
    beta = _BETA[segment] + rng.normal(0.0, 0.15, count)
    idio_vol = _IDIO_VOL[segment] * _BAND_VOL[band_code] * np.exp(rng.normal(0.0, 0.25, count))
    turnover = np.exp(rng.normal(np.log(0.004), 0.6, count))
    if labels is None:
        drawn = names.generate(rng, [SECTORS[code].suffixes for code in sector])
        labels = (tuple(drawn[0]), tuple(drawn[1]))
    return Universe(
        symbols=labels[1],
        names=labels[0],
        sector=sector,
        segment=segment,
        ffmc=ffmc,
        price=price,
        band=band,
        beta=beta,
        idio_vol=idio_vol,
        jump_chance=_JUMP_CHANCE[segment],
        idle_chance=_IDLE_CHANCE[segment],
        turnover=turnover,
    )
