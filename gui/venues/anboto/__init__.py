"""Anboto (Trading API v2.0): an algo-execution broker routing parent orders to Binance and
Bybit, with TWAP/VWAP/ICEBERG/STOP_LOSS strategies, asynchronous cancels and fill totals
only.

Modules, as in every venue package: `config` (settings, incl. the configurable signing
style), `auth` (HMAC-SHA256 / RSA-SHA256 signing), `wire` (pydantic models in the venue's
spelling, exact JSON), `parsing` (wire <-> domain), `client` (the seven raw endpoints) and
`adapter` (the `VenueClient`). Sources: shared/venues/anboto/api-reference.md and its
digest notes.md.

Layering: imports `gui.domain`, `gui.venues.base`/`gui.venues.http`, httpx, pydantic and
cryptography only.
"""

from gui.venues.anboto.adapter import CAPABILITIES, AnbotoAdapter
from gui.venues.anboto.auth import AnbotoAuth, AnbotoCredentials, string_to_sign
from gui.venues.anboto.client import AnbotoClient, extract_message
from gui.venues.anboto.config import (
    REFERENCE_HEADERS,
    VENUE,
    X_HEADERS,
    AnbotoConfig,
    ArrayEncoding,
    SecretDecoding,
    SignatureEncoding,
    SigningHeaders,
)

__all__ = [
    "CAPABILITIES",
    "REFERENCE_HEADERS",
    "VENUE",
    "X_HEADERS",
    "AnbotoAdapter",
    "AnbotoAuth",
    "AnbotoClient",
    "AnbotoConfig",
    "AnbotoCredentials",
    "ArrayEncoding",
    "SecretDecoding",
    "SignatureEncoding",
    "SigningHeaders",
    "extract_message",
    "string_to_sign",
]
