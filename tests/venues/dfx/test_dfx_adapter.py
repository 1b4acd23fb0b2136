"""The DFX adapter over a scripted venue: reports, fills (trades or derived), cancels, rules."""

from __future__ import annotations

import dataclasses
import logging
from decimal import Decimal
from typing import Any

import pytest

from gui.domain.errors import UnsupportedAction
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.base import VenueClient
from gui.venues.dfx import DfxAdapter, DfxConfig
from tests.venues.dfx.conftest import AdapterFactory
from tests.venues.dfx.dfx_fakes import (
    CREDENTIALS,
    FAST_CONFIG,
    ORDER_ID,
    Canned,
    FakeVenue,
    Recorded,
    doc_body,
    ok,
    order_object,
)

D = Decimal
TRADES = "/api/v1/account/trades"
OPEN = "/api/v1/spot/open_order"


def trade(trade_id: str, qty: str, price: str, maker: bool = False) -> dict[str, Any]:
    return {
        "tradeId": trade_id,
        "orderId": ORDER_ID,
        "symbol": "BTC-USDT",
        "price": price,
        "quantity": qty,
        "side": "BUY",
        "isMaker": maker,
        "fee": "0.01",
        "feeAsset": "USDT",
        "time": "1712739162861",
    }


class Venue:
    """A tiny stateful venue: one order whose totals the test moves, trades to match."""

    def __init__(self, **order: Any) -> None:
        self.order = order_object(**order)
        self.trades: list[dict[str, Any]] = []
        self.trades_status = 200
        self.fake = FakeVenue(route=self.route)

    def route(self, request: Recorded) -> Canned | None:
        if request.path == OPEN:
            return Canned(body=ok([self.order]))
        if request.path == "/api/v1/spot/order" and request.method == "GET":
            return Canned(body=ok(self.order))
        if request.path == TRADES:
            if self.trades_status != 200:
                code = str(self.trades_status)
                return Canned(status=self.trades_status, body={"code": code, "msg": "no"})
            return Canned(body=ok(list(reversed(self.trades))))
        return None


def limit_ticket(**fields: Any) -> OrderTicket:
    base: dict[str, Any] = {
        "venue": "dfx",
        "account": "spot",
        "pair": "BTC-USDT",
        "side": Side.BUY,
        "quantity": D("0.001"),
        "strategy": Strategy.LIMIT,
        "limit_price": D("69000"),
    }
    return OrderTicket(**(base | fields))


@pytest.mark.parametrize(
    ("venue_status", "trade_qty", "status"),
    [
        ("NEW", "0", OrderStatus.WORKING),
        ("NEW", "0.0004", OrderStatus.PARTIALLY_FILLED),
        ("PARTIAL_FILLED", "0.0004", OrderStatus.PARTIALLY_FILLED),
        ("FILLED", "0.001", OrderStatus.FILLED),
        ("CANCELED", "0", OrderStatus.CANCELED),
        ("REJECT", "0", OrderStatus.REJECTED),
        ("PENDING_NEW", "0", OrderStatus.SCHEDULED),
        ("HALTED", "0", OrderStatus.UNKNOWN),
    ],
)
@pytest.mark.asyncio
async def test_venue_statuses_map_to_the_desk_status(
    make_adapter: AdapterFactory, venue_status: str, trade_qty: str, status: OrderStatus
) -> None:
    venue = Venue(
        status=venue_status,
        tradeQty=trade_qty,
        tradeAmount=str(D(trade_qty) * 69000),
        failedReason="price out of band" if venue_status == "REJECT" else " ",
    )
    config = dataclasses.replace(FAST_CONFIG, use_trades=False)
    report = await make_adapter(venue.fake, config).order(ORDER_ID)
    assert report.status is status
    assert report.venue_status == venue_status
    assert report.reason == ("price out of band" if venue_status == "REJECT" else "")


@pytest.mark.asyncio
async def test_a_market_order_by_amount_reports_what_filled_as_its_quantity(
    make_adapter: AdapterFactory,
) -> None:
    venue = Venue(
        orderType="MARKET",
        quantity="0",
        price="0",
        status="FILLED",
        amount="100",
        tradeQty="0.0015",
        tradeAmount="99.9",
    )
    report = await make_adapter(
        venue.fake, dataclasses.replace(FAST_CONFIG, use_trades=False)
    ).order(ORDER_ID)
    assert report.strategy is Strategy.MARKET and report.limit_price is None
    assert report.quantity == D("0.0015") == report.filled_qty
    assert report.avg_fill_px == D("99.9") / D("0.0015")
    assert report.aggregate is not None and report.aggregate.notional == D("99.9")
    assert report.fills is None


