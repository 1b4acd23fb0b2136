"""DFX Labs wire models, in the venue's own (camelCase) spelling, and exact JSON in.

Sources: shared/venues/dfx/api-reference.md (the six order endpoints), the venue's external
"Account Endpoints" (`/api/v1/account/trades`) and "Market Endpoints" (`/api/v1/symbols`),
digested in notes.md §2.3-2.4. Every model is lenient (`extra="allow"`) and every field
but the id optional, and the venue's quirks are absorbed here:

* `orderId` arrives as a JSON number in reads and as a string in create/cancel answers
  (notes §2.7(3)); both become the decimal digits as `str`;
* a single blank (`"clientOid": " "`, `"failedReason": " "`) means unset: None;
* numbers are decimal strings (`"0.001"`) read as exact `Decimal`s (bodies are decoded by
  `loads`, so a JSON number never passes through a float);
* trade times are epoch milliseconds as a string (`"1712739162861"`);
* what cannot be right makes the answer unreadable (`VenueBadResponse`): a negative
  quantity, price or amount (fees may be negative), a number out of range, a time outside
  years 1-9999, a side other than BUY/SELL; an unknown status is kept (UNKNOWN in
  `parsing`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.alias_generators import to_camel

from gui.venues.wire_types import loads as loads
from gui.venues.wire_types import to_choice, to_decimal, to_id_text, to_utc_datetime

SUCCESS_CODE = "0"
"""The envelope's `code` on success (a string, notes §2.3)."""


def _blank_to_none(value: object) -> object:
    # DFX writes " " for an unset text field (notes §2.7(3)).
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _to_text(value: object) -> str | None:
    text = to_id_text(_blank_to_none(value), expected="a string or an integer")
    return None if text is None else text.strip()


def order_id_text(value: object) -> str | None:
    """An id sent as a JSON number or a string, as its digits; blanks and null are None.

    Raises:
        ValueError: A boolean, a fraction or another type.
    """
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # `2000000074758463.0` or `2.000000074758463E+15`
    return _to_text(value)


def _to_decimal(value: object) -> Decimal | None:
    return to_decimal(_blank_to_none(value), expected="a decimal string")


def _to_amount(value: object) -> Decimal | None:
    return to_decimal(_blank_to_none(value), expected="a decimal string", non_negative=True)


def _to_side(value: object) -> str | None:
    text = _to_text(value)
    return to_choice(text, allowed=frozenset({"buy", "sell"}), name="side")


def _to_ms_time(value: object) -> datetime | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return to_utc_datetime(value, epoch_ms_types=(int,))


