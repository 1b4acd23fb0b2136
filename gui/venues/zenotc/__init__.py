"""ZenOTC (Orders API): an OTC desk with native amend and cancel-all, no pause or algos.

Modules, as in every venue package: `config` (settings), `auth` (HMAC-SHA256 signing),
`wire` (pydantic models in the venue's spelling, exact JSON), `parsing` (wire <-> domain),
`client` (raw endpoints) and `adapter` (the `VenueClient`). Sources: shared/venues/zenotc/
api-reference.md and its digest notes.md.

Layering: imports `gui.domain`, `gui.venues.base`/`gui.venues.http`, httpx and pydantic only.
"""

from gui.venues.zenotc.adapter import CAPABILITIES, ZenotcAdapter
from gui.venues.zenotc.auth import ZenotcAuth, ZenotcCredentials, sign
from gui.venues.zenotc.client import ZenotcClient, extract_message
from gui.venues.zenotc.config import STAGING_BASE_URL, VENUE, ZenotcConfig

__all__ = [
    "CAPABILITIES",
    "STAGING_BASE_URL",
    "VENUE",
    "ZenotcAdapter",
    "ZenotcAuth",
    "ZenotcClient",
    "ZenotcConfig",
    "ZenotcCredentials",
    "extract_message",
    "sign",
]
