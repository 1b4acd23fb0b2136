"""Tread.fi JSON in the venue's own spelling (shared/venues/treadfi/api-reference.md).

The document shows the same field as a JSON number, a decimal string, `""` or null, and
the same order in several shapes (list item, 201 object, detail "Shape A"/"Shape B",
summary); notes §7 lists the decisions. So every model here is lenient:

* `extra="allow"`: fields we do not model are kept, never rejected.
* Numbers are `Decimal`, parsed from str/int/float/None/"" (notes §7.3). Bodies are decoded
  by `loads`, so JSON numbers arrive as exact Decimals; a float given directly is read via
  its shortest repr (`0.1` is `Decimal("0.1")`).
* `time_start` also reads `start_datetime` (§7.4); naive times are UTC (§4.5).
* `limit_price` is None for every "unset" form (`""`, null, `-1`, `-1.0`, `"-1.000…"`, §7.24).
* One `Fill` model reads all three fill shapes of notes §4.9.
* What cannot be right makes the answer unreadable (`VenueBadResponse` from
  `parse_answer`): a negative quantity, price or notional (`WireAmount`; fees may be
  negative), a number out of range, a time outside years 1-9999, a side other than
  buy/sell. An unknown *status* is kept and mapped to UNKNOWN by `parsing`.

Request bodies are modelled too, so that what we send is spelled in one place; their
decimals serialize as plain decimal strings (`"0.5"`, never a float, never `1E+2`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    model_validator,
)

from gui.venues.wire_types import (
    PlainDecimal,
    WireAmount,
    WireDecimal,
    to_choice,
    to_decimal,
    to_id_text,
    to_utc_datetime,
)
from gui.venues.wire_types import loads as loads


def _to_limit_price(value: object) -> Decimal | str | None:
    try:
        number = to_decimal(value)
    except ValueError:
        if isinstance(value, str):
            return value.strip()  # a limit "expression" (doc, list fields); grammar undocumented
        raise
    return number if number is not None and number > 0 else None


def _to_datetime(value: object) -> datetime | None:
    # Epoch milliseconds as int or float (notes §7.5); one doc example drops the Z (§4.5).
    return to_utc_datetime(value, epoch_ms_types=(int, float))


def _to_id(value: object) -> str | None:
    return to_id_text(value, expected="an id string")


def _to_side(value: object) -> str | None:
    return to_choice(value, allowed=frozenset({"buy", "sell"}), name="side")


WireLimitPrice = Annotated[Decimal | str | None, BeforeValidator(_to_limit_price)]
"""A positive limit price, None when unset (`""`, null, <= 0), or an unparsed expression."""
WireDatetime = Annotated[datetime | None, BeforeValidator(_to_datetime)]
"""An aware UTC time from ISO 8601 (with or without `Z`) or epoch milliseconds."""
WireId = Annotated[str | None, BeforeValidator(_to_id)]
"""An id the venue may send as a string or an integer."""
WireSide = Annotated[str, BeforeValidator(_to_side)]
"""`buy` or `sell` in any case (anything else makes the answer unreadable)."""


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class Fill(_Wire):
    """One fill, in any of the three shapes of notes §4.9.

    1. Flat order fill (detail with `include_fills=true`, orders with stats): `placement_id,
       exchange, role, executed_price, executed_qty, executed_notional, fee, fill_time`.
    2. Active-orders fill: `id, order_id, exchange, pair, side, quantity, price, timestamp,
       fee, fee_currency`.
    3. Placement fill (in `placements[].fills`): `id, created_at, fill_time, role,
       external_id, executed_price, executed_qty, exchange, fee`.
    """

    id: WireId = None
    """Fill UUID (shapes 2 and 3); shape 1 has none."""
    order_id: WireId = None
    """Parent order UUID (shape 2)."""
    placement_id: WireId = None
    """Child order (placement) UUID (shape 1)."""
    external_id: WireId = None
    """The exchange's own trade id (shape 3)."""
    exchange: str | None = None
    """Exchange name, e.g. `binance`."""
    role: str | None = None
    """`MAKE`/`TAKE` (detail) or `maker`/`taker` (stats)."""
    executed_price: WireAmount = Field(
        None, validation_alias=AliasChoices("executed_price", "price")
    )
    """Quote per base unit (shape 2 spells it `price`)."""
    executed_qty: WireAmount = Field(
        None, validation_alias=AliasChoices("executed_qty", "quantity")
    )
    """Base-asset amount (shape 2 spells it `quantity`)."""
    executed_notional: WireAmount = None
    """Quote-asset value (shape 1)."""
    fee: WireDecimal = None
    """Fee amount, in `fee_asset` when given."""
    fee_asset: str | None = Field(None, validation_alias=AliasChoices("fee_asset", "fee_currency"))
    """Asset of the fee (shape 2 spells it `fee_currency`)."""
    fill_time: WireDatetime = Field(None, validation_alias=AliasChoices("fill_time", "timestamp"))
    """When it filled (shape 2 spells it `timestamp`)."""
    created_at: WireDatetime = None
    """When the venue recorded it (shape 3)."""


