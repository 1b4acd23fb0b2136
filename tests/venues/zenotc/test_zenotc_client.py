"""The raw ZenOTC client: each endpoint's exact request, and its answer read.

Assertions are on the wire traffic the fake venue received: method, path with query, body
bytes (notes §3.3 for the endpoints, §3.7.1-3 for the signed path and bodies).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from gui.venues.zenotc import wire
from tests.venues.zenotc.conftest import ClientFactory
from tests.venues.zenotc.zenotc_fakes import (
    FAST_CONFIG,
    ORDER_ID,
    Canned,
    FakeVenue,
    Recorded,
    load_resource,
    order_body,
)

D = Decimal


def envelope(body: Any) -> dict[str, Any]:
    return {"data": body, "timestamp": "2024-01-15T10:30:00.000Z"}


@pytest.mark.asyncio
async def test_create_order_posts_the_body_it_signed(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(201, body=load_resource("http_orders_create_response.json"))])
    request = wire.CreateOrderRequest(
        side="sell",
        asset="ETH",
        quantity=D("0.30000000"),
        order_type="market",
        time_in_force="FOK",
        client_order_id="od-1",
        metadata={"notes": "hedge"},
    )
    order = await make_client(fake).create_order(request)
    sent = fake.requests[0]
    assert (sent.method, sent.raw_path) == ("POST", "/api/sdk/orders")
    assert sent.body == (
        b'{"side": "sell", "asset": "ETH", "quantity": 0.30000000, "orderType": "market", '
        b'"timeInForce": "FOK", "clientOrderId": "od-1", "metadata": {"notes": "hedge"}}'
    )
    assert order.order_id == ORDER_ID and order.status == "open"  # any 2xx (201 here)


@pytest.mark.asyncio
async def test_envelope_is_unwrapped(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(200, body=envelope(order_body()))])
    order = await make_client(fake).get_order(ORDER_ID)
    assert order.order_id == ORDER_ID and order.average_price == D("49950.00")


@pytest.mark.asyncio
async def test_list_orders_query_spelling(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(body=load_resource("http_orders_list_response.json"))])
    page = await make_client(fake).list_orders(
        statuses=["filled", "cancelled"], asset="BTC", side="sell", page=2, limit=100
    )
    assert fake.requests[0].raw_path == (
        "/api/sdk/orders?statuses=filled,cancelled&asset=BTC&side=sell&page=2&limit=100"
    )
    assert page.orders[0].order_id == ORDER_ID


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "kwargs", [{"page": 0}, {"limit": 0}, {"limit": 101}, {"statuses": ["a,b"]}, {"statuses": []}]
)
async def test_list_orders_refuses_bad_arguments_before_sending(
    make_client: ClientFactory, kwargs: dict[str, Any]
) -> None:
    fake = FakeVenue()
    with pytest.raises(ValueError):
        await make_client(fake).list_orders(**kwargs)
    assert fake.requests == []


def _pages(total: int, per_page: int) -> Any:
    ids = [f"ord_{n:03d}" for n in range(total)]
    pages = max(1, -(-total // per_page))

    def route(request: Recorded) -> Canned:
        page = int(request.query["page"])
        chunk = ids[(page - 1) * per_page : page * per_page]
        items = [order_body(orderId=i) for i in chunk]
        pagination = {"page": page, "limit": per_page, "total": total, "totalPages": pages}
        return Canned(body={"orders": items, "pagination": pagination})

    return route


@pytest.mark.asyncio
@pytest.mark.parametrize(("total", "requests"), [(0, 1), (99, 1), (100, 1), (101, 2), (250, 3)])
async def test_list_all_orders_reads_every_page(
    make_client: ClientFactory, total: int, requests: int
) -> None:
    fake = FakeVenue(route=_pages(total, 100))
    orders = await make_client(fake).list_all_orders(statuses=["open", "partially_filled"])
    assert len(orders) == total and len({order.order_id for order in orders}) == total
    assert len(fake.requests) == requests
    assert all(r.query["limit"] == "100" for r in fake.requests)


@pytest.mark.asyncio
async def test_list_all_orders_without_pagination_stops_at_a_short_page(
    make_client: ClientFactory,
) -> None:
    # A bare-array (enveloped) answer has no totalPages: a page shorter than limit ends it.
    full = [order_body(orderId=f"ord_{n}") for n in range(100)]
    fake = FakeVenue([Canned(body=envelope(full)), Canned(body=envelope(full[:3]))])
    orders = await make_client(fake).list_all_orders()
    assert len(orders) == 100 and len(fake.requests) == 2  # page 2 repeats, kept once


@pytest.mark.asyncio
async def test_by_client_id_query_is_encoded(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(body=order_body())])
    order = await make_client(fake).get_order_by_client_id("a b/c+d")
    assert fake.requests[0].raw_path == ("/api/sdk/orders/by-client-id?clientOrderId=a%20b%2Fc%2Bd")
    assert fake.requests[0].query == {"clientOrderId": "a b/c+d"}
    assert order is not None and order.order_id == ORDER_ID


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [Canned(body=None), Canned(body={}), Canned(text=""), Canned(body=envelope({}))],
    ids=["null", "empty-object", "empty-body", "enveloped-empty"],
)
async def test_by_client_id_empty_answer_is_none(
    make_client: ClientFactory, answer: Canned
) -> None:
    assert await make_client(FakeVenue([answer])).get_order_by_client_id("od-1") is None


@pytest.mark.asyncio
async def test_amend_patches_quantity_and_price(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(body=order_body(quantity=D("2.0"), price=D("51000.00")))])
    order = await make_client(fake).amend_order(
        "ord/1", wire.AmendOrderRequest(quantity=D("2.0"), price=D("51000.00"))
    )
    sent = fake.requests[0]
    assert (sent.method, sent.raw_path) == ("PATCH", "/api/sdk/orders/ord%2F1")
    assert sent.body == b'{"quantity": 2.0, "price": 51000.00}'
    assert order.quantity == D("2.0")
    with pytest.raises(ValueError, match="quantity or a price"):
        await make_client(fake).amend_order(ORDER_ID, wire.AmendOrderRequest())
    assert len(fake.requests) == 1


@pytest.mark.asyncio
async def test_cancel_and_fills(make_client: ClientFactory) -> None:
    fake = FakeVenue(
        [
            Canned(body=load_resource("http_orders_cancel_response.json")),
            Canned(body=load_resource("http_orders_fills_response.json")),
        ]
    )
    client = make_client(fake)
    cancelled = await client.cancel_order(ORDER_ID)
    fills = await client.get_order_fills(ORDER_ID)
    assert [(r.method, r.raw_path, r.body) for r in fake.requests] == [
        ("DELETE", f"/api/sdk/orders/{ORDER_ID}", b""),
        ("GET", f"/api/sdk/orders/{ORDER_ID}/fills", b""),
    ]
    assert cancelled.status == "cancelled" and fills.fills[1].fee == D("25.00")


@pytest.mark.asyncio
async def test_batch_create_sends_at_most_100(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(201, body=load_resource("http_orders_batch_create_response.json"))])
    client = make_client(fake)
    one = wire.CreateOrderRequest(side="buy", asset="BTC", quantity=D(1), price=D(49000))
    for bad in ([], [one] * 101):
        with pytest.raises(ValueError, match="1-100 orders"):
            await client.create_orders(bad)
    assert fake.requests == []
    result = await client.create_orders([one] * 100)
    sent = fake.requests[0]
    assert (sent.method, sent.raw_path) == ("POST", "/api/sdk/orders/batch")
    assert len(sent.json()["orders"]) == 100
    assert sent.body.startswith(b'{"orders": [{"side": "buy", "asset": "BTC", "quantity": 1, ')
    assert [item.success for item in result.results] == [True, True, False]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("filters", "body", "content_type"),
    [
        ({}, b"", None),  # `{}` -> empty body, as the helper's `if data` (notes §3.7.3)
        ({"asset": "BTC"}, b'{"asset": "BTC"}', "application/json"),
        ({"asset": "ETH", "side": "sell"}, b'{"asset": "ETH", "side": "sell"}', "application/json"),
    ],
)
async def test_cancel_all_is_a_delete_with_a_json_body(
    make_client: ClientFactory, filters: dict[str, str], body: bytes, content_type: str | None
) -> None:
    fake = FakeVenue([Canned(body=load_resource("http_orders_cancel_all_response.json"))])
    result = await make_client(fake).cancel_all_orders(**filters)
    sent = fake.requests[0]
    assert (sent.method, sent.raw_path, sent.body) == ("DELETE", "/api/sdk/orders/batch", body)
    assert sent.headers.get("content-type") == content_type
    assert result.cancelled_count == 5


@pytest.mark.asyncio
async def test_default_config_throttles_at_ten_per_second(make_client: ClientFactory) -> None:
    # notes §3.5: 10 requests/second. The bucket holds one request and refills at 90% of
    # the rate (RATE_MARGIN), so back-to-back requests are spaced by 1/9 s: no one-second
    # window ever sees more than 1 + 9 = 10.
    fake = FakeVenue([Canned(body={"fills": []})])
    config = type(FAST_CONFIG)(base_url="http://zenotc.test")
    assert (config.max_requests_per_s, config.burst) == (10.0, 1)
    client = make_client(fake, config)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(3):
        await client.get_order_fills(ORDER_ID)
    assert loop.time() - started >= 2 / 9 - 0.005