def _to_bool(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return _blank_to_none(value)


WireText = Annotated[str | None, BeforeValidator(_to_text)]
"""Text, or an integer read as its digits; `" "`, `""` and null are None."""
WireOrderId = Annotated[str | None, BeforeValidator(order_id_text)]
"""An order id sent as a JSON number or a string, as its decimal digits."""
WireDecimal = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
"""A decimal string (or number) as an exact Decimal; blanks and null are None."""
WireAmount = Annotated[Decimal | None, BeforeValidator(_to_amount)]
"""A quantity, price or amount: as `WireDecimal`, and refused when negative."""
WireSide = Annotated[str | None, BeforeValidator(_to_side)]
"""`BUY` or `SELL` (any case); blanks and null are None; anything else is refused."""
WireMsTime = Annotated[datetime | None, BeforeValidator(_to_ms_time)]
"""Epoch milliseconds (string or number) as an aware UTC datetime."""
WireBool = Annotated[bool | None, BeforeValidator(_to_bool)]
"""A JSON boolean (or `"true"`/`"false"`)."""


class _Wire(BaseModel):
    model_config = ConfigDict(
        extra="allow", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


class Envelope(_Wire):
    """Every answer: `{"code": "0", "msg": "success", ...}` (notes §2.3).

    `data` holds the payload, except for cancel-one, whose `orderId` is top-level.
    """

    code: WireText = None
    """`"0"` on success; `"401"`, `"403"`, `"412"`, `"429"`, `"500"`... on errors."""
    msg: WireText = None
    data: Any = None
    success: WireBool = None
    """Batch cancel only: a top-level boolean."""
    order_id: WireOrderId = None
    """Cancel-one only: the cancelled order's id, top-level."""


class DfxOrder(_Wire):
    """An order of get-one, `finish_order` and `open_order` (reference doc §4-§6).

    Quantities are base asset, `amount`/`tradeAmount` quote asset, prices quote per base.
    """

    order_id: Annotated[str, BeforeValidator(order_id_text)]
    """`orderId`: a 16-digit LONG, JSON number here (`2000000074758463`)."""
    client_oid: WireText = None
    """`clientOid` (the request calls it `clientOrderId`); `" "` when none."""
    account_id: WireText = None
    side: WireSide = None
    """`BUY` or `SELL`."""
    symbol: WireText = None
    """`BTC-USDT`."""
    price: WireAmount = None
    """Limit price (quote per base)."""
    quantity: WireAmount = None
    """Ordered base quantity (a MARKET order by amount may show 0)."""
    amount: WireAmount = None
    """Ordered quote amount (price x quantity for a limit order)."""
    status: WireText = None
    """`PENDING_NEW`, `NEW`, `PARTIAL_FILLED`, `FILLED`, `CANCELED`, `REJECT` (notes §2.4)."""
    trade_qty: WireAmount = None
    """Filled base quantity."""
    trade_amount: WireAmount = None
    """Filled quote amount."""
    order_type: WireText = None
    """`LIMIT` or `MARKET` (the request calls it `type`)."""
    stop_type: WireText = None
    """Conditional-order trigger direction (`UP`); finish_order only."""
    stop_status: WireText = None
    """Conditional-order state (`PENDING`)."""
    average_price: WireAmount = None
    """Average fill price; finish_order only."""
    failed_reason: WireText = None
    """Why the venue rejected it; `" "` when none."""


class DfxTrade(_Wire):
    """One fill of `GET /api/v1/account/trades` (external "Account Endpoints")."""

    trade_id: Annotated[str, BeforeValidator(order_id_text)]
    """`tradeId`, e.g. `"663522"`; the venue returns them in descending order."""
    order_id: WireOrderId = None
    symbol: WireText = None
    price: WireAmount = None
    quantity: WireAmount = None
    """Base quantity."""
    amount: WireAmount = None
    """Quote amount."""
    type: WireText = None
    side: WireSide = None
    is_maker: WireBool = None
    fee_asset: WireText = None
    fee: WireDecimal = None
    time: WireMsTime = None


class DfxSymbol(_Wire):
    """One symbol of `GET /api/v1/symbols` (external "Market Endpoints")."""

    symbol: str
    base_token: WireText = None
    quote_token: WireText = None
    quote_increment: WireAmount = None
    """Smallest step of an order's quote amount."""
    quote_min_size: WireAmount = None
    """Smallest order amount, quote asset."""
    base_increment: WireAmount = None
    """Smallest step of an order's base quantity."""
    base_min_size: WireAmount = None
    """Smallest order quantity, base asset."""
    price_increment: WireAmount = None
    enable_trading: WireBool = None
    price_limit_rate: WireDecimal = None
    """How far from the reference price an order may be (0.1 = 10 %)."""


class BatchCancelItem(_Wire):
    """One `data[]` entry of batch cancel: `orderId` is a comma-joined string of the ids
    cancelled (notes §2.7(4)); a failure entry, if the venue sends one, has its own code."""

    code: WireText = None
    msg: WireText = None
    order_id: WireText = None

    def order_ids(self) -> list[str]:
        """The ids in `orderId`, blanks dropped."""
        return [part.strip() for part in (self.order_id or "").split(",") if part.strip()]


class BatchCancelResult(BaseModel):
    """What a batch cancel did, per id asked (our summary, not a venue shape).

    Attributes:
        cancelled: Ids the venue listed as cancelled.
        failed: Id -> the venue's words, for ids asked but not listed (by-ids calls only).
    """

    model_config = ConfigDict(frozen=True)

    cancelled: tuple[str, ...] = ()
    failed: dict[str, str] = Field(default_factory=dict)
