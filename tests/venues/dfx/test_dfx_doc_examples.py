"""Every example response in the DFX document (and of the two external endpoints we use)
parses, through the client, into what the doc's values mean."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gui.domain.orders import OrderStatus, Side, Strategy
from gui.venues.dfx import parsing
from tests.venues.dfx.conftest import ClientFactory
from tests.venues.dfx.dfx_fakes import ORDER_ID, Canned, FakeVenue, doc_body, resource_text

D = Decimal


def fake_with(name: str) -> FakeVenue:
    return FakeVenue([Canned(raw=doc_body(name))])


@pytest.mark.asyncio
async def test_create_answer_gives_the_order_id(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_order_create_response.json"))
    order_id = await client.create_order(
        symbol="BTC-USDT", side="BUY", order_type="LIMIT", price=D("66666.88"), quantity=D("0.01")
    )
    assert order_id == ORDER_ID


@pytest.mark.asyncio
async def test_cancel_answer_gives_the_top_level_order_id(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_order_cancel_response.json"))
    assert await client.cancel_order(order_id=ORDER_ID) == ORDER_ID


@pytest.mark.asyncio
async def test_batch_cancel_answer_lists_both_ids_as_cancelled(
    make_client: ClientFactory,
) -> None:
    client = make_client(fake_with("http_batch_cancel_response.json"))
    result = await client.batch_cancel([ORDER_ID, "2000000074758464"])
    assert result.cancelled == (ORDER_ID, "2000000074758464")
    assert result.failed == {}


@pytest.mark.asyncio
async def test_get_one_answer_is_a_working_limit_order(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_order_get_response.json"))
    order = await client.get_order(order_id=ORDER_ID)
    # orderId arrives as a JSON number; " " means unset.
    assert order.order_id == ORDER_ID
    assert order.client_oid is None and order.failed_reason is None
    report = parsing.order_report(order, account="spot", aggregate=True)
    assert report.status is OrderStatus.WORKING
    assert (report.pair, report.side, report.strategy) == ("BTC-USDT", Side.BUY, Strategy.LIMIT)
    assert (report.quantity, report.limit_price, report.filled_qty) == (D("0.001"), D("69000"), 0)
    assert report.avg_fill_px is None and report.client_order_id == ""
    assert report.aggregate is not None and report.aggregate.notional == 0


@pytest.mark.asyncio
async def test_finish_order_answer_has_two_filled_orders(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_finish_order_response.json"))
    orders = await client.finish_orders(limit=500)
    reports = [parsing.order_report(order, account="spot") for order in orders]
    assert [r.venue_order_id for r in reports] == ["2000000074758461", "2000000074758404"]
    assert all(r.status is OrderStatus.FILLED for r in reports)
    assert reports[0].avg_fill_px == D("70745.48")  # averagePrice given
    assert reports[1].filled_qty == D("0.00075")


@pytest.mark.asyncio
async def test_open_order_answer_has_two_new_orders(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_open_order_response.json"))
    orders = await client.open_orders(limit=100)
    assert [o.order_id for o in orders] == [ORDER_ID, "2000000074758423"]
    assert [o.amount for o in orders] == [D("69"), D("25.4208528")]


@pytest.mark.asyncio
async def test_account_trades_answer_becomes_fills(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_account_trades_response.json"))
    fills = parsing.fill_reports(await client.account_trades(limit=100))
    # Newest first on the wire; oldest first as fills.
    assert [f.fill_id for f in fills] == ["663521", "663522"]
    assert fills[1].price == D("68986.17") and fills[1].quantity == D("0.00082")
    assert fills[1].fee == D("0.00000123") and fills[1].fee_asset == "BTC"
    assert fills[1].liquidity == "maker"
    assert fills[1].ts == datetime(2024, 4, 10, 8, 52, 42, 861000, tzinfo=UTC)


@pytest.mark.asyncio
async def test_symbols_answer_becomes_instruments(make_client: ClientFactory) -> None:
    client = make_client(fake_with("http_symbols_response.json"))
    symbols = await client.symbols()
    btc = parsing.instrument(symbols[2])
    assert (btc.pair, btc.tick_size, btc.lot_size) == ("BTC-USDT", D("0.01"), D("0.00001"))
    assert symbols[4].enable_trading is False


def test_the_doc_create_requests_are_invalid_json_as_noted() -> None:
    # notes §2.2/§2.3: the doc's request examples miss a comma; we never send them as is.
    for name in ("http_order_create_limit_request.txt", "http_order_create_market_request.txt"):
        assert '"side": "BUY"\n' in resource_text(name)
