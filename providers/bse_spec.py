"""The BSE provider's declaration: its settings and the data kinds it supplies. Light, so
config checking and ``capwatch providers`` need not import the provider."""

from __future__ import annotations

from providers.contract import Part, Segment
from providers.schema import (
    Kind,
    ProviderSpec,
    Setting,
    base_url,
    requests_per_second,
    timeout,
    within,
)

API_PATH = "/BseIndiaAPI/api"
BASE_URL = "https://api.bseindia.com"  # the API path is added by providers.bse.api_root
#: BSE answers faster clients with errors; the cap protects the user's IP.
MAX_REQUESTS_PER_SECOND = 8.0

SPEC = ProviderSpec(
    name="bse",
    factory="providers.bse:create",
    parts=frozenset({Part.INDICES, Part.BREADTH, Part.STOCKS, Part.EARNINGS}),
    description="BSE India website JSON (unofficial)",
    settings=(
        base_url(BASE_URL),
        requests_per_second(5.0, high=MAX_REQUESTS_PER_SECOND),
        timeout(10.0),
        Setting(
            "mover_indices",
            Kind.TEXT_TABLE,
            {"BSE SMALLCAP": Segment.SMALL.value, "BSE MIDCAP": Segment.MID.value},
            "indices whose gainers/losers are fetched -> the cap segment each stands for",
            choices=tuple(s.value for s in Segment),
        ),
        Setting("index_names", Kind.TEXT_TABLE, {}, "index name -> BSE's spelling of it"),
        Setting(
            "earnings_days",
            Kind.INTEGER,
            14,
            "days of forthcoming results to list",
            **within(1, 366),
        ),
        Setting(
            "index_board",
            Kind.INTEGERS,
            (1,),
            "MktCapBoard categories to read index levels from",
        ),
    ),
)
