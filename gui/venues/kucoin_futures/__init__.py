"""KuCoin Futures (classic futures order API): a derivatives exchange sized in whole lots.

Modules, as in every venue package: `config` (settings and documented limits), `auth`
(`KC-API-*` HMAC signing), `wire`/`wire_requests` (pydantic models in the venue's spelling),
`envelope` (the `code` envelope -> domain errors), `transport` (signed, throttled requests,
clock re-sync), `client` (raw endpoints), `parsing` (wire -> domain), `tickets` (domain
ticket -> order body, venue rules) and `adapter` (the `VenueClient`). Sources:
shared/venues/kucoin-futures/api-reference.md and its digest notes.md.

Layering: imports `gui.domain`, `gui.venues.base`/`gui.venues.http`, httpx and pydantic only.
"""

from gui.venues.kucoin_futures.adapter import (
    CAPABILITIES,
    KucoinCredentials,
    KucoinFuturesAdapter,
)
from gui.venues.kucoin_futures.auth import KucoinAuth
from gui.venues.kucoin_futures.client import KucoinFuturesClient
from gui.venues.kucoin_futures.config import VENUE, KucoinFuturesConfig

__all__ = [
    "CAPABILITIES",
    "VENUE",
    "KucoinAuth",
    "KucoinCredentials",
    "KucoinFuturesAdapter",
    "KucoinFuturesClient",
    "KucoinFuturesConfig",
]
