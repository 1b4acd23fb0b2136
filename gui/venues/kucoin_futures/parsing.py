"""KuCoin Futures wire models -> domain types: the one place the two spellings meet.

Pairs (desk `BASE-QUOTE`, KuCoin's `XBT` shown as `BTC`): `XBTUSDTM` <-> `BTC-USDT`, from the
contract table. Quantities: KuCoin sizes everything in integer lots (notes §3 "Lots"); the
desk in the base asset, so every size is multiplied by the contract's multiplier here, and
nothing else converts. Times: `createdAt`/`updatedAt` are epoch ms, `orderTime`/`tradeTime`
epoch ns (notes §3 "Timestamps").

Statuses (notes §3 "Statuses", §6.13): KuCoin says only `open` or `done`; the rest is
derived from `cancelExist`, `filledSize` and `size`:

    venue status   condition                                   domain status
    open           untriggered stop (listed by /stopOrders,    SCHEDULED
                   or stop set and stopTriggered false)
    open           filledSize == 0                             WORKING
    open           filledSize > 0                              PARTIALLY_FILLED
    done           cancelExist                                 CANCELED (partial fills kept)
    done           not cancelExist, filledSize >= size         FILLED
    done           not cancelExist, filledSize < size          CANCELED (an IOC/market or
                                                               reduce-only remainder the
                                                               venue dropped, notes §3, §6.20)
    anything else                                              UNKNOWN, logged
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gui.domain.instruments import Instrument
from gui.domain.orders import OrderStatus, Side, Strategy
from gui.venues.base import FillReport, OrderReport
from gui.venues.kucoin_futures import wire
from gui.venues.kucoin_futures.config import VENUE

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = Decimal(0)

ASSET_ALIASES: dict[str, str] = {"XBT": "BTC"}
"""KuCoin asset code -> the desk's (KuCoin calls bitcoin XBT)."""

STATUS_MAP: dict[str, OrderStatus] = {
    "open": OrderStatus.WORKING,  # SCHEDULED when an untriggered stop; PARTIALLY_FILLED once filled
    "done": OrderStatus.FILLED,  # CANCELED when cancelExist or short of its size
}
"""Venue status (lower case) -> domain status before the refinements of the module table."""

PERPETUAL_TYPE = "FFWCSX"
"""Contract `type` of perpetual swaps (dated futures are `FFICSX`)."""


def asset(code: str) -> str:
    """A KuCoin asset code in the desk's spelling (`XBT` -> `BTC`)."""
    upper = code.strip().upper()
    return ASSET_ALIASES.get(upper, upper)


def ms_to_datetime(ms: int | None) -> datetime | None:
    """Epoch milliseconds -> aware UTC datetime (None stays None; exact, no float)."""
    if ms is None:
        return None
    return _EPOCH + timedelta(milliseconds=ms)


