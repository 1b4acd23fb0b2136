"""Which failed requests are sent again, and after how long.

Only reads (GET/HEAD/OPTIONS) and cancels are retried, and only after a transient failure
(no answer, 5xx, 429): issue 5 "Only reads and cancels are retried automatically, with
exponential backoff and jitter, honouring `Retry-After` and the venues' rate-limit
headers". A cancel is marked by its venue client (`VenueHttp.request(..., idempotent=True)`
for single cancel, batch cancel, cancel-all): sending it twice cancels nothing twice. A
submit, amend, pause or resume is never retried: a lost submit is resolved by looking the
order up by its client order id. One predicate, `should_retry`, decides and logs why.

Backoff: `base * 2**(attempt - 1)`, capped at `max_delay_s`, then "equal jitter": a
uniform draw from the upper `jitter` share of that wait, so many clients failing together
spread out but none retries at once. A wait the venue asked for (`Retry-After`, its
rate-limit headers) is never shortened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol

from gui.domain.errors import VenueError, VenueRateLimited, VenueTransportError, VenueUnavailable

logger = logging.getLogger("gui.venues.http")

READ_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that are retried; any other is retried only when marked idempotent (a cancel)."""

_TRANSIENT = (VenueTransportError, VenueUnavailable, VenueRateLimited)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date).

    Args:
        value: The header value, or None when absent.
        now: Current time for an HTTP-date (aware UTC); defaults to now.

    Returns:
        Non-negative seconds, or None when absent or unreadable.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now if now is not None else datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(seconds, 0.0)


class RetrySettings(Protocol):
    """The retry fields every venue config carries (`<Venue>Config`)."""

    @property
    def read_attempts(self) -> int: ...
    @property
    def retry_base_delay_s(self) -> float: ...
    @property
    def retry_max_delay_s(self) -> float: ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How reads and cancels are retried.

    Attributes:
        max_attempts: Attempts per request in total, including the first (1 disables retry).
        base_delay_s: Longest wait before the first retry, in seconds; doubled for each next.
        max_delay_s: Longest wait between attempts, in seconds; a 429 asking for longer is
            not retried but surfaced.
        jitter: Share of each backoff drawn at random (0: exact waits; 0.5: between half
            and all of it).
    """

    max_attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError(f"RetryPolicy needs max_attempts >= 1 and delays >= 0, got {self}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"RetryPolicy.jitter must be in [0, 1], got {self.jitter}")

    def delay_s(self, attempt: int, error: VenueError) -> float:
        """The longest wait after failed attempt number `attempt` (1-based), in seconds: the
        venue's `retry_after_s` for a 429 that gives one, else the capped backoff."""
        if isinstance(error, VenueRateLimited) and error.retry_after_s is not None:
            return max(error.retry_after_s, 0.0)
        return min(self.base_delay_s * 2.0 ** (attempt - 1), self.max_delay_s)

    def jittered_delay_s(
        self, attempt: int, error: VenueError, draw: float, asked_s: float | None = None
    ) -> float:
        """The wait actually taken after failed attempt `attempt`, in seconds.

        Args:
            attempt: Attempts made so far (1-based).
            error: What the attempt produced.
            draw: A uniform random number in [0, 1).
            asked_s: A wait the venue asked for (`Retry-After` on a 5xx), or None.

        Returns:
            `delay_s * (1 - jitter * draw)` for a backoff; a wait the venue asked for is
            kept whole (never shortened by jitter).
        """
        if isinstance(error, VenueRateLimited) and error.retry_after_s is not None:
            return max(error.retry_after_s, 0.0)
        backoff = self.delay_s(attempt, error) * (1.0 - self.jitter * min(max(draw, 0.0), 1.0))
        return backoff if asked_s is None else max(backoff, asked_s)

    @classmethod
    def from_config(cls, config: RetrySettings) -> RetryPolicy:
        """The policy a venue config sets (`read_attempts`, `retry_*_delay_s`)."""
        return cls(
            max_attempts=config.read_attempts,
            base_delay_s=config.retry_base_delay_s,
            max_delay_s=config.retry_max_delay_s,
        )


CANCEL_ATTEMPTS = 6
"""Attempts in all for a cancel the venue answered 429 (otherwise the policy's
`max_attempts`)."""
CANCEL_MAX_WAIT_S = 60.0
"""Longest wait a venue may ask for before a cancel is retried, in seconds (reads: the
policy's `max_delay_s`); a KuCoin 429 asks for up to its 30 s window."""


def should_retry(
    method: str,
    path: str,
    error: VenueError,
    attempt: int,
    policy: RetryPolicy,
    *,
    idempotent: bool = False,
) -> bool:
    """Whether to send a failed request again; logs the reason for every transient failure.

    Args:
        method: HTTP method of the failed request.
        path: Request path, for the log line (never headers: they carry credentials).
        error: What the attempt produced.
        attempt: How many attempts were made so far (1-based).
        policy: Limits on attempts and waits.
        idempotent: The venue client marked the request safe to repeat (a cancel).

    Returns:
        True only for a read or a cancel that failed transiently, within the attempt and
        wait limits.
    """
    if not isinstance(error, _TRANSIENT):
        return False
    verb = method.upper()
    if verb not in READ_METHODS and not idempotent:
        logger.info("not retrying %s %s: writes are never retried (%s)", verb, path, error)
        return False
    # A cancel is what a trader needs most when a venue is struggling (the kill switch):
    # told to come back later (429), it does, as long as the venue asks, up to a minute.
    is_cancel = idempotent  # a cancel, or a read that is part of one (a cancel-all's listing)
    told_to_wait = is_cancel and isinstance(error, VenueRateLimited)
    max_attempts = (
        max(policy.max_attempts, CANCEL_ATTEMPTS) if told_to_wait else policy.max_attempts
    )
    max_wait_s = max(policy.max_delay_s, CANCEL_MAX_WAIT_S) if is_cancel else policy.max_delay_s
    if attempt >= max_attempts:
        logger.warning("giving up on %s %s after %d attempts: %s", verb, path, attempt, error)
        return False
    delay_s = policy.delay_s(attempt, error)
    if delay_s > max_wait_s:
        logger.warning(
            "not retrying %s %s: venue asks to wait %.1f s (limit %.1f s): %s",
            verb,
            path,
            delay_s,
            max_wait_s,
            error,
        )
        return False
    logger.warning(
        "retrying %s %s%s in up to %.2f s (attempt %d of %d): %s",
        verb,
        path,
        " (a cancel)" if verb not in READ_METHODS else "",
        delay_s,
        attempt + 1,
        max_attempts,
        error,
    )
    return True
