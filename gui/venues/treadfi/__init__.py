"""Tread.fi (Core Order API): an algo-execution broker with native pause, resume and amend.

Modules, as in every venue package: `config` (settings), `auth` (the `Token` header),
`wire` (pydantic models in the venue's spelling), `parsing` (wire <-> domain), `client`
(raw endpoints) and `adapter` (the `VenueClient`). Sources: shared/venues/treadfi/
api-reference.md and its digest notes.md.

Layering: imports `gui.domain`, `gui.venues.base`/`gui.venues.http`, httpx and pydantic only.
"""

from gui.venues.treadfi.adapter import CAPABILITIES, TreadfiAdapter
from gui.venues.treadfi.auth import TreadfiAuth
from gui.venues.treadfi.client import TreadfiClient, extract_message
from gui.venues.treadfi.config import VENUE, TreadfiConfig

__all__ = [
    "CAPABILITIES",
    "VENUE",
    "TreadfiAdapter",
    "TreadfiAuth",
    "TreadfiClient",
    "TreadfiConfig",
    "extract_message",
]
