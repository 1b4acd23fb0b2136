"""ZenOTC wire models, in the venue's own (camelCase) spelling, and exact JSON in and out.

Source: shared/venues/zenotc/api-reference.md ("The Order Object" and each endpoint's
Response), digested in notes.md §3.3. Every model is lenient:

* `extra="allow"`: fields we do not model are kept, never rejected;
* only `orderId` is required of an order: the list endpoint's items carry a subset of the
  Order object (no `orderType`, `timeInForce`, `remainingQuantity`, `averagePrice`,
  `metadata`, `updatedAt`; notes §3.3 (2));
* numbers are `Decimal`: bodies are decoded by `loads`, so a JSON number such as `49950.00`
  arrives as `Decimal("49950.00")`, never through a float;
* what cannot be right makes the answer unreadable (`VenueBadResponse`): a negative
  quantity or price (fees may be negative), a number out of range, a time outside years
  1-9999, a side other than buy/sell; an unknown status is kept (UNKNOWN in `parsing`);
* a `{"data": ...}` envelope (the external "REST API Reference", notes §3.5) is removed by
  `unwrap` before a model sees the body (notes §3.7.4).

Requests are modelled too, so what we send is spelled in one place; `dumps` writes their
decimals as exact JSON number literals (`Decimal("0.1")` -> `0.1`, `Decimal("1E+2")` -> `100`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

from gui.venues.wire_types import (
    dumps_exact,
    to_choice,
    to_decimal,
    to_id_text,
    to_utc_datetime,
)
from gui.venues.wire_types import loads as loads

# -- JSON in and out -------------------------------------------------------------------------


_BARE_KEYS = frozenset(
    {"orderId", "orders", "fills", "results", "cancelledCount", "cancelledOrders"}
)


def unwrap(body: Any) -> Any:
    """The payload of a `{"data": ..., "timestamp": ...}` envelope; any other body as is.

    The Orders page shows bare objects, the general page an envelope (notes §3.5); we accept
    both (notes §3.7.4). A body that has `data` next to a key of a bare answer (`orderId`,
    `orders`, ...) is a bare answer and is left alone.
    """
    if (
        isinstance(body, dict)
        and isinstance(body.get("data"), dict | list)
        and not _BARE_KEYS & body.keys()
    ):
        return body["data"]
    return body


def dumps(value: Any) -> str:
    """JSON text for a request body, as the official helper writes it (notes §3.2:
    `json.dumps` with its default `", "` and `": "` separators and ASCII escapes), with
    `Decimal`s as exact number literals (`format(value, "f")`, no float on the way).

    Raises:
        ValueError: A number is NaN or infinite.
        TypeError: A value JSON cannot hold.
    """
    return dumps_exact(value, venue="ZenOTC", separators=(", ", ": "))


# -- field types -----------------------------------------------------------------------------


def _to_decimal(value: object) -> Decimal | None:
    return to_decimal(value, expected="a number")  # ZenOTC's own wording


def _to_amount(value: object) -> Decimal | None:
    return to_decimal(value, expected="a number", non_negative=True)


def _to_side(value: object) -> str | None:
    return to_choice(value, allowed=frozenset({"buy", "sell"}), name="side")


def _to_datetime(value: object) -> datetime | None:
    # Epoch ms as int or exact Decimal (never float: bodies go through `loads`), if ever sent.
    return to_utc_datetime(value, epoch_ms_types=(int, Decimal))


WireDecimal = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
"""A JSON number (or decimal string) as an exact Decimal; null and `""` are None."""
WireAmount = Annotated[Decimal | None, BeforeValidator(_to_amount)]
"""A quantity or price: as `WireDecimal`, and refused when negative."""
WireSide = Annotated[str | None, BeforeValidator(_to_side)]
"""`buy` or `sell` in any case; null is None; anything else is refused."""
WireDatetime = Annotated[datetime | None, BeforeValidator(_to_datetime)]
"""ISO 8601 (`2024-01-15T10:30:00.000Z`) as an aware UTC datetime; null is None."""
WireText = Annotated[str | None, BeforeValidator(to_id_text)]
"""A string the venue might send as an integer (ids); null is None."""


class _Wire(BaseModel):
    model_config = ConfigDict(
        extra="allow", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


# -- answers ---------------------------------------------------------------------------------


class Order(_Wire):
    """The Order object (doc "The Order Object"), or a list item (a subset of it).

    Quantities are in the asset (base), prices in USD per unit of the asset.
    """

    order_id: Annotated[str, BeforeValidator(to_id_text)]
    """`orderId`, e.g. `ord_abc123def456`."""
    client_order_id: WireText = None
    """`clientOrderId`: our id; null when none was given."""
    side: WireSide = None
    """`buy` or `sell`."""
    asset: str | None = None
    """Asset symbol, e.g. `BTC`."""
    quantity: WireAmount = None
    """Order quantity (total; amend changes it)."""
    price: WireAmount = None
    """Limit price; null for market orders."""
    order_type: str | None = None
    """`limit` or `market` (absent from list items)."""
    time_in_force: str | None = None
    """`GTC`, `IOC` or `FOK` (absent from list items)."""
    status: str | None = None
    """`open`, `partially_filled`, `filled`, `cancelled`, `rejected`, `expired`."""
    filled_quantity: WireAmount = None
    remaining_quantity: WireAmount = None
    """Absent from list items."""
    average_price: WireAmount = None
    """Average fill price; null before any fill; absent from list items."""
    metadata: dict[str, Any] | None = None
    created_at: WireDatetime = None
    updated_at: WireDatetime = None
    """Absent from list items."""


class Pagination(_Wire):
    """`pagination` of the list answer (doc "List Orders")."""

    page: int | None = None
    limit: int | None = None
    total: int | None = None
    """Orders across all pages."""
    total_pages: int | None = None


class OrderPage(_Wire):
    """`GET /api/sdk/orders`: one page of orders (a bare array is read as a page without
    pagination, in case an enveloped answer carries the list alone)."""

    orders: list[Order] = Field(default_factory=list)
    pagination: Pagination | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_array(cls, data: object) -> object:
        return {"orders": data} if isinstance(data, list) else data


class Fill(_Wire):
    """One fill of `GET /api/sdk/orders/:orderId/fills` (doc "Get Order Fills")."""

    fill_id: Annotated[str, BeforeValidator(to_id_text)]
    """`fillId`, e.g. `fill_xyz789`; unique per venue."""
    order_id: WireText = None
    price: WireAmount = None
    """USD per unit of the asset."""
    quantity: WireAmount = None
    """Asset amount."""
    side: WireSide = None
    fee: WireDecimal = None
    """Fee in `feeCurrency` (0.05 % of notional in the doc's example)."""
    fee_currency: str | None = None
    executed_at: WireDatetime = None


class FillList(_Wire):
    """The fills answer, `{"fills": [...]}` (a bare array is accepted too)."""

    fills: list[Fill] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _bare_array(cls, data: object) -> object:
        return {"fills": data} if isinstance(data, list) else data


class CancelResult(_Wire):
    """`DELETE /api/sdk/orders/:orderId`: not the full order (notes §3.3 (6))."""

    order_id: WireText = None
    status: str | None = None
    """`cancelled`."""
    cancelled_at: WireDatetime = None


class BatchItemResult(_Wire):
    """One item of the batch answer: success with `orderId`, or failure with `error` and
    the 0-based `index` of the request item."""

    success: bool
    order_id: WireText = None
    client_order_id: WireText = None
    error: str | None = None
    """The venue's words for a failed item, e.g. "Insufficient balance"."""
    index: int | None = None


class BatchSummary(_Wire):
    """`summary` of the batch answer: counts."""

    total: int | None = None
    successful: int | None = None
    failed: int | None = None


class BatchCreateResult(_Wire):
    """`POST /api/sdk/orders/batch`: per-item results, in request order."""

    results: list[BatchItemResult] = Field(default_factory=list)
    summary: BatchSummary | None = None


class CancelAllResult(_Wire):
    """`DELETE /api/sdk/orders/batch`: how many were cancelled, and their ids."""

    cancelled_count: int | None = None
    cancelled_orders: list[str] = Field(default_factory=list)


# -- requests --------------------------------------------------------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True
    )

    def body(self) -> dict[str, Any]:
        """The JSON object to send: venue spelling, unset fields left out, Decimals kept."""
        return self.model_dump(by_alias=True, exclude_none=True)


class CreateOrderRequest(_Request):
    """Body of `POST /api/sdk/orders`, and one item of the batch (doc "Create Order")."""

    side: str
    """`buy` or `sell`."""
    asset: str
    quantity: Decimal
    """Asset amount, > 0."""
    price: Decimal | None = None
    """USD per unit; required for limit orders, left out for market orders."""
    order_type: str | None = None
    """`limit` (venue default) or `market`."""
    time_in_force: str | None = None
    """`GTC` (venue default), `IOC` or `FOK`."""
    client_order_id: str | None = None
    """Our id, at most 64 characters."""
    metadata: dict[str, Any] | None = None


class AmendOrderRequest(_Request):
    """Body of `PATCH /api/sdk/orders/:orderId`: at least one of the two."""

    quantity: Decimal | None = None
    """New total quantity (asset)."""
    price: Decimal | None = None
    """New limit price (USD per unit)."""


class CancelAllRequest(_Request):
    """Body of `DELETE /api/sdk/orders/batch`: optional filters; empty cancels all."""

    asset: str | None = None
    side: str | None = None
