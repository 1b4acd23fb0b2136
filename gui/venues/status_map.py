"""HTTP status -> domain error, keeping the venue's own words (re-exported by
`gui.venues.http`).

    transport failure (timeout, connect, reset)  -> VenueTransportError
    429                                          -> VenueRateLimited (Retry-After honoured)
    401, 403                                     -> VenueAuthError
    404                                          -> VenueNotFound
    other 4xx                                    -> VenueRejected
    5xx                                          -> VenueUnavailable
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

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
from gui.venues.retry import parse_retry_after


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
