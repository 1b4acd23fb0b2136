"""DFX Labs spot: Limit and Market (by quote amount) orders, Ed25519-signed requests.

Modules, as in every venue package: `config` (settings, documented rates), `auth`
(Ed25519 signing), `wire` (pydantic models in the venue's spelling, exact JSON),
`envelope` (the `{"code", "msg"}` envelope and its errors), `encoding` (query, form and
JSON text as signed), `parsing` (wire <-> domain),
`tickets` (per-symbol size rules), `client` (raw endpoints) and `adapter` (the
`VenueClient`). Sources: shared/venues/dfx/api-reference.md and its digest notes.md.

Layering: imports `gui.domain`, `gui.venues.base`/`gui.venues.http`/`gui.venues.wire_types`,
httpx, pydantic and cryptography only.
"""

from gui.venues.dfx.adapter import DfxAdapter, capabilities
from gui.venues.dfx.auth import (
    DfxAuth,
    DfxCredentials,
    load_private_key,
    public_key_base64,
    sign,
    string_to_sign,
)
from gui.venues.dfx.client import DfxClient
from gui.venues.dfx.config import PRODUCTION_BASE_URL, VENUE, DfxConfig, DfxRateLimits

__all__ = [
    "PRODUCTION_BASE_URL",
    "VENUE",
    "DfxAdapter",
    "DfxAuth",
    "DfxClient",
    "DfxConfig",
    "DfxCredentials",
    "DfxRateLimits",
    "capabilities",
    "load_private_key",
    "public_key_base64",
    "sign",
    "string_to_sign",
]
