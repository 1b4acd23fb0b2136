"""The ZenOTC emulator in-process: amend, cancel, batch create and cancel-all, with their
refusals (notes.md §3.3, §3.7 decisions 3, 6, 7, 11)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.zenotc_helpers import (
    MARKET_SELL,
    ORDER_FIELDS,
    RESTING_BUY,
    ZenClient,
    exact,
    nest_error,
)

pytestmark = pytest.mark.asyncio

ORDER_ID = re.compile(r"ord_[a-z0-9]{12}")
START_ISO = "2024-01-02T09:00:00.000Z"


# Amend and cancel ----------------------------------------------------------------------------


async def test_amend_quantity_and_price_returns_the_updated_order(
    zen: ZenClient, clock: ManualClock
) -> None:
    order = await zen.create(metadata={"desk": "otc"})
    clock.advance(5)

    response = await zen.call(
        "PATCH", f"/api/sdk/orders/{order['orderId']}", {"quantity": 2.0, "price": 51000.00}
    )

    amended = exact(response)
    assert response.status_code == 200
    assert list(amended) == ORDER_FIELDS
    assert (amended["orderId"], amended["quantity"], amended["price"]) == (
        order["orderId"],
        2,
        51000,
    )
    assert (amended["status"], amended["remainingQuantity"], amended["metadata"]) == (
        "open",
        2,
        {"desk": "otc"},
    )
    assert (amended["createdAt"], amended["updatedAt"]) == (START_ISO, "2024-01-02T09:00:05.000Z")
    price_only = exact(
        await zen.call("PATCH", f"/api/sdk/orders/{order['orderId']}", {"price": 50500})
    )
    assert (price_only["quantity"], price_only["price"]) == (2, 50500)


async def test_amend_refusals(zen: ZenClient, engine: SandboxEngine) -> None:
    _, ask = engine.best_bid_ask("BTC-USD")
    partial = await zen.create(quantity=5, price=float(ask))  # fills the touch, rests the rest
    filled = await zen.create(**MARKET_SELL)
    cancelled = await zen.create()
    await zen.call("DELETE", f"/api/sdk/orders/{cancelled['orderId']}")
    assert partial["status"] == "partially_filled"
    path = f"/api/sdk/orders/{partial['orderId']}"

    below = await zen.call("PATCH", path, {"quantity": float(partial["filledQuantity"] / 2)})
    empty = await zen.call("PATCH", path, {})
    risky = await zen.call("PATCH", path, {"quantity": 1000})
    terminal = [
        await zen.call("PATCH", f"/api/sdk/orders/{o['orderId']}", {"price": 1})
        for o in (filled, cancelled)
    ]

    assert (below.status_code, exact(below)) == (
        400,
        nest_error(
            400, f"quantity cannot be below the filled quantity ({partial['filledQuantity']})"
        ),
    )
    assert (empty.status_code, exact(empty)) == (
        400,
        nest_error(400, "At least one of quantity or price must be provided"),
    )
    assert risky.status_code == 422
    assert [(r.status_code, exact(r)) for r in terminal] == [
        (409, nest_error(409, "Order cannot be amended: it is filled")),
        (409, nest_error(409, "Order cannot be amended: it is cancelled")),
    ]


async def test_amending_down_to_the_filled_quantity_fills_the_order(
    zen: ZenClient, engine: SandboxEngine
) -> None:
    _, ask = engine.best_bid_ask("BTC-USD")
    partial = await zen.create(quantity=5, price=float(ask))

    response = await zen.call(
        "PATCH",
        f"/api/sdk/orders/{partial['orderId']}",
        f'{{"quantity": {partial["filledQuantity"]}}}'.encode(),
    )

    assert exact(response)["status"] == "filled"


async def test_cancel_answers_id_status_and_time_then_409(
    zen: ZenClient, clock: ManualClock
) -> None:
    order = await zen.create()
    clock.advance(2)
    path = f"/api/sdk/orders/{order['orderId']}"

    first = await zen.call("DELETE", path)
    again = await zen.call("DELETE", path)

    assert (first.status_code, exact(first)) == (
        200,
        {
            "orderId": order["orderId"],
            "status": "cancelled",
            "cancelledAt": "2024-01-02T09:00:02.000Z",
        },
    )
    assert (again.status_code, exact(again)) == (
        409,
        nest_error(409, "Order cannot be cancelled: it is cancelled"),
    )
    assert (await zen.get(order["orderId"]))["status"] == "cancelled"


# Batch ---------------------------------------------------------------------------------------


async def test_batch_create_reports_each_order(zen: ZenClient) -> None:
    response = await zen.call(
        "POST",
        "/api/sdk/orders/batch",
        {
            "orders": [
                {"side": "buy", "asset": "BTC", "quantity": 1.0, "price": 49000},
                {"side": "buy", "asset": "BTC", "quantity": 1.0, "clientOrderId": "b-2"},
                {
                    "side": "sell",
                    "asset": "BTC",
                    "quantity": 0.5,
                    "price": 72000,
                    "clientOrderId": "b-3",
                },
                {
                    "side": "sell",
                    "asset": "BTC",
                    "quantity": 0.5,
                    "price": 72000,
                    "clientOrderId": "b-3",
                },
                {"side": "buy", "asset": "BTC", "quantity": 500, "price": 49000},
            ]
        },
    )

    body = exact(response)
    assert response.status_code == 201
    first, second, third, fourth, fifth = body["results"]
    assert first["success"] is True and ORDER_ID.fullmatch(first["orderId"])
    assert first == {"success": True, "orderId": first["orderId"], "clientOrderId": None}
    assert second == {"success": False, "error": "price is required for limit orders", "index": 1}
    assert third == {"success": True, "orderId": third["orderId"], "clientOrderId": "b-3"}
    assert fourth == {"success": False, "error": "An open order has clientOrderId b-3", "index": 3}
    assert (fifth["success"], fifth["index"]) == (False, 4)
    assert fifth["error"].startswith("Risk check failed")
    assert body["summary"] == {"total": 5, "successful": 2, "failed": 3}
    assert (await zen.get(third["orderId"]))["price"] == 72000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"orders": [dict(RESTING_BUY)] * 101}, "orders must contain at most 100 orders"),
        ({"orders": []}, "orders must be a non-empty array"),
        ({}, "orders must be a non-empty array"),
        ([RESTING_BUY], "orders must be a non-empty array"),
    ],
    ids=["101", "empty", "missing", "bare-array"],
)
async def test_batch_create_refuses_a_bad_batch_whole(
    zen: ZenClient, body: object, message: str
) -> None:
    response = await zen.call("POST", "/api/sdk/orders/batch", body)

    assert (response.status_code, exact(response)) == (400, nest_error(400, message))
    assert exact(await zen.call("GET", "/api/sdk/orders"))["pagination"]["total"] == 0


async def test_batch_of_100_is_accepted(zen: ZenClient) -> None:
    response = await zen.call("POST", "/api/sdk/orders/batch", {"orders": [RESTING_BUY] * 100})

    assert exact(response)["summary"] == {"total": 100, "successful": 100, "failed": 0}


async def test_cancel_all_with_filters_touches_exactly_those_orders(zen: ZenClient) -> None:
    btc_buy = (await zen.create())["orderId"]
    btc_sell = (await zen.create(side="sell", price=90000))["orderId"]
    eth_buy = (await zen.create(asset="ETH", price=1000))["orderId"]
    eth_sell = (await zen.create(asset="ETH", side="sell", price=9000))["orderId"]
    filled = (await zen.create(**MARKET_SELL))["orderId"]

    async def cancel_all(body: object) -> dict[str, Any]:
        response = await zen.call("DELETE", "/api/sdk/orders/batch", body)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = exact(response)
        return answer

    async def statuses() -> dict[str, str]:
        return {i: (await zen.get(i))["status"] for i in (btc_buy, btc_sell, eth_buy, eth_sell)}

    btc_buys = await cancel_all({"asset": "BTC", "side": "buy"})
    after_first = await statuses()
    sells = await cancel_all({"side": "sell"})
    after_second = await statuses()
    rest = await cancel_all(None)  # empty body: every open order (decision 3)
    nothing = await cancel_all({})

    assert btc_buys == {"cancelledCount": 1, "cancelledOrders": [btc_buy]}
    assert after_first == {
        btc_buy: "cancelled",
        btc_sell: "open",
        eth_buy: "open",
        eth_sell: "open",
    }
    assert sells == {"cancelledCount": 2, "cancelledOrders": [btc_sell, eth_sell]}
    assert after_second[eth_buy] == "open"
    assert rest == {"cancelledCount": 1, "cancelledOrders": [eth_buy]}
    assert nothing == {"cancelledCount": 0, "cancelledOrders": []}
    assert (await zen.get(filled))["status"] == "filled"


async def test_cancel_all_validates_its_filters(zen: ZenClient) -> None:
    bad_asset = await zen.call("DELETE", "/api/sdk/orders/batch", {"asset": "NOPE"})
    bad_side = await zen.call("DELETE", "/api/sdk/orders/batch", {"side": "both"})

    assert (bad_asset.status_code, bad_side.status_code) == (400, 400)


async def test_other_venues_orders_in_the_shared_engine_are_not_listed(
    zen: ZenClient, engine: SandboxEngine
) -> None:
    from gui.domain.orders import Side, Strategy
    from gui.sandbox.engine import OrderRequest

    engine.submit(OrderRequest("BTC-USDT", Side.BUY, Decimal(1), Strategy.LIMIT, Decimal(1)))

    listed = exact(await zen.call("GET", "/api/sdk/orders"))
    cancelled = exact(await zen.call("DELETE", "/api/sdk/orders/batch"))

    assert listed["orders"] == [] and cancelled["cancelledCount"] == 0
