"""Orders, tickets, venue reports, a desk session and an exact-spelling comparison for
the journal's tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum

from gui.domain.options import (
    AssetClass,
    ClipSize,
    ClipSizeKind,
    MarginMode,
    OrderOptions,
    StopDirection,
    StopTrigger,
    TriggerPrice,
)
from gui.domain.orders import (
    Leg,
    LegEnd,
    LegPurpose,
    Order,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
    TimeInForce,
)
from gui.oms.store import OrderStore
from gui.venues.base import FillAggregate, FillReport, OrderReport

D = Decimal
T0 = datetime(2026, 11, 21, 9, 0, 0, 123456, tzinfo=UTC)

EVERY_OPTION = OrderOptions(
    post_only=True,
    reduce_only=True,
    hidden=True,
    visible_quantity=D("0.050"),
    leverage=D("5"),
    margin_mode=MarginMode.ISOLATED,
    stop=StopTrigger(StopDirection.DOWN, D("61000.50"), TriggerPrice.MARK),
    short_sale=True,
    destination="Binance",
    asset_class=AssetClass.FUTURE,
    start_ts=T0 + timedelta(minutes=5),
    clip_size=ClipSize(ClipSizeKind.FRACTION, D("0.10")),
)


def ticket(**changes: object) -> OrderTicket:
    """A KuCoin Futures limit ticket, with `changes` applied."""
    base = OrderTicket(
        "kucoin_futures",
        "main",
        "BTC-USDT",
        Side.BUY,
        D("0.010"),
        Strategy.LIMIT,
        limit_price=D("65000.5"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def order_in(status: OrderStatus, number: int) -> Order:
    """An order in `status`, with fields set the way that status usually has them."""
    order = Order.from_ticket(ticket(notes=f"order {number}"), f"OD-{number:03d}", now=T0)
    changes: dict[str, object] = {"status": status, "updated_ts": T0 + timedelta(seconds=number)}
    if status not in (OrderStatus.PENDING_NEW, OrderStatus.OUTCOME_UNKNOWN):
        changes["venue_order_id"] = f"V-{number}"
    if status in (OrderStatus.PARTIALLY_FILLED, OrderStatus.FILLED, OrderStatus.CANCELED):
        changes["filled_qty"] = D("0.004") if status != OrderStatus.FILLED else D("0.010")
        changes["avg_fill_px"] = D("64999.25")
    if status == OrderStatus.REJECTED:
        changes["reason"] = "Balance insufficient (code 200004) — ünïcode kept"
    return dataclasses.replace(order, **changes)  # type: ignore[arg-type]


def order_with_everything() -> Order:
    """A TWAP worked by two legs (the first paused away), every option set, paused spans."""
    order = Order.from_ticket(
        ticket(strategy=Strategy.TWAP, duration_s=3600, options=EVERY_OPTION, side=Side.SELL),
        "OD-LEGS",
        now=T0,
    )
    legs = (
        Leg(
            "OD-LEGS",
            1,
            LegPurpose.NEW,
            D("0.010"),
            OrderStatus.CANCELED,
            "V-L1",
            D("0.004"),
            D("64000.1"),
            D("256.0004"),
            LegEnd.PAUSE,
            T0,
        ),
        Leg(
            "OD-LEGS-2",
            2,
            LegPurpose.RESUME,
            D("0.006"),
            OrderStatus.WORKING,
            "V-L2",
            D("0.000"),
            created_ts=T0 + timedelta(minutes=20),
            reason="",
        ),
    )
    return dataclasses.replace(
        order,
        status=OrderStatus.PARTIALLY_FILLED,
        venue_order_id="V-L2",
        filled_qty=D("0.004"),
        avg_fill_px=D("64000.1"),
        start_ts=T0,
        end_ts=T0 + timedelta(hours=1),
        pauses=((T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)),),
        time_in_force=TimeInForce.IOC,
        pov_target=D("0.25"),
        legs=legs,
        pinned=True,
    )


def quote_sized_order() -> Order:
    """A DFX market order sized in the quote asset (spend 100.00 USDT)."""
    quote_ticket = ticket(venue="dfx", strategy=Strategy.MARKET, limit_price=None, quantity=D(0))
    quote_ticket = dataclasses.replace(quote_ticket, quote_quantity=D("100.00"))
    order = Order.from_ticket(quote_ticket, "OD-QUOTE", now=T0)
    return dataclasses.replace(order, filled_notional=D("99.9950"), filled_qty=D("0.00154"))


def spelled(value: object) -> object:
    """`value` with every Decimal as its exact digits, every datetime as ISO text and UTC
    offset, every enum with its class: two values spelt alike are the same to the digit."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple(
                (item.name, spelled(getattr(value, item.name)))
                for item in dataclasses.fields(value)
            ),
        )
    if isinstance(value, tuple | list):
        return tuple(spelled(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, spelled(item)) for key, item in value.items())
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), value.utcoffset())
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    return (type(value).__name__, value)


def report(
    venue_order_id: str,
    client_order_id: str,
    status: OrderStatus,
    filled: str,
    fills: tuple[FillReport, ...] | None = None,
    venue: str = "kucoin_futures",
    quantity: str = "0.010",
) -> OrderReport:
    return OrderReport(
        venue=venue,
        venue_order_id=venue_order_id,
        client_order_id=client_order_id,
        status=status,
        venue_status=str(status),
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=D(quantity),
        filled_qty=D(filled),
        avg_fill_px=D("65000.5") if filled != "0" else None,
        fills=fills,
        aggregate=FillAggregate() if fills is None else None,
        updated_ts=T0 + timedelta(seconds=30),
    )


def trade(fill_id: str, qty: str, second: int) -> FillReport:
    return FillReport(fill_id, D(qty), D("65000.5"), T0 + timedelta(seconds=second), D("0.01"))


def desk_history(store: OrderStore) -> None:
    """A session: a KuCoin order filled twice; an Anboto TWAP paused synthetically and
    resumed by a second leg, with fills derived from its totals; one still unanswered."""
    store.add(order_in(OrderStatus.PENDING_NEW, 1))
    store.apply_reports(
        [report("V-1", "OD-001", OrderStatus.WORKING, "0.004", (trade("t1", "0.004", 1),))]
    )
    store.apply_reports(
        [report("V-1", "OD-001", OrderStatus.FILLED, "0.010", (trade("t2", "0.006", 2),))]
    )
    twap = dataclasses.replace(order_in(OrderStatus.PENDING_NEW, 2), venue="anboto")
    store.add(twap)
    store.apply_reports([report("A-1", "OD-002", OrderStatus.WORKING, "0.004", venue="anboto")])
    store.end_leg("OD-002", LegEnd.PAUSE, OrderStatus.PENDING_PAUSE)
    store.apply_reports([report("A-1", "OD-002", OrderStatus.CANCELED, "0.004", venue="anboto")])
    store.add_leg("OD-002", "OD-002-2", D("0.006"), LegPurpose.RESUME, OrderStatus.PENDING_RESUME)
    store.apply_reports(
        [report("A-2", "OD-002-2", OrderStatus.WORKING, "0.001", venue="anboto", quantity="0.006")]
    )
    store.add(order_in(OrderStatus.PENDING_NEW, 3))
