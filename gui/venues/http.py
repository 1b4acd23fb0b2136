"""HTTP plumbing shared by every venue: client building, error mapping, retry and throttle.

Venue-neutral on purpose: a venue package supplies its base URL, its `httpx.Auth` and a
`MessageExtractor` that pulls the venue's own words (and code, if any) out of an error body;
everything else here is the same for all venues.

Errors map by HTTP status, keeping the venue's message (see `gui.domain.errors`):

    transport failure (timeout, connect, reset)  -> VenueTransportError
    429                                          -> VenueRateLimited (Retry-After honoured)
    401, 403                                     -> VenueAuthError
    404                                          -> VenueNotFound
    other 4xx                                    -> VenueRejected
    5xx                                          -> VenueUnavailable

Venues that answer errors inside a 2xx body (KuCoin's `{"code": "400100", ...}` envelope)
pass a `ResponseCheck` to `VenueHttp`: it sees every response first, and an error it returns
wins over the status map above.

Retry: only reads (GET/HEAD/OPTIONS) are retried, only on transport errors, 5xx and 429,
with bounded exponential backoff; writes, and above all order creation, never are (a lost
submit is resolved by looking the order up by client order id). One predicate,
`should_retry`, decides and logs why.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

import httpx

from gui.domain.errors import (
    VenueAuthError,
    VenueError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
"""Per-request timeout (connect, read, write, pool), in seconds."""

READ_METHODS: frozenset[str] = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that may be retried; every other method is a write and is sent once."""


class VenueMessage(NamedTuple):
    """What a venue said in an error body.

    Attributes:
        message: The venue's own words ("" when it said nothing usable).
        code: The venue's own error code as a string ("" when it gives none).
    """

    message: str
    code: str = ""


MessageExtractor = Callable[[httpx.Response], VenueMessage]
"""Pulls the venue's message out of a non-2xx response; must not raise."""

ResponseCheck = Callable[[httpx.Response], VenueError | None]
"""Looks at every response (any status, body read) and returns the venue error it carries,
or None to fall back to the status map; must not raise."""


def check_base_url(owner: str, base_url: str, example: str, *, path_allowed: bool = True) -> None:
    """Refuse a venue base URL that cannot be right, naming the setting and an example.

    Args:
        owner: The config class, for the message (e.g. `"ZenotcConfig"`).
        base_url: The URL to check.
        example: A valid URL for the message.
        path_allowed: False when the venue signs the path from its root (KuCoin), so a
            path prefix would break every signature.

    Raises:
        ValueError: Not http(s), no host, a query or fragment, or a path where none is allowed.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{owner}.base_url must be an http(s) URL such as {example!r}, got {base_url!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{owner}.base_url must have no query or fragment, got {base_url!r}")
    if not path_allowed and parts.path not in ("", "/"):
        raise ValueError(
            f"{owner}.base_url must have no path (the signature covers the path from the "
            f"root), got {base_url!r}"
        )


def build_async_client(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` for one venue account.

    Args:
        base_url: Scheme, host and optional port (and path prefix) of the venue API.
        auth: Signing or token auth applied to every request.
        timeout_s: Timeout for each phase of a request, in seconds.
        transport: Replaces the network (tests pass `httpx.ASGITransport`).

    Returns:
        A client that does not follow redirects: a redirect means a wrong path, and a
        redirected POST would silently become a GET.
    """
    return httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        timeout=httpx.Timeout(timeout_s),
        transport=transport,
        follow_redirects=False,
        headers={"Accept": "application/json"},
    )


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


def error_for_response(
    venue: str, response: httpx.Response, extract: MessageExtractor
) -> VenueError:
    """The domain error for a non-2xx response, with the venue's words kept.

    Args:
        venue: Venue name for the error.
        response: A response whose body has been read.
        extract: The venue's message extractor.

    Returns:
        The matching `VenueError` subclass (see the module docstring for the map).
    """
    status = response.status_code
    said = extract(response)
    message = said.message or response.reason_phrase or f"HTTP {status}"
    if status == 429:
        retry_after_s = parse_retry_after(response.headers.get("Retry-After"))
        return VenueRateLimited(venue, message, status, retry_after_s=retry_after_s)
    if status >= 500:
        return VenueUnavailable(venue, message, status)
    if status in (401, 403):
        return VenueAuthError(venue, message, status, said.code)
    if status == 404:
        return VenueNotFound(venue, message, status, said.code)
    if 400 <= status < 500:
        return VenueRejected(venue, message, status, said.code)
    location = response.headers.get("Location", "")
    detail = f" (to {location})" if location else ""
    return VenueError(venue, f"unexpected HTTP {status}{detail}: {message}", status)


def error_for_transport(venue: str, exc: httpx.TransportError) -> VenueTransportError:
    """The domain error for a request that got no answer (timeout, refused, reset)."""
    text = str(exc).strip()
    kind = type(exc).__name__
    return VenueTransportError(venue, f"{kind}: {text}" if text else kind)


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
    """How reads are retried.

    Attributes:
        max_attempts: Attempts per read in total, including the first (1 disables retry).
        base_delay_s: Wait before the first retry, in seconds; doubled for each next one.
        max_delay_s: Longest wait between attempts, in seconds; a 429 asking for longer
            is not retried but surfaced.
    """

    max_attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay_s(self, attempt: int, error: VenueError) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if isinstance(error, VenueRateLimited) and error.retry_after_s is not None:
            return max(error.retry_after_s, 0.0)
        return min(self.base_delay_s * 2.0 ** (attempt - 1), self.max_delay_s)

    @classmethod
    def from_config(cls, config: RetrySettings) -> RetryPolicy:
        """The policy a venue config sets (`read_attempts`, `retry_*_delay_s`)."""
        return cls(
            max_attempts=config.read_attempts,
            base_delay_s=config.retry_base_delay_s,
            max_delay_s=config.retry_max_delay_s,
        )