def ns_to_datetime(ns: int | None) -> datetime | None:
    """Epoch nanoseconds -> aware UTC datetime, truncated to microseconds (no float)."""
    if ns is None:
        return None
    return _EPOCH + timedelta(microseconds=ns // 1000)


def instrument(contract: wire.Contract) -> Instrument | None:
    """The desk's instrument for a contract; None when the desk cannot trade it.

    Inverse (coin-margined) contracts are left out: one lot is one USD there, a quote amount,
    and the desk sizes orders in the base asset (notes §3 "Lots"). So are contracts without a
    symbol, currencies or a positive multiplier.
    """
    if contract.is_inverse or not contract.symbol:
        return None
    if not contract.base_currency or not contract.quote_currency:
        return None
    if contract.multiplier is None or contract.multiplier <= 0:
        return None
    return Instrument(
        pair=f"{asset(contract.base_currency)}-{asset(contract.quote_currency)}",
        symbol=contract.symbol,
        tick_size=contract.tick_size,
        multiplier=contract.multiplier,
        lot_size=contract.lot_size if contract.lot_size is not None else Decimal(1),
        max_leverage=contract.max_leverage,
    )


def instruments(contracts: Sequence[wire.Contract]) -> list[Instrument]:
    """One instrument per pair: the perpetual when a pair also has dated futures.

    Returns:
        Instruments sorted by pair; other contracts of a taken pair are logged and skipped.
    """
    chosen: dict[str, tuple[Instrument, bool]] = {}
    for contract in contracts:
        found = instrument(contract)
        if found is None:
            continue
        perpetual = contract.type == PERPETUAL_TYPE
        current = chosen.get(found.pair)
        if current is None or (perpetual and not current[1]):
            chosen[found.pair] = (found, perpetual)
        else:
            logger.debug("KuCoin %s skipped: %s is %s", contract.symbol, found.pair, current[0])
    return [chosen[pair][0] for pair in sorted(chosen)]


def parse_side(side: str | None) -> Side:
    """`buy`/`sell` -> `Side`.

    Raises:
        ValueError: Neither.
    """
    try:
        return Side((side or "").strip().lower())
    except ValueError:
        raise ValueError(f"KuCoin side must be 'buy' or 'sell', got {side!r}") from None


def is_untriggered_stop(order: wire.Order) -> bool:
    """A stop order still waiting for its trigger (notes §3 "Stop orders", §6.13)."""
    return order.stop is not None and order.stop_triggered is False


def filled_lots(order: wire.Order) -> int:
    """Filled lots: `filledSize`, else its duplicate `dealSize`, else 0 (notes §3)."""
    if order.filled_size is not None:
        return order.filled_size
    return order.deal_size if order.deal_size is not None else 0


def map_status(order: wire.Order, *, from_stop_list: bool = False) -> OrderStatus:
    """The domain status of an order (see the module table).

    Args:
        order: The order record.
        from_stop_list: It came from `GET /api/v1/stopOrders` (untriggered by definition).
    """
    word = (order.status or "").strip().lower()
    if not word and order.is_active is not None:
        word = "open" if order.is_active else "done"
    base = STATUS_MAP.get(word)
    filled = filled_lots(order)
    if base is None:
        logger.warning("KuCoin order %s has an unknown status %r", order.id, order.status)
        return OrderStatus.UNKNOWN
    if base == OrderStatus.WORKING:
        if filled > 0:
            return OrderStatus.PARTIALLY_FILLED
        if from_stop_list or is_untriggered_stop(order):
            return OrderStatus.SCHEDULED
        return OrderStatus.WORKING
    if order.cancel_exist:
        return OrderStatus.CANCELED
    if order.size is not None and filled < order.size:
        return OrderStatus.CANCELED
    return OrderStatus.FILLED


def venue_status(order: wire.Order, status: OrderStatus) -> str:
    """The venue's status word, qualified with what it was derived from."""
    word = order.status or ("open" if order.is_active else "done")
    if status == OrderStatus.SCHEDULED:
        return f"{word} (stop untriggered)"
    if word == "done" and order.cancel_exist:
        return f"{word} (canceled)"
    return word


def strategy_of(order: wire.Order) -> Strategy | None:
    """`market` -> MARKET; `limit` -> LIMIT, or IOC with `timeInForce` IOC; else None."""
    order_type = (order.type or "").lower()
    if order_type == "market":
        return Strategy.MARKET
    if order_type == "limit":
        return Strategy.IOC if (order.time_in_force or "").upper() == "IOC" else Strategy.LIMIT
    return None


def fill_report(fill: wire.Fill, contract: Instrument) -> FillReport:
    """A fill in base-asset units.

    Raises:
        ValueError: No id, size or price.
    """
    if not fill.trade_id or fill.size is None or fill.price is None:
        raise ValueError(f"KuCoin fill without tradeId, size or price: {fill.trade_id!r}")
    assert contract.multiplier is not None
    ts = ns_to_datetime(fill.trade_time) or ms_to_datetime(fill.created_at)
    fee = fill.fee
    if fee is None and (fill.open_fee_pay is not None or fill.close_fee_pay is not None):
        fee = (fill.open_fee_pay or _ZERO) + (fill.close_fee_pay or _ZERO)
    liquidity = (fill.liquidity or "").lower()
    return FillReport(
        fill_id=fill.trade_id,
        quantity=fill.size * contract.multiplier,
        price=fill.price,
        ts=ts if ts is not None else _EPOCH,
        fee=fee,
        fee_asset=fill.fee_currency or "",
        liquidity=liquidity if liquidity in ("maker", "taker") else "",
    )


def order_report(
    order: wire.Order,
    contract: Instrument,
    *,
    fills: Sequence[wire.Fill] | None = None,
    account: str = "",
    from_stop_list: bool = False,
) -> OrderReport:
    """An order in domain units (base asset, aware UTC).

    Args:
        order: The order record.
        contract: Its instrument (multiplier, pair).
        fills: Fills to carry (any order's fills are filtered out); None for no fill list.
        account: The account name to stamp.
        from_stop_list: It came from the untriggered stop list.

    Raises:
        ValueError: No id, a bad side, or the instrument is not sized in contracts.
    """
    if not order.id:
        raise ValueError("KuCoin order without an id")
    if contract.multiplier is None:
        raise ValueError(f"{contract.symbol} has no multiplier")
    status = map_status(order, from_stop_list=from_stop_list)
    lots = order.size if order.size is not None else 0
    filled = filled_lots(order)
    reason = ""
    if status == OrderStatus.CANCELED and not order.cancel_exist:
        reason = f"done with {lots - filled} of {lots} lots unfilled"
    fill_reports: tuple[FillReport, ...] | None = None
    if fills is not None:
        fill_reports = tuple(
            fill_report(fill, contract) for fill in fills if fill.order_id == order.id
        )
    is_limit = (order.type or "").lower() == "limit"
    avg_price, price = order.avg_deal_price, order.price
    return OrderReport(
        venue=VENUE,
        venue_order_id=order.id,
        client_order_id=order.client_oid or "",
        status=status,
        venue_status=venue_status(order, status),
        pair=contract.pair,
        side=parse_side(order.side),
        quantity=lots * contract.multiplier,
        filled_qty=filled * contract.multiplier,
        avg_fill_px=avg_price if filled > 0 and avg_price is not None and avg_price > 0 else None,
        strategy=strategy_of(order),
        account=account,
        limit_price=price if is_limit and price is not None and price > 0 else None,
        updated_ts=ms_to_datetime(order.updated_at),
        reason=reason,
        fills=fill_reports,
    )
