"""Settings of a DFX Labs spot connection (shared/venues/dfx/notes.md §2.2, §2.3, §2.5).

Every order endpoint needs the sub-account's `accountId` (notes §2.6 "every call needs
`accountId`"), so one `DfxConfig` serves one account: the id comes from the account's
configuration (the registry's `credentials.account_id`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

from gui.venues.http import RateLimit, check_base_url

VENUE = "dfx"
"""Venue name used in orders, reports and errors."""

PRODUCTION_BASE_URL = "https://api.dfx.hk"
"""REST API (external `Getting Started`, notes §2.1/§2.2)."""

ORDER_PATH = "/api/v1/spot/order"
"""Create (POST), cancel one (DELETE), get one (GET); reference doc §1, §2, §4."""
BATCH_ORDER_PATH = "/api/v1/spot/batch/order"
"""Batch cancel by ids or by symbol (DELETE); reference doc §3."""
FINISH_ORDER_PATH = "/api/v1/spot/finish_order"
"""Completed orders (GET); reference doc §5."""
OPEN_ORDER_PATH = "/api/v1/spot/open_order"
"""Unfinished orders (GET); reference doc §6."""
ACCOUNT_TRADES_PATH = "/api/v1/account/trades"
"""The account's own trades (GET; external "Account Endpoints", notes §2.3)."""
SYMBOLS_PATH = "/api/v1/symbols"
"""Symbol rules (GET, MARKET_DATA: timestamp header only; external, notes §2.3)."""

MAX_BATCH_CANCEL = 5
"""Order ids per batch cancel ("up to 5 orders can be canceled at once", doc §3)."""
MAX_OPEN_LIMIT = 100
"""Largest `limit` of `open_order` ("default 10, max 100", doc §6)."""
MAX_FINISH_LIMIT = 500
"""Largest `limit` of `finish_order` ("default 10, max 500", doc §5)."""
MAX_TRADES_LIMIT = 100
"""Largest `limit` of `account/trades` ("default 10, max 100", external)."""
MAX_CLIENT_ORDER_ID_LEN = 64
"""Longest client order id we send: the venue documents no limit (notes §2.4), so the
desk's common maximum is kept (DESIGN "Domain rules")."""


@dataclass(frozen=True, slots=True)
class DfxRateLimits:
    """Requests per second allowed per endpoint (notes §2.5, external `Open Api.md`, per
    API key). Tests and the sandbox may raise them.

    Attributes:
        create_order: `POST /api/v1/spot/order` (10/s).
        cancel_order: `DELETE /api/v1/spot/order` (10/s).
        batch_cancel: `DELETE /api/v1/spot/batch/order` (1/s).
        get_order: `GET /api/v1/spot/order` (1/s).
        finish_orders: `GET /api/v1/spot/finish_order` (1/s).
        open_orders: `GET /api/v1/spot/open_order` (1/s).
        account_trades: `GET /api/v1/account/trades` ("Account endpoints 1/s").
        symbols: `GET /api/v1/symbols` (market data: 1 per 2 s per IP).
    """

    create_order: float = 10.0
    cancel_order: float = 10.0
    batch_cancel: float = 1.0
    get_order: float = 1.0
    finish_orders: float = 1.0
    open_orders: float = 1.0
    account_trades: float = 1.0
    symbols: float = 0.5

    @classmethod
    def uniform(cls, per_s: float) -> DfxRateLimits:
        """The same rate for every endpoint (tests, the sandbox)."""
        return cls(**{item.name: per_s for item in fields(cls)})

    def __post_init__(self) -> None:
        for item in fields(self):
            if getattr(self, item.name) <= 0:
                raise ValueError(
                    f"DfxRateLimits.{item.name} must be > 0, got {getattr(self, item.name)}"
                )


@dataclass(frozen=True, slots=True)
class DfxConfig:
    """How to reach DFX Labs for one sub-account.

    Attributes:
        base_url: Scheme, host and optional port, no path (the signature covers the path
            from the root, notes §2.2).
        account_id: The sub-account's `accountId` (numeric string, `GET /api/v1/user/info`
            `accounts[].id`); required by every order endpoint.
        use_trades: Read per-fill data from `GET /api/v1/account/trades` (external, notes
            §2.3); when False, or when that endpoint refuses the account, fills are derived
            from `tradeQty`/`tradeAmount` (notes §2.4 "Fills").
        client_type: `clientType` of `GET /api/v1/symbols` (mandatory there: `OP, CP, IP,
            CR, IR`; external "Market Endpoints"). The venue doc does not say which one an
            account is (`GET /api/v1/user/info` does); `OP` is the doc's own example.
        body_encoding: POST body format: `"form"` (application/x-www-form-urlencoded, the
            venue's own signing example) or `"json"` (the reference doc's examples); notes
            §2.7(1). GET and DELETE always send their parameters in the query string.
        rate_limits: The per-endpoint rates (notes §2.5); the client uses `RATE_MARGIN`
            (90%) of each (`limits`).
        burst: Requests allowed back to back per endpoint; 1 keeps every window within the
            documented rate.
        timeout_s: Per-request timeout, in seconds.
        read_attempts: Attempts per read, including the first; writes are sent once.
        retry_base_delay_s: Wait before the first read retry, in seconds (then doubled).
        retry_max_delay_s: Longest wait between read attempts, in seconds.
        open_orders_limit: `limit` of each `open_order` call (at most 100).
    """

    base_url: str = PRODUCTION_BASE_URL
    account_id: str = ""
    use_trades: bool = True
    client_type: str = "OP"
    body_encoding: Literal["form", "json"] = "form"
    rate_limits: DfxRateLimits = field(default_factory=DfxRateLimits)
    burst: int = 1
    timeout_s: float = 10.0
    read_attempts: int = 3
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 8.0
    open_orders_limit: int = MAX_OPEN_LIMIT

    def __post_init__(self) -> None:
        check_base_url("DfxConfig", self.base_url, PRODUCTION_BASE_URL, path_allowed=False)
        if self.account_id != self.account_id.strip() or "&" in self.account_id:
            raise ValueError(
                f"DfxConfig.account_id must be the accountId as is, got {self.account_id!r}"
            )
        if self.body_encoding not in ("form", "json"):
            raise ValueError(
                f"DfxConfig.body_encoding must be 'form' or 'json', got {self.body_encoding!r}"
            )
        if self.timeout_s <= 0:
            raise ValueError(f"DfxConfig.timeout_s must be > 0, got {self.timeout_s}")
        for name in ("burst", "read_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"DfxConfig.{name} must be >= 1, got {getattr(self, name)}")
        if not 1 <= self.open_orders_limit <= MAX_OPEN_LIMIT:
            raise ValueError(
                f"DfxConfig.open_orders_limit must be 1-{MAX_OPEN_LIMIT}, "
                f"got {self.open_orders_limit}"
            )

    @property
    def limits(self) -> dict[str, RateLimit]:
        """The account's rate-limit buckets: one per endpoint (the `DfxRateLimits` field
        names), each its documented requests per second (notes §2.5, per API key) at the
        default margin, `burst` deep."""
        return {
            item.name: RateLimit(
                limit=getattr(self.rate_limits, item.name),
                window_s=1.0,
                burst=self.burst,
                source="DFX notes §2.5 (Open Api.md)",
            )
            for item in fields(self.rate_limits)
        }
