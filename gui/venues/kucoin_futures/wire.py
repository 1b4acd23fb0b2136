"""KuCoin Futures JSON in the venue's own spelling (shared/venues/kucoin-futures/api-reference.md).

Attributes are snake_case; the camelCase wire names are their aliases (`alias_generator`),
and models accept either. Every model is lenient (notes §6.3-6.4):

* `extra="allow"`: fields we do not model are kept, never rejected;
* every response field is optional: real payloads put `null` in "required" fields;
* prices and values are `Decimal`, from a decimal string, a JSON number or null (`stopPrice`
  is an integer, a number or a string depending on the endpoint, notes §6.3). Bodies are
  decoded by `loads`, so a JSON number with a fraction arrives as an exact Decimal, never a
  float;
* sizes are integer lots (`size`, `filledSize`, `visibleSize`...), read from an integer or an
  integral string (`visibleSize` is a string in requests, notes §6.3);
* ids are opaque strings (never parsed as numbers, notes §3 "IDs");
* what cannot be right is refused (the answer is then unreadable, `VenueBadResponse`):
  negative sizes, prices and values (fees and the multiplier of an inverse contract may be
  negative), numbers out of range, times before 1970 or after 9999. A side is kept as
  text even when it is not buy/sell: the document's list schemas give it no enum
  (opId012-014), so `parsing.parse_side` refuses it per order instead. Unknown statuses
  are kept and mapped to UNKNOWN by `parsing`;
* `""` means "not set" for the small enums (`stop`, `stopPriceType`, `stp`) and ids.

Request bodies are models too, declared in the document's field order, so the JSON we sign
and send is spelled in one place; their decimals go out as plain strings (`"30000"`, never a
float or `3E+4`) and unset fields are left out.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

from gui.venues.wire_types import (
    WireAmount,
    WireDecimal,
    WireEpochMs,
    WireEpochNs,
    to_amount,
)
from gui.venues.wire_types import loads as loads

SUCCESS_CODES = frozenset({"200000", "200"})
"""Envelope codes meaning success: `200000`, and `200` (ccxt accepts both, notes §1.3; the
per-item code of Batch Cancel is `200`, notes §2.2(7))."""


def dumps(payload: Any) -> str:
    """Compact JSON, no spaces (KuCoin: "Do not include extra spaces in JSON strings").

    The result is both what is signed and what is sent (notes §1.2).
    """
    return json.dumps(payload, separators=(",", ":"))


def _to_lots(value: object) -> int | None:
    number = to_amount(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"expected a whole number of lots, got {value!r}")
    return int(number)


def _to_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a string, got the boolean {value}")
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return value if value.strip() else None
    raise ValueError(f"expected a string, got {type(value).__name__}")


def _to_ids(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"expected a list of ids, got {type(value).__name__}")
    ids = [_to_text(item) for item in value]
    return [item for item in ids if item is not None]


def _to_list(value: object) -> object:
    return [] if value is None else value


def _to_message(value: object) -> str | None:
    # `msg` is the venue's words; a number or boolean there is still something it said.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | Decimal):
        return str(value)
    raise ValueError(f"expected a message string, got {type(value).__name__}")


WireLots = Annotated[int | None, BeforeValidator(_to_lots)]
"""A whole, non-negative number of lots (contracts) from an integer or integral string."""
WireMessage = Annotated[str | None, BeforeValidator(_to_message)]
"""The venue's words: a string (a number is kept as its text)."""
WireText = Annotated[str | None, BeforeValidator(_to_text)]
"""An id or small enum; `""` is None; numbers become their string."""
WireIds = Annotated[list[str], BeforeValidator(_to_ids)]
"""A list of ids; null is empty, null or `""` entries are dropped."""


class _Wire(BaseModel):
    model_config = ConfigDict(
        extra="allow", frozen=True, alias_generator=to_camel, populate_by_name=True
    )


_Item = TypeVar("_Item", bound=BaseModel)


# -- envelope and pages ------------------------------------------------------------------


class Envelope(_Wire):
    """`{"code": "200000", "data": ...}` around every answer (notes §1.5)."""

    code: WireText = None
    """`"200000"` on success; a six-digit error code otherwise (a string, never a number)."""
    msg: WireMessage = None
    """The venue's words on failure (and, rarely, on success with no data)."""
    data: Any = None
    """The payload, still undecoded JSON; None when absent."""


