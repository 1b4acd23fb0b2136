"""Anboto's vocabulary for the emulator: enums, error bodies, exact JSON and timestamps.

Source: shared/venues/anboto/api-reference.md ("Schemas"), digested in notes.md §1.4 and §1.6.
Every enum here is complete as the reference doc lists it. Numbers in responses are written
from `Decimal` exactly (never through float); times are aware UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from starlette.responses import Response

from gui.sandbox.exact_json import ExactJSONResponse


class AnbotoStatus(StrEnum):
    """`OrderStatusEnum` (11 values). The pause states exist in the doc but no endpoint
    reaches them, so the emulator never reports them."""

    PENDING_NEW = "PENDING_NEW"
    """Received; the engine has not yet stepped past its creation (the accept delay)."""
    ACCEPTED = "ACCEPTED"
    """Taken by the engine (working, scheduled, or waiting for a stop trigger), no fills."""
    REJECTED = "REJECTED"
    """Refused in a batch, or failed by the engine (terminal)."""
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    """Some quantity filled, still working."""
    FILLED = "FILLED"
    """Fully filled (terminal)."""
    PENDING_CANCEL = "PENDING_CANCEL"
    """Cancel requested; it becomes CANCELLED after the cancel delay."""
    CANCELLED = "CANCELLED"
    """Cancelled by the user (terminal), possibly after fills."""
    PENDING_PAUSE = "PENDING_PAUSE"
    """Never reported (no pause endpoint)."""
    PAUSED = "PAUSED"
    """Never reported (no pause endpoint)."""
    PENDING_UNPAUSE = "PENDING_UNPAUSE"
    """Never reported (no pause endpoint)."""
    EXPIRED = "EXPIRED"
    """Its window (`endTime`) ended before it filled (terminal)."""


TERMINAL_STATUSES: frozenset[AnbotoStatus] = frozenset(
    {AnbotoStatus.REJECTED, AnbotoStatus.FILLED, AnbotoStatus.CANCELLED, AnbotoStatus.EXPIRED}
)
"""Nothing more happens to these (notes §1.5); `order/open` lists every other status."""


class ErrorCode(StrEnum):
    """The `ErrorCode` values the emulator uses (the doc lists 16)."""

    OTHER = "OTHER"
    """Anything without a closer code (unknown route, partly failed cancelMany)."""
    QUANTITY_EXCEED = "QUANTITY_EXCEED"
    """An order's notional is over the sandbox's per-order limit."""
    AUTHENTICATION_ERROR = "AUTHENTICATION_ERROR"
    """Missing or bad key, timestamp, recv window or signature (HTTP 401)."""
    RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED"
    """Too many requests for the key (HTTP 429)."""
    INVALID_ORDER = "INVALID_ORDER"
    """The request or order data is invalid, or names no order of the key (HTTP 400)."""
    EXCHANGE_ERROR = "EXCHANGE_ERROR"
    """The simulated exchange failed the order (fault injection)."""
    EXPIRY_REACHED = "EXPIRY_REACHED"
    """The order's `endTime` passed before it filled (status EXPIRED)."""
    PARENT_ORDER_WAS_TERMINATED = "PARENT_ORDER_WAS_TERMINATED"
    """A valid order of an `allOrNone` batch not created because another one was invalid."""


EXCHANGES: tuple[str, ...] = ("BINANCE", "BYBIT")
"""`Exchange` values."""
ASSET_CLASSES: tuple[str, ...] = ("UNDEFINED", "SPOT", "FUTURE", "OPTION")
"""`AssetClass` values (OPTION is refused: the sandbox has no option markets)."""
SIDES: tuple[str, ...] = ("BUY", "SELL", "SHORT_SELL")
"""`Side` values; SHORT_SELL trades as a sell."""
STRATEGIES: tuple[str, ...] = ("TWAP", "VWAP", "ICEBERG", "MARKET", "LIMIT", "STOP_LOSS")
"""`ApiStrategy` values."""
CLIP_SIZE_TYPES: tuple[str, ...] = ("ABSOLUTE", "PERCENTAGE", "AUTOMATIC")
"""`ClipSizeType` values."""


class ApiError(Exception):
    """A refusal: HTTP status and the body `{"errorCode": ..., "message": ...}`.

    The reference doc gives 400 "Bad request, invalid order data" with no body schema; the
    emulator fills it with the two OrderSummary error fields, `errorCode` from `ErrorCode`.
    """

    def __init__(
        self,
        status_code: int,
        message: str,
        code: ErrorCode = ErrorCode.INVALID_ORDER,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Build the refusal.

        Args:
            status_code: HTTP status (400, 401, 404, 405 or 429).
            message: What was wrong, for the caller.
            code: The body's `errorCode`.
            headers: Extra response headers (e.g. `Retry-After`).
        """
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message
        self.code = code
        self.headers = dict(headers or {})

    def response(self) -> Response:
        """The JSON error response."""
        body = {"errorCode": self.code.value, "message": self.message}
        return ExactJSONResponse(body, self.status_code, headers=self.headers)


def invalid(message: str, code: ErrorCode = ErrorCode.INVALID_ORDER) -> ApiError:
    """400 with `code` (INVALID_ORDER unless a closer documented code applies)."""
    return ApiError(400, message, code)


def iso_ms(ts: datetime) -> str:
    """ISO 8601 UTC with milliseconds and `Z`, e.g. `2024-01-02T09:00:00.000Z` (the doc's
    `date-time`, as in its example `2019-08-24T14:15:22Z`)."""
    ts = ts.astimezone(UTC)
    return f"{ts:%Y-%m-%dT%H:%M:%S}.{ts.microsecond // 1000:03d}Z"


# JSON in ----------------------------------------------------------------------------------
# Responses are written by `gui.sandbox.exact_json`.


def parse_json(raw: bytes) -> Any:
    """Decode a request body: numbers with a fraction or exponent as `Decimal`, integers as
    `int`; NaN/Infinity refused.

    Raises:
        ApiError: 400 INVALID_ORDER when the body is not JSON.
    """

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number")

    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=no_constants)
    except (ValueError, UnicodeDecodeError):
        raise invalid("Request body is not valid JSON") from None
