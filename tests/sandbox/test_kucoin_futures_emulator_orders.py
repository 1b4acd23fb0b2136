"""The KuCoin Futures emulator's order API in-process: placing and its validation, the
order record, lists and cancels (notes.md §2.1, §2.2, §2.4, §6)."""

from __future__ import annotations

import pytest

from gui.sandbox.engine import ManualClock
from tests.sandbox.conftest import START
from tests.sandbox.kucoin_helpers import (
    ORDER_FIELDS,
    KucoinClient,
    get_order,
    limit_order,
    place,
)

pytestmark = pytest.mark.asyncio

START_MS = int(START.timestamp() * 1000)


# Placing and its validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"clientOid": None}, "400100"),
        ({"clientOid": "x" * 41}, "400100"),
        ({"clientOid": "has space"}, "400100"),
        ({"clientOid": "dot.ted"}, "400100"),
        ({"symbol": "NOPEUSDTM"}, "100003"),
        ({"symbol": None}, "400100"),
        ({"side": None}, "400100"),
        ({"side": "long"}, "400100"),
        ({"leverage": None}, "400100"),
        ({"leverage": 126}, "100001"),
        ({"type": "stop"}, "400100"),
        ({"price": None}, "100001"),
        ({"price": "50000.05"}, "100001"),  # off the 0.1 tick
        ({"size": None}, "100001"),
        ({"size": 0}, "400100"),
        ({"size": 1.5}, "400100"),
        ({"qty": "0.001"}, "100001"),  # size and qty both given
        ({"size": None, "qty": "0.0015"}, "100001"),  # not a multiple of 0.001
        ({"size": None, "valueQty": "10"}, "100001"),  # below one lot at 50000
        ({"timeInForce": "FOK"}, "400100"),
        ({"postOnly": True, "timeInForce": "IOC"}, "100001"),
        ({"postOnly": True, "hidden": True}, "100001"),
        ({"postOnly": True, "iceberg": True, "visibleSize": "1"}, "100001"),
        ({"iceberg": True}, "100001"),
        ({"stop": "up"}, "100001"),
        ({"stop": "sideways", "stopPrice": "70000", "stopPriceType": "TP"}, "400100"),
        ({"stop": "up", "stopPrice": "70000", "stopPriceType": "XP"}, "400100"),
        ({"marginMode": "PORTFOLIO"}, "400100"),
        ({"stp": "DC"}, "100001"),
        ({"remark": "r" * 101}, "400100"),
        ({"type": "market", "price": None, "timeInForce": "GTC"}, "100001"),
        ({"reduceOnly": "yes"}, "400100"),
    ],
)
async def test_add_order_refuses_what_the_doc_rules_out(
    kc: KucoinClient, overrides: dict[str, object], code: str
) -> None:
    body = {**limit_order("c-1"), **overrides}
    body = {key: value for key, value in body.items() if value is not None}

    refused_code, msg = await kc.error("POST", "/api/v1/orders", body=body)

    assert refused_code == code, msg
    assert (await kc.data("GET", "/api/v1/orders", {"status": "active"}))["totalNum"] == 0


async def test_a_body_that_is_not_json_is_400100(kc: KucoinClient) -> None:
    response = await kc.request("POST", "/api/v1/orders", raw_body=b"{nope")

    assert response.json()["code"] == "400100"


@pytest.mark.parametrize(
    ("sizing", "lots"),
    [({"size": 3}, 3), ({"qty": "0.005"}, 5), ({"valueQty": "149.99"}, 2), ({"size": "4"}, 4)],
)
async def test_size_qty_and_value_qty_become_lots(
    kc: KucoinClient, sizing: dict[str, object], lots: int
) -> None:
    order_id = await place(kc, "c-1", **{"size": None, **sizing})
    order = await get_order(kc, order_id)

    assert order["size"] == lots  # valueQty: floor(149.99 / (50000 x 0.001)) = 2


