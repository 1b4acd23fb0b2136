"""KuCoin Futures request bodies, in the document's field order (notes §2.1 "OrderInput").

Unset fields (None) are left out of the JSON. Decimals go out as plain strings, lots and
leverage as JSON integers (doc: `size`, `leverage` integer; `visibleSize` string). `body()`
gives the compact JSON text that is both signed and sent (notes §1.2).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from gui.venues.kucoin_futures.wire import dumps
from gui.venues.wire_types import PlainDecimal


class _Request(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True
    )

    def payload(self) -> dict[str, Any]:
        """The JSON object in venue spelling, unset fields left out."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")

    def body(self) -> str:
        """The compact JSON text to sign and send."""
        return dumps(self.payload())


class OrderRequest(_Request):
    """Body of Add Order, Add Order Test and each Batch Add item ("OrderInput")."""

    client_oid: str
    """Our id, `^[A-Za-z0-9_-]{1,40}$`."""
    side: str | None = None
    """`buy` or `sell` (may be left out with `closeOrder`)."""
    symbol: str
    """Contract, e.g. `XBTUSDTM`."""
    leverage: int | None = None
    """Required unless closing (notes §6.7); an integer."""
    type: str | None = None
    """`limit` or `market`; always sent (notes §6.7: required by Test and TP/SL)."""
    remark: str | None = None
    """At most 100 UTF-8 characters."""
    stop: str | None = None
    """`up` or `down`: makes this a stop order (with `stopPrice`, `stopPriceType`)."""
    stop_price_type: str | None = None
    """`TP` (last), `MP` (mark), `IP` (index)."""
    stop_price: PlainDecimal | None = None
    """Trigger price."""
    reduce_only: bool | None = None
    """Only reduce the position."""
    close_order: bool | None = None
    """Close the whole position (side and size then optional)."""
    force_hold: bool | None = None
    """Freeze funds even for a reducing order."""
    stp: str | None = None
    """Self-trade prevention `CN`/`CO`/`CB`."""
    margin_mode: str | None = None
    """`ISOLATED` (venue default) or `CROSS`."""
    price: PlainDecimal | None = None
    """Limit price (required for limit orders)."""
    size: int | None = None
    """Lots; exactly one of size/qty/valueQty."""
    time_in_force: str | None = None
    """`GTC` or `IOC`, limit orders only."""
    post_only: bool | None = None
    """Limit only; not with IOC, hidden or iceberg."""
    hidden: bool | None = None
    """Limit only; not with postOnly."""
    iceberg: bool | None = None
    """Limit only; needs visibleSize; not with postOnly."""
    visible_size: str | None = None
    """Iceberg visible lots, a string in requests (notes §6.3)."""
    qty: PlainDecimal | None = None
    """Base-currency size, a multiple of the multiplier (linear contracts only)."""
    value_qty: PlainDecimal | None = None
    """Quote-value size (linear contracts only)."""


class TpSlOrderRequest(_Request):
    """Body of Add Take Profit And Stop Loss Order: OrderInput without `stop`/`stopPrice`,
    plus the two triggers (notes §2.2(4))."""

    client_oid: str
    """Our id."""
    side: str | None = None
    """`buy` or `sell`."""
    symbol: str
    """Contract."""
    leverage: int | None = None
    """Leverage, an integer."""
    type: str
    """`limit` or `market` (required here)."""
    remark: str | None = None
    """Remark."""
    stop_price_type: str | None = None
    """`TP`, `MP` or `IP` for both triggers."""
    reduce_only: bool | None = None
    """Only reduce the position."""
    close_order: bool | None = None
    """Close the whole position."""
    force_hold: bool | None = None
    """Freeze funds even for a reducing order."""
    stp: str | None = None
    """Self-trade prevention."""
    margin_mode: str | None = None
    """`ISOLATED` or `CROSS`."""
    price: PlainDecimal | None = None
    """Limit price."""
    size: int | None = None
    """Lots."""
    time_in_force: str | None = None
    """`GTC` or `IOC`."""
    post_only: bool | None = None
    """Post-only."""
    hidden: bool | None = None
    """Hidden."""
    iceberg: bool | None = None
    """Iceberg."""
    visible_size: str | None = None
    """Iceberg visible lots."""
    qty: PlainDecimal | None = None
    """Base-currency size."""
    value_qty: PlainDecimal | None = None
    """Quote-value size."""
    trigger_stop_up_price: PlainDecimal | None = None
    """Take-profit trigger price."""
    trigger_stop_down_price: PlainDecimal | None = None
    """Stop-loss trigger price."""


class ClientOidRef(_Request):
    """One `clientOidsList` item of Batch Cancel Orders."""

    symbol: str
    """Contract the order is on."""
    client_oid: str
    """Our id."""
