"""Domain tickets -> KuCoin Futures order bodies, and the venue's own ticket rules.

The desk sizes in the base asset; KuCoin in whole lots (`size`, `visibleSize`), one lot being
`multiplier` base units (notes §3 "Lots"). A quantity that is not a whole number of lots is
refused, never rounded. Rules come from the document's OrderInput table (notes §2.1,
"Cross-field rules"), checked without I/O on the loaded contract table.
"""

from __future__ import annotations

from decimal import Decimal

from gui.domain.errors import TicketInvalid
from gui.domain.instruments import Instrument
from gui.domain.options import MarginMode, StopDirection, TriggerPrice
from gui.domain.orders import OrderTicket, Strategy, TimeInForce
from gui.venues.kucoin_futures.wire_requests import OrderRequest

STOP_PRICE_TYPES: dict[TriggerPrice, str] = {
    TriggerPrice.LAST: "TP",
    TriggerPrice.MARK: "MP",
    TriggerPrice.INDEX: "IP",
}
"""Trigger price -> `stopPriceType` (TP trade/last, MP mark, IP index; doc enum)."""

STOP_DIRECTIONS: dict[StopDirection, str] = {StopDirection.UP: "up", StopDirection.DOWN: "down"}
"""Stop direction -> `stop` (`up`: at or above stopPrice; `down`: at or below)."""

MARGIN_MODES: dict[MarginMode, str] = {
    MarginMode.ISOLATED: "ISOLATED",
    MarginMode.CROSS: "CROSS",
}
"""Margin mode -> `marginMode`."""

LIMIT_TYPES = frozenset({Strategy.LIMIT, Strategy.IOC})
"""Strategies sent as `type: limit` (an IOC strategy is a limit order with timeInForce IOC)."""


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def contract_size_text(contract: Instrument) -> str:
    """`1 contract = 0.001 BTC`, for messages."""
    assert contract.multiplier is not None
    base = contract.pair.partition("-")[0]
    return f"1 contract = {_plain(contract.multiplier)} {base}"


def lots_for(quantity: Decimal, contract: Instrument) -> int | None:
    """Whole lots for a base-asset quantity; None when it is not a positive whole number of
    lots (in steps of `lot_size`)."""
    if contract.multiplier is None or not quantity.is_finite() or quantity <= 0:
        return None
    lots = contract.to_contracts(quantity)
    if lots != lots.to_integral_value() or not contract.is_whole_lots(quantity):
        return None
    return int(lots)


def _on_tick(price: Decimal, contract: Instrument) -> bool:
    tick = contract.tick_size
    return tick is None or tick <= 0 or price % tick == 0


def _is_immediate(ticket: OrderTicket) -> bool:
    return ticket.strategy == Strategy.IOC or ticket.time_in_force == TimeInForce.IOC


