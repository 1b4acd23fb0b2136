"""Settings of a ZenOTC connection (shared/venues/zenotc/notes.md §3.1, §3.2, §3.5).

ZenOTC trades an `asset` against an implicit USD quote (notes §3.1, §3.7.10): the desk's
pair `BTC-USD` is the venue's asset `BTC`. The Orders API has no instrument endpoint, so
the assets offered on the ticket are configured here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gui.venues.http import RateLimit, check_base_url

VENUE = "zenotc"
"""Venue name used in orders, reports and errors."""

PRODUCTION_BASE_URL = "https://api.zenotc.com"
"""Production API (doc curl samples; notes §3.2)."""

STAGING_BASE_URL = "https://api-staging.zenotc.com"
"""Staging API (external "Environments" page, notes §3.2); not in the reference doc."""

QUOTE_ASSET = "USD"
"""The implicit quote of every asset (fees are in `"USD"`, notes §3.1, §3.7.10)."""

MAX_CLIENT_ORDER_ID_LEN = 64
"""Longest `clientOrderId` the venue takes (doc "Create Order": "max 64 chars")."""

MAX_BATCH_ORDERS = 100
"""Most orders per `POST /api/sdk/orders/batch` (doc "Create Batch Orders")."""

MAX_PAGE_LIMIT = 100
"""Largest `limit` of `GET /api/sdk/orders` (doc "List Orders": "max 100")."""

DEFAULT_ASSETS: tuple[str, ...] = ("BTC", "ETH", "SOL", "XRP", "DOGE", "AVAX", "LINK")
"""Assets offered when none are configured (the doc names BTC and ETH; no list exists)."""


@dataclass(frozen=True, slots=True)
class ZenotcConfig:
    """How to reach ZenOTC.

    Attributes:
        base_url: Scheme, host, optional port and path prefix; production by default,
            `STAGING_BASE_URL` for staging. The `/api/sdk/...` paths are appended.
        assets: Asset symbols offered as `<ASSET>-USD` instruments (upper case).
        timeout_s: Per-request timeout, in seconds.
        max_requests_per_s: Self-imposed request rate: the documented limit for "All Other
            Endpoints" is 10 requests/second (notes §3.5).
        burst: Requests allowed back to back; 1 keeps every one-second window at or under
            the limit.
        page_limit: Orders per page when listing all pages (at most `MAX_PAGE_LIMIT`).
        max_pages: Pages read at most by one all-pages listing (a guard against a venue that
            ignores `page`).
        read_attempts: Attempts per read, including the first; writes are sent once.
        retry_base_delay_s: Wait before the first read retry, in seconds (then doubled).
        retry_max_delay_s: Longest wait between read attempts, in seconds; a 429 asking
            for longer is surfaced instead.
    """

    base_url: str = PRODUCTION_BASE_URL
    assets: tuple[str, ...] = DEFAULT_ASSETS
    timeout_s: float = 10.0
    max_requests_per_s: float = 10.0
    burst: int = 1
    page_limit: int = MAX_PAGE_LIMIT
    max_pages: int = 1000
    read_attempts: int = 3
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        check_base_url("ZenotcConfig", self.base_url, PRODUCTION_BASE_URL)
        for asset in self.assets:
            if not asset or asset != asset.strip().upper() or "-" in asset or "," in asset:
                raise ValueError(
                    f"ZenotcConfig.assets must be upper-case symbols such as 'BTC', got {asset!r}"
                )
        for name in ("timeout_s", "max_requests_per_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"ZenotcConfig.{name} must be > 0, got {getattr(self, name)}")
        if not 1 <= self.page_limit <= MAX_PAGE_LIMIT:
            raise ValueError(
                f"ZenotcConfig.page_limit must be 1-{MAX_PAGE_LIMIT}, got {self.page_limit}"
            )
        for name in ("burst", "max_pages", "read_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"ZenotcConfig.{name} must be >= 1, got {getattr(self, name)}")

    @property
    def rate_limit(self) -> RateLimit:
        """The account's one bucket: `max_requests_per_s` per second ("All Other Endpoints
        10 requests/second", notes §3.5) at the default margin, `burst` deep."""
        return RateLimit(
            limit=self.max_requests_per_s,
            window_s=1.0,
            burst=self.burst,
            source="ZenOTC notes §3.5 (All Other Endpoints)",
        )