async def test_client_oid_of_40_allowed_characters_is_accepted(kc: KucoinClient) -> None:
    client_oid = "Ab0_-" * 8

    order = await get_order(kc, await place(kc, client_oid))

    assert order["clientOid"] == client_oid


async def test_a_client_oid_in_use_is_refused_until_its_order_is_done(kc: KucoinClient) -> None:
    order_id = await place(kc, "dup")

    assert await kc.error("POST", "/api/v1/orders", body=limit_order("dup")) == (
        "100001",
        "clientOid duplicated",
    )
    await kc.data("DELETE", f"/api/v1/orders/{order_id}")
    again = await place(kc, "dup")
    assert (await kc.data("GET", "/api/v1/orders/byClientOid", {"clientOid": "dup"}))["id"] == again


async def test_an_open_limit_order_has_the_38_fields(kc: KucoinClient) -> None:
    order_id = await place(kc, "c-1", remark="note", size=2)

    order = await get_order(kc, order_id)

    assert list(order) == ORDER_FIELDS
    assert len(order_id) == 18 and order_id.isdigit()
    assert order == order | {
        "id": order_id,
        "symbol": "XBTUSDTM",
        "type": "limit",
        "side": "buy",
        "price": "50000",
        "size": 2,
        "value": "100",  # 50000 x 2 lots x 0.001
        "dealValue": "0",
        "dealSize": 0,
        "stp": "",
        "stop": "",
        "stopPriceType": "",
        "stopTriggered": False,
        "stopPrice": None,
        "timeInForce": "GTC",
        "leverage": "3",
        "visibleSize": 0,
        "clientOid": "c-1",
        "remark": "note",
        "tags": "",
        "isActive": True,
        "cancelExist": False,
        "createdAt": START_MS,
        "updatedAt": START_MS,
        "endAt": None,
        "orderTime": START_MS * 1_000_000,
        "settleCurrency": "USDT",
        "marginMode": "ISOLATED",
        "avgDealPrice": "0",
        "status": "open",
        "filledSize": 0,
        "filledValue": "0",
        "reduceOnly": False,
    }


async def test_unknown_orders_are_100001(kc: KucoinClient) -> None:
    assert await kc.error("GET", "/api/v1/orders/123456789012345678") == (
        "100001",
        "error.getOrder.orderNotExist",
    )
    unknown_client_oid = await kc.error("GET", "/api/v1/orders/byClientOid", {"clientOid": "x"})
    assert unknown_client_oid[0] == "100001"
    assert (await kc.error("GET", "/api/v1/orders/byClientOid"))[0] == "400100"


async def test_add_order_test_validates_and_stores_nothing(kc: KucoinClient) -> None:
    data = await kc.data("POST", "/api/v1/orders/test", body=limit_order("t-1"))
    missing_type = {key: v for key, v in limit_order("t-2").items() if key != "type"}

    assert data["clientOid"] == "t-1" and len(data["orderId"]) == 18
    assert (await kc.error("GET", f"/api/v1/orders/{data['orderId']}"))[0] == "100001"
    assert (await kc.error("POST", "/api/v1/orders/test", body=missing_type))[0] == "400100"
    bad_side = await kc.error("POST", "/api/v1/orders/test", body=limit_order("t", side="x"))
    assert bad_side[0] == "400100"


async def test_batch_add_answers_per_item(kc: KucoinClient) -> None:
    items = [limit_order("b-1"), limit_order("b-2", symbol="NOPEUSDTM"), limit_order("b-3")]

    results = await kc.data("POST", "/api/v1/orders/multi", body=items)

    assert [(r["clientOid"], r["code"]) for r in results] == [
        ("b-1", "200000"),
        ("b-2", "100003"),
        ("b-3", "200000"),
    ]
    assert results[0]["msg"] == "success" and results[0]["symbol"] == "XBTUSDTM"
    assert results[1]["orderId"] is None
    assert (await kc.data("GET", "/api/v1/orders", {"status": "active"}))["totalNum"] == 2


