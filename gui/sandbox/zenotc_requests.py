"""Reading ZenOTC requests in the emulator: NestJS-style refusals, bodies and query values.

Every refusal raises `ApiError` with the HTTP status of the doc (400 invalid parameters, 401,
403, 404, 409, 422) and the NestJS error body of notes.md §3.5,
`{"statusCode": 400, "message": "...", "error": "Bad Request"}`. The doc gives codes, not
words: every message here is ours.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from gui.domain.orders import Side
from gui.sandbox.zenotc_wire import ASSETS, ZenotcJSONResponse, ZenStatus

CLIENT_ORDER_ID_MAX_LEN = 64
"""Longest `clientOrderId` ("max 64 chars")."""
MAX_PAGE_LIMIT = 100
"""Largest `limit` of the list ("max 100")."""
DEFAULT_PAGE_LIMIT = 50
"""`limit` when absent."""
ORDER_TYPES = ("limit", "market")
"""`orderType` values; the first is the default."""
TIMES_IN_FORCE = ("GTC", "IOC", "FOK")
"""`timeInForce` values; the first is the default."""

REASON_PHRASES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
}
"""The `error` of a NestJS error body, by status."""


def error_body(status_code: int, message: str) -> dict[str, Any]:
    """`{"statusCode", "message", "error"}` (notes §3.5)."""
    return {
        "statusCode": status_code,
        "message": message,
        "error": REASON_PHRASES.get(status_code, "Error"),
    }


class ApiError(Exception):
    """A refusal: HTTP status and message of a NestJS error body."""

    def __init__(self, status_code: int, message: str) -> None:
        """Build the refusal.

        Args:
            status_code: HTTP status.
            message: The body's `message`.
        """
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message

    def response(self, headers: Mapping[str, str] | None = None) -> Response:
        """The JSON error response."""
        return ZenotcJSONResponse(
            error_body(self.status_code, self.message), self.status_code, headers=headers
        )


def bad_request(message: str) -> ApiError:
    """400 "Invalid parameters"."""
    return ApiError(400, message)


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


def parse_json_body(raw: bytes) -> object:
    """The body as JSON with exact decimals (floats become `Decimal`); empty is None.

    Raises:
        ApiError: 400 when it is not JSON (NaN and Infinity included).
    """
    if not raw.strip():
        return None
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("Request body is not valid JSON") from None


def positive_number(body: Mapping[str, Any], name: str) -> Decimal | None:
    """A JSON number > 0 as Decimal; None when absent or null.

    Raises:
        ApiError: 400 for a string, bool, zero or negative (the doc types it `number`).
    """
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise bad_request(f"{name} must be a number")
    number = Decimal(value)
    if not number.is_finite() or number <= 0:
        raise bad_request(f"{name} must be a positive number")
    return number


def parse_side(value: object) -> Side:
    """`buy` or `sell`.

    Raises:
        ApiError: 400 otherwise.
    """
    if value == "buy":
        return Side.BUY
    if value == "sell":
        return Side.SELL
    raise bad_request("side must be one of: buy, sell")


def parse_asset(value: object) -> str:
    """A known asset symbol (decision 10).

    Raises:
        ApiError: 400 for an unknown or missing asset.
    """
    if not isinstance(value, str) or not value:
        raise bad_request("asset must be a non-empty string")
    if value not in ASSETS:
        raise bad_request(f"Unknown asset: {value}")
    return value


def _choice(body: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = body.get(name)
    if value is None:
        return allowed[0]
    if value not in allowed:
        raise bad_request(f"{name} must be one of: {', '.join(allowed)}")
    return str(value)


@dataclass(frozen=True, slots=True)
class CreateOrder:
    """A checked order of `POST /api/sdk/orders` or an item of the batch.

    Attributes:
        side: Buy or sell the asset.
        asset: Symbol, e.g. `BTC`.
        quantity: Base asset, > 0.
        price: Limit price in USD per base; None for market orders.
        order_type: `limit` or `market`.
        time_in_force: `GTC`, `IOC` or `FOK`.
        client_order_id: At most 64 characters, or None.
        metadata: Custom key-value pairs.
    """

    side: Side
    asset: str
    quantity: Decimal
    price: Decimal | None
    order_type: str
    time_in_force: str
    client_order_id: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def parse_create(body: object) -> CreateOrder:
    """Check a create body ("Create Order" request table); unknown keys are ignored.

    Raises:
        ApiError: 400 for a missing or invalid field: no price on a limit order, a price on a
            market order (decision 10), a `clientOrderId` over 64 characters.
    """
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    side = parse_side(body.get("side"))
    asset = parse_asset(body.get("asset"))
    quantity = positive_number(body, "quantity")
    if quantity is None:
        raise bad_request("quantity is required")
    order_type = _choice(body, "orderType", ORDER_TYPES)
    time_in_force = _choice(body, "timeInForce", TIMES_IN_FORCE)
    price = positive_number(body, "price")
    if order_type == "limit" and price is None:
        raise bad_request("price is required for limit orders")
    if order_type == "market" and price is not None:
        raise bad_request("price must be null for market orders")
    client_order_id = body.get("clientOrderId")
    if client_order_id is not None and (
        not isinstance(client_order_id, str)
        or not 0 < len(client_order_id) <= CLIENT_ORDER_ID_MAX_LEN
    ):
        raise bad_request(
            f"clientOrderId must be a non-empty string of at most {CLIENT_ORDER_ID_MAX_LEN} "
            "characters"
        )
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise bad_request("metadata must be an object")
    return CreateOrder(
        side=side,
        asset=asset,
        quantity=quantity,
        price=price,
        order_type=order_type,
        time_in_force=time_in_force,
        client_order_id=client_order_id,
        metadata=dict(metadata or {}),
    )


def parse_amend(body: object) -> tuple[Decimal | None, Decimal | None]:
    """(`quantity`, `price`) of an amend body ("Amend Order"); None means unchanged.

    Raises:
        ApiError: 400 when neither is given or one is not a positive number.
    """
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    quantity = positive_number(body, "quantity")
    price = positive_number(body, "price")
    if quantity is None and price is None:
        raise bad_request("At least one of quantity or price must be provided")
    return quantity, price


@dataclass(frozen=True, slots=True)
class ListQuery:
    """The checked query of `GET /api/sdk/orders`.

    Attributes:
        statuses: Wanted statuses; empty means all (decision 9: all six accepted).
        asset: Wanted asset or None.
        side: Wanted side or None.
        page: 1-based page.
        limit: Page size, 1 to 100.
    """

    statuses: frozenset[ZenStatus]
    asset: str | None
    side: Side | None
    page: int
    limit: int


def _positive_int(
    params: Mapping[str, str], name: str, default: int, maximum: int | None = None
) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum):
        bounds = "of at least 1" if maximum is None else f"between 1 and {maximum}"
        raise bad_request(f"{name} must be an integer {bounds}")
    return value


def parse_list_query(params: Mapping[str, str]) -> ListQuery:
    """Read `statuses`, `asset`, `side`, `page` and `limit`.

    Raises:
        ApiError: 400 for an unknown status, asset or side, or a page or limit out of range.
    """
    statuses: set[ZenStatus] = set()
    for raw in (params.get("statuses") or "").split(","):
        name = raw.strip()
        if not name:
            continue
        try:
            statuses.add(ZenStatus(name))
        except ValueError:
            raise bad_request(f"Invalid status: {name}") from None
    asset = params.get("asset") or None
    side = params.get("side") or None
    return ListQuery(
        statuses=frozenset(statuses),
        asset=None if asset is None else parse_asset(asset),
        side=None if side is None else parse_side(side),
        page=_positive_int(params, "page", 1),
        limit=_positive_int(params, "limit", DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT),
    )


def parse_cancel_all(body: object) -> tuple[str | None, Side | None]:
    """(`asset`, `side`) filters of `DELETE /api/sdk/orders/batch`; an empty body is `{}`.

    Raises:
        ApiError: 400 for a body that is not an object or an unknown asset or side.
    """
    if body is None:
        return None, None
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    asset, side = body.get("asset"), body.get("side")
    return (
        None if asset is None else parse_asset(asset),
        None if side is None else parse_side(side),
    )
