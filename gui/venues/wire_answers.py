"""Reading venue answers: exact JSON in, and the one error for an answer that cannot be read.

Every venue client decodes bodies with `loads` (fractions and exponents as exact Decimals,
never floats) and turns a 2xx body into its wire model with `parse_answer` (or, for a
payload already taken out of an envelope, `parse_payload`). Whatever cannot be read (not
JSON, an HTML page, a body that does not fit the model) raises `VenueBadResponse` naming
venue and endpoint, after its raw body (at most `RAW_BODY_LOG_BYTES`) is logged at WARNING
on `gui.venues.raw`; headers are never logged (they carry credentials). Re-exported by
`gui.venues.wire_types`, where the venue packages import them from.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from gui.domain.errors import VenueBadResponse

_Model = TypeVar("_Model", bound=BaseModel)
_T = TypeVar("_T")
logger = logging.getLogger(__name__)

raw_logger = logging.getLogger("gui.venues.raw")
"""Where the raw bodies of unreadable answers go (WARNING): what arrived, never headers."""

RAW_BODY_LOG_BYTES = 2048
"""Most bytes of an unreadable body written to the log; the rest is cut and counted."""


def _constant_as_decimal(name: str) -> Decimal:
    # `NaN`, `Infinity`, `-Infinity` are not JSON; Python's decoder takes them anyway. As
    # Decimals they are refused by `to_decimal` wherever a number is read, and no float is
    # ever built from a body.
    return Decimal(name)


def loads(content: bytes | str) -> Any:
    """Decode a venue JSON body with every fractional or exponent number as an exact `Decimal`.

    Integers stay `int` (some venues send nanosecond times, which exceed 2**53); `NaN` and
    `Infinity` become non-finite Decimals (refused later by `to_decimal`).

    Args:
        content: The body, as received (UTF-8 bytes or text).

    Returns:
        The decoded JSON: dicts, lists, str, int, `Decimal`, bool or None.

    Raises:
        ValueError: The body is not JSON (not UTF-8, malformed, an integer of more than
            4300 digits, or nested too deeply to decode).
    """
    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_constant_as_decimal)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def raw_text(content: bytes, limit: int = RAW_BODY_LOG_BYTES) -> str:
    """A body for the log: at most `limit` bytes as text (undecodable bytes replaced),
    with how much was cut."""
    text = content[:limit].decode("utf-8", errors="replace")
    if len(content) > limit:
        text += f"... [{len(content) - limit} more bytes]"
    return text


def bad_response(
    venue: str,
    endpoint: str,
    detail: str,
    *,
    content: bytes | None,
    status_code: int | None,
) -> VenueBadResponse:
    """The error for an unreadable answer, after logging its raw body on `gui.venues.raw`.

    For the callers that decode an answer themselves (an envelope check, a payload taken out
    of one); `parse_answer` uses it too.

    Args:
        venue: The venue's name.
        endpoint: Method and path of the request: `"GET /api/v1/orders"`.
        detail: What is wrong, for the error pane.
        content: The raw body (logged, at most `RAW_BODY_LOG_BYTES`); None when only a
            decoded payload is at hand (then the caller logs that, see `parse_payload`).
        status_code: The answer's HTTP status.

    Returns:
        The error, to raise.
    """
    if content is not None:
        raw_logger.warning(
            "%s %s: unreadable answer (HTTP %s, %s): %d bytes: %s",
            venue,
            endpoint,
            status_code,
            detail,
            len(content),
            raw_text(content),
        )
    return VenueBadResponse(venue, endpoint, detail, status_code)


def _first_problem(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        if errors:
            problem = errors[0]
            where = ".".join(str(part) for part in problem["loc"]) or "body"
            return f"{where}: {problem['msg']}"
    if isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        return f"not JSON ({exc})"
    return str(exc) or type(exc).__name__


def _unexpected(venue: str, endpoint: str, exc: Exception) -> str:
    # A validator raised something other than ValueError: a bug on our side, logged with
    # its traceback; the answer is still reported as unreadable, never crashes the caller.
    logger.error(
        "%s %s: reading the answer raised %s", venue, endpoint, type(exc).__name__, exc_info=exc
    )
    return f"{type(exc).__name__}: {exc}"


_UNEXPECTED = (TypeError, ArithmeticError, LookupError, AttributeError, RecursionError)


def parse_answer(
    model: type[_Model],
    response: httpx.Response,
    what: str,
    *,
    venue: str,
    unwrap: Callable[[Any], Any] | None = None,
    decode: Callable[[bytes], Any] = loads,
) -> _Model:
    """A 2xx answer's body (decoded by `loads`) as `model`.

    Args:
        model: The wire model of the answer.
        response: The venue's answer.
        what: The request, method and path, for the error (`"GET /api/v1/orders"`).
        venue: The venue's name, for the error.
        unwrap: Takes the payload out of the decoded body (an envelope), if the venue has one.
        decode: Decodes the body; `loads` unless a listing is read incrementally
            (`gui.venues.listing_cache.ListingPoll.decode`, which raises as `loads` does).

    Raises:
        VenueBadResponse: The body is not JSON (an HTML page, a cut-off body) or does not
            fit `model` (the first problem, by field path); its raw body is logged.
    """
    try:
        body = decode(response.content)
        return model.model_validate(body if unwrap is None else unwrap(body))
    except ValueError as exc:  # ValidationError and JSONDecodeError are ValueErrors
        detail = _first_problem(exc)
    except _UNEXPECTED as exc:
        detail = _unexpected(venue, what, exc)
    raise bad_response(
        venue, what, detail, content=response.content, status_code=response.status_code
    )


def parse_payload(
    validate: Callable[[Any], _T],
    payload: object,
    what: str,
    *,
    venue: str,
    status_code: int | None,
) -> _T:
    """A payload already taken out of an answer (an envelope's `data`) through `validate`
    (`TypeAdapter.validate_python`, `Model.model_validate`).

    Args:
        validate: Validates the payload, raising `ValueError` (`ValidationError`) if it
            does not fit.
        payload: The decoded JSON.
        what: Method and path of the request.
        venue: The venue's name.
        status_code: The answer's HTTP status.

    Raises:
        VenueBadResponse: The payload does not fit; the payload is logged (as JSON, at most
            `RAW_BODY_LOG_BYTES`) on `gui.venues.raw`.
    """
    try:
        return validate(payload)
    except ValueError as exc:
        detail = _first_problem(exc)
    except _UNEXPECTED as exc:
        detail = _unexpected(venue, what, exc)
    try:
        shown = json.dumps(payload, default=str).encode()
    except (ValueError, TypeError, RecursionError):
        shown = b"<not printable as JSON>"
    raw_logger.warning(
        "%s %s: unreadable payload (HTTP %s, %s): %s",
        venue,
        what,
        status_code,
        detail,
        raw_text(shown),
    )
    raise VenueBadResponse(venue, what, detail, status_code)