@pytest.mark.parametrize("body", [[limit_order(f"b-{i}") for i in range(21)], [], {"a": 1}])
async def test_batch_add_refuses_more_than_20_or_no_array(kc: KucoinClient, body: object) -> None:
    assert (await kc.error("POST", "/api/v1/orders/multi", body=body))[0] == "400100"


# Lists ----------------------------------------------------------------------------------------


async def test_order_list_pages_newest_first_and_defaults_to_done(kc: KucoinClient) -> None:
    ids = [await place(kc, f"c-{i}") for i in range(3)]

    first = await kc.data("GET", "/api/v1/orders", {"status": "active", "pageSize": 2})
    second = await kc.data(
        "GET", "/api/v1/orders", {"status": "active", "pageSize": 2, "currentPage": 2}
    )
    beyond = await kc.data(
        "GET", "/api/v1/orders", {"status": "active", "pageSize": 2, "currentPage": 3}
    )
    default = await kc.data("GET", "/api/v1/orders")

    assert [o["id"] for o in first["items"] + second["items"]] == ids[::-1]
    assert (first["totalNum"], first["totalPage"], first["currentPage"]) == (3, 2, 1)
    assert beyond["items"] == [] and beyond["totalNum"] == 3
    assert default["totalNum"] == 0  # status defaults to done (§6.6)
    assert (await kc.error("GET", "/api/v1/orders", {"status": "open"}))[0] == "400100"


async def test_order_list_filters(kc: KucoinClient, clock: ManualClock) -> None:
    await place(kc, "a", symbol="XBTUSDTM")
    clock.advance(10)
    eth = await place(kc, "b", symbol="ETHUSDTM", side="sell", price="5000")

    by_symbol = await kc.data("GET", "/api/v1/orders", {"status": "active", "symbol": "ETHUSDTM"})
    by_side = await kc.data("GET", "/api/v1/orders", {"status": "active", "side": "sell"})
    by_type = await kc.data("GET", "/api/v1/orders", {"status": "active", "type": "market"})
    after = await kc.data("GET", "/api/v1/orders", {"status": "active", "startAt": START_MS + 5000})

    assert [o["id"] for o in by_symbol["items"]] == [eth] == [o["id"] for o in by_side["items"]]
    assert by_type["totalNum"] == 0
    assert [o["id"] for o in after["items"]] == [eth]


async def test_recent_done_orders_cover_the_last_24_hours(
    kc: KucoinClient, clock: ManualClock
) -> None:
    order_id = await place(kc, "c-1")
    await kc.data("DELETE", f"/api/v1/orders/{order_id}")

    recent = await kc.data("GET", "/api/v1/recentDoneOrders")
    clock.advance(25 * 3600)
    later = await kc.data("GET", "/api/v1/recentDoneOrders", {"symbol": "XBTUSDTM"})

    assert [o["id"] for o in recent] == [order_id] and recent[0]["cancelExist"] is True
    assert later == []


async def test_open_order_statistics_sum_unfilled_lots_and_value(kc: KucoinClient) -> None:
    await place(kc, "b-1", size=1)
    await place(kc, "b-2", size=2, price="49000")
    await place(kc, "s-1", side="sell", size=4, price="90000")
    await place(kc, "e-1", symbol="ETHUSDTM", price="1000")

    stats = await kc.data("GET", "/api/v1/openOrderStatistics", {"symbol": "XBTUSDTM"})

    assert stats == {
        "openOrderBuySize": 3,
        "openOrderSellSize": 4,
        "openOrderBuyCost": "148",  # 50000 x 0.001 + 2 x 49000 x 0.001
        "openOrderSellCost": "360",
        "settleCurrency": "USDT",
    }
    assert (await kc.error("GET", "/api/v1/openOrderStatistics"))[0] == "400100"
    assert (await kc.error("GET", "/api/v1/openOrderStatistics", {"symbol": "X"}))[0] == "100003"