@pytest.mark.asyncio
async def test_trades_are_read_only_when_the_filled_quantity_moves(
    make_adapter: AdapterFactory,
) -> None:
    venue = Venue(status="PARTIAL_FILLED", tradeQty="0.0004", tradeAmount="27.6")
    venue.trades = [trade("5001", "0.0004", "69000", maker=True)]
    adapter = make_adapter(venue.fake)

    first = await adapter.open_orders()
    again = await adapter.open_orders()
    assert venue.fake.count("GET", TRADES) == 1  # unchanged tradeQty: no second read
    assert first[0].fills == again[0].fills
    assert first[0].fills is not None and first[0].fills[0].liquidity == "maker"
    assert first[0].aggregate is None

    venue.order |= {"tradeQty": "0.001", "tradeAmount": "69.06", "status": "FILLED"}
    venue.trades.append(trade("5002", "0.0006", "69100"))
    done = await adapter.order(ORDER_ID)
    assert venue.fake.count("GET", TRADES) == 2
    assert done.fills is not None and [f.fill_id for f in done.fills] == ["5001", "5002"]
    assert venue.fake.requests[-1].params["orderId"] == ORDER_ID
    assert adapter.capabilities.fills_reported


@pytest.mark.asyncio
async def test_trades_that_lag_the_order_are_read_again_next_poll(
    make_adapter: AdapterFactory,
) -> None:
    venue = Venue(status="PARTIAL_FILLED", tradeQty="0.0008", tradeAmount="55.2")
    venue.trades = [trade("5001", "0.0004", "69000")]
    adapter = make_adapter(venue.fake)
    await adapter.open_orders()
    venue.trades.append(trade("5002", "0.0004", "69000"))
    report = (await adapter.open_orders())[0]
    assert venue.fake.count("GET", TRADES) == 2
    assert report.fills is not None and len(report.fills) == 2


@pytest.mark.parametrize("refusal", [401, 403, 404])
@pytest.mark.asyncio
async def test_a_refused_trades_endpoint_falls_back_to_derived_fills_for_good(
    make_adapter: AdapterFactory, refusal: int, caplog: pytest.LogCaptureFixture
) -> None:
    venue = Venue(status="PARTIAL_FILLED", tradeQty="0.0004", tradeAmount="27.6")
    venue.trades_status = refusal
    adapter = make_adapter(venue.fake)
    with caplog.at_level(logging.WARNING, logger="gui.venues.dfx.adapter"):
        report = (await adapter.open_orders())[0]
    assert "derived" in caplog.text
    assert report.fills is None
    assert report.aggregate is not None and report.aggregate.notional == D("27.6")
    assert not adapter.capabilities.fills_reported and not adapter.uses_trades
    venue.order["tradeQty"] = "0.0006"
    await adapter.open_orders()
    assert venue.fake.count("GET", TRADES) == 1  # never asked again


@pytest.mark.asyncio
async def test_without_trades_the_endpoint_is_never_called(make_adapter: AdapterFactory) -> None:
    venue = Venue(status="PARTIAL_FILLED", tradeQty="0.0004", tradeAmount="27.6")
    adapter = make_adapter(venue.fake, dataclasses.replace(FAST_CONFIG, use_trades=False))
    assert not adapter.capabilities.fills_reported
    await adapter.open_orders()
    assert venue.fake.count("GET", TRADES) == 0


@pytest.mark.asyncio
async def test_submit_sends_a_limit_or_a_market_by_amount(make_adapter: AdapterFactory) -> None:
    fake = FakeVenue([Canned(body=ok(ORDER_ID))])
    adapter = make_adapter(fake)
    report = await adapter.submit(limit_ticket(), "od-1")
    assert (report.venue_order_id, report.client_order_id) == (ORDER_ID, "od-1")
    assert report.status is OrderStatus.WORKING and report.quantity == D("0.001")
    market = limit_ticket(
        strategy=Strategy.MARKET, quantity=D(0), limit_price=None, quote_quantity=D("100")
    )
    report = await adapter.submit(market, "od-2")
    assert report.quantity == 0 and report.limit_price is None
    assert fake.requests[1].form()["amount"] == "100"
    assert "quantity" not in fake.requests[1].form()
    by_base = limit_ticket(strategy=Strategy.MARKET, limit_price=None)
    with pytest.raises(UnsupportedAction):
        await adapter.submit(by_base, "od-3")
    assert len(fake.requests) == 2


