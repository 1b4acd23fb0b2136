"""Settings of an Anboto connection (shared/venues/anboto/notes.md §1.2, §1.8).

The reference document (Anboto Trading API v2.0, an early 2024 snapshot, notes §1.1) and
the live venue disagree on how requests are signed (notes §1.2, "External evidence"):

    reference doc            ANBOTO-API-KEY / ANBOTO-TS / ANBOTO-SIGN, hex HMAC over the
                             raw secret, no recv window in the samples
    later docs and examples  X-API-KEY / X-TIMESTAMP / X-SIGN / X-RECV-WINDOW: 5000,
                             base64 HMAC over the base64-decoded secret, comma-joined arrays

So every one of those choices is a setting here, defaulting to the reference doc; the
`AnbotoConfig.official_example_style` preset gives the later one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from gui.venues.http import RateLimit, check_base_url

VENUE = "anboto"
"""Venue name used in orders, reports and errors."""

MAINNET_BASE_URL = "https://api.anboto.xyz"
"""Mainnet, the only host in the reference doc (notes §1.2)."""

LATER_MAINNET_BASE_URL = "https://api.trade.anboto.xyz"
"""Mainnet named by the later docs (notes §1.2, external); not in the reference doc."""

TESTNET_BASE_URL = "https://api.testnet.anboto.xyz"
"""Testnet named by the later docs ("All trades are simulated on testnet"; external)."""

DEFAULT_BATCH_LIMIT = 50
"""Orders per `createMany`/`cancelMany` call. The reference doc gives no maximum (notes
§1.8.8), but the 2025 spec's `BATCH_OVERSIZE` error code (notes §1.4) says one exists; 50
keeps each call small enough to stay under any plausible cap (the notes suggest 100 for
the emulator) while still turning a bulk cancel of hundreds into a handful of requests."""

MAX_SCHEDULE_AHEAD_DAYS = 60
"""An `endTime` further ahead than this is rejected (external Feb-2024 revision, notes §1.5)."""


@dataclass(frozen=True, slots=True)
class SigningHeaders:
    """Names of the four authentication headers.

    Attributes:
        api_key: Header carrying the API key.
        timestamp: Header carrying the epoch-millisecond timestamp.
        signature: Header carrying the signature.
        recv_window: Header carrying the receive window in ms (sent only when
            `AnbotoConfig.recv_window_ms` is set).
    """

    api_key: str = "ANBOTO-API-KEY"
    timestamp: str = "ANBOTO-TS"
    signature: str = "ANBOTO-SIGN"
    recv_window: str = "ANBOTO-RECV-WINDOW"


REFERENCE_HEADERS = SigningHeaders()
"""The reference doc's names. `ANBOTO-TS` is what all 7 parameter tables and 49 code samples
send; the prose's `ANBOTO-TIMESTAMP` appears once (notes §1.2, §1.8.1)."""

X_HEADERS = SigningHeaders("X-API-KEY", "X-TIMESTAMP", "X-SIGN", "X-RECV-WINDOW")
"""The later docs' and the official examples' names (notes §1.2, external)."""


class SignatureEncoding(StrEnum):
    """How an HMAC signature is written (RSA signatures are always base64, reference doc)."""

    HEX = "hex"
    """Lower-case hex: the reference doc's "hex string (HMAC_SHA256)"."""
    BASE64 = "base64"
    """Standard base64 with padding: what the official example client sends (notes §1.2)."""


class SecretDecoding(StrEnum):
    """How the HMAC secret text becomes key bytes."""

    UTF8 = "utf8"
    """The secret's UTF-8 bytes as they are (the reference doc says nothing else)."""
    BASE64 = "base64"
    """Standard base64 ("decode from Base64 into a byte array", later docs; notes §1.2)."""
    BASE64URL = "base64url"
    """URL-safe base64, padding optional (newer secrets per the examples' PR #4)."""


class ArrayEncoding(StrEnum):
    """How an array query parameter (`orderIds`, `clientOrderIds`) is written."""

    REPEAT = "repeat"
    """`orderIds=1&orderIds=2`: OpenAPI's default (form, explode) and what the reference
    doc's Python sample sends through `requests` (notes §1.3 (5))."""
    COMMA = "comma"
    """`orderIds=1,2`: the official example client (notes §1.3 (5))."""


