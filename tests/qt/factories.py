"""Orders and fills for the widget tests, counted from a fixed time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from gui.domain.instruments import Instrument
from gui.domain.options import AssetClass, OrderOption
from gui.domain.orders import Fill, Order, OrderStatus, Side, Strategy, TimeInForce
from gui.oms.profiles import VenueProfile
from gui.venues.base import VenueCapabilities

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


BROKER = VenueCapabilities(strategies=frozenset(Strategy), pause_resume=True, amend=True)
"""A broker like Tread.fi: every strategy, GTC only, no options."""
EXCHANGE = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.IOC}),
    time_in_force=frozenset({TimeInForce.GTC, TimeInForce.IOC}),
    options=frozenset(
        {
            OrderOption.POST_ONLY,
            OrderOption.REDUCE_ONLY,
            OrderOption.HIDDEN,
            OrderOption.ICEBERG,
            OrderOption.LEVERAGE,
            OrderOption.MARGIN_MODE,
            OrderOption.STOP,
        }
    ),
    quantity_in_contracts=True,
)
"""A futures exchange like KuCoin Futures: contracts, GTC/IOC and every book option."""
ALGO_BROKER = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.TWAP, Strategy.VWAP}),
    options=frozenset(
        {
            OrderOption.ICEBERG,
            OrderOption.STOP,
            OrderOption.SHORT_SALE,
            OrderOption.DESTINATION,
            OrderOption.ASSET_CLASS,
            OrderOption.START_TIME,
            OrderOption.CLIP_SIZE,
        }
    ),
    destinations=("Binance", "Bybit"),
    asset_classes=(AssetClass.SPOT, AssetClass.FUTURE, AssetClass.OPTION),
    fills_reported=False,
)
"""An algo broker like Anboto: routes to an exchange, schedules algos, no native pause/amend."""
SPOT = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT}),
    quote_quantity_market=True,
    fills_reported=False,
)
"""A spot exchange like DFX Labs: Market orders sized in the quote asset, GTC only, no options."""
FUTURES = (
    Instrument("BTC-USDT", "XBTUSDTM", Decimal("0.1"), Decimal("0.001"), Decimal(1), Decimal(100)),
    Instrument("ETH-USDT", "ETHUSDTM", Decimal("0.01"), Decimal("0.01"), Decimal(1), Decimal(100)),
)
"""Two contracts with KuCoin's multipliers."""


def make_profiles(
    accounts: dict[str, list[str]], capabilities: VenueCapabilities = BROKER
) -> dict[str, VenueProfile]:
    """Profiles for `accounts`, every venue with `capabilities`; exchanges get `FUTURES`."""
    return {
        venue: VenueProfile(
            venue,
            tuple(names),
            capabilities,
            FUTURES if capabilities.quantity_in_contracts else (),
        )
        for venue, names in accounts.items()
    }
