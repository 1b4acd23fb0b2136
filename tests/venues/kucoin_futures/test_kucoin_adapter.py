"""The adapter in domain terms: base <-> lots, ticket rules, statuses, cheap polling."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.domain.errors import TicketInvalid, UnsupportedAction
from gui.domain.instruments import Instrument
from gui.domain.options import (
    MarginMode,
    OrderOption,
    OrderOptions,
    StopDirection,
    StopTrigger,
    TriggerPrice,
)
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.venues.base import VenueClient, capability_errors
from gui.venues.kucoin_futures import CAPABILITIES, KucoinFuturesAdapter, parsing, tickets, wire
from tests.venues.kucoin_futures.conftest import AdapterFactory
from tests.venues.kucoin_futures.kucoin_fakes import (
    FakeKucoin,
    load_resource,
    ok,
    resource_response,
)

D = Decimal
BTC = Instrument("BTC-USDT", "XBTUSDTM", D("0.1"), D("0.001"), D(1), D(125))
XRP = Instrument("XRP-USDT", "XRPUSDTM", D("0.0001"), D(10), D(1), D(75))
OPEN = load_resource("http_orders_by_id_open.json")["data"]


def ticket(
    strategy: Strategy = Strategy.LIMIT,
    quantity: str = "0.005",
    price: str | None = "30000",
    pair: str = "BTC-USDT",
    tif: TimeInForce = TimeInForce.GTC,
    **options: Any,
) -> OrderTicket:
    return OrderTicket(
        "kucoin_futures",
        "main",
        pair,
        Side.BUY,
        D(quantity),
        strategy,
        limit_price=None if price is None else D(price),
        time_in_force=tif,
        options=OrderOptions(**options),
    )


def venue() -> FakeKucoin:
    fake = FakeKucoin()
    fake.on("GET", "/api/v1/contracts/active", resource_response("http_contracts_active_ok.json"))
    fake.on("POST", "/api/v1/orders", ok({"orderId": "900", "clientOid": "OD1"}))
    return fake


async def loaded(make_adapter: AdapterFactory, fake: FakeKucoin) -> KucoinFuturesAdapter:
    adapter = make_adapter(fake.transport)
    await adapter.instruments()
    return adapter


# -- contract arithmetic ------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=10**9))
def test_lots_and_base_round_trip_exactly(lots: int) -> None:
    for contract in (BTC, XRP):
        base = contract.to_base(D(lots))
        assert tickets.lots_for(base, contract) == lots
        assert str(base) == str(D(lots) * contract.multiplier)  # exact, no float


@pytest.mark.parametrize("quantity", ["0.0015", "0.0001", "0", "-0.001", "5"])
def test_non_whole_lots_are_refused(quantity: str) -> None:
    assert tickets.lots_for(D(quantity), BTC if quantity != "5" else XRP) is None


def test_reports_and_fills_are_in_base_units() -> None:
    order = wire.Order.model_validate(dict(OPEN, size=7, filledSize=3, avgDealPrice="30000.5"))
    fill = wire.Fill.model_validate(
        {
            "tradeId": "t1",
            "orderId": OPEN["id"],
            "size": 3,
            "price": "30000.5",
            "fee": "0.054",
            "feeCurrency": "USDT",
            "liquidity": "maker",
            "tradeTime": 1729236185885647952,
        }
    )
    report = parsing.order_report(order, BTC, fills=[fill])
    assert (report.quantity, report.filled_qty) == (D("0.007"), D("0.003"))
    assert report.status == OrderStatus.PARTIALLY_FILLED
    [fill_report] = report.fills or ()
    assert (fill_report.fill_id, fill_report.quantity, fill_report.price) == (
        "t1",
        D("0.003"),
        D("30000.5"),
    )
    assert (fill_report.fee, fill_report.fee_asset, fill_report.liquidity) == (
        D("0.054"),
        "USDT",
        "maker",
    )
    assert fill_report.ts.isoformat() == "2024-10-18T07:23:05.885647+00:00"


# -- statuses -----------------------------------------------------------------------------

STATUS_TABLE = [
    ({"status": "open", "filledSize": 0}, False, OrderStatus.WORKING),
    ({"status": "open", "filledSize": 1, "size": 3}, False, OrderStatus.PARTIALLY_FILLED),
    ({"status": "open", "stop": "down", "stopTriggered": False}, False, OrderStatus.SCHEDULED),
    ({"status": "open", "stop": "up", "stopTriggered": True}, False, OrderStatus.WORKING),
    ({"status": "open", "stop": "down", "stopTriggered": None}, True, OrderStatus.SCHEDULED),
    ({"status": "done", "cancelExist": True, "filledSize": 0}, False, OrderStatus.CANCELED),
    (
        {"status": "done", "cancelExist": True, "filledSize": 1, "size": 3},
        False,
        OrderStatus.CANCELED,
    ),
    (
        {"status": "done", "cancelExist": False, "filledSize": 3, "size": 3},
        False,
        OrderStatus.FILLED,
    ),
    # An IOC/market remainder dropped without cancelExist: still canceled (notes §3).
    (
        {"status": "done", "cancelExist": False, "filledSize": 1, "size": 3},
        False,
        OrderStatus.CANCELED,
    ),
    ({"status": None, "isActive": True, "filledSize": 0}, False, OrderStatus.WORKING),
    ({"status": None, "isActive": False, "filledSize": 3, "size": 3}, False, OrderStatus.FILLED),
    ({"status": "halted"}, False, OrderStatus.UNKNOWN),
]


@pytest.mark.parametrize(("fields", "from_stop_list", "expected"), STATUS_TABLE)
def test_status_mapping_table(
    fields: dict[str, Any], from_stop_list: bool, expected: OrderStatus
) -> None:
    order = wire.Order.model_validate(dict(OPEN, **fields))
    assert parsing.map_status(order, from_stop_list=from_stop_list) == expected


def test_strategy_follows_type_and_time_in_force() -> None:
    assert parsing.strategy_of(wire.Order(type="market")) == Strategy.MARKET
    assert parsing.strategy_of(wire.Order(type="limit", time_in_force="GTC")) == Strategy.LIMIT
    assert parsing.strategy_of(wire.Order(type="limit", time_in_force="IOC")) == Strategy.IOC


# -- instruments and ticket rules ---------------------------------------------------------


@pytest.mark.asyncio
async def test_instruments_load_once_and_show_btc_for_xbt(make_adapter: AdapterFactory) -> None:
    fake = venue()
    adapter = make_adapter(fake.transport)

    first = await adapter.instruments()
    second = await adapter.instruments()

    assert first == second
    assert len(fake.sent("GET", "/api/v1/contracts/active")) == 1
    assert {item.pair: item.symbol for item in first} == {
        "BTC-USDT": "XBTUSDTM",  # the perpetual, not the dated XBTMZ25; inverse XBTUSDM left out
        "ETH-USDT": "ETHUSDTM",
        "XRP-USDT": "XRPUSDTM",
    }
    btc = first[0]
    assert (btc.multiplier, btc.tick_size, btc.lot_size, btc.max_leverage) == (
        D("0.001"),
        D("0.1"),
        D(1),
        D(125),
    )


@pytest.mark.asyncio
async def test_ticket_errors_before_instruments_are_loaded(make_adapter: AdapterFactory) -> None:
    fake = venue()
    adapter = make_adapter(fake.transport)

    errors = adapter.ticket_errors(ticket())

    assert errors == {"pair": "KuCoin Futures contracts are not loaded yet; try again shortly."}
    assert fake.requests == []  # no I/O


RULES = [
    (ticket(pair="DOGE-USDT"), "pair", "KuCoin Futures has no contract for DOGE-USDT."),
    (
        ticket(quantity="0.0015"),
        "quantity",
        "Quantity must be a whole number of contracts (1 contract = 0.001 BTC).",
    ),
    (
        ticket(quantity="2000"),
        "quantity",
        "Quantity is at most 1000000 contracts (1 contract = 0.001 BTC).",
    ),
    (
        ticket(price="30000.05"),
        "limit_price",
        "Limit price must be a multiple of the tick size 0.1.",
    ),
    (ticket(Strategy.MARKET, price="30000"), "limit_price", "A Market order takes no limit price."),
    (ticket(post_only=True, hidden=True), "post_only", "Post-only cannot be combined with hidden."),
    (
        ticket(post_only=True, visible_quantity=D("0.002")),
        "post_only",
        "Post-only cannot be combined with iceberg.",
    ),
    (ticket(Strategy.IOC, post_only=True), "post_only", "Post-only cannot be combined with IOC."),
    (ticket(Strategy.MARKET, price=None, hidden=True), "hidden", "Hidden needs a Limit order."),
    (
        ticket(Strategy.MARKET, price=None, visible_quantity=D("0.002")),
        "visible_quantity",
        "An iceberg needs a Limit order.",
    ),
    (
        ticket(visible_quantity=D("0.0025")),
        "visible_quantity",
        "Visible quantity must be a whole number of contracts (1 contract = 0.001 BTC).",
    ),
    (ticket(leverage=D("2.5")), "leverage", "Leverage must be a whole number on KuCoin Futures."),
    (ticket(leverage=D("126")), "leverage", "Leverage is at most 125x on XBTUSDTM."),
    (
        ticket(stop=StopTrigger(StopDirection.DOWN, D("29000.03"))),
        "stop_price",
        "Stop price must be a multiple of the tick size 0.1.",
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("the_ticket", "key", "message"), RULES)
async def test_ticket_rules(
    make_adapter: AdapterFactory, the_ticket: OrderTicket, key: str, message: str
) -> None:
    adapter = await loaded(make_adapter, venue())
    errors = adapter.ticket_errors(the_ticket)
    assert errors.get(key) == message, errors


@pytest.mark.asyncio
async def test_a_good_ticket_has_no_errors(make_adapter: AdapterFactory) -> None:
    adapter = await loaded(make_adapter, venue())
    good = ticket(
        leverage=D(10),
        reduce_only=True,
        margin_mode=MarginMode.CROSS,
        visible_quantity=D("0.002"),
        stop=StopTrigger(StopDirection.UP, D("31000"), TriggerPrice.MARK),
    )
    assert good.validation_errors() == {}
    assert capability_errors(good, adapter.capabilities) == {}
    assert adapter.ticket_errors(good) == {}


# -- submit -------------------------------------------------------------------------------

SUBMITS = [
    (
        ticket(),
        {"type": "limit", "price": "30000", "size": 5, "timeInForce": "GTC"},
    ),
    (ticket(Strategy.MARKET, price=None), {"type": "market", "size": 5}),
    (ticket(Strategy.IOC), {"type": "limit", "price": "30000", "size": 5, "timeInForce": "IOC"}),
    (
        ticket(tif=TimeInForce.IOC),
        {"type": "limit", "price": "30000", "size": 5, "timeInForce": "IOC"},
    ),
    (
        ticket(post_only=True, reduce_only=True, margin_mode=MarginMode.CROSS, leverage=D(10)),
        {
            "type": "limit",
            "price": "30000",
            "size": 5,
            "timeInForce": "GTC",
            "postOnly": True,
            "reduceOnly": True,
            "marginMode": "CROSS",
            "leverage": 10,
        },
    ),
    (
        ticket(hidden=True),
        {"type": "limit", "price": "30000", "size": 5, "timeInForce": "GTC", "hidden": True},
    ),
    (
        ticket(visible_quantity=D("0.002")),
        {
            "type": "limit",
            "price": "30000",
            "size": 5,
            "timeInForce": "GTC",
            "iceberg": True,
            "visibleSize": "2",
        },
    ),
    (
        ticket(Strategy.MARKET, price=None, stop=StopTrigger(StopDirection.DOWN, D("29000"))),
        {"type": "market", "size": 5, "stop": "down", "stopPriceType": "TP", "stopPrice": "29000"},
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("the_ticket", "expected"), SUBMITS)
async def test_submit_sends_lots_and_the_documented_fields(
    make_adapter: AdapterFactory, the_ticket: OrderTicket, expected: dict[str, Any]
) -> None:
    fake = venue()
    adapter = make_adapter(fake.transport)

    report = await adapter.submit(the_ticket, "OD1")

    [request] = fake.sent("POST", "/api/v1/orders")
    body = json.loads(request.content)
    base = {"clientOid": "OD1", "side": "buy", "symbol": "XBTUSDTM", "leverage": 1}
    assert body == base | expected
    assert (report.venue_order_id, report.client_order_id) == ("900", "OD1")
    assert (report.quantity, report.filled_qty, report.pair) == (D("0.005"), D(0), "BTC-USDT")
    stop = the_ticket.options.stop is not None
    assert report.status == (OrderStatus.SCHEDULED if stop else OrderStatus.WORKING)


@pytest.mark.asyncio
async def test_submit_refuses_before_sending(make_adapter: AdapterFactory) -> None:
    fake = venue()
    adapter = make_adapter(fake.transport)

    with pytest.raises(TicketInvalid) as caught:
        await adapter.submit(ticket(quantity="0.0005"), "OD1")
    with pytest.raises(ValueError, match="clientOid"):
        await adapter.submit(ticket(), "bad id!")
    with pytest.raises(ValueError, match="clientOid"):
        await adapter.submit(ticket(), "x" * 41)

    assert "quantity" in caught.value.field_errors
    assert fake.sent("POST", "/api/v1/orders") == []


# -- reads --------------------------------------------------------------------------------


def _page(items: list[dict[str, Any]], page: int, pages: int) -> httpx.Response:
    return ok(
        {
            "currentPage": page,
            "pageSize": 1000,
            "totalNum": len(items),
            "totalPage": pages,
            "items": items,
        }
    )


def _fill(trade_id: str, order_id: str, lots: int, price: str) -> dict[str, Any]:
    return {
        "tradeId": trade_id,
        "orderId": order_id,
        "symbol": "XBTUSDTM",
        "side": "buy",
        "size": lots,
        "price": price,
        "fee": "0.01",
        "feeCurrency": "USDT",
        "liquidity": "taker",
        "tradeTime": 1729236185885647952,
    }


@pytest.mark.asyncio
async def test_open_orders_is_three_listings_whatever_the_number_of_orders(
    make_adapter: AdapterFactory,
) -> None:
    # Arrange: two pages of active orders, one untriggered stop, one recentFills answer.
    first = dict(OPEN, id="1", size=4, filledSize=1, avgDealPrice="30000")
    second = dict(OPEN, id="2", symbol="ETHUSDTM")
    inverse = dict(OPEN, id="3", symbol="XBTUSDM")
    stop = dict(OPEN, id="4", stop="up", stopPrice="31000", stopTriggered=False)
    fake = venue()
    fake.on("GET", "/api/v1/orders", _page([first], 1, 2), _page([second, inverse], 2, 2))
    fake.on("GET", "/api/v1/stopOrders", _page([stop], 1, 1))
    fake.on(
        "GET", "/api/v1/recentFills", ok([_fill("t1", "1", 1, "30000"), _fill("t9", "99", 1, "1")])
    )
    adapter = make_adapter(fake.transport)

    # Act
    reports = await adapter.open_orders()

    # Assert
    paths = [(r.method, r.url.path) for r in fake.requests]
    assert paths == [
        ("GET", "/api/v1/contracts/active"),
        ("GET", "/api/v1/orders"),
        ("GET", "/api/v1/orders"),
        ("GET", "/api/v1/stopOrders"),
        ("GET", "/api/v1/recentFills"),
    ]
    assert fake.requests[1].url.params["status"] == "active"
    by_id = {report.venue_order_id: report for report in reports}
    assert set(by_id) == {"1", "2", "4"}  # the inverse order is not the desk's
    assert by_id["1"].status == OrderStatus.PARTIALLY_FILLED
    assert (by_id["1"].quantity, by_id["1"].filled_qty) == (D("0.004"), D("0.001"))
    assert [f.fill_id for f in by_id["1"].fills or ()] == ["t1"]
    assert by_id["2"].quantity == D("0.01") and by_id["2"].fills == ()
    assert by_id["4"].status == OrderStatus.SCHEDULED


@pytest.mark.asyncio
async def test_order_brings_all_its_fills(make_adapter: AdapterFactory) -> None:
    done = dict(
        OPEN, id="7", status="done", isActive=False, size=2, filledSize=2, avgDealPrice="30000.5"
    )
    fake = venue()
    fake.on("GET", "/api/v1/orders/7", ok(done))
    fake.on(
        "GET",
        "/api/v1/fills",
        _page([_fill("a", "7", 1, "30000")], 1, 2),
        _page([_fill("b", "7", 1, "30001")], 2, 2),
    )
    adapter = make_adapter(fake.transport)

    report = await adapter.order("7")

    assert report.status == OrderStatus.FILLED
    assert [(f.fill_id, f.quantity, f.price) for f in report.fills or ()] == [
        ("a", D("0.001"), D("30000")),
        ("b", D("0.001"), D("30001")),
    ]
    assert fake.sent("GET", "/api/v1/fills")[0].url.params["orderId"] == "7"
    assert report.avg_fill_px == D("30000.5")


@pytest.mark.asyncio
async def test_find_by_client_order_id(make_adapter: AdapterFactory) -> None:
    fake = venue()
    fake.on("GET", "/api/v1/orders/byClientOid", ok(OPEN), ok(None))
    adapter = make_adapter(fake.transport)

    found = await adapter.find_by_client_order_id("5c52e11203aa677f33e493fb")
    missing = await adapter.find_by_client_order_id("nope")

    assert found is not None and found.client_order_id == "5c52e11203aa677f33e493fb"
    assert missing is None


@pytest.mark.asyncio
async def test_cancel_all_uses_v3_per_symbol_then_the_stop_cancel(
    make_adapter: AdapterFactory,
) -> None:
    fake = venue()
    fake.on(
        "GET",
        "/api/v1/orders",
        _page(
            [dict(OPEN, id="1"), dict(OPEN, id="2", symbol="ETHUSDTM"), dict(OPEN, id="3")], 1, 1
        ),
    )
    fake.on("DELETE", "/api/v3/orders", ok({"cancelledOrderIds": ["1"]}))
    fake.on("DELETE", "/api/v1/stopOrders", ok({"cancelledOrderIds": []}))
    adapter = make_adapter(fake.transport)

    await adapter.cancel_all()

    cancels = [r.url.raw_path.decode() for r in fake.requests if r.method == "DELETE"]
    assert cancels == [
        "/api/v3/orders?symbol=ETHUSDTM",
        "/api/v3/orders?symbol=XBTUSDTM",
        "/api/v1/stopOrders",
    ]


@pytest.mark.asyncio
async def test_cancel_and_cancel_many(make_adapter: AdapterFactory) -> None:
    fake = venue()
    fake.on("DELETE", "/api/v1/orders/42", ok({"cancelledOrderIds": ["42"]}))
    fake.on(
        "DELETE",
        "/api/v1/orders/multi-cancel",
        ok([{"orderId": str(i), "code": "200", "msg": "success"} for i in range(10)]),
        ok([{"orderId": "10", "code": "100004", "msg": "Order is in not cancelable state"}]),
    )
    adapter = make_adapter(fake.transport)

    await adapter.cancel("42")
    results = await adapter.cancel_many([str(i) for i in range(11)])

    batches = [
        json.loads(r.content)["orderIdsList"]
        for r in fake.sent("DELETE", "/api/v1/orders/multi-cancel")
    ]
    assert [len(batch) for batch in batches] == [10, 1]
    assert results["0"] == "" and results["10"] == "Order is in not cancelable state"


@pytest.mark.asyncio
async def test_capabilities_and_unsupported_actions(make_adapter: AdapterFactory) -> None:
    adapter: VenueClient = make_adapter(venue().transport)
    assert isinstance(adapter, VenueClient)
    assert (adapter.venue, adapter.account) == ("kucoin_futures", "main")
    assert adapter.capabilities is CAPABILITIES
    assert CAPABILITIES.strategies == {Strategy.MARKET, Strategy.LIMIT, Strategy.IOC}
    assert CAPABILITIES.time_in_force == {TimeInForce.GTC, TimeInForce.IOC}
    broker_only = {
        OrderOption.SHORT_SALE,
        OrderOption.DESTINATION,
        OrderOption.ASSET_CLASS,
        OrderOption.START_TIME,
        OrderOption.CLIP_SIZE,
    }
    assert CAPABILITIES.options == frozenset(OrderOption) - broker_only
    assert (CAPABILITIES.batch_cancel_limit, CAPABILITIES.max_client_order_id_len) == (10, 40)
    assert CAPABILITIES.cancel_all and CAPABILITIES.quantity_in_contracts
    assert not (CAPABILITIES.amend or CAPABILITIES.pause_resume or CAPABILITIES.pause_all)
    for action in (
        adapter.pause("1"),
        adapter.resume("1"),
        adapter.amend("1", Amendment(quantity=D(1))),
        adapter.pause_all(),
        adapter.resume_all(),
    ):
        with pytest.raises(UnsupportedAction):
            await action
