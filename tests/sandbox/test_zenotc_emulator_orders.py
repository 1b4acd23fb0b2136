"""The ZenOTC emulator in-process: create (limit, market, IOC, FOK), validation, risk check,
reads, and fills coming from the simulated market as the manual clock moves (notes.md
§3.3-§3.7)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.zenotc_helpers import (
    LIST_ITEM_FIELDS,
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


async def wait_for_status(
    zen: ZenClient, clock: ManualClock, order_id: str, wanted: set[str], max_s: int = 1800
) -> dict[str, Any]:
    """Move simulated time a second at a time until the order's status is in `wanted`."""
    for _ in range(max_s):
        order = await zen.get(order_id)
        if order["status"] in wanted:
            return order
        clock.advance(1)
    raise AssertionError(f"{order_id} never reached {wanted}")


# Create --------------------------------------------------------------------------------------


async def test_create_limit_order_answers_the_documented_order(zen: ZenClient) -> None:
    response = await zen.call(
        "POST",
        "/api/sdk/orders",
        {
            "side": "buy",
            "asset": "BTC",
            "quantity": 1.5,
            "price": 50000.00,
            "orderType": "limit",
            "timeInForce": "GTC",
            "clientOrderId": "my-order-001",
        },
    )

    order = exact(response)
    assert response.status_code == 201
    assert ORDER_ID.fullmatch(order.pop("orderId"))
    assert order == {  # the doc's example response (no metadata key)
        "clientOrderId": "my-order-001",
        "side": "buy",
        "asset": "BTC",
        "quantity": Decimal("1.5"),
        "price": 50000,
        "orderType": "limit",
        "timeInForce": "GTC",
        "status": "open",
        "filledQuantity": 0,
        "remainingQuantity": Decimal("1.5"),
        "averagePrice": None,
        "createdAt": START_ISO,
        "updatedAt": START_ISO,
    }


async def test_defaults_are_limit_and_gtc_and_get_returns_the_full_object(
    zen: ZenClient,
) -> None:
    created = await zen.create(orderType=None, metadata={"strategy": "momentum"})

    order = await zen.get(created["orderId"])

    assert list(order) == ORDER_FIELDS
    assert (order["orderType"], order["timeInForce"], order["clientOrderId"]) == (
        "limit",
        "GTC",
        None,
    )
    assert order["metadata"] == {"strategy": "momentum"}


async def test_market_order_fills_at_once_without_a_price(zen: ZenClient) -> None:
    order = await zen.create(**MARKET_SELL)

    assert (order["status"], order["price"], order["filledQuantity"]) == ("filled", None, 2)
    assert order["remainingQuantity"] == 0
    assert order["averagePrice"] > 0


async def test_ioc_fills_what_crosses_and_expires_the_rest(
    zen: ZenClient, engine: SandboxEngine
) -> None:
    _, ask = engine.best_bid_ask("BTC-USD")

    order = await zen.create(quantity=20, price=float(ask), timeInForce="IOC")

    assert order["status"] == "expired"  # decision 8, also with a partial fill
    assert 0 < order["filledQuantity"] < 20
    assert order["remainingQuantity"] == 20 - order["filledQuantity"]


