"""Orders and fills for the widget tests, counted from a fixed time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from gui.domain.orders import Fill, Order, OrderStatus, Side, Strategy

T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
"""A fixed aware UTC time the factories count from."""


def make_order(number: int = 1, **changes: Any) -> Order:
    """A working 1 BTC limit buy on Tread.fi created `number` seconds after T0, with changes."""
    order = Order(
        client_order_id=f"od-{number:04d}",
        venue="treadfi",
        account="main",
        pair="BTC-USDT",
        side=Side.BUY,
        strategy=Strategy.LIMIT,
        quantity=Decimal("1"),
        status=OrderStatus.WORKING,
        created_ts=T0 + timedelta(seconds=number),
        updated_ts=T0 + timedelta(seconds=number),
        limit_price=Decimal("65000"),
        venue_order_id=f"V{number}",
    )
    return dataclasses.replace(order, **changes)


def make_fill(number: int, order: Order, quantity: str, price: str, seconds: float) -> Fill:
    """A fill of `order` `seconds` after T0."""
    return Fill(
        fill_id=f"f-{number}",
        client_order_id=order.client_order_id,
        venue=order.venue,
        pair=order.pair,
        side=order.side,
        quantity=Decimal(quantity),
        price=Decimal(price),
        ts=T0 + timedelta(seconds=seconds),
        fee=Decimal("0.0125"),
        fee_asset="USDT",
        liquidity="maker",
    )