@pytest.mark.asyncio
async def test_cancel_many_goes_five_at_a_time(make_adapter: AdapterFactory) -> None:
    def route(request: Recorded) -> Canned:
        ids = request.params["orderIds"].split(",")
        return Canned(body=ok([{"code": "0", "orderId": ",".join(i for i in ids if i != "7")}]))

    fake = FakeVenue(route=route)
    results = await make_adapter(fake).cancel_many([str(n) for n in range(1, 13)])
    assert [len(r.params["orderIds"].split(",")) for r in fake.requests] == [5, 5, 2]
    assert results["7"] == "not listed as cancelled"
    assert all(results[str(n)] == "" for n in range(1, 13) if n != 7)


@pytest.mark.asyncio
async def test_cancel_all_is_refused_but_cancel_by_symbol_works(
    make_adapter: AdapterFactory,
) -> None:
    fake = FakeVenue([Canned(body=ok([{"code": "0", "orderId": ORDER_ID}]))])
    adapter = make_adapter(fake)
    assert not adapter.capabilities.cancel_all and adapter.capabilities.batch_cancel_limit == 5
    with pytest.raises(UnsupportedAction):
        await adapter.cancel_all()
    assert await adapter.cancel_symbol("btc-usdt") == [ORDER_ID]
    assert fake.requests[0].params["symbol"] == "BTC-USDT"


@pytest.mark.asyncio
async def test_find_by_client_order_id_is_none_when_the_venue_has_none(
    make_adapter: AdapterFactory,
) -> None:
    fake = FakeVenue([Canned(status=404, body={"code": "404", "msg": "Order does not exist"})])
    assert await make_adapter(fake).find_by_client_order_id("od-9") is None


@pytest.mark.asyncio
async def test_a_full_open_page_is_read_again_per_symbol(make_adapter: AdapterFactory) -> None:
    config = dataclasses.replace(FAST_CONFIG, open_orders_limit=2, use_trades=False)

    def route(request: Recorded) -> Canned:
        symbol = request.params.get("symbol")
        if symbol is None:
            return Canned(body=ok([order_object(orderId=1), order_object(orderId=2)]))
        return Canned(body=ok([order_object(orderId=2), order_object(orderId=3)]))

    fake = FakeVenue(route=route)
    reports = await make_adapter(fake, config).open_orders()
    assert sorted(r.venue_order_id for r in reports) == ["1", "2", "3"]
    assert [r.params.get("symbol") for r in fake.requests] == [None, "BTC-USDT"]


@pytest.mark.asyncio
async def test_ticket_rules_come_from_the_symbols_loaded(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(FakeVenue([Canned(raw=doc_body("http_symbols_response.json"))]))
    assert adapter.ticket_errors(limit_ticket(quantity=D("0.000015"))) == {}  # not loaded yet
    pairs = [i.pair for i in await adapter.instruments()]
    assert "BTC-USDT" in pairs and "USDT-USD" not in pairs  # trading switched off
    assert adapter.ticket_errors(limit_ticket()) == {}
    assert "quantity" in adapter.ticket_errors(limit_ticket(quantity=D("0.000015")))
    assert "limit_price" in adapter.ticket_errors(limit_ticket(limit_price=D("69000.005")))
    assert "quantity" in adapter.ticket_errors(
        limit_ticket(quantity=D("0.00001"), limit_price=D("100"))
    )
    market = limit_ticket(
        strategy=Strategy.MARKET, quantity=D(0), limit_price=None, quote_quantity=D("4.99")
    )
    assert "quote_quantity" in adapter.ticket_errors(market)
    assert "pair" in adapter.ticket_errors(limit_ticket(pair="DOGE-USDT"))


def test_the_adapter_is_a_venue_client_with_dfx_capabilities() -> None:
    adapter = DfxAdapter(FAST_CONFIG, CREDENTIALS, "sandbox-spot")
    assert isinstance(adapter, VenueClient)
    caps = adapter.capabilities
    assert caps.strategies == {Strategy.MARKET, Strategy.LIMIT}
    assert caps.quote_quantity_market and not caps.pause_resume and not caps.amend
    with pytest.raises(ValueError, match="account_id"):
        DfxAdapter(DfxConfig(), CREDENTIALS, "sandbox-spot")