async def test_fok_fills_in_full_or_expires_without_fills(
    zen: ZenClient, engine: SandboxEngine
) -> None:
    _, ask = engine.best_bid_ask("BTC-USD")

    killed = await zen.create(quantity=20, price=float(ask), timeInForce="FOK")
    filled = await zen.create(quantity=0.01, price=float(ask), timeInForce="FOK")
    market = await zen.create(side="sell", quantity=3, price=None, orderType="market")

    assert (killed["status"], killed["filledQuantity"], killed["averagePrice"]) == (
        "expired",
        0,
        None,
    )
    assert (filled["status"], filled["filledQuantity"]) == ("filled", Decimal("0.01"))
    assert market["status"] == "filled"
    fills = exact(await zen.call("GET", f"/api/sdk/orders/{killed['orderId']}/fills"))
    assert fills == {"fills": []}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": None}, "price is required for limit orders"),
        ({"orderType": "market"}, "price must be null for market orders"),
        ({"side": "hold"}, "side must be one of: buy, sell"),
        ({"side": None}, "side must be one of: buy, sell"),
        ({"asset": "NOPE"}, "Unknown asset: NOPE"),
        ({"asset": None}, "asset must be a non-empty string"),
        ({"quantity": None}, "quantity is required"),
        ({"quantity": 0}, "quantity must be a positive number"),
        ({"quantity": "1.5"}, "quantity must be a number"),
        ({"price": -1}, "price must be a positive number"),
        ({"orderType": "stop"}, "orderType must be one of: limit, market"),
        ({"timeInForce": "GTD"}, "timeInForce must be one of: GTC, IOC, FOK"),
        (
            {"clientOrderId": "x" * 65},
            "clientOrderId must be a non-empty string of at most 64 characters",
        ),
        ({"metadata": ["a"]}, "metadata must be an object"),
    ],
)
async def test_invalid_parameters_answer_400(
    zen: ZenClient, changes: dict[str, Any], message: str
) -> None:
    body = {k: v for k, v in {**RESTING_BUY, **changes}.items() if v is not None}

    response = await zen.call("POST", "/api/sdk/orders", body)

    assert (response.status_code, exact(response)) == (400, nest_error(400, message))


async def test_a_64_character_client_order_id_is_accepted(zen: ZenClient) -> None:
    order = await zen.create(clientOrderId="c" * 64)

    assert order["clientOrderId"] == "c" * 64


async def test_the_risk_check_refuses_orders_over_10_million_usd(zen: ZenClient) -> None:
    limit = await zen.call("POST", "/api/sdk/orders", {**RESTING_BUY, "quantity": 201})
    market = await zen.call(
        "POST",
        "/api/sdk/orders",
        {"side": "buy", "asset": "BTC", "quantity": 170, "orderType": "market"},
    )

    assert (limit.status_code, exact(limit)) == (
        422,
        nest_error(
            422, "Risk check failed: order notional 10050000 USD exceeds the limit of 10000000 USD"
        ),
    )
    assert market.status_code == 422


async def test_a_client_order_id_in_use_by_an_open_order_conflicts(zen: ZenClient) -> None:
    first = await zen.create(clientOrderId="dup-1")
    conflict = await zen.call("POST", "/api/sdk/orders", {**RESTING_BUY, "clientOrderId": "dup-1"})
    await zen.call("DELETE", f"/api/sdk/orders/{first['orderId']}")
    reused = await zen.create(clientOrderId="dup-1")  # decision 11: only among open orders

    assert (conflict.status_code, exact(conflict)) == (
        409,
        nest_error(409, "An open order has clientOrderId dup-1"),
    )
    found = exact(await zen.call("GET", "/api/sdk/orders/by-client-id?clientOrderId=dup-1"))
    assert found["orderId"] == reused["orderId"]  # the newest of that id


# Reads ---------------------------------------------------------------------------------------


async def test_get_by_client_id(zen: ZenClient) -> None:
    created = await zen.create(clientOrderId="my-order-001")

    found = await zen.call("GET", "/api/sdk/orders/by-client-id?clientOrderId=my-order-001")
    unknown = await zen.call("GET", "/api/sdk/orders/by-client-id?clientOrderId=other")
    missing = await zen.call("GET", "/api/sdk/orders/by-client-id")

    assert exact(found) == await zen.get(created["orderId"])
    assert (unknown.status_code, exact(unknown)) == (404, nest_error(404, "Order not found"))
    assert (missing.status_code, exact(missing)) == (
        400,
        nest_error(400, "clientOrderId is required"),
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/sdk/orders/ord_000000000000"),
        ("PATCH", "/api/sdk/orders/ord_000000000000"),
        ("DELETE", "/api/sdk/orders/ord_000000000000"),
        ("GET", "/api/sdk/orders/ord_000000000000/fills"),
    ],
)
async def test_unknown_order_ids_answer_404(zen: ZenClient, method: str, path: str) -> None:
    body = {"price": 1} if method == "PATCH" else None

    response = await zen.call(method, path, body)

    assert (response.status_code, exact(response)) == (404, nest_error(404, "Order not found"))


