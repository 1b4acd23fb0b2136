"""The ZenOTC adapter's own decisions, against a small scripted venue (no emulator needed).

The scripted venue keeps orders and fills in dicts and answers the list, get, fills and
write endpoints from them, so tests can count exactly which requests a verb costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

import gui.venues.zenotc as zenotc
from gui.domain.errors import (
    TicketInvalid,
    UnsupportedAction,
    VenueNotFound,
    VenueRejected,
    VenueTransportError,
)
from gui.domain.instruments import Instrument
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.venues.base import VenueClient, capability_errors
from gui.venues.zenotc import ZenotcConfig
from tests.venues.zenotc.conftest import AdapterFactory
from tests.venues.zenotc.zenotc_fakes import (
    Canned,
    FakeVenue,
    Recorded,
    load_resource,
    order_body,
)

D = Decimal
ORDERS = "/api/sdk/orders"


@dataclass
class Book:
    """Orders (list-item shape plus the full fields) and fills the scripted venue serves."""

    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    fills: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, order_id: str, **fields: Any) -> None:
        self.orders[order_id] = (
            order_body(orderId=order_id, clientOrderId=f"c-{order_id}")
            | {
                "filledQuantity": D(0),
                "status": "open",
                "averagePrice": None,
            }
            | fields
        )
        self.fills.setdefault(order_id, [])

    def fill(self, order_id: str, quantity: str, price: str) -> None:
        fills = self.fills[order_id]
        fills.append(
            {
                "fillId": f"fill_{order_id}_{len(fills)}",
                "orderId": order_id,
                "price": D(price),
                "quantity": D(quantity),
                "side": "buy",
                "fee": D("0.5"),
                "feeCurrency": "USD",
                "executedAt": f"2024-01-15T10:3{len(fills)}:00.000Z",
            }
        )
        order = self.orders[order_id]
        order["filledQuantity"] += D(quantity)
        order["status"] = "partially_filled"

    def route(self, request: Recorded) -> Canned | None:
        path = request.path
        if request.method == "GET" and path == ORDERS:
            wanted = request.query.get("statuses", "").split(",")
            items = [
                {k: o[k] for k in LIST_FIELDS if k in o}
                for o in self.orders.values()
                if o["status"] in wanted
            ]
            return Canned(body={"orders": items, "pagination": {"page": 1, "totalPages": 1}})
        if request.method == "GET" and path.endswith("/fills"):
            return Canned(body={"fills": self.fills[path.split("/")[-2]]})
        if request.method == "GET" and path.startswith(ORDERS + "/"):
            order = self.orders.get(path.rsplit("/", 1)[-1])
            if order is None:
                return Canned(404, body={"statusCode": 404, "message": "Order not found"})
            return Canned(body=order)
        return None


LIST_FIELDS = (
    "orderId",
    "clientOrderId",
    "side",
    "asset",
    "quantity",
    "price",
    "status",
    "filledQuantity",
    "createdAt",
)
"""What a list item carries in the doc's example (notes §3.3 (2))."""


def ticket(**fields: Any) -> OrderTicket:
    base: dict[str, Any] = {
        "venue": "zenotc",
        "account": "otc",
        "pair": "BTC-USD",
        "side": Side.BUY,
        "quantity": D("1.5"),
        "strategy": Strategy.LIMIT,
        "limit_price": D("50000.00"),
    }
    return OrderTicket(**(base | fields))


def test_public_names_are_pinned() -> None:
    assert zenotc.__all__ == [
        "CAPABILITIES",
        "STAGING_BASE_URL",
        "VENUE",
        "ZenotcAdapter",
        "ZenotcAuth",
        "ZenotcClient",
        "ZenotcConfig",
        "ZenotcCredentials",
        "extract_message",
        "sign",
    ]
    assert all(hasattr(zenotc, name) for name in zenotc.__all__)


def test_config_defaults() -> None:
    config = ZenotcConfig()
    assert config.base_url == "https://api.zenotc.com"
    assert zenotc.STAGING_BASE_URL == "https://api-staging.zenotc.com"
    assert config.assets == ("BTC", "ETH", "SOL", "XRP", "DOGE", "AVAX", "LINK")
    for bad in ({"base_url": "ftp://x"}, {"assets": ("btc",)}, {"page_limit": 101}):
        with pytest.raises(ValueError):
            ZenotcConfig(**bad)