class Placement(_Wire):
    """A child order the engine sent to an exchange (detail "Shape B", notes §3.6)."""

    id: WireId = None
    created_at: WireDatetime = None
    order: WireId = None
    """Parent order UUID."""
    placement_type: str | None = None
    """`MAKE` or `TAKE`."""
    price: WireAmount = None
    qty: WireAmount = None
    exchange: str | None = None
    fills: list[Fill] = Field(default_factory=list)
    filled: bool | None = None
    external_id: WireId = None
    status: str | None = None
    """Placement status, e.g. `FAILED` (with `sub_status` such as `MIN_AMOUNT`)."""
    sub_status: str | None = None


class Order(_Wire):
    """An order in every order shape: list item, active item, 201 object, detail A and B.

    Quantities: `target_*` are in `target_token` (base or quote); `executed_notional` is in
    the quote asset; `pct_filled` is a percent (0-100); `pov_*` are fractions (0.1 = 10%).
    """

    id: Annotated[str, BeforeValidator(_to_id)]
    """Order UUID."""
    custom_order_id: str | None = None
    """Our client order id; `""` when none was given."""
    parent_order_id: WireId = Field(
        None, validation_alias=AliasChoices("parent_order_id", "parent_order")
    )
    notes: str | None = None
    pair: str
    """`BASE-QUOTE` or `BASE:VARIANT-QUOTE`; one example uses `BASE/QUOTE`."""
    side: WireSide
    """`buy` or `sell`."""
    exchanges: list[str] = Field(default_factory=list)
    buy_token: str | None = None
    buy_token_amount: WireAmount = None
    sell_token: str | None = None
    sell_token_amount: WireAmount = None
    executed_qty: WireAmount = None
    executed_buy_qty: WireAmount = None
    average_executed_price: WireAmount = Field(
        None, validation_alias=AliasChoices("average_executed_price", "executed_price")
    )
    """VWAP of fills, quote per base (the 201 and Shape B spell it `executed_price`)."""
    executed_notional: WireAmount = None
    target_order_qty: WireAmount = None
    target_remaining_qty: WireAmount = None
    target_executed_qty: WireAmount = None
    target_token: str | None = None
    pct_filled: WireAmount = None
    total_fee: WireDecimal = None
    fee_asset: str | None = None
    strategy: str | None = None
    """Strategy name (list, Shape A) or UUID (201, Shape B)."""
    super_strategy: str | None = None
    super_strategy_name: str | None = None
    duration: int | None = None
    """Seconds."""
    accounts: list[str] = Field(default_factory=list)
    """Exchange-credential UUIDs in responses (names in `account_names`)."""
    account_names: list[str] = Field(default_factory=list)
    engine_passiveness: WireDecimal = None
    schedule_discretion: WireDecimal = None
    alpha_tilt: WireDecimal = None
    pov_limit: WireDecimal = None
    pov_target: WireDecimal = None
    strategy_params: dict[str, Any] | None = None
    status: str | None = None
    active: bool | None = None
    is_simple: bool | None = None
    failure_reason: str | None = None
    limit_price: WireLimitPrice = None
    is_reverse_limit_price: bool | None = None
    time_start: WireDatetime = Field(
        None, validation_alias=AliasChoices("time_start", "start_datetime")
    )
    time_end: WireDatetime = None
    orig_time_end: WireDatetime = None
    created_at: WireDatetime = None
    updated_at: WireDatetime = None
    paused_at: WireDatetime = None
    resumed_at: WireDatetime = None
    market_type: str | None = None
    pos_side: str | None = None
    placements: list[Placement] | None = None
    fills: list[Fill] | None = None


