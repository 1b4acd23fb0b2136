"""The Tread.fi adapter over real loopback HTTP against the sandbox served by uvicorn."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gui.domain.errors import VenueAuthError
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.sandbox.server import running_sandbox
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig


@pytest.mark.asyncio
async def test_submit_read_and_cancel_over_loopback() -> None:
    with running_sandbox(seed=3) as endpoints:
        endpoint = endpoints["treadfi"]
        config = TreadfiConfig(base_url=endpoint.base_url, timeout_s=5.0)
        account = endpoint.accounts[0]
        async with TreadfiAdapter(config, endpoint.credentials["api_key"], account) as adapter:
            market = await adapter.submit(
                OrderTicket(
                    "treadfi", account, "ETH-USDT", Side.SELL, Decimal("1.25"), Strategy.MARKET
                ),
                "od-loopback-market",
            )
            assert (market.status, market.filled_qty) == (OrderStatus.FILLED, Decimal("1.25"))
            detail = await adapter.order(market.venue_order_id)
            assert detail.fills and sum(f.quantity for f in detail.fills) == Decimal("1.25")

            resting = await adapter.submit(
                OrderTicket(
                    "treadfi",
                    account,
                    "ETH-USDT",
                    Side.BUY,
                    Decimal("2"),
                    Strategy.LIMIT,
                    limit_price=Decimal("1.5"),
                ),
                "od-loopback-limit",
            )
            assert [r.venue_order_id for r in await adapter.open_orders()] == [
                resting.venue_order_id
            ]
            await adapter.cancel(resting.venue_order_id)
            found = await adapter.find_by_client_order_id("od-loopback-limit")
            assert found is not None and found.status is OrderStatus.CANCELED

        async with TreadfiAdapter(config, "not-the-key", account) as intruder:
            with pytest.raises(VenueAuthError):
                await intruder.open_orders()
