"""Settings of a Tread.fi connection (shared/venues/treadfi/notes.md §2, §5.5, §7.1-7.2)."""

from __future__ import annotations

from dataclasses import dataclass

from gui.venues.http import RateLimit, check_base_url

VENUE = "treadfi"
"""Venue name used in orders, reports and errors."""

MAX_CUSTOM_ORDER_ID_LEN = 64
"""Longest `custom_order_id` the venue takes (doc, "Submit an order")."""


@dataclass(frozen=True, slots=True)
class TreadfiConfig:
    """How to reach one Tread.fi instance.

    Tread.fi documents no base URL (each customer has an instance, notes §2.1, §7.1) and no
    rate limit (notes §5.5); the limits below are our own, per §5.5's decision.

    Attributes:
        base_url: `https://<instance>` (scheme, host, optional port; a path prefix is kept,
            unlike the official client, so the API may sit behind a reverse proxy). The
            `/api/...` paths are appended as documented.
        auth_scheme: Word before the key in `Authorization` (`Token`; notes §7.2 keeps it
            configurable because some public pages show `Bearer`).
        timeout_s: Per-request timeout, in seconds.
        max_requests_per_s: Self-imposed request rate per connection (notes §5.5: <= 5/s).
        burst: Requests allowed back to back within that rate (bulk actions, a poll).
        poll_interval_s: Shortest interval between polls of the active orders, in seconds,
            for the poller (notes §5.5: >= 1-2 s).
        read_attempts: Attempts per read, including the first; writes are sent once.
        retry_base_delay_s: Wait before the first read retry, in seconds (then doubled).
        retry_max_delay_s: Longest wait between read attempts, in seconds.
    """

    base_url: str
    auth_scheme: str = "Token"
    timeout_s: float = 10.0
    max_requests_per_s: float = 5.0
    burst: int = 5
    poll_interval_s: float = 2.0
    read_attempts: int = 3
    retry_base_delay_s: float = 0.5
    retry_max_delay_s: float = 8.0

    def __post_init__(self) -> None:
        check_base_url("TreadfiConfig", self.base_url, "https://instance.example")
        if not self.auth_scheme or any(ch.isspace() for ch in self.auth_scheme):
            raise ValueError(
                f"TreadfiConfig.auth_scheme must be one word such as 'Token', "
                f"got {self.auth_scheme!r}"
            )
        for name in ("timeout_s", "max_requests_per_s", "poll_interval_s"):
            if getattr(self, name) <= 0:
                raise ValueError(f"TreadfiConfig.{name} must be > 0, got {getattr(self, name)}")
        if self.burst < 1 or self.read_attempts < 1:
            raise ValueError(
                f"TreadfiConfig.burst and read_attempts must be >= 1, "
                f"got {self.burst} and {self.read_attempts}"
            )

    @property
    def rate_limit(self) -> RateLimit:
        """The connection's one bucket: `max_requests_per_s` per second at the default
        margin, `burst` deep. Our own figure: no limit is documented (notes §5.5 decision:
        "<= 5 req/s per venue connection")."""
        return RateLimit(
            limit=self.max_requests_per_s,
            window_s=1.0,
            burst=self.burst,
            source="Tread.fi: none documented; notes §5.5 decision",
        )