def ticket_errors(
    ticket: OrderTicket,
    contract: Instrument | None,
    *,
    loaded: bool,
    max_order_lots: int | None = None,
) -> dict[str, str]:
    """KuCoin's rules for a ticket beyond the capability table, as field -> message.

    Args:
        ticket: A ticket that passed `OrderTicket.validation_errors`.
        contract: The ticket's contract, None when the pair has none (or none loaded).
        loaded: Whether the contract table was loaded at all.
        max_order_lots: The contract's `maxOrderQty`, if known.

    Returns:
        An empty dict when KuCoin should take the ticket. Keys are ticket fields or option
        names: pair, quantity, limit_price, post_only, hidden, visible_quantity, leverage,
        stop_price.
    """
    if contract is None:
        if not loaded:
            return {"pair": "KuCoin Futures contracts are not loaded yet; try again shortly."}
        return {"pair": f"KuCoin Futures has no contract for {ticket.pair}."}
    errors: dict[str, str] = {}
    size_text = contract_size_text(contract)
    lots = lots_for(ticket.quantity, contract)
    if lots is None:
        errors["quantity"] = f"Quantity must be a whole number of contracts ({size_text})."
    elif max_order_lots is not None and lots > max_order_lots:
        errors["quantity"] = f"Quantity is at most {max_order_lots} contracts ({size_text})."
    is_limit = ticket.strategy in LIMIT_TYPES
    tick_text = "" if contract.tick_size is None else _plain(contract.tick_size)
    if ticket.limit_price is not None:
        if not is_limit:
            errors["limit_price"] = "A Market order takes no limit price."
        elif not _on_tick(ticket.limit_price, contract):
            errors["limit_price"] = f"Limit price must be a multiple of the tick size {tick_text}."
    options = ticket.options
    if options.post_only:
        # Doc, postOnly: "invalid when timeInForce is IOC ... choosing hidden or iceberg is
        # not allowed"; limit orders only.
        conflicts = [
            name
            for name, clash in (
                ("a Market order", not is_limit),
                ("IOC", _is_immediate(ticket)),
                ("hidden", options.hidden),
                ("iceberg", options.visible_quantity is not None),
            )
            if clash
        ]
        if conflicts:
            errors["post_only"] = f"Post-only cannot be combined with {', '.join(conflicts)}."
    if options.hidden and not is_limit:
        errors["hidden"] = "Hidden needs a Limit order."
    if options.visible_quantity is not None:
        if not is_limit:
            errors["visible_quantity"] = "An iceberg needs a Limit order."
        elif lots_for(options.visible_quantity, contract) is None:
            errors["visible_quantity"] = (
                f"Visible quantity must be a whole number of contracts ({size_text})."
            )
    leverage = options.leverage
    if leverage is not None:
        if leverage != leverage.to_integral_value():
            errors["leverage"] = "Leverage must be a whole number on KuCoin Futures."
        elif leverage < 1:
            errors["leverage"] = "Leverage must be at least 1."
        elif contract.max_leverage is not None and leverage > contract.max_leverage:
            errors["leverage"] = (
                f"Leverage is at most {_plain(contract.max_leverage)}x on {contract.symbol}."
            )
    stop = options.stop
    if stop is not None:
        if stop.direction not in STOP_DIRECTIONS or stop.price_type not in STOP_PRICE_TYPES:
            errors["stop_price"] = "A stop needs a direction (up/down) and a trigger price type."
        elif not _on_tick(stop.price, contract):
            errors["stop_price"] = f"Stop price must be a multiple of the tick size {tick_text}."
    return errors


def order_request(
    ticket: OrderTicket, client_order_id: str, contract: Instrument, default_leverage: int
) -> OrderRequest:
    """The Add Order body for a ticket.

    Args:
        ticket: A ticket `ticket_errors` found nothing wrong with.
        client_order_id: Our id (`clientOid`).
        contract: The ticket's contract.
        default_leverage: Sent when the ticket leaves leverage unset (required, §6.7).

    Returns:
        The body: `size` in lots, `type` always sent, limit-only flags only on limit orders,
        unset options left out.

    Raises:
        TicketInvalid: The ticket breaks a rule of `ticket_errors` (nothing to send).
    """
    errors = ticket_errors(ticket, contract, loaded=True)
    if errors:
        raise TicketInvalid(errors)
    lots = lots_for(ticket.quantity, contract)
    assert lots is not None
    options = ticket.options
    is_limit = ticket.strategy in LIMIT_TYPES
    visible_lots = (
        None if options.visible_quantity is None else lots_for(options.visible_quantity, contract)
    )
    stop = options.stop
    return OrderRequest(
        client_oid=client_order_id,
        side=ticket.side.value,
        symbol=contract.symbol,
        leverage=default_leverage if options.leverage is None else int(options.leverage),
        type="limit" if is_limit else "market",
        stop=None if stop is None else STOP_DIRECTIONS[stop.direction],
        stop_price_type=None if stop is None else STOP_PRICE_TYPES[stop.price_type],
        stop_price=None if stop is None else stop.price,
        reduce_only=True if options.reduce_only else None,
        margin_mode=None if options.margin_mode is None else MARGIN_MODES[options.margin_mode],
        price=ticket.limit_price if is_limit else None,
        size=lots,
        # timeInForce is for limit orders only; ccxt strips it from market orders (§2.1).
        time_in_force=("IOC" if _is_immediate(ticket) else "GTC") if is_limit else None,
        post_only=True if options.post_only else None,
        hidden=True if options.hidden else None,
        iceberg=True if visible_lots is not None else None,
        visible_size=None if visible_lots is None else str(visible_lots),
    )
