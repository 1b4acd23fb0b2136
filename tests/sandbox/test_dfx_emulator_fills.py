"""The DFX Labs emulator's executions: limit orders resting until the simulated market crosses,
market orders by quote amount, partial fills, and `GET /api/v1/account/trades` (on and off)
summing to each order's `tradeQty` / `tradeAmount` (notes.md §2.3, §2.4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from gui.sandbox.dfx import create_app
from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.conftest import START
from tests.sandbox.dfx_helpers import ACCOUNT_ID, TRADE_FIELDS, DfxClient, dfx_client

pytestmark = pytest.mark.asyncio

TRADES = "/api/v1/account/trades"
FINISHED = "/api/v1/spot/finish_order"
START_MS = int(START.timestamp() * 1000)
BTC_STEP = Decimal("0.00001")


@pytest_asyncio.fixture
async def dfx(engine: SandboxEngine) -> AsyncIterator[DfxClient]:
    """A signing client on the emulator, rate limits off, trades endpoint on."""
    async with dfx_client(create_app(engine, rate_limit_scale=None)) as client:
        yield client


async def trades_of(dfx: DfxClient, order_id: str, symbol: str = "BTC-USDT") -> list[Any]:
    return await dfx.listing(TRADES, symbol=symbol, orderId=order_id, limit=100)


async def until_status(
    dfx: DfxClient, clock: ManualClock, order_id: str, statuses: set[str], max_s: int = 600
) -> dict[str, Any]:
    """Advance simulated time one second at a time until the order reaches a status."""
    for _ in range(max_s):
        order = await dfx.order(order_id)
        if order["status"] in statuses:
            return order
        clock.advance(1)
    raise AssertionError(f"order {order_id} never reached {statuses}: {order}")


def assert_fills_sum_to_the_order(order: dict[str, Any], trades: list[dict[str, Any]]) -> None:
    assert trades, "no trades"
    assert sum(Decimal(t["quantity"]) for t in trades) == Decimal(order["tradeQty"])
    assert sum(Decimal(t["amount"]) for t in trades) == Decimal(order["tradeAmount"])
    for trade in trades:
        assert Decimal(trade["price"]) * Decimal(trade["quantity"]) == Decimal(trade["amount"])


async def test_a_resting_buy_fills_as_maker_at_its_price_once_the_market_crosses(
    dfx: DfxClient, clock: ManualClock, engine: SandboxEngine
) -> None:
    bid, _ = engine.best_bid_ask("BTC-USDT")
    price = bid - 10
    order_id = await dfx.limit("BUY", str(price), "0.5")
    assert (await dfx.order(order_id))["status"] == "NEW"

    order = await until_status(dfx, clock, order_id, {"FILLED"})

    trades = await trades_of(dfx, order_id)
    assert_fills_sum_to_the_order(order, trades)
    assert order["tradeQty"] == "0.5"
    assert all(t["isMaker"] is True and Decimal(t["price"]) == price for t in trades)


async def test_a_large_resting_order_is_partially_filled_first(
    dfx: DfxClient, clock: ManualClock, engine: SandboxEngine
) -> None:
    mid = engine.mid_price("BTC-USDT")
    order_id = await dfx.limit("BUY", str(mid), "3")

    partial = await until_status(dfx, clock, order_id, {"PARTIAL_FILLED"})
    assert Decimal(0) < Decimal(partial["tradeQty"]) < 3
    assert_fills_sum_to_the_order(partial, await trades_of(dfx, order_id))
    filled = await until_status(dfx, clock, order_id, {"FILLED"})

    assert filled["tradeQty"] == "3"
    assert Decimal(filled["tradeAmount"]) == mid * 3
    assert_fills_sum_to_the_order(filled, await trades_of(dfx, order_id))


async def test_a_partly_filled_order_canceled_keeps_its_fills_and_is_finished(
    dfx: DfxClient, clock: ManualClock, engine: SandboxEngine
) -> None:
    order_id = await dfx.limit("BUY", str(engine.mid_price("BTC-USDT")), "3")
    partial = await until_status(dfx, clock, order_id, {"PARTIAL_FILLED"})

    await dfx.ok("DELETE", "/api/v1/spot/order", {"accountId": ACCOUNT_ID, "orderId": order_id})

    order = await dfx.order(order_id)
    assert order["status"] == "CANCELED"
    assert order["tradeQty"] == partial["tradeQty"]
    (row,) = await dfx.listing(FINISHED)
    assert (row["orderId"], row["status"], row["tradeQty"]) == (
        int(order_id),
        "CANCELED",
        partial["tradeQty"],
    )
    assert_fills_sum_to_the_order(order, await trades_of(dfx, order_id))


async def test_a_marketable_limit_order_takes_at_once_within_its_price(
    dfx: DfxClient, engine: SandboxEngine
) -> None:
    _, ask = engine.best_bid_ask("BTC-USDT")
    order_id = await dfx.limit("BUY", str(ask + 100), "0.01")

    order = await dfx.order(order_id)
    trades = await trades_of(dfx, order_id)

    assert order["status"] == "FILLED"
    assert_fills_sum_to_the_order(order, trades)
    assert all(t["isMaker"] is False and Decimal(t["price"]) <= ask + 100 for t in trades)


@pytest.mark.parametrize("side", ["BUY", "SELL"])
async def test_a_market_order_spends_its_quote_amount_at_once(
    dfx: DfxClient, engine: SandboxEngine, side: str
) -> None:
    order_id = await dfx.market(side, "1000")

    order = await dfx.order(order_id)
    trades = await trades_of(dfx, order_id)

    assert order["status"] == "FILLED"
    assert (order["orderType"], order["price"], order["quantity"], order["amount"]) == (
        "MARKET",
        "0",
        "0",
        "1000",
    )
    assert_fills_sum_to_the_order(order, trades)
    quantity, spent = Decimal(order["tradeQty"]), Decimal(order["tradeAmount"])
    assert quantity % BTC_STEP == 0
    # Within one base increment of the amount at the touch.
    assert Decimal(1000) - spent < BTC_STEP * Decimal(trades[0]["price"]) * 2
    assert all(t["isMaker"] is False and t["type"] == "MARKET" for t in trades)


async def test_a_market_amount_becomes_base_quantity_rounded_down_to_the_increment(
    dfx: DfxClient, engine: SandboxEngine
) -> None:
    _, ask = engine.best_bid_ask("SOL-USDT")
    form = {
        "symbol": "SOL-USDT",
        "accountId": ACCOUNT_ID,
        "side": "BUY",
        "type": "MARKET",
        "amount": "5",
    }

    accepted = await dfx.ok("POST", "/api/v1/spot/order", form=form)

    order = await dfx.order(accepted["data"])
    expected = (Decimal(5) / ask).quantize(Decimal("0.001"), rounding="ROUND_FLOOR")
    assert Decimal(order["tradeQty"]) == expected
    assert Decimal(order["tradeAmount"]) <= 5


async def test_trades_have_the_venue_fields_and_fee_assets(dfx: DfxClient) -> None:
    buy = await dfx.market("BUY", "100")
    sell = await dfx.market("SELL", "100")

    (bought,) = await trades_of(dfx, buy)
    (sold,) = await trades_of(dfx, sell)

    assert list(bought) == TRADE_FIELDS
    assert isinstance(bought["tradeId"], str) and bought["tradeId"].isdigit()
    assert isinstance(bought["time"], str) and int(bought["time"]) == START_MS
    assert (bought["symbol"], bought["type"], bought["side"]) == ("BTC-USDT", "MARKET", "BUY")
    # A buyer pays in the base asset it receives (the venue's example), a seller in quote.
    assert bought["feeAsset"] == "BTC"
    assert Decimal(bought["fee"]) == Decimal(bought["quantity"]) * Decimal("0.0005")
    assert (sold["side"], sold["feeAsset"]) == ("SELL", "USDT")
    assert Decimal(sold["fee"]) == (Decimal(sold["amount"]) * Decimal("0.0005")).quantize(
        Decimal("0.00000001")
    )


async def test_trades_need_a_symbol_and_filter_by_it(dfx: DfxClient) -> None:
    await dfx.market("BUY", "100")
    eth = await dfx.market("BUY", "100", symbol="ETH-USDT")

    await dfx.error("GET", TRADES, {"accountId": ACCOUNT_ID}, status=412)
    await dfx.error("GET", TRADES, {"symbol": "NOPE-USDT"}, status=400)
    (only,) = await dfx.listing(TRADES, symbol="ETH-USDT")
    assert only["symbol"] == "ETH-USDT"
    # accountId is optional on this endpoint (the venue's Account doc).
    payload = await dfx.ok("GET", TRADES, {"symbol": "ETH-USDT", "orderId": eth})
    assert payload["data"] == [only]


async def test_trades_are_ascending_with_limit_and_from_id(dfx: DfxClient) -> None:
    for _ in range(12):
        await dfx.market("BUY", "100")

    every = await dfx.listing(TRADES, symbol="BTC-USDT", limit=100)
    default = await dfx.listing(TRADES, symbol="BTC-USDT")
    page = await dfx.listing(TRADES, symbol="BTC-USDT", fromId=every[3]["tradeId"], limit=2)

    ids = [int(t["tradeId"]) for t in every]
    assert len(ids) == 12 and ids == sorted(ids)
    assert default == every[2:]  # the 10 most recent, oldest first
    assert page == every[3:5]
    await dfx.error("GET", TRADES, {"symbol": "BTC-USDT", "limit": 101}, status=400)


async def test_trades_time_window_is_on_the_orders_creation_time(
    dfx: DfxClient, clock: ManualClock, engine: SandboxEngine
) -> None:
    # A resting order created at START fills later; its trades still count as of START.
    resting = await dfx.limit("BUY", str(engine.mid_price("BTC-USDT")), "0.5")
    clock.advance(60)
    later = await dfx.market("BUY", "100")
    await until_status(dfx, clock, resting, {"FILLED"})

    early = await dfx.listing(TRADES, symbol="BTC-USDT", endTime=START_MS, limit=100)
    late = await dfx.listing(TRADES, symbol="BTC-USDT", startTime=START_MS + 1, limit=100)

    assert early == await trades_of(dfx, resting)
    assert all(int(t["time"]) > START_MS for t in early)
    assert late == await trades_of(dfx, later)


async def test_without_the_trades_permission_the_endpoint_is_403(engine: SandboxEngine) -> None:
    async with dfx_client(create_app(engine, rate_limit_scale=None, trades_endpoint=False)) as dfx:
        order_id = await dfx.market("BUY", "100")

        msg = await dfx.error("GET", TRADES, {"symbol": "BTC-USDT"}, status=403)

        assert msg == "Insufficient permissions or IP is not in the whitelist"
        # The order endpoints still report the aggregate.
        assert (await dfx.order(order_id))["status"] == "FILLED"
