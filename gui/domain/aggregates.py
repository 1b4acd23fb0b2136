"""Fills derived from a venue's running totals, for venues that report no fill list.

Anboto and DFX (in their reference documents) say only how much of an order has filled and
at what average price (or for what quote amount). A rise in the filled quantity is a fill:
its quantity is the rise and its price is whatever makes the order's notional come out as
reported, `(new_notional - old_notional) / (new_qty - old_qty)` (shared/DESIGN.md "Domain
rules"). Its id is the order's venue id and the cumulative quantity it brings the order to,
so deriving it again from the same totals (a repeated poll, a restart from the journal)
gives the same id and the store drops it as a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class DerivedFill:
    """A fill derived from two snapshots of an order's totals.

    Attributes:
        fill_id: `"<venue order id>~<cumulative base quantity>"`: stable across polls and
            restarts, unique per order.
        quantity: Base-asset quantity of the rise.
        price: Quote per base unit.
    """

    fill_id: str
    quantity: Decimal
    price: Decimal


def derived_fill_id(venue_order_id: str, cumulative_qty: Decimal) -> str:
    """The id of the derived fill that brings an order's filled quantity to `cumulative_qty`.

    Trailing zeros are dropped (`0.50` and `0.5` give one id) so that a venue that reformats
    its numbers between polls cannot make a fill twice.
    """
    text = format(cumulative_qty.normalize(), "f")
    return f"{venue_order_id}~{text}"


def derive_fill(
    venue_order_id: str,
    *,
    old_qty: Decimal,
    old_notional: Decimal,
    new_qty: Decimal,
    new_notional: Decimal,
    last_qty: Decimal | None = None,
    last_price: Decimal | None = None,
) -> DerivedFill | None:
    """The fill between two snapshots of an order's totals, or None when nothing filled.

    Args:
        venue_order_id: The venue's id of the order.
        old_qty: Base quantity filled at the earlier snapshot.
        old_notional: Quote amount filled at the earlier snapshot (average price x quantity
            when the venue reports only the average).
        new_qty: Base quantity filled now.
        new_notional: Quote amount filled now.
        last_qty: The venue's "last fill" quantity (Anboto `lastQuantity`), if it reports one.
        last_price: The venue's "last fill" price (Anboto `lastPrice`).

    Returns:
        None when `new_qty <= old_qty` (no rise, or an older report). When the last-fill
        fields describe exactly this rise (`last_qty == new_qty - old_qty`), the venue's own
        last price is used; otherwise the price comes from the change in notional.
    """
    quantity = new_qty - old_qty
    if quantity <= 0:
        return None
    if last_qty is not None and last_price is not None and last_qty == quantity and last_price > 0:
        price = last_price
    else:
        price = (new_notional - old_notional) / quantity
    return DerivedFill(derived_fill_id(venue_order_id, new_qty), quantity, price)
