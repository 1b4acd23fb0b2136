"""Settings of a KuCoin Futures connection and the venue's documented limits.

Sources: shared/venues/kucoin-futures/notes.md §1.1 (hosts), §2.0 (request weights),
§4.2 (rate-limit pool), §2.1-2.2 (batch sizes, clientOid rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from gui.venues.http import RateLimit, check_base_url

VENUE = "kucoin_futures"
"""Venue name used in orders, reports and errors."""

PRODUCTION_BASE_URL = "https://api-futures.kucoin.com"
"""Futures REST host (notes §1.1 [EXT]); spot lives on another host."""

MAX_CLIENT_OID_LEN = 40
"""Longest `clientOid` (doc, Add Order: "The maximum length cannot exceed 40")."""

CLIENT_OID_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
"""What a `clientOid` may contain: "numbers, characters, underline(_), and separator (-)"."""

MAX_BATCH_ADD = 20
"""Orders per `POST /api/v1/orders/multi` (doc: "up to 20 orders at one time")."""

MAX_BATCH_CANCEL = 10
"""Orders per `DELETE /api/v1/orders/multi-cancel` (notes §2.2(7): legacy doc, "A maximum of
10 orders"; this document states no limit)."""

MAX_PAGE_SIZE = 1000
"""Largest `pageSize` of the paged lists ("The maximum cannot exceed 1000")."""

WEIGHTS: dict[str, int] = {
    "add_order": 2,
    "add_order_test": 2,
    "batch_add_orders": 20,
    "add_tpsl_order": 2,
    "cancel_order": 1,
    "cancel_order_by_client_oid": 1,
    "batch_cancel_orders": 20,
    "cancel_all_orders_v3": 10,
    "cancel_all_orders_v1": 800,
    "cancel_all_stop_orders": 15,
    "stop_order_list": 6,
    "order_list": 2,
    "order": 5,
    "order_by_client_oid": 5,
    "recent_closed_orders": 5,
    "open_order_statistics": 10,
    # The SDK gives NULL for recentFills (notes §2.0); we charge it like /fills.
    "recent_fills": 5,
    "fills": 5,
    # Public endpoints outside the document (limited per IP, not the UID pool); charged a
    # nominal weight so a burst of them is still spaced.
    "server_time": 1,
    "active_contracts": 1,
}
"""Request weight per endpoint, deducted from the futures pool (notes §2.0, SDK `api_order.go`)."""


@dataclass(frozen=True, slots=True)
class KucoinFuturesConfig:
    """How to reach KuCoin Futures (or its emulator) and how hard to use it.

    Attributes:
        base_url: Scheme and host (and port), no path: the signed `requestPath` starts at
            `/api/` (notes §1.2). Production is `https://api-futures.kucoin.com`; the sandbox
            emulator prints its own.
        timeout_s: Per-request timeout, in seconds.
        rate_limit_quota: Weight the account's futures pool allows per window (notes §4.2:
            2000 per 30 s at VIP 0-1, more at higher levels). Lower it when other programs
            share the key's UID.
        rate_limit_window_s: The pool's fixed window, in seconds (notes §4.2: 30).
        default_leverage: Leverage sent when a ticket leaves it unset. `leverage` is required
            on every create (doc, Add Order; notes §6.7), and 1 is the most conservative.
        read_attempts: Attempts per read, including the first; writes are sent once.
        retry_base_delay_s: Wait before the first read retry, in seconds (then doubled).
        retry_max_delay_s: Longest wait between read attempts, in seconds; a 429000 asking
            for longer (its `gw-ratelimit-reset`) is surfaced instead.
        max_pages: Most pages one listing walks (1000 items each), a guard against a venue
            whose `totalPage` never ends.
    """

    base_url: str = PRODUCTION_BASE_URL
    timeout_s: float = 10.0
    rate_limit_quota: int = 2000
    rate_limit_window_s: float = 30.0
    default_leverage: int = 1
    read_attempts: int = 3
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 10.0
    max_pages: int = 20

    def __post_init__(self) -> None:
        check_base_url(
            "KucoinFuturesConfig", self.base_url, PRODUCTION_BASE_URL, path_allowed=False
        )
        for name in ("timeout_s", "rate_limit_window_s"):
            if getattr(self, name) <= 0:
                raise ValueError(
                    f"KucoinFuturesConfig.{name} must be > 0, got {getattr(self, name)}"
                )
        for name in ("rate_limit_quota", "default_leverage", "read_attempts", "max_pages"):
            if getattr(self, name) < 1:
                raise ValueError(
                    f"KucoinFuturesConfig.{name} must be >= 1, got {getattr(self, name)}"
                )

    @property
    def throttle_burst(self) -> int:
        """Weight we may spend back to back: half the pool.

        With a token bucket of capacity B refilled at r per second, any window of W seconds
        sees at most B + r*W; B = quota/2 and r = quota/(2W) keep that at the quota, so the
        venue's fixed window (notes §4.2) is never exhausted by this client alone.
        """
        return max(1, self.rate_limit_quota // 2)

    @property
    def throttle_rate_per_s(self) -> float:
        """Weight per second the bucket refills: half the pool over the window."""
        return self.rate_limit_quota / 2 / self.rate_limit_window_s

    @property
    def rate_limit(self) -> RateLimit:
        """The account's one bucket, charged each endpoint's weight (`WEIGHTS`): the futures
        pool of notes §4.2 (2000 per fixed 30 s window at VIP 0-1), half of it as burst
        and half as refill over the window (`throttle_burst`, `throttle_rate_per_s`), so no
        30 s window ever sees more than the quota from this client."""
        return RateLimit(
            limit=self.rate_limit_quota,
            window_s=self.rate_limit_window_s,
            burst=self.throttle_burst,
            margin=self.throttle_rate_per_s * self.rate_limit_window_s / self.rate_limit_quota,
            source="KuCoin notes §4.2 (futures pool per UID)",
        )
