"""Anboto wire models in the venue's own (camelCase) spelling, and exact JSON in and out.

Source: shared/venues/anboto/api-reference.md "Schemas", digested in notes.md §1.4. Every
answer model is lenient: `extra="allow"` keeps fields we do not model, and only `status`
is required (a field the doc marks required but the venue leaves out is a problem for
`parsing`, which says which). Numbers arrive as exact `Decimal`s (`loads`); ids are int64
in the doc (`orderId`, example `0`) and are kept as their decimal text.

What cannot be right makes the answer unreadable (`VenueBadResponse`): a negative quantity
or price, a number out of range, a time outside years 1-9999, a side that is not `BUY`,
`SELL` or `SHORT_SELL`. An unknown status is kept (UNKNOWN in `parsing`).

Requests are modelled too; `dumps` writes them as compact JSON (`separators=(",", ":")`,
as the official example client signs them, notes §1.2) with every Decimal as the exact
JSON number literal it holds, never through a float.
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

# -- JSON out --------------------------------------------------------------------------------


def dumps(value: Any) -> str:
    """Compact JSON text (no blanks, ASCII escapes) with Decimals as exact number literals
    (`Decimal("0.10")` -> `0.10`, `Decimal("1E+2")` -> `100`).

    Raises:
        ValueError: A number is NaN or infinite.
        TypeError: A value JSON cannot hold.
    """
    return dumps_exact(value, venue="Anboto", separators=(",", ":"))


# -- field types -----------------------------------------------------------------------------


def _to_decimal(value: object) -> Decimal | None:
    return to_decimal(value, expected="a number")


def _to_amount(value: object) -> Decimal | None:
    return to_decimal(value, expected="a number", non_negative=True)


def _to_side(value: object) -> str | None:
    sides = frozenset({"buy", "sell", "short_sell"})
    return to_choice(value, allowed=sides, name="side")


def _to_datetime(value: object) -> datetime | None:
    return to_utc_datetime(value, epoch_ms_types=(int, Decimal))


def _to_text(value: object) -> str | None:
    text = to_id_text(value, expected="a string or an integer")
    return text if text else None  # "" is missing (STYLE §6)


WireDecimal = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
"""A JSON number (or decimal string) as an exact Decimal; null and `""` are None."""
WireAmount = Annotated[Decimal | None, BeforeValidator(_to_amount)]
"""A quantity or price: as `WireDecimal`, and refused when negative."""
WireSide = Annotated[str | None, BeforeValidator(_to_side)]
"""`BUY`, `SELL` or `SHORT_SELL` (any case); null is None; anything else is refused."""
WireDatetime = Annotated[datetime | None, BeforeValidator(_to_datetime)]
"""`string(date-time)`, e.g. `2019-08-24T14:15:22Z`, as an aware UTC datetime."""
WireText = Annotated[str | None, BeforeValidator(_to_text)]
"""A string or an int64 id as text; null and `""` are None."""


class _Wire(BaseModel):
    model_config = ConfigDict(
        extra="allow", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


# -- answers ---------------------------------------------------------------------------------


class OrderSummary(_Wire):
    """`OrderSummary`: the answer to create, cancel and cancelMany (one per order in
    createMany's `responses`)."""

    order_id: WireText = None
    """`orderId`, int64 as text; null when the venue assigned none (e.g. rejected)."""
    client_order_id: WireText = None
    status: str
    """`OrderStatusEnum`: `PENDING_NEW`, `ACCEPTED`, ..., `REJECTED`, ... (11 values)."""
    created_at: WireDatetime = None
    message: str | None = None
    """The venue's words; the doc's examples fill it even when nothing went wrong."""
    error_code: str | None = None
    """`ErrorCode`, e.g. `INSUFFICIENT_FUNDS`; meaningful with status `REJECTED`."""


class OrderSummaryList(_Wire):
    """`OrderSummaryList`: `{"responses": [OrderSummary, ...]}` (createMany). A single
    `OrderSummary` (what the doc says cancelMany answers, notes §1.8.7) is read as a list
    of one."""

    responses: list[OrderSummary] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _single(cls, data: object) -> object:
        if isinstance(data, dict) and "responses" not in data and "status" in data:
            return {"responses": [data]}
        if isinstance(data, list):
            return {"responses": data}
        return data


class OrderDetails(_Wire):
    """`OrderDetails`: an order's state. No total quantity, strategy, prices sent, times or
    clip settings (notes §1.4): the adapter keeps what it sent."""

    order_id: WireText = None
    client_order_id: WireText = None
    symbol: str | None = None
    """Anboto symbology, e.g. `BTC/USDT` (later docs; notes §1.3 (3))."""
    asset_class: str | None = None
    """`UNDEFINED`, `SPOT`, `FUTURE`, `OPTION`."""
    exchange: str | None = None
    """`BINANCE` or `BYBIT`."""
    status: str
    filled_quantity: WireAmount = None
    """Base quantity filled so far."""
    leaves_quantity: WireAmount = None
    """Base quantity still to fill."""
    side: WireSide = None
    """`BUY`, `SELL` or `SHORT_SELL`."""
    last_quantity: WireAmount = None
    """Quantity of the last child fill."""
    last_price: WireAmount = None
    """Price of the last child fill, quote per base unit."""
    average_price: WireAmount = None
    """Average fill price, quote per base unit (0 before any fill)."""


class OrderDetailsList(_Wire):
    """`OrderDetailsList`: `{"responses": [OrderDetails, ...]}` (find, open)."""

    responses: list[OrderDetails] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _bare_array(cls, data: object) -> object:
        return {"responses": data} if isinstance(data, list) else data


# -- requests --------------------------------------------------------------------------------


class _Request(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True
    )

    def body(self) -> dict[str, Any]:
        """The JSON object to send: venue spelling, unset fields left out, Decimals kept."""
        return self.model_dump(by_alias=True, exclude_none=True)


class CreateParentOrderRequest(_Request):
    """`CreateParentOrderRequest`: body of `order/create`, one item of `order/createMany`."""

    client_order_id: str | None = None
    exchange: str
    """`BINANCE` or `BYBIT`."""
    subaccount: str | None = None
    symbol: str
    """e.g. `BTC/USDT`."""
    asset_class: str
    """`SPOT`, `FUTURE`, `OPTION` (or `UNDEFINED`)."""
    side: str
    """`BUY`, `SELL` or `SHORT_SELL`."""
    quantity: Decimal
    """Base quantity."""
    strategy: str
    """`TWAP`, `VWAP`, `ICEBERG`, `MARKET`, `LIMIT`, `STOP_LOSS`."""
    limit_price: Decimal | None = None
    start_time: str | None = None
    """ISO 8601 UTC with `Z`, e.g. `2019-08-24T14:15:22Z`."""
    end_time: str | None = None
    clip_size_type: str | None = None
    """`ABSOLUTE`, `PERCENTAGE` or `AUTOMATIC`."""
    clip_size_val: Decimal | None = None
    """Base quantity (ABSOLUTE) or percent of the order, 0-100 (PERCENTAGE)."""
    params: str | None = None
    """Opaque string (notes §1.8.11); we send a compact JSON object in it."""


class CancelParentOrderRequest(_Request):
    """`CancelParentOrderRequest`: body of `order/cancel`, item of `order/cancelMany`."""

    order_id: int | None = None
    client_order_id: str | None = None