async def test_list_filters_paginates_newest_first_with_only_the_list_fields(
    zen: ZenClient, clock: ManualClock
) -> None:
    ids = []
    for changes in (
        {},
        {"side": "sell", "price": 90000},
        {"asset": "ETH", "price": 1000, "quantity": 3},
        MARKET_SELL,
    ):
        ids.append((await zen.create(**changes))["orderId"])
        clock.advance(1)
    btc_buy, btc_sell, eth_buy, eth_filled = ids

    everything = exact(await zen.call("GET", "/api/sdk/orders"))
    open_btc = exact(
        await zen.call("GET", "/api/sdk/orders?statuses=open,partially_filled&asset=BTC")
    )
    filled = exact(await zen.call("GET", "/api/sdk/orders?statuses=filled"))
    buys = exact(await zen.call("GET", "/api/sdk/orders?side=buy"))
    page_2 = exact(await zen.call("GET", "/api/sdk/orders?page=2&limit=3"))

    assert [o["orderId"] for o in everything["orders"]] == [eth_filled, eth_buy, btc_sell, btc_buy]
    assert all(list(item) == LIST_ITEM_FIELDS for item in everything["orders"])
    assert everything["orders"][3] == {
        "orderId": btc_buy,
        "clientOrderId": None,
        "side": "buy",
        "asset": "BTC",
        "quantity": Decimal("1.5"),
        "price": 50000,
        "status": "open",
        "filledQuantity": 0,
        "createdAt": START_ISO,
    }
    assert [o["orderId"] for o in open_btc["orders"]] == [btc_sell, btc_buy]
    assert [o["orderId"] for o in filled["orders"]] == [eth_filled]
    assert [o["orderId"] for o in buys["orders"]] == [eth_buy, btc_buy]
    assert page_2 == {
        "orders": [everything["orders"][3]],
        "pagination": {"page": 2, "limit": 3, "total": 4, "totalPages": 2},
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=101", "limit must be an integer between 1 and 100"),
        ("limit=0", "limit must be an integer between 1 and 100"),
        ("page=0", "page must be an integer of at least 1"),
        ("page=x", "page must be an integer of at least 1"),
        ("statuses=open,done", "Invalid status: done"),
        ("asset=NOPE", "Unknown asset: NOPE"),
        ("side=long", "side must be one of: buy, sell"),
    ],
)
async def test_invalid_list_queries_answer_400(zen: ZenClient, query: str, message: str) -> None:
    response = await zen.call("GET", f"/api/sdk/orders?{query}")

    assert (response.status_code, exact(response)) == (400, nest_error(400, message))


async def test_fills_appear_as_the_market_trades_with_a_005_percent_fee(
    zen: ZenClient, engine: SandboxEngine, clock: ManualClock
) -> None:
    # A buy at the bid rests until the market comes down through it.
    bid, _ = engine.best_bid_ask("BTC-USD")
    order = await zen.create(quantity=2, price=float(bid), clientOrderId="fills-1")
    assert order["status"] == "open"

    done = await wait_for_status(zen, clock, order["orderId"], {"filled"})
    fills = exact(await zen.call("GET", f"/api/sdk/orders/{order['orderId']}/fills"))["fills"]

    assert fills, "a filled order has fills"
    assert sum(fill["quantity"] for fill in fills) == done["filledQuantity"] == 2
    assert done["remainingQuantity"] == 0
    for fill in fills:
        assert list(fill) == [
            "fillId",
            "orderId",
            "price",
            "quantity",
            "side",
            "fee",
            "feeCurrency",
            "executedAt",
        ]
        assert re.fullmatch(r"fill_[0-9a-f]{32}", fill["fillId"])
        assert (fill["orderId"], fill["side"], fill["feeCurrency"]) == (
            order["orderId"],
            "buy",
            "USD",
        )
        assert fill["price"] == bid  # a resting limit fills at its limit
        assert fill["fee"] == fill["price"] * fill["quantity"] * Decimal("0.0005")
        assert fill["executedAt"] > START_ISO
    assert len({fill["fillId"] for fill in fills}) == len(fills)
    assert done["averagePrice"] == bid
    assert done["updatedAt"] == fills[-1]["executedAt"]