@dataclass(frozen=True, slots=True)
class AnbotoConfig:
    """How to reach and sign for Anboto.

    Attributes:
        base_url: Scheme, host, optional port and path prefix; `/api/v2/trading/...` is
            appended. The path is not signed, so a prefix is allowed.
        headers: Authentication header names (`REFERENCE_HEADERS` or `X_HEADERS`).
        signature_encoding: HMAC signature as hex (reference doc) or base64 (examples).
        secret_decoding: HMAC key = the secret's UTF-8 bytes, or its base64 decoding.
        recv_window_ms: Receive window in ms, sent as the recv-window header and signed
            between the key and the payload; None sends no header and signs nothing there
            (the doc's "(recv_window)" is parenthesised, notes §1.8.2).
        array_encoding: How the `order/find` id lists are written in the query.
        batch_limit: Most orders per `createMany`/`cancelMany` request (see
            `DEFAULT_BATCH_LIMIT`).
        timeout_s: Per-request timeout, in seconds.
        max_requests_per_s: Self-imposed request rate. No limit is documented, but the
            `RATE_LIMIT_EXCEEDED`/`DDOS_PROTECTION` codes say there is one (notes §1.6).
        burst: Requests allowed back to back.
        read_attempts: Attempts per read, including the first; writes are sent once.
        retry_base_delay_s: Wait before the first read retry, in seconds (then doubled).
        retry_max_delay_s: Longest wait between read attempts, in seconds.
    """

    base_url: str = MAINNET_BASE_URL
    headers: SigningHeaders = REFERENCE_HEADERS
    signature_encoding: SignatureEncoding = SignatureEncoding.HEX
    secret_decoding: SecretDecoding = SecretDecoding.UTF8
    recv_window_ms: int | None = None
    array_encoding: ArrayEncoding = ArrayEncoding.REPEAT
    batch_limit: int = DEFAULT_BATCH_LIMIT
    timeout_s: float = 10.0
    max_requests_per_s: float = 10.0
    burst: int = 10
    read_attempts: int = 3
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        check_base_url("AnbotoConfig", self.base_url, MAINNET_BASE_URL)
        names = (
            self.headers.api_key,
            self.headers.timestamp,
            self.headers.signature,
            self.headers.recv_window,
        )
        if any(not name or any(ch.isspace() or ch == ":" for ch in name) for name in names):
            raise ValueError(f"AnbotoConfig.headers must be header names, got {self.headers}")
        if len({name.lower() for name in names}) != len(names):
            raise ValueError(f"AnbotoConfig.headers must be four different names: {names}")
        if self.recv_window_ms is not None and self.recv_window_ms <= 0:
            raise ValueError(
                f"AnbotoConfig.recv_window_ms must be > 0 or None, got {self.recv_window_ms}"
            )
        for name in ("timeout_s", "max_requests_per_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"AnbotoConfig.{name} must be > 0, got {getattr(self, name)}")
        for name in ("batch_limit", "burst", "read_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"AnbotoConfig.{name} must be >= 1, got {getattr(self, name)}")

    @property
    def rate_limit(self) -> RateLimit:
        """The account's one bucket: `max_requests_per_s` per second at the default margin,
        `burst` deep. Our own figure: the doc documents no limit, only the
        `RATE_LIMIT_EXCEEDED`/`DDOS_PROTECTION` codes (notes §1.6)."""
        return RateLimit(
            limit=self.max_requests_per_s,
            window_s=1.0,
            burst=self.burst,
            source="Anboto: none documented (notes §1.6); our own",
        )

    @classmethod
    def official_example_style(cls, base_url: str = LATER_MAINNET_BASE_URL) -> AnbotoConfig:
        """The signing the official example client implements (notes §1.2, external):
        `X-*` headers, a 5000 ms recv window, base64 HMAC over the base64-decoded secret,
        comma-joined id lists."""
        return cls(
            base_url=base_url,
            headers=X_HEADERS,
            signature_encoding=SignatureEncoding.BASE64,
            secret_decoding=SecretDecoding.BASE64,
            recv_window_ms=5000,
            array_encoding=ArrayEncoding.COMMA,
        )