class OrderSummary(_Wire):
    """`GET /api/order_summary/{id}` (notes §3.4); also the base of orders with stats.

    Quantities are in `target_token`; `strategy` is the super-strategy name and
    `trajectory` the algorithm; `participation_rate_target_percent` is a percent (8.0 = 8%).
    """

    id: Annotated[str, BeforeValidator(_to_id)]
    pair: str
    side: WireSide
    status: str | None = None
    time_start: WireDatetime = Field(
        None, validation_alias=AliasChoices("time_start", "start_datetime")
    )
    duration: int | None = None
    target_token: str | None = None
    order_qty: WireAmount = Field(
        None, validation_alias=AliasChoices("order_qty", "target_order_qty")
    )
    """Total quantity in `target_token` (the field table calls it `target_order_qty`, §7.22)."""
    remaining_qty: WireAmount = None
    executed_qty: WireAmount = None
    executed_notional: WireAmount = None
    exchange_names: list[str] = Field(default_factory=list)
    account_names: list[str] = Field(default_factory=list)
    schedule_discretion: WireDecimal = None
    engine_passiveness: WireDecimal = None
    alpha_tilt: WireDecimal = None
    strategy: str | None = None
    trajectory: str | None = None
    strategy_params: dict[str, Any] | None = None
    participation_rate_target_percent: WireDecimal = None
    market_type: str | None = None
    parent_order_id: WireId = None
    failure_reason: str | None = None
    limit_price: WireLimitPrice = None
    placement_live_qty: WireAmount = None


class OrderStats(_Wire):
    """Benchmarks of a finished order (`stats` in orders with statistics); quote per base.

    Kept signed (plain `WireDecimal`): no report is built from them."""

    order_id: WireId = None
    stat_id: WireId = None
    interval_volume: WireDecimal = None
    vwap: WireDecimal = None
    arrival_price: WireDecimal = None
    departure_price: WireDecimal = None


class OrderWithStats(OrderSummary):
    """An item of `GET /api/orders_with_stats/`: the summary plus `stats` and flat fills."""

    stats: OrderStats | None = None
    fills: list[Fill] | None = None


class _Page(_Wire):
    page_number: int | None = None
    page_size: int | None = None
    num_pages: int | None = None
    order_count: int | None = None
    """Orders across all pages."""


class OrderPage(_Page):
    """`GET /api/orders/`: one page of orders. A bare array (one doc tab, §7.20) is read
    as a page without pagination fields."""

    orders: list[Order] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _bare_array(cls, data: object) -> object:
        return {"orders": data} if isinstance(data, list) else data


class ActiveOrders(_Wire):
    """`GET /api/active_orders/`: every active order, unpaginated."""

    orders: list[Order] = Field(default_factory=list)
    order_count: int | None = None


class OrdersWithStatsPage(_Page):
    """`GET /api/orders_with_stats/`: one page of orders with statistics."""

    orders: list[OrderWithStats] = Field(default_factory=list)


class OrderMessage(_Wire):
    """One entry of an order's message log (`GET /api/order_errors/`)."""

    message: str
    message_type: str | None = None
    """`ERROR`, `WARN` or `WARNING`, `INFO`."""
    created_at: WireDatetime = None


class OrderMessages(RootModel[dict[str, list[OrderMessage]]]):
    """Order UUID -> its messages, newest first."""


class Acknowledgement(_Wire):
    """The answer of a write: `{"message": ...}`, or a bare JSON string (cancel, notes §5.2)."""

    message: str

    @model_validator(mode="before")
    @classmethod
    def _bare_string(cls, data: object) -> object:
        return {"message": data} if isinstance(data, str) else data


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubmitOrderRequest(_Request):
    """Body of `POST /api/orders/` (doc "Submit an order"); only the fields we send.

    Quantities are base-asset (`base_asset_qty`), prices quote per base, `duration` in
    seconds, `pov_target` a fraction in (0, 1].
    """

    pair: str
    side: str
    strategy: str
    accounts: list[str]
    base_asset_qty: PlainDecimal
    duration: int | None = None
    limit_price: PlainDecimal | None = None
    pov_target: PlainDecimal | None = None
    custom_order_id: str | None = None
    notes: str | None = None


class AmendChanges(_Request):
    """`changes` of `POST /api/amend_order/`: base quantity, seconds, fraction, price."""

    base_asset_qty: PlainDecimal | None = None
    duration: int | None = None
    pov_target: PlainDecimal | None = None
    limit_price: PlainDecimal | None = None