# Cancels --------------------------------------------------------------------------------------


async def test_cancel_by_id_then_again_is_100004(kc: KucoinClient) -> None:
    order_id = await place(kc, "c-1")

    assert await kc.data("DELETE", f"/api/v1/orders/{order_id}") == {
        "cancelledOrderIds": [order_id]
    }
    assert await kc.error("DELETE", f"/api/v1/orders/{order_id}") == (
        "100004",
        "Order is in not cancelable state",
    )
    assert (await kc.error("DELETE", "/api/v1/orders/999"))[0] == "100004"
    order = await get_order(kc, order_id)
    assert (order["status"], order["isActive"], order["cancelExist"]) == ("done", False, True)


async def test_cancel_by_client_oid_needs_the_right_symbol(kc: KucoinClient) -> None:
    await place(kc, "c-1")
    path = "/api/v1/orders/client-order/c-1"

    assert (await kc.error("DELETE", path))[0] == "400100"
    assert (await kc.error("DELETE", path, {"symbol": "ETHUSDTM"}))[0] == "100004"
    assert await kc.data("DELETE", path, {"symbol": "XBTUSDTM"}) == {"clientOid": "c-1"}
    assert (await kc.error("DELETE", path, {"symbol": "XBTUSDTM"}))[0] == "100004"


async def test_batch_cancel_by_ids_or_client_oids(kc: KucoinClient) -> None:
    first, second = await place(kc, "c-1"), await place(kc, "c-2")
    await place(kc, "c-3")

    by_ids = await kc.data(
        "DELETE",
        "/api/v1/orders/multi-cancel",
        body={"orderIdsList": [first, "404"], "clientOidsList": [{"symbol": "XBTUSDTM"}]},
    )
    by_client = await kc.data(
        "DELETE",
        "/api/v1/orders/multi-cancel",
        body={"clientOidsList": [{"symbol": "XBTUSDTM", "clientOid": "c-3"}]},
    )

    assert by_ids == [
        {"orderId": first, "clientOid": None, "code": "200", "msg": "success"},
        {
            "orderId": "404",
            "clientOid": None,
            "code": "100004",
            "msg": "Order is in not cancelable state",
        },
    ]
    assert by_client == [{"orderId": None, "clientOid": "c-3", "code": "200", "msg": "success"}]
    active = await kc.data("GET", "/api/v1/orders", {"status": "active"})
    assert [o["id"] for o in active["items"]] == [second]


@pytest.mark.parametrize(
    "body",
    [{}, {"orderIdsList": []}, {"orderIdsList": [str(i) for i in range(11)]}, {"orderIdsList": 1}],
)
async def test_batch_cancel_refuses_none_or_more_than_10(kc: KucoinClient, body: object) -> None:
    assert (await kc.error("DELETE", "/api/v1/orders/multi-cancel", body=body))[0] == "400100"


async def test_cancel_all_v3_per_symbol_and_v1_everywhere(kc: KucoinClient) -> None:
    xbt = await place(kc, "x")
    eth = await place(kc, "e", symbol="ETHUSDTM", price="1000")
    stop = await place(kc, "s", stop="up", stopPrice="900000", stopPriceType="TP")

    assert (await kc.error("DELETE", "/api/v3/orders"))[0] == "400100"
    assert (await kc.error("DELETE", "/api/v3/orders", {"symbol": "NOPE"}))[0] == "100003"
    v3 = await kc.data("DELETE", "/api/v3/orders", {"symbol": "ETHUSDTM"})
    await place(kc, "e2", symbol="ETHUSDTM", price="1000")
    v1 = await kc.data("DELETE", "/api/v1/orders")

    assert v3 == {"cancelledOrderIds": [eth]}
    assert xbt in v1["cancelledOrderIds"] and len(v1["cancelledOrderIds"]) == 2
    assert (await get_order(kc, stop))["isActive"] is True  # untriggered stops are not touched
