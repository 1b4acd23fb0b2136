"""DFX's `{"code", "msg"}` envelope and its errors, mapped to domain errors (notes §2.5).

`code` is a string; `"0"` is success. The venue's error list (external `Error Codes.md`)
gives HTTP statuses whose bodies repeat the status as the code:

    401  signature missing or wrong, key not uploaded/expired   VenueAuthError
    403  no permission, IP not whitelisted                      VenueAuthError
    412  required parameter missing                             VenueRejected
    429  rate limit                                             VenueRateLimited
    5xx  "the execution status is UNKNOWN"                      VenueUnavailable
    other 4xx                                                   VenueRejected

A non-"0" code in a 200 is a business refusal: VenueRejected with the venue's `msg`
(VenueNotFound, a VenueRejected, when the words say the order does not exist; the doc
gives no code for that, notes §2.7(8)); a code that repeats one of the statuses above maps
as that status would. A body that is not an envelope falls back to `gui.venues.http`'s
status map (a 2xx body that is no envelope is logged raw on `gui.venues.raw`; the client
then raises `VenueBadResponse`).
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
from gui.venues.dfx import wire
from gui.venues.dfx.config import VENUE
from gui.venues.http import VenueMessage, parse_retry_after
from gui.venues.wire_types import raw_logger, raw_text

NOT_FOUND_WORDS = ("not exist", "notexist", "not found", "no such", "unknown order")
"""Message fragments (lower case) that mean "no such order"."""

_MAX_TEXT = 300


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


def error_for_code(code: str, message: str, response: httpx.Response) -> VenueError:
    """The domain error for a DFX error code on a response.

    Args:
        code: The envelope's `code` ("" when the body had none).
        message: The envelope's `msg` ("" when it said nothing).
        response: The response (its status and `Retry-After` are used).

    Returns:
        The matching `VenueError` subclass (see the module docstring).
    """
    status = response.status_code
    said = message.strip() or response.reason_phrase or f"DFX error {code or status}"
    if status == 429 or code == "429":
        retry_after_s = parse_retry_after(response.headers.get("Retry-After"))
        return VenueRateLimited(VENUE, said, status, retry_after_s=retry_after_s)
    if status in (401, 403) or code in ("401", "403"):
        return VenueAuthError(VENUE, said, status, code)
    if status >= 500 or (len(code) == 3 and code.startswith("5")):
        return VenueUnavailable(VENUE, f"{said} (code {code})" if code else said, status)
    if status == 404 or any(words in said.lower() for words in NOT_FOUND_WORDS):
        return VenueNotFound(VENUE, said, status, code)
    return VenueRejected(VENUE, said, status, code)


def _endpoint(response: httpx.Response) -> str:
    try:
        request = response.request
    except RuntimeError:  # a response built by hand, without its request
        return "(request unknown)"
    return f"{request.method} {request.url.path}"


def check_response(response: httpx.Response) -> VenueError | None:
    """`gui.venues.http.ResponseCheck` for DFX: the error an envelope carries, if any.

    Returns None for a success code on a 2xx, and for a body that is no envelope (the
    HTTP status then decides). Never raises.
    """
    envelope = read_envelope(response)
    if envelope is None:
        if response.is_success:
            # The client raises `VenueBadResponse` for it; the raw body goes to the log here,
            # the one place that still has it.
            raw_logger.warning(
                "%s %s: unreadable answer (HTTP %s, not a DFX envelope): %d bytes: %s",
                VENUE,
                _endpoint(response),
                response.status_code,
                len(response.content),
                raw_text(response.content),
            )
        return None
    code = envelope.code or ""
    if code == wire.SUCCESS_CODE and response.is_success:
        return None
    if code == wire.SUCCESS_CODE:
        return error_for_code("", "", response)
    return error_for_code(code, envelope.msg or "", response)


def extract_message(response: httpx.Response) -> VenueMessage:
    """`gui.venues.http.MessageExtractor`: `msg` and `code` of an envelope, else the text."""
    envelope = read_envelope(response)
    if envelope is not None:
        return VenueMessage(envelope.msg or "", envelope.code or "")
    return VenueMessage(" ".join(response.text.split())[:_MAX_TEXT])


def timestamp_rejected(error: VenueError) -> bool:
    """`gui.venues.http.TimestampRejected` for DFX: a 401 whose words name the timestamp.

    The venue refuses an `EXCHANGE-API-TIMESTAMP` more than 5 s from its clock (notes §2.2)
    with 401, "signature missing or verification failed" (notes §2.5, `Error Codes.md`),
    before doing anything; it documents no code or words of its own for the timestamp, so
    `VenueHttp` also counts a 401 whose `Date` shows our clock was off.
    """
    return isinstance(error, VenueAuthError) and "timestamp" in error.venue_message.lower()