class Page(_Wire, Generic[_Item]):
    """One page of a paged list ("Page", notes §2.3)."""

    current_page: int | None = None
    """1-based page number."""
    page_size: int | None = None
    """Items per page (default 50, at most 1000)."""
    total_num: int | None = None
    """Items over all pages."""
    total_page: int | None = None
    """Number of pages."""
    items: Annotated[list[_Item], BeforeValidator(_to_list)] = []
    """This page's items, newest first (null is empty)."""


# -- write answers -----------------------------------------------------------------------


class OrderAck(_Wire):
    """Answer of Add Order, Add Order Test and Add TP/SL Order."""

    order_id: WireText = None
    """The venue's order id (18-digit numeric string, or 24-hex for old orders)."""
    client_oid: WireText = None
    """Our id, echoed."""


class BatchOrderAck(_Wire):
    """One item of Batch Add Orders' answer; items fail independently (notes §6.9)."""

    order_id: WireText = None
    """The venue's order id; None/"" when this item failed."""
    client_oid: WireText = None
    """Our id for this item."""
    symbol: WireText = None
    """Contract."""
    code: WireText = None
    """`"200000"` for success, else an error code."""
    msg: str | None = None
    """`"success"` or the reason."""


class CancelledOrderIds(_Wire):
    """Answer of the cancel-by-id and cancel-all endpoints."""

    cancelled_order_ids: WireIds = []
    """Ids of the orders cancelled."""


class CancelledClientOid(_Wire):
    """Answer of Cancel Order By ClientOid."""

    client_oid: WireText = None
    """The clientOid cancelled."""


class BatchCancelResult(_Wire):
    """One item of Batch Cancel Orders' answer (success code `"200"`, notes §2.2(7))."""

    order_id: WireText = None
    """Set when cancelling by id (None when by clientOid)."""
    client_oid: WireText = None
    """Set when cancelling by clientOid (None when by id)."""
    code: WireText = None
    """`"200"` on success, else an error code such as `100004`."""
    msg: str | None = None
    """`"success"` or the reason."""


# -- orders and fills --------------------------------------------------------------------


class Order(_Wire):
    """An order record ("OrderRecord", notes §2.4); also an untriggered stop order."""

    id: WireText = None
    """Order id."""
    symbol: WireText = None
    """Contract, e.g. `XBTUSDTM`."""
    type: WireText = None
    """`limit` or `market`."""
    side: WireText = None
    """`buy` or `sell` (other text is kept; `parsing.parse_side` refuses it)."""
    price: WireAmount = None
    """Limit price; `"0"` or null for market orders."""
    size: WireLots = None
    """Order size in lots."""
    value: WireAmount = None
    """Order value in the settle currency."""
    deal_value: WireAmount = None
    """Filled value (same as `filledValue`)."""
    deal_size: WireLots = None
    """Filled lots (same as `filledSize`)."""
    stp: WireText = None
    """Self-trade prevention: CN/CO/CB, None when none."""
    stop: WireText = None
    """`up`/`down` for a stop order, None otherwise."""
    stop_price_type: WireText = None
    """`TP` (last), `MP` (mark), `IP` (index); None when not a stop."""
    stop_triggered: bool | None = None
    """Whether the stop has fired (null in the legacy stop-list example)."""
    stop_price: WireAmount = None
    """Trigger price; integer, number or string by endpoint, null for non-stops."""
    time_in_force: WireText = None
    """`GTC` or `IOC`."""
    post_only: bool | None = None
    """Post-only flag."""
    hidden: bool | None = None
    """Hidden flag."""
    iceberg: bool | None = None
    """Iceberg flag."""
    leverage: WireAmount = None
    """Leverage, a string in responses (`"3"`, `"10.0"`)."""
    force_hold: bool | None = None
    """Force-hold flag."""
    close_order: bool | None = None
    """Close-position flag."""
    visible_size: WireLots = None
    """Iceberg visible size in lots (0 or null when not an iceberg)."""
    client_oid: WireText = None
    """Our id; null for orders placed without one."""
    remark: str | None = None
    """Remark."""
    tags: str | None = None
    """Order source tag."""
    is_active: bool | None = None
    """True while the order is open."""
    cancel_exist: bool | None = None
    """True once (the rest of) the order was cancelled."""
    created_at: WireEpochMs = None
    """Creation time, epoch ms."""
    updated_at: WireEpochMs = None
    """Last update, epoch ms."""
    end_at: WireEpochMs = None
    """End time, epoch ms; null while open."""
    order_time: WireEpochNs = None
    """Creation time, epoch **ns**."""
    settle_currency: WireText = None
    """Settlement currency, e.g. `USDT`."""
    margin_mode: WireText = None
    """`ISOLATED` or `CROSS`."""
    avg_deal_price: WireAmount = None
    """Average fill price; `"0"` when unfilled."""
    status: WireText = None
    """`open` or `done` (canceled/filled are derived, notes §3)."""
    filled_size: WireLots = None
    """Filled lots (the doc's description is swapped with filledValue's, notes §6.5)."""
    filled_value: WireAmount = None
    """Filled value in the settle currency."""
    reduce_only: bool | None = None
    """Reduce-only flag."""


