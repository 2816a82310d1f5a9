"""Data in: the contract, the Provider protocol, the registry and one module per source.

Imports neither textual nor the tui/widgets packages.
"""

from providers.base import BadPayload, Provider, ProviderError, ProviderUnavailable, RateLimited
from providers.contract import (
    ANALYST_SCALE,
    CAP_SEGMENTS,
    IST,
    TECHNICAL_SCALE,
    Breadth,
    EarningsEvent,
    EarningsStatus,
    IndexQuote,
    MarketPhase,
    MarketStatus,
    Part,
    RatingChange,
    RatingKind,
    Segment,
    Snapshot,
    StockQuote,
)

__all__ = [
    "ANALYST_SCALE",
    "CAP_SEGMENTS",
    "IST",
    "TECHNICAL_SCALE",
    "BadPayload",
    "Breadth",
    "EarningsEvent",
    "EarningsStatus",
    "IndexQuote",
    "MarketPhase",
    "MarketStatus",
    "Part",
    "Provider",
    "ProviderError",
    "ProviderUnavailable",
    "RateLimited",
    "RatingChange",
    "RatingKind",
    "Segment",
    "Snapshot",
    "StockQuote",
]