@pytest.mark.asyncio
async def test_adapter_fulfils_the_protocol(make_adapter: AdapterFactory) -> None:
    adapter: VenueClient = make_adapter(FakeVenue())
    assert isinstance(adapter, VenueClient)
    assert (adapter.venue, adapter.account) == ("zenotc", "otc")
    capabilities = adapter.capabilities
    assert capabilities.strategies == {Strategy.MARKET, Strategy.LIMIT, Strategy.IOC}
    assert capabilities.time_in_force == {TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK}
    assert capabilities.amend and capabilities.cancel_all
    assert not capabilities.pause_resume and not capabilities.pause_all
    assert capabilities.amend_fields == {"quantity", "limit_price"}
    assert (capabilities.batch_cancel_limit, capabilities.max_client_order_id_len) == (0, 64)
    assert not capabilities.options and not capabilities.quantity_in_contracts


@pytest.mark.asyncio
async def test_instruments_and_ticket_rules(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(FakeVenue())
    instruments = await adapter.instruments()
    assert instruments[0] == Instrument(pair="BTC-USD", symbol="BTC")
    assert [i.pair for i in instruments][-1] == "LINK-USD" and len(instruments) == 7
    assert adapter.ticket_errors(ticket()) == {}
    errors = adapter.ticket_errors(ticket(pair="BTC-USDT"))
    assert errors["pair"].startswith("ZenOTC quotes every asset in USD")
    market_with_price = ticket(strategy=Strategy.MARKET)
    assert "limit_price" in adapter.ticket_errors(market_with_price)
    assert "strategy" in capability_errors(
        ticket(strategy=Strategy.VWAP, duration_s=600), adapter.capabilities
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("sent", "client_order_id", "error"),
    [
        (ticket(quantity=D(0)), "od-1", TicketInvalid),
        (ticket(pair="BTC-EUR"), "od-1", UnsupportedAction),
        (ticket(strategy=Strategy.TWAP, duration_s=600), "od-1", UnsupportedAction),
        (ticket(), "x" * 65, ValueError),
        (ticket(), "", ValueError),
    ],
    ids=["invalid-ticket", "eur-quote", "algo", "id-too-long", "id-empty"],
)
async def test_submit_refuses_before_sending(
    make_adapter: AdapterFactory, sent: OrderTicket, client_order_id: str, error: type[Exception]
) -> None:
    fake = FakeVenue()
    with pytest.raises(error):
        await make_adapter(fake).submit(sent, client_order_id)
    assert fake.requests == []


@pytest.mark.asyncio
async def test_submit_limit_sends_the_ticket_exactly(make_adapter: AdapterFactory) -> None:
    fake = FakeVenue([Canned(201, body=order_body(filledQuantity=D(0), averagePrice=None))])
    report = await make_adapter(fake).submit(ticket(quantity=D("1.50")), "x" * 64)
    assert len(fake.requests) == 1  # nothing filled: no fills request
    assert fake.requests[0].body == (
        b'{"side": "buy", "asset": "BTC", "quantity": 1.50, "price": 50000.00, '
        b'"orderType": "limit", "timeInForce": "GTC", "clientOrderId": "' + b"x" * 64 + b'"}'
    )
    assert report.status is OrderStatus.WORKING and report.fills == ()
    assert report.strategy is Strategy.LIMIT and report.pair == "BTC-USD"


@pytest.mark.asyncio
async def test_submit_that_fills_at_once_brings_its_fills(make_adapter: AdapterFactory) -> None:
    filled = order_body(
        orderType="market",
        price=None,
        status="filled",
        filledQuantity=D("1.0"),
        remainingQuantity=D(0),
        averagePrice=D("49975"),
    )
    fills = load_resource("http_orders_fills_response.json")
    fake = FakeVenue([Canned(201, body=filled), Canned(body=fills)])
    report = await make_adapter(fake).submit(
        ticket(strategy=Strategy.MARKET, limit_price=None, quantity=D("1.0")), "od-2"
    )
    assert [r.method + " " + r.path for r in fake.requests] == [
        "POST /api/sdk/orders",
        "GET /api/sdk/orders/ord_abc123def456/fills",
    ]
    assert report.status is OrderStatus.FILLED and report.limit_price is None
    assert report.fills is not None and [f.fill_id for f in report.fills] == [
        "fill_xyz789",
        "fill_xyz790",
    ]


@pytest.mark.asyncio
async def test_submit_keeps_the_order_when_its_fills_cannot_be_read(
    make_adapter: AdapterFactory,
) -> None:
    filled = order_body(status="filled", filledQuantity=D("1.5"))
    fake = FakeVenue([Canned(201, body=filled), Canned(503, text="busy")])
    report = await make_adapter(fake).submit(ticket(strategy=Strategy.IOC), "od-3")
    assert report.status is OrderStatus.FILLED and report.fills is None
    assert report.strategy is Strategy.IOC


@pytest.mark.asyncio
async def test_open_orders_fetches_fills_only_when_filled_quantity_moves(
    make_adapter: AdapterFactory,
) -> None:
    # Arrange: three open orders, one partly filled.
    book = Book()
    for order_id in ("ord_a", "ord_b", "ord_c"):
        book.add(order_id)
    book.fill("ord_b", "0.5", "50000")
    fake = FakeVenue(route=book.route)
    adapter = make_adapter(fake)

    # Act 1: the first poll lists once and reads the fills of the one filled order.
    reports = {r.venue_order_id: r for r in await adapter.open_orders()}
    assert (fake.count("GET", ORDERS), fake.count("GET", "/fills")) == (1, 1)
    assert fake.requests[0].raw_path == (
        "/api/sdk/orders?statuses=open,partially_filled&page=1&limit=100"
    )
    assert reports["ord_a"].fills == () and reports["ord_a"].status is OrderStatus.WORKING
    b = reports["ord_b"]
    assert b.status is OrderStatus.PARTIALLY_FILLED and b.fills is not None
    assert [f.fill_id for f in b.fills] == ["fill_ord_b_0"] and b.avg_fill_px == D("50000")

    # Act 2: nothing changed: one list request, no fills requests, same fills reported.
    again = {r.venue_order_id: r for r in await adapter.open_orders()}
    assert (fake.count("GET", ORDERS), fake.count("GET", "/fills")) == (2, 1)
    assert again["ord_b"].fills == b.fills

    # Act 3: ord_c fills: only its fills are read.
    book.fill("ord_c", "0.25", "49000")
    book.fill("ord_c", "0.75", "49800")
    third = {r.venue_order_id: r for r in await adapter.open_orders()}
    assert (fake.count("GET", ORDERS), fake.count("GET", "/fills")) == (3, 2)
    assert fake.requests[-1].path == "/api/sdk/orders/ord_c/fills"
    c = third["ord_c"]
    assert c.filled_qty == D("1.00") and c.avg_fill_px == D("49600")  # (0.25*49000+0.75*49800)/1
    assert c.strategy is None  # not sent by this adapter, and list items lack orderType


@pytest.mark.asyncio
async def test_lagging_fills_are_read_again_on_the_next_poll(make_adapter: AdapterFactory) -> None:
    book = Book()
    book.add("ord_a")
    book.fill("ord_a", "0.5", "50000")
    book.orders["ord_a"]["filledQuantity"] = D("1.0")  # the aggregate runs ahead of the fills
    fake = FakeVenue(route=book.route)
    adapter = make_adapter(fake)
    first = (await adapter.open_orders())[0]
    assert first.avg_fill_px is None  # fills do not add up to 1.0: no average invented
    await adapter.open_orders()
    assert fake.count("GET", "/fills") == 2
    book.fill("ord_a", "0.5", "50000")
    book.orders["ord_a"]["filledQuantity"] = D("1.0")
    await adapter.open_orders()
    await adapter.open_orders()
    assert fake.count("GET", "/fills") == 3  # caught up, then quiet


@pytest.mark.asyncio
async def test_list_items_get_the_strategy_the_adapter_sent(make_adapter: AdapterFactory) -> None:
    book = Book()
    fake = FakeVenue(route=book.route)

    def create(request: Recorded) -> Canned | None:
        if request.method == "POST":
            book.add("ord_new", orderType="limit", timeInForce="IOC")
            return Canned(201, body=book.orders["ord_new"])
        return book.route(request)

    fake.route = create
    adapter = make_adapter(fake)
    await adapter.submit(ticket(strategy=Strategy.IOC), "c-ord_new")
    (report,) = await adapter.open_orders()
    assert report.strategy is Strategy.IOC and report.client_order_id == "c-ord_new"


@pytest.mark.asyncio
async def test_order_reads_the_order_and_all_its_fills(make_adapter: AdapterFactory) -> None:
    book = Book()
    book.add("ord_a", orderType="limit", timeInForce="FOK")
    book.fill("ord_a", "1.5", "50000")
    book.orders["ord_a"] |= {"status": "filled", "averagePrice": D("50000")}
    fake = FakeVenue(route=book.route)
    adapter = make_adapter(fake)
    report = await adapter.order("ord_a")
    assert len(fake.requests) == 2
    assert report.status is OrderStatus.FILLED and report.strategy is Strategy.LIMIT
    assert report.fills is not None and len(report.fills) == 1
    with pytest.raises(VenueNotFound):
        await adapter.order("ord_missing")


@pytest.mark.asyncio
async def test_find_by_client_order_id(make_adapter: AdapterFactory) -> None:
    fake = FakeVenue(
        [
            Canned(body=order_body(clientOrderId="od-1", filledQuantity=D(0))),
            Canned(404, body={"statusCode": 404, "message": "Order not found"}),
            Canned(body=None),
            Canned(body=order_body(clientOrderId="someone-else")),
        ]
    )
    adapter = make_adapter(fake)
    found = await adapter.find_by_client_order_id("od-1")
    assert found is not None and found.client_order_id == "od-1"
    assert fake.requests[0].raw_path == "/api/sdk/orders/by-client-id?clientOrderId=od-1"
    assert await adapter.find_by_client_order_id("od-1") is None  # 404
    assert await adapter.find_by_client_order_id("od-1") is None  # empty answer
    with pytest.raises(VenueTransportError, match="someone-else"):
        await adapter.find_by_client_order_id("od-1")


@pytest.mark.asyncio
async def test_amend_sends_the_new_total_and_refuses_algo_fields(
    make_adapter: AdapterFactory,
) -> None:
    fake = FakeVenue([Canned(body=order_body(quantity=D(3)))])
    adapter = make_adapter(fake)
    await adapter.amend("ord_a", Amendment(quantity=D(3)))
    await adapter.amend("ord_a", Amendment(limit_price=D("49000.5")))
    assert [(r.method, r.path, r.body) for r in fake.requests] == [
        ("PATCH", "/api/sdk/orders/ord_a", b'{"quantity": 3}'),
        ("PATCH", "/api/sdk/orders/ord_a", b'{"price": 49000.5}'),
    ]
    with pytest.raises(UnsupportedAction):
        await adapter.amend("ord_a", Amendment(quantity=D(3), duration_s=900))
    assert len(fake.requests) == 2


@pytest.mark.asyncio
async def test_amend_of_a_filled_order_is_refused_by_the_venue(
    make_adapter: AdapterFactory,
) -> None:
    conflict = {"statusCode": 409, "message": "Order cannot be amended", "error": "Conflict"}
    fake = FakeVenue([Canned(409, body=conflict)])
    with pytest.raises(VenueRejected, match="cannot be amended"):
        await make_adapter(fake).amend("ord_a", Amendment(quantity=D(1)))


@pytest.mark.asyncio
async def test_cancel_and_cancel_all(make_adapter: AdapterFactory) -> None:
    fake = FakeVenue(
        [
            Canned(body={"orderId": "ord_a", "status": "cancelled"}),
            Canned(body={"cancelledCount": 0, "cancelledOrders": []}),
        ]
    )
    adapter = make_adapter(fake)
    await adapter.cancel("ord_a")
    await adapter.cancel_all()
    assert [(r.method, r.path, r.body) for r in fake.requests] == [
        ("DELETE", "/api/sdk/orders/ord_a", b""),
        ("DELETE", "/api/sdk/orders/batch", b""),
    ]


@pytest.mark.asyncio
@pytest.mark.parametrize("verb", ["pause", "resume", "pause_all", "resume_all"])
async def test_pause_and_resume_are_unsupported(make_adapter: AdapterFactory, verb: str) -> None:
    fake = FakeVenue()
    adapter = make_adapter(fake)
    with pytest.raises(UnsupportedAction):
        await (
            getattr(adapter, verb)("ord_a")
            if verb in ("pause", "resume")
            else getattr(adapter, verb)()
        )
    assert fake.requests == []