class Fill(_Wire):
    """One fill ("FillRecord", notes §2.5), from `/recentFills` or `/fills`."""

    symbol: WireText = None
    """Contract."""
    trade_id: WireText = None
    """Fill id (opaque; numeric or 24-hex)."""
    order_id: WireText = None
    """The order filled."""
    side: WireText = None
    """`buy` or `sell` (other text is kept; `parsing.parse_side` refuses it)."""
    liquidity: WireText = None
    """`maker` or `taker`."""
    force_taker: bool | None = None
    """Whether it was forced to take."""
    price: WireAmount = None
    """Fill price, quote per base unit."""
    size: WireLots = None
    """Filled lots."""
    value: WireAmount = None
    """Fill notional in the settle currency."""
    open_fee_pay: WireDecimal = None
    """Fee paid opening a position."""
    close_fee_pay: WireDecimal = None
    """Fee paid closing a position."""
    stop: WireText = None
    """`up`/`down` when from a stop order."""
    fee_rate: WireDecimal = None
    """Fee rate, e.g. `0.00060`."""
    fix_fee: WireDecimal = None
    """Deprecated, unused."""
    fee_currency: WireText = None
    """Currency of `fee`."""
    trade_time: WireEpochNs = None
    """Fill time, epoch **ns**."""
    sub_trade_type: WireText = None
    """Deprecated, unused."""
    margin_mode: WireText = None
    """`ISOLATED` or `CROSS`."""
    display_type: WireText = None
    """`limit`, `market`, `limit_stop` or `market_stop`."""
    fee: WireDecimal = None
    """Fee charged (openFeePay + closeFeePay)."""
    settle_currency: WireText = None
    """Settlement currency."""
    order_type: WireText = None
    """`market` or `limit`."""
    trade_type: WireText = None
    """`trade`, `cancel`, `liquid`, `adl`, `settlement` (any string accepted, notes §6.19)."""
    created_at: WireEpochMs = None
    """Record time, epoch ms."""
    open_fee_tax_pay: WireDecimal = None
    """`/fills` only, some KYC regions."""
    close_fee_tax_pay: WireDecimal = None
    """`/fills` only, some KYC regions."""


class OpenOrderStatistics(_Wire):
    """Answer of Get Open Order Value (sizes read as unfilled lots, notes §6.18)."""

    open_order_buy_size: WireLots = None
    """Unfilled buy lots."""
    open_order_sell_size: WireLots = None
    """Unfilled sell lots."""
    open_order_buy_cost: WireAmount = None
    """Unfilled buy value."""
    open_order_sell_cost: WireAmount = None
    """Unfilled sell value."""
    settle_currency: WireText = None
    """Settlement currency."""


class Contract(_Wire):
    """One contract of `GET /api/v1/contracts/active` (outside the document; notes §3
    "Lots, contracts and multiplier" names the fields used)."""

    symbol: WireText = None
    """Contract, e.g. `XBTUSDTM`."""
    type: WireText = None
    """`FFWCSX` (perpetual) or `FFICSX` (dated future)."""
    base_currency: WireText = None
    """Base asset in KuCoin's spelling (`XBT` for bitcoin)."""
    quote_currency: WireText = None
    """Quote asset, e.g. `USDT`."""
    settle_currency: WireText = None
    """Settlement asset."""
    multiplier: WireDecimal = None
    """Base units per lot (negative for inverse contracts: USD per lot)."""
    lot_size: WireAmount = None
    """Order size step, in lots."""
    tick_size: WireAmount = None
    """Price step."""
    max_order_qty: WireLots = None
    """Largest order, in lots."""
    max_leverage: WireAmount = None
    """Highest leverage."""
    is_inverse: bool | None = None
    """Coin-margined (sized in USD per lot)."""
    status: WireText = None
    """`Open` while trading."""
