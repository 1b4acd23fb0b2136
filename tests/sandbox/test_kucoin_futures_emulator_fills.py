"""The KuCoin Futures emulator's fills as the simulated market trades, held stop orders,
TP/SL legs and positions, in-process (notes.md §2.5, §3, §6.13, §6.14, §6.20, §6.21)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.conftest import START
from tests.sandbox.kucoin_helpers import (
    FILL_FIELDS,
    RECENT_FILL_FIELDS,
    KucoinClient,
    get_order,
    limit_order,
    place,
)

pytestmark = pytest.mark.asyncio

START_MS = int(START.timestamp() * 1000)


def mid(engine: SandboxEngine) -> Decimal:
    return engine.mid_price("BTC-USDT")


# Fills as the simulated market trades --------------------------------------------------------


async def test_a_market_order_fills_at_once_in_whole_lots(kc: KucoinClient) -> None:
    order_id = await place(kc, "m-1", type="market", price=None, size=1000)  # 1 BTC

    order = await get_order(kc, order_id)
    fills = (await kc.data("GET", "/api/v1/fills", {"orderId": order_id}))["items"]

    assert (order["status"], order["isActive"], order["cancelExist"]) == ("done", False, False)
    assert order["filledSize"] == order["dealSize"] == 1000 and order["price"] == "0"
    assert len(fills) > 1  # it walked the book
    assert sum(f["size"] for f in fills) == 1000
    assert all(isinstance(f["size"], int) and f["liquidity"] == "taker" for f in fills)
    value = sum(Decimal(f["value"]) for f in fills)
    assert Decimal(order["filledValue"]) == value == Decimal(order["value"])
    assert Decimal(order["avgDealPrice"]) == (value / Decimal("1")).quantize(Decimal("1E-10"))
    assert order["endAt"] == order["updatedAt"] == START_MS


async def test_fill_records_have_the_documented_fields(kc: KucoinClient) -> None:
    order_id = await place(kc, "m-1", type="market", price=None, size=10)

    fill = (await kc.data("GET", "/api/v1/fills"))["items"][0]
    recent = (await kc.data("GET", "/api/v1/recentFills"))[0]

    assert list(fill) == FILL_FIELDS and list(recent) == RECENT_FILL_FIELDS
    assert len(fill["tradeId"]) == 13 and fill["tradeId"].isdigit()
    assert fill | {"orderId": order_id} == fill
    assert (fill["size"], fill["liquidity"], fill["feeRate"], fill["feeCurrency"]) == (
        10,
        "taker",
        "0.0006",
        "USDT",
    )
    value = Decimal(fill["price"]) * 10 * Decimal("0.001")
    assert Decimal(fill["value"]) == value
    assert Decimal(fill["fee"]) == Decimal(fill["openFeePay"]) == (value * Decimal("0.0006"))
    assert fill["closeFeePay"] == "0" and fill["tradeType"] == "trade"
    assert (fill["displayType"], fill["orderType"], fill["stop"]) == ("market", "market", "")
    assert fill["tradeTime"] == START_MS * 1_000_000 and fill["createdAt"] == START_MS


async def test_a_resting_limit_order_fills_as_maker_when_the_market_crosses(
    kc: KucoinClient, engine: SandboxEngine, clock: ManualClock
) -> None:
    limit = (mid(engine) - 20).quantize(Decimal("0.1"))
    order_id = await place(kc, "l-1", price=str(limit), size=5)
    assert (await get_order(kc, order_id))["isActive"] is True

    for _ in range(2000):
        clock.advance(5)
        order = await get_order(kc, order_id)
        if order["status"] == "done":
            break
    fills = (await kc.data("GET", "/api/v1/fills", {"orderId": order_id}))["items"]

    assert order["filledSize"] == 5 and order["cancelExist"] is False
    assert {f["liquidity"] for f in fills} == {"maker"}
    assert {Decimal(f["price"]) for f in fills} == {limit}
    assert fills[0]["feeRate"] == "0.0002"
    assert order["endAt"] > START_MS and order["updatedAt"] == order["endAt"]


async def test_ioc_and_post_only_that_cannot_rest_end_canceled(
    kc: KucoinClient, engine: SandboxEngine
) -> None:
    far = str((mid(engine) - 1000).quantize(Decimal("0.1")))
    crossing = str((mid(engine) + 1000).quantize(Decimal("0.1")))
    ioc = await place(kc, "ioc", price=far, timeInForce="IOC")
    post_cross = await place(kc, "po-x", price=crossing, postOnly=True)
    post_rest = await place(kc, "po-r", price=far, postOnly=True)

    for order_id in (ioc, post_cross):
        order = await get_order(kc, order_id)
        assert (order["status"], order["cancelExist"], order["filledSize"]) == ("done", True, 0)
    assert (await get_order(kc, post_rest))["isActive"] is True
    assert (await kc.data("GET", "/api/v1/fills"))["totalNum"] == 0


async def test_times_come_from_the_sandbox_clock(kc: KucoinClient, clock: ManualClock) -> None:
    order_id = await place(kc, "c-1")
    clock.advance(60)
    await kc.data("DELETE", f"/api/v1/orders/{order_id}")

    order = await get_order(kc, order_id)

    assert order["createdAt"] == START_MS
    assert order["endAt"] == order["updatedAt"] == START_MS + 60_000


async def test_fills_filters_windows_and_trade_types(kc: KucoinClient, clock: ManualClock) -> None:
    first = await place(kc, "m-1", type="market", price=None, size=2)
    clock.advance(2 * 3600)
    await place(kc, "m-2", type="market", price=None, size=3, side="sell")

    everything = await kc.data("GET", "/api/v1/fills")
    by_order = await kc.data("GET", "/api/v1/fills", {"orderId": first, "side": "sell"})
    day_from_start = await kc.data("GET", "/api/v1/fills", {"startAt": START_MS - 23 * 3600_000})
    day_to_end = await kc.data("GET", "/api/v1/fills", {"endAt": START_MS + 3600_000})
    adl = await kc.data("GET", "/api/v1/fills", {"tradeTypes": "adl,liquid"})
    sells = await kc.data("GET", "/api/v1/fills", {"side": "sell", "pageSize": 1})

    assert everything["totalNum"] >= 2
    assert everything["items"][0]["side"] == "sell"  # newest first
    assert {f["orderId"] for f in by_order["items"]} == {first}  # orderId wins over side
    assert {f["side"] for f in day_from_start["items"]} == {"buy"}  # start + 24 h
    assert {f["side"] for f in day_to_end["items"]} == {"buy"}  # end - 24 h
    assert adl["totalNum"] == 0
    assert sells["pageSize"] == 1 and len(sells["items"]) == 1


# Stop orders, TP/SL, positions ---------------------------------------------------------------


async def test_an_untriggered_stop_order_is_held_listed_and_cancelable(kc: KucoinClient) -> None:
    stop_body = {"stop": "up", "stopPrice": "900000", "stopPriceType": "TP"}
    stop = await place(kc, "s-1", **stop_body)
    other = await place(kc, "s-2", type="market", price=None, **stop_body)

    listed = await kc.data("GET", "/api/v1/stopOrders")
    limit_only = await kc.data("GET", "/api/v1/stopOrders", {"type": "limit"})
    active = await kc.data("GET", "/api/v1/orders", {"status": "active"})
    order = await get_order(kc, stop)

    assert [o["id"] for o in listed["items"]] == [other, stop]
    assert [o["id"] for o in limit_only["items"]] == [stop]
    assert active["totalNum"] == 0
    assert (order["stop"], order["stopPrice"], order["stopPriceType"]) == ("up", "900000", "TP")
    assert (order["isActive"], order["status"], order["stopTriggered"]) == (True, "open", False)
    assert await kc.data("DELETE", f"/api/v1/orders/{stop}") == {"cancelledOrderIds": [stop]}
    assert await kc.data("DELETE", "/api/v1/stopOrders", {"symbol": "XBTUSDTM"}) == {
        "cancelledOrderIds": [other]
    }
    assert (await kc.data("GET", "/api/v1/stopOrders"))["totalNum"] == 0
    assert (await get_order(kc, stop))["cancelExist"] is True


async def test_a_stop_order_triggers_when_the_mid_crosses(
    kc: KucoinClient, engine: SandboxEngine, clock: ManualClock
) -> None:
    now = mid(engine)
    at_once = await place(
        kc, "now", type="market", price=None, stop="up", stopPrice="1", stopPriceType="MP"
    )
    up = str((now + 15).quantize(Decimal("0.1")))
    down = str((now - 15).quantize(Decimal("0.1")))
    stops = {
        "up": await place(kc, "up", type="market", price=None, stop="up", stopPrice=up,
                          stopPriceType="TP"),
        "down": await place(kc, "dn", type="market", price=None, stop="down", stopPrice=down,
                            stopPriceType="IP"),
    }  # fmt: skip

    triggered = await get_order(kc, at_once)
    assert (triggered["stopTriggered"], triggered["status"], triggered["filledSize"]) == (
        True,
        "done",
        1,
    )
    for _ in range(2000):
        clock.advance(5)
        if (await kc.data("GET", "/api/v1/stopOrders"))["totalNum"] < 2:
            break
    fired = [name for name, oid in stops.items() if (await get_order(kc, oid))["stopTriggered"]]
    assert len(fired) == 1
    order = await get_order(kc, stops[fired[0]])
    assert order["filledSize"] == 1 and order["updatedAt"] > START_MS
    fill = (await kc.data("GET", "/api/v1/fills", {"orderId": stops[fired[0]]}))["items"][0]
    assert (fill["displayType"], fill["stop"]) == ("market_stop", fired[0])


async def test_tpsl_order_spawns_reduce_only_legs_once_filled(kc: KucoinClient) -> None:
    body = limit_order(
        "tpsl",
        type="market",
        price=None,
        size=4,
        triggerStopUpPrice="900000",
        triggerStopDownPrice="1000",
        stopPriceType="TP",
    )

    main = (await kc.data("POST", "/api/v1/st-orders", body=body))["orderId"]
    legs = (await kc.data("GET", "/api/v1/stopOrders"))["items"]

    assert (await get_order(kc, main))["status"] == "done"
    assert sorted((leg["stop"], leg["stopPrice"]) for leg in legs) == [
        ("down", "1000"),
        ("up", "900000"),
    ]
    assert {(leg["side"], leg["size"], leg["reduceOnly"]) for leg in legs} == {("sell", 4, True)}
    untyped = {key: v for key, v in body.items() if key != "type"}
    assert (await kc.error("POST", "/api/v1/st-orders", body=untyped))[0] == "400100"


async def test_reduce_only_and_close_orders_follow_the_position(kc: KucoinClient) -> None:
    refused = await kc.error(
        "POST", "/api/v1/orders", body=limit_order("r-0", side="sell", reduceOnly=True)
    )
    assert refused == ("300009", "No open positions to close.")
    flat_close = await kc.error("POST", "/api/v1/orders", body=limit_order("c-0", closeOrder=True))
    assert flat_close[0] == "300009"

    await place(kc, "open", type="market", price=None, size=5)
    reduce = await place(
        kc, "r-1", type="market", price=None, side="sell", size=8, reduceOnly=True, leverage=None
    )
    reduced = await get_order(kc, reduce)
    await place(kc, "open-2", type="market", price=None, size=2)
    close = await place(kc, "close", type="market", price=None, side=None, size=None,
                        closeOrder=True)  # fmt: skip
    closed = await get_order(kc, close)

    assert (reduced["size"], reduced["filledSize"], reduced["cancelExist"]) == (8, 5, True)
    assert (closed["side"], closed["size"], closed["filledSize"]) == ("sell", 2, 2)
    fill = (await kc.data("GET", "/api/v1/fills", {"orderId": reduce}))["items"][0]
    assert fill["openFeePay"] == "0" and Decimal(fill["closeFeePay"]) == Decimal(fill["fee"])