_TRANSIENT = (VenueTransportError, VenueUnavailable, VenueRateLimited)


def should_retry(
    method: str, path: str, error: VenueError, attempt: int, policy: RetryPolicy
) -> bool:
    """Whether to send a failed request again; logs the reason for every transient failure.

    Args:
        method: HTTP method of the failed request.
        path: Request path, for the log line (never headers: they carry credentials).
        error: What the attempt produced.
        attempt: How many attempts were made so far (1-based).
        policy: Limits on attempts and waits.

    Returns:
        True only for a read that failed transiently, within the attempt and wait limits.
    """
    if not isinstance(error, _TRANSIENT):
        return False
    verb = method.upper()
    if verb not in READ_METHODS:
        logger.info("not retrying %s %s: writes are never retried (%s)", verb, path, error)
        return False
    if attempt >= policy.max_attempts:
        logger.warning("giving up on %s %s after %d attempts: %s", verb, path, attempt, error)
        return False
    delay_s = policy.delay_s(attempt, error)
    if delay_s > policy.max_delay_s:
        logger.warning(
            "not retrying %s %s: venue asks to wait %.1f s (limit %.1f s): %s",
            verb,
            path,
            delay_s,
            policy.max_delay_s,
            error,
        )
        return False
    logger.warning(
        "retrying %s %s in %.2f s (attempt %d of %d): %s",
        verb,
        path,
        delay_s,
        attempt + 1,
        policy.max_attempts,
        error,
    )
    return True


class RequestThrottle:
    """A token bucket that spaces requests so the venue's rate limit is never exceeded.

    Args:
        rate_per_s: Requests allowed per second on average.
        burst: Requests allowed back to back after a quiet spell (at least 1).
        clock: Monotonic clock in seconds (injectable for tests).
        sleep: Coroutine that waits a number of seconds (injectable for tests).
    """

    def __init__(
        self,
        rate_per_s: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError(
                f"throttle needs rate_per_s > 0 and burst >= 1, got {rate_per_s} and {burst}"
            )
        self._interval_s = 1.0 / rate_per_s
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = asyncio.Lock()

    async def acquire(self, cost: float = 1.0) -> None:
        """Wait until one more request may be sent, then take its slot.

        Args:
            cost: Tokens the request takes (a venue's request weight; 1 by default). A
                cost above `burst` waits for a full bucket and takes all of it.
        """
        async with self._lock:
            need = min(max(cost, 0.0), float(self._burst))
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) / self._interval_s)
            self._stamp = now
            if self._tokens < need:
                wait_s = (need - self._tokens) * self._interval_s
                await self._sleep(wait_s)
                self._stamp = self._clock()
                self._tokens = need
            self._tokens -= need


class VenueHttp:
    """Sends requests for one venue account: throttles, maps errors, retries reads.

    Args:
        venue: Venue name for errors and logs.
        client: The account's `httpx.AsyncClient` (see `build_async_client`); owned here.
        extract: The venue's error-message extractor.
        retry: Retry limits for reads.
        throttle: Self-imposed rate limit, or None for none.
        sleep: Coroutine used to wait between retries (injectable for tests).
        check: The venue's envelope check, run on every response before the status map
            (None: the status alone decides).
    """

    def __init__(
        self,
        venue: str,
        client: httpx.AsyncClient,
        extract: MessageExtractor,
        *,
        retry: RetryPolicy | None = None,
        throttle: RequestThrottle | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        check: ResponseCheck | None = None,
    ) -> None:
        self.venue = venue
        self._client = client
        self._extract = extract
        self._retry = retry if retry is not None else RetryPolicy()
        self._throttle = throttle
        self._sleep = sleep
        self._check = check

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        cost: float = 1.0,
    ) -> httpx.Response:
        """Send one request (retried only if it is a read) and return a 2xx response.

        Args:
            method: HTTP method.
            path: Path relative to the base URL, e.g. `/api/orders/`.
            params: Query parameters, already in the venue's spelling.
            json: JSON body, or None for no body.
            content: Exact body bytes (for venues that sign the body), instead of `json`.
            headers: Extra headers for this request.
            cost: Throttle tokens the request takes (the venue's request weight).

        Returns:
            The response, body read, status 2xx.

        Raises:
            VenueTransportError: No answer (for a write, the outcome is unknown).
            VenueRateLimited: HTTP 429 after any retries.
            VenueAuthError: HTTP 401/403.
            VenueNotFound: HTTP 404.
            VenueRejected: Other HTTP 4xx.
            VenueUnavailable: HTTP 5xx after any retries.
            VenueError: Whatever the `check` found in the body, after any retries.
        """
        if json is not None and content is not None:
            raise ValueError("send either json or content, not both")
        attempt = 0
        while True:
            attempt += 1
            if self._throttle is not None:
                await self._throttle.acquire(cost)
            try:
                response = await self._client.request(
                    method, path, params=params, json=json, content=content, headers=headers
                )
            except httpx.TransportError as exc:
                error: VenueError = error_for_transport(self.venue, exc)
            else:
                found = self._check(response) if self._check is not None else None
                if found is None and response.is_success:
                    return response
                error = (
                    found
                    if found is not None
                    else error_for_response(self.venue, response, self._extract)
                )
            if not should_retry(method, path, error, attempt, self._retry):
                raise error
            await self._sleep(self._retry.delay_s(attempt, error))

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
