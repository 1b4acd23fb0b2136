"""KuCoin's `{"code", "msg", "data"}` envelope and its error codes, mapped to domain errors.

KuCoin answers errors with many HTTP statuses, business errors often with HTTP 200 (notes
§4.1, §6.23), so the `code` decides, never the status:

    200000, 200                          success
    401 family: 400001, 400003-400010,   VenueAuthError   (gateway/auth; 411100 user frozen,
        411100, 40010                                        40010 region restricted)
    400002                               VenueAuthError   (timestamp; the client re-syncs its
                                                           clock and retries once first)
    404000, 100004                       VenueNotFound    (URL / order unknown or done)
    any other code whose msg says the    VenueNotFound    (`100001` "error.getOrder.
        order or position does not exist                   orderNotExist", ccxt's recording;
                                                           ccxt's broad match "Position does
                                                           not exist", notes §1.3)
    429000, 200002, 1015                 VenueRateLimited (`gw-ratelimit-reset` ms honoured)
    500000, 503000, other 5xxxxx         VenueUnavailable
    anything else (400100, 415000,       VenueRejected    (venue code kept in `venue_code`)
        1000xx, 3000xx, ...)

Errors without a `venue_code` field (rate limit, unavailable) carry the code in the message.
A body that is not a KuCoin envelope falls back to `gui.venues.http`'s status map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from gui.domain.errors import (
    VenueAuthError,
    VenueError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
    VenueUnavailable,
)
from gui.venues.http import ClockOffset, VenueMessage, parse_retry_after
from gui.venues.kucoin_futures import wire
from gui.venues.kucoin_futures.config import VENUE

TIMESTAMP_CODE = "400002"
"""Invalid KC-API-TIMESTAMP: more than 5 s from server time (notes §1.2)."""

AUTH_CODES = frozenset(
    {
        "400001",
        TIMESTAMP_CODE,
        "400003",
        "400004",
        "400005",
        "400006",
        "400007",
        "400008",
        "400009",
        "400010",
        "411100",
        "40010",
    }
)
"""Gateway/auth codes (notes §4.1 table; ccxt maps 400001-400007 to AuthenticationError)."""

NOT_FOUND_CODES = frozenset({"404000", "100004"})
"""URL not found; order unknown or no longer cancelable (notes §4.1, §6.11)."""

NOT_FOUND_WORDS = ("notexist", "not exist", "does not exist")
"""Message fragments (lower case) that mean "no such order" whatever the code."""

RATE_LIMIT_CODES = frozenset({"429000", "200002", "1015"})
"""Pool exhausted / legacy per-endpoint limit / Cloudflare IP limit (notes §4.1-4.2)."""

UNAVAILABLE_CODES = frozenset({"500000", "503000"})
"""Internal server error (and its 503 sibling); other `5xxxxx` codes count too."""

RATE_LIMIT_HEADERS = ("gw-ratelimit-limit", "gw-ratelimit-remaining", "gw-ratelimit-reset")
"""Pool quota, weight left, ms until the window resets (notes §1.6)."""


def rate_limit_reset_s(response: httpx.Response) -> float | None:
    """Seconds until the rate-limit window resets, from `gw-ratelimit-reset` (milliseconds).

    Falls back to a standard `Retry-After`. None when neither is usable: a server-overload
    429000 comes without `gw-ratelimit-*` headers (notes §4.2) and is retried with backoff.
    """
    value = response.headers.get("gw-ratelimit-reset")
    if value is not None:
        try:
            reset_ms = float(value.strip())
        except ValueError:
            reset_ms = float("nan")
        if reset_ms == reset_ms and reset_ms >= 0:  # not NaN
            return reset_ms / 1000.0
    return parse_retry_after(response.headers.get("Retry-After"))


def rate_limit_wait_s(response: httpx.Response, clock: ClockOffset) -> float | None:
    """`gui.venues.http.RateLimitWait` for KuCoin: the pool's reset, when the
    `gw-ratelimit-remaining` header says it is spent (notes §1.6, §4.2: "The client must
    wait `gw-ratelimit-reset` ms"); None while weight remains. The reset is a duration, so
    the clock is not needed."""
    remaining = response.headers.get("gw-ratelimit-remaining")
    if remaining is None:
        return None
    try:
        spent = float(remaining.strip()) <= 0
    except ValueError:
        return None
    return rate_limit_reset_s(response) if spent else None


def timestamp_rejected(error: VenueError) -> bool:
    """`gui.venues.http.TimestampRejected` for KuCoin: code `400002`, "Invalid
    KC-API-TIMESTAMP", sent when the timestamp is 5 s or more from server time (notes §1.2,
    §4.1 gateway codes): the gateway refused the request before the matching engine saw it."""
    return isinstance(error, VenueRejected) and error.venue_code == TIMESTAMP_CODE


def error_for_code(code: str, message: str, response: httpx.Response) -> VenueError:
    """The domain error for a KuCoin error code.

    Args:
        code: The envelope's `code` (a string).
        message: The envelope's `msg` ("" when it said nothing).
        response: The response (its status and rate-limit headers are kept).

    Returns:
        The matching `VenueError` subclass (see the module docstring).
    """
    status = response.status_code
    said = message.strip() or f"KuCoin error {code}"
    if code in RATE_LIMIT_CODES or (status == 429 and code not in AUTH_CODES):
        return VenueRateLimited(
            VENUE, f"{said} (code {code})", status, retry_after_s=rate_limit_reset_s(response)
        )
    if code in AUTH_CODES:
        return VenueAuthError(VENUE, said, status, code)
    lowered = said.lower()
    if code in NOT_FOUND_CODES or any(words in lowered for words in NOT_FOUND_WORDS):
        return VenueNotFound(VENUE, said, status, code)
    if code in UNAVAILABLE_CODES or (len(code) == 6 and code.startswith("5")):
        return VenueUnavailable(VENUE, f"{said} (code {code})", status)
    return VenueRejected(VENUE, said, status, code)


def read_envelope(
    response: httpx.Response, decode: Callable[[bytes], Any] = wire.loads
) -> wire.Envelope | None:
    """The envelope of a response, or None when the body is not one (not JSON, no `code`).

    `decode` reads the body (`wire.loads`, or an incremental listing's
    `gui.venues.listing_cache.ListingPoll.decode`, which raises as `loads` does).
    """
    try:
        body = decode(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("code") is None:
        return None
    try:
        return wire.Envelope.model_validate(body)
    except ValueError:
        return None


def check_response(response: httpx.Response) -> VenueError | None:
    """`gui.venues.http.ResponseCheck` for KuCoin: the error an envelope carries, if any.

    A success code on a non-2xx status, or a body that is no envelope, returns None so the
    HTTP status decides. Never raises.
    """
    if response.is_success and response.content.startswith(b'{"code":"200000"'):
        return None  # the common case, without decoding a large body twice
    envelope = read_envelope(response)
    if envelope is None or envelope.code is None or envelope.code in wire.SUCCESS_CODES:
        if response.status_code == 429:
            return error_for_code("429000", "Too Many Requests", response)
        return None
    return error_for_code(envelope.code, envelope.msg or "", response)


def extract_message(response: httpx.Response) -> VenueMessage:
    """`gui.venues.http.MessageExtractor`: `msg` and `code` of an envelope, else the text."""
    envelope = read_envelope(response)
    if envelope is not None:
        return VenueMessage((envelope.msg or "").strip(), envelope.code or "")
    return VenueMessage(response.text.strip()[:500])
