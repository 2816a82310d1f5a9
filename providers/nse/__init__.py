"""NSE India (www.nseindia.com) website JSON: unofficial, personal use, low request rates."""

from providers.nse.payloads import PastLevel
from providers.nse.provider import NseProvider, create
from providers.nse.settings import BASE_URL_ENV, NseSettings

__all__ = ["BASE_URL_ENV", "NseProvider", "NseSettings", "PastLevel", "create"]
