"""The raw client's wire traffic: paths, queries and bodies exactly as the document spells them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from gui.domain.errors import VenueNotFound
from gui.venues.kucoin_futures.wire_requests import ClientOidRef, OrderRequest, TpSlOrderRequest
from tests.venues.kucoin_futures.conftest import ClientFactory
from tests.venues.kucoin_futures.kucoin_fakes import NOW_MS, FakeKucoin, ok, resource_response

D = Decimal


def _order(client_oid: str = "c-1") -> OrderRequest:
    return OrderRequest(
        client_oid=client_oid,
        side="buy",
        symbol="XBTUSDTM",
        leverage=3,
        type="limit",
        price=D("30000"),
        size=1,
    )


@pytest.mark.asyncio
async def test_add_order_sends_the_compact_body_in_document_order(
    make_client: ClientFactory,
) -> None:
    fake = FakeKucoin().on("POST", "/api/v1/orders", resource_response("http_orders_add_ok.json"))
    client = make_client(fake)

    ack = await client.add_order(_order())

    [request] = fake.requests
    assert request.content == (
        b'{"clientOid":"c-1","side":"buy","symbol":"XBTUSDTM","leverage":3,"type":"limit",'
        b'"price":"30000","size":1}'
    )
    assert (ack.order_id, ack.client_oid) == ("234125150956625920", "5c52e11203aa677f33e493fb")


def test_request_decimals_go_out_as_plain_strings_and_lots_as_integers() -> None:
    order = OrderRequest(
        client_oid="c",
        symbol="XBTUSDTM",
        side="sell",
        leverage=5,
        type="limit",
        price=D("3E+4"),
        size=7,
        stop="down",
        stop_price_type="MP",
        stop_price=D("29000.50"),
        iceberg=True,
        visible_size="2",
        post_only=None,
    )
    assert json.loads(order.body()) == {
        "clientOid": "c",
        "side": "sell",
        "symbol": "XBTUSDTM",
        "leverage": 5,
        "type": "limit",
        "stop": "down",
        "stopPriceType": "MP",
        "stopPrice": "29000.50",
        "price": "30000",
        "size": 7,
        "iceberg": True,
        "visibleSize": "2",
    }
    assert " " not in order.body()


@pytest.mark.asyncio
async def test_add_order_test_and_tpsl_use_their_paths(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on("POST", "/api/v1/orders/test", ok({"orderId": "1", "clientOid": "c-1"}))
    fake.on("POST", "/api/v1/st-orders", ok({"orderId": "2", "clientOid": "c-2"}))
    client = make_client(fake)
    tpsl = TpSlOrderRequest(
        client_oid="c-2",
        side="buy",
        symbol="XBTUSDTM",
        leverage=3,
        type="limit",
        price=D("0.2"),
        size=1,
        stop_price_type="TP",
        trigger_stop_up_price=D("0.3"),
        trigger_stop_down_price=D("0.1"),
    )

    assert (await client.add_order_test(_order())).order_id == "1"
    assert (await client.add_tpsl_order(tpsl)).order_id == "2"

    body = json.loads(fake.sent("POST", "/api/v1/st-orders")[0].content)
    assert body["triggerStopUpPrice"] == "0.3" and body["triggerStopDownPrice"] == "0.1"
    assert "stop" not in body and "stopPrice" not in body


@pytest.mark.asyncio
async def test_batch_add_sends_a_bare_array_and_keeps_per_item_codes(
    make_client: ClientFactory,
) -> None:
    fake = FakeKucoin().on(
        "POST", "/api/v1/orders/multi", resource_response("http_orders_batch_add_ok.json")
    )
    client = make_client(fake)

    items = await client.batch_add_orders([_order("a"), _order("b")])

    body = json.loads(fake.requests[0].content)
    assert isinstance(body, list) and [item["clientOid"] for item in body] == ["a", "b"]
    assert [(item.code, item.order_id) for item in items] == [
        ("200000", "235919387779985408"),
        ("100001", None),
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("count", [0, 21])
async def test_batch_add_refuses_more_than_twenty_before_sending(
    make_client: ClientFactory, count: int
) -> None:
    fake = FakeKucoin()
    with pytest.raises(ValueError, match="1 to 20"):
        await make_client(fake).batch_add_orders([_order(f"c{i}") for i in range(count)])
    assert fake.requests == []


@pytest.mark.asyncio
async def test_batch_cancel_by_ids_and_by_client_oids(make_client: ClientFactory) -> None:
    fake = FakeKucoin().on(
        "DELETE",
        "/api/v1/orders/multi-cancel",
        resource_response("http_orders_batch_cancel_ok.json"),
    )
    client = make_client(fake)

    by_ids = await client.batch_cancel_orders(order_ids=["250445104152670209"])
    await client.batch_cancel_orders(client_oids=[ClientOidRef(symbol="XBTUSDTM", client_oid="a")])

    first, second = fake.requests
    assert first.content == b'{"orderIdsList":["250445104152670209"]}'
    assert second.content == b'{"clientOidsList":[{"symbol":"XBTUSDTM","clientOid":"a"}]}'
    assert [(item.order_id, item.code) for item in by_ids] == [
        ("250445104152670209", "200"),
        ("250445181751463936", "100004"),
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("ids", "refs"),
    [
        (None, None),
        (["1"], [ClientOidRef(symbol="X", client_oid="a")]),
        ([], None),
        (["1"] * 11, None),
    ],
)
async def test_batch_cancel_refuses_bad_shapes_before_sending(
    make_client: ClientFactory, ids: list[str] | None, refs: list[ClientOidRef] | None
) -> None:
    fake = FakeKucoin()
    with pytest.raises(ValueError):
        await make_client(fake).batch_cancel_orders(order_ids=ids, client_oids=refs)
    assert fake.requests == []


@pytest.mark.asyncio
async def test_cancels_hit_their_documented_paths(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    cancelled = resource_response("http_orders_cancel_ok.json")
    fake.on("DELETE", "/api/v1/orders/235303670076489728", cancelled)
    fake.on("DELETE", "/api/v1/orders/client-order/order1", ok({"clientOid": "order1"}))
    fake.on("DELETE", "/api/v3/orders", ok({"cancelledOrderIds": ["1", "2"]}))
    fake.on("DELETE", "/api/v1/orders", ok({"cancelledOrderIds": []}))
    fake.on("DELETE", "/api/v1/stopOrders", ok({"cancelledOrderIds": ["3"]}))
    client = make_client(fake)

    one = await client.cancel_order("235303670076489728")
    by_oid = await client.cancel_order_by_client_oid("order1", "LTCUSDTM")
    v3 = await client.cancel_all_orders("XBTUSDTM")
    v1 = await client.cancel_all_orders_v1()
    stops = await client.cancel_all_stop_orders("XBTUSDTM")

    raw = [request.url.raw_path.decode() for request in fake.requests]
    assert raw == [
        "/api/v1/orders/235303670076489728",
        "/api/v1/orders/client-order/order1?symbol=LTCUSDTM",
        "/api/v3/orders?symbol=XBTUSDTM",
        "/api/v1/orders",
        "/api/v1/stopOrders?symbol=XBTUSDTM",
    ]
    assert all(request.content == b"" for request in fake.requests)
    assert one.cancelled_order_ids == ["235303670076489728"]
    assert by_oid.client_oid == "order1"
    assert (v3.cancelled_order_ids, v1.cancelled_order_ids) == (["1", "2"], [])
    assert stops.cancelled_order_ids == ["3"]


@pytest.mark.asyncio
async def test_order_list_always_sends_status_and_keeps_parameter_order(
    make_client: ClientFactory,
) -> None:
    fake = FakeKucoin().on(
        "GET", "/api/v1/orders", resource_response("http_orders_list_active.json")
    )
    client = make_client(fake)

    page = await client.order_list("active", symbol="XBTUSDTM", current_page=2, page_size=1000)

    assert fake.requests[0].url.raw_path == (
        b"/api/v1/orders?status=active&symbol=XBTUSDTM&currentPage=2&pageSize=1000"
    )
    assert page.total_num == 1 and page.items[0].id == "236655147005071361"
    with pytest.raises(ValueError, match="active"):
        await client.order_list("open")


@pytest.mark.asyncio
async def test_reads_send_their_filters(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on("GET", "/api/v1/stopOrders", resource_response("http_orders_stop_list_legacy.json"))
    fake.on("GET", "/api/v1/fills", resource_response("http_fills_page_ok.json"))
    fake.on("GET", "/api/v1/recentFills", resource_response("http_fills_recent_ok.json"))
    fake.on("GET", "/api/v1/recentDoneOrders", resource_response("http_orders_recent_done.json"))
    fake.on(
        "GET", "/api/v1/openOrderStatistics", resource_response("http_orders_statistics_ok.json")
    )
    client = make_client(fake)

    stops = await client.stop_order_list(symbol="XBTUSDTM", side="sell", page_size=10)
    fills = await client.fills(order_id="42", trade_types=["trade", "adl"], start_at_ms=5)
    recent = await client.recent_fills()
    done = await client.recent_closed_orders("XBTUSDTM")
    stats = await client.open_order_statistics("XBTUSDTM")

    raw = [request.url.raw_path.decode() for request in fake.requests]
    assert raw[0] == "/api/v1/stopOrders?symbol=XBTUSDTM&side=sell&pageSize=10"
    assert raw[1] == "/api/v1/fills?orderId=42&tradeTypes=trade%2Cadl&startAt=5"
    assert raw[2:] == [
        "/api/v1/recentFills",
        "/api/v1/recentDoneOrders?symbol=XBTUSDTM",
        "/api/v1/openOrderStatistics?symbol=XBTUSDTM",
    ]
    assert stops.items[0].stop_price == D("3000") and stops.items[0].stop_triggered is None
    assert fills.items[1].value == D("0.001204529")
    assert recent[0].trade_time == 1729155616320000000
    assert done[0].avg_deal_price == D("67430.9")
    assert (stats.open_order_buy_size, stats.open_order_buy_cost) == (1, D("0.0001"))


@pytest.mark.asyncio
async def test_single_order_reads(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on(
        "GET", "/api/v1/orders/236655147005071361", resource_response("http_orders_by_id_open.json")
    )
    fake.on("GET", "/api/v1/orders/404", ok(None))
    fake.on("GET", "/api/v1/orders/byClientOid", ok(None))
    client = make_client(fake)

    order = await client.order("236655147005071361")
    missing = await client.order_by_client_oid("nope")

    assert order.client_oid == "5c52e11203aa677f33e493fb" and order.leverage == D("3")
    assert missing is None
    assert fake.requests[-1].url.raw_path == b"/api/v1/orders/byClientOid?clientOid=nope"
    with pytest.raises(VenueNotFound):
        await client.order("404")


@pytest.mark.asyncio
async def test_public_endpoints_and_clock_sync(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on("GET", "/api/v1/timestamp", ok(NOW_MS + 1234))
    fake.on("GET", "/api/v1/contracts/active", resource_response("http_contracts_active_ok.json"))
    client = make_client(fake)

    assert await client.server_time() == NOW_MS + 1234
    assert await client.sync_clock() == 1234
    contracts = await client.active_contracts()

    assert [contract.symbol for contract in contracts][:2] == ["XBTUSDTM", "ETHUSDTM"]
    assert contracts[0].multiplier == D("0.001") and contracts[0].tick_size == D("0.1")


@pytest.mark.asyncio
async def test_rate_limit_headers_are_recorded(make_client: ClientFactory) -> None:
    headers = {
        "gw-ratelimit-limit": "2000",
        "gw-ratelimit-remaining": "1990",
        "gw-ratelimit-reset": "29000",
    }
    fake = FakeKucoin().on("GET", "/api/v1/recentFills", ok([], headers=headers))
    client = make_client(fake)

    await client.recent_fills()

    assert client.rate_limit is not None
    assert (client.rate_limit.limit, client.rate_limit.remaining, client.rate_limit.reset_ms) == (
        2000,
        1990,
        29000,
    )
