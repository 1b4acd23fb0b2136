"""Every example body of the ZenOTC document parses, exactly, and our requests match its own.

The bodies live in `resources/`, copied verbatim from api-reference.md (only the curl
`-d '...'` quoting removed from request bodies). "Get Order", "Get Order by Client ID" and
"Amend Order" answer "the Order object", so `http_orders_object.json` stands for them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from gui.domain.orders import OrderStatus, Side, Strategy
from gui.venues.zenotc import parsing, wire
from tests.venues.zenotc.zenotc_fakes import RESOURCES, load_resource, resource_text

D = Decimal

# resource file -> (document section, wire model)
RESPONSES: dict[str, tuple[str, type[BaseModel]]] = {
    "http_orders_object.json": ('"The Order Object" (get, by-client-id, amend)', wire.Order),
    "http_orders_create_response.json": ('"Create Order" > Response', wire.Order),
    "http_orders_list_response.json": ('"List Orders" > Response', wire.OrderPage),
    "http_orders_cancel_response.json": ('"Cancel Order" > Response', wire.CancelResult),
    "http_orders_fills_response.json": ('"Get Order Fills" > Response', wire.FillList),
    "http_orders_batch_create_response.json": (
        '"Create Batch Orders" > Response',
        wire.BatchCreateResult,
    ),
    "http_orders_cancel_all_response.json": (
        '"Cancel All Orders" > Response',
        wire.CancelAllResult,
    ),
}


def test_every_response_resource_is_listed() -> None:
    on_disk = {path.name for path in RESOURCES.glob("*_response.json")}
    assert on_disk | {"http_orders_object.json"} == set(RESPONSES)


@pytest.mark.parametrize("name", sorted(RESPONSES))
@pytest.mark.parametrize("enveloped", [False, True], ids=["bare", "data-envelope"])
def test_doc_response_parses(name: str, enveloped: bool) -> None:
    body: Any = wire.loads(resource_text(name))
    if enveloped:  # the general page's wrapper (notes §3.5, §3.7.4)
        body = {"data": body, "timestamp": "2024-01-15T10:30:00.000Z"}
    model = RESPONSES[name][1].model_validate(wire.unwrap(body))
    assert model.model_dump() == RESPONSES[name][1].model_validate(load_resource(name)).model_dump()


def test_order_object_numbers_are_exact_decimals() -> None:
    order = wire.Order.model_validate(wire.loads(resource_text("http_orders_object.json")))
    assert str(order.price) == "50000.00" and str(order.average_price) == "49950.00"
    assert order.quantity == D("1.5") and order.remaining_quantity == D("1.0")
    assert order.metadata == {"strategy": "momentum"}
    assert order.updated_at == datetime(2024, 1, 15, 10, 35, tzinfo=UTC)


def test_order_object_becomes_a_report() -> None:
    order = wire.Order.model_validate(load_resource("http_orders_object.json"))
    report = parsing.order_report(order, account="otc")
    assert (report.venue_order_id, report.client_order_id) == (
        "ord_abc123def456",
        "my-order-001",
    )
    # "open" with 0.5 filled is partially filled in the desk's terms.
    assert report.status is OrderStatus.PARTIALLY_FILLED and report.venue_status == "open"
    assert (report.pair, report.side, report.strategy) == ("BTC-USD", Side.BUY, Strategy.LIMIT)
    assert (report.quantity, report.filled_qty) == (D("1.5"), D("0.5"))
    assert (report.avg_fill_px, report.limit_price) == (D("49950.00"), D("50000.00"))
    assert report.account == "otc" and report.fills is None


def test_create_response_has_no_average_yet() -> None:
    order = wire.Order.model_validate(load_resource("http_orders_create_response.json"))
    report = parsing.order_report(order, account="otc")
    assert report.status is OrderStatus.WORKING and report.avg_fill_px is None
    assert report.filled_qty == 0 and "metadata" not in order.model_fields_set


def test_list_item_lacks_fields_and_they_stay_none() -> None:
    page = wire.OrderPage.model_validate(load_resource("http_orders_list_response.json"))
    assert page.pagination is not None and page.pagination.total_pages == 1
    item = page.orders[0]
    assert item.order_type is None and item.average_price is None and item.updated_at is None
    report = parsing.order_report(item, account="otc")
    assert report.strategy is None and report.avg_fill_px is None and report.updated_ts is None
    assert report.quantity == D("1.5") and report.limit_price == D("50000.00")


def test_fills_keep_fee_and_exact_prices() -> None:
    answer = wire.FillList.model_validate(
        wire.loads(resource_text("http_orders_fills_response.json"))
    )
    fills = parsing.fill_reports(answer.fills)
    assert [fill.fill_id for fill in fills] == ["fill_xyz789", "fill_xyz790"]
    first = fills[0]
    assert (first.price, first.quantity, first.fee, first.fee_asset) == (
        D("49950.00"),
        D("0.5"),
        D("24.975"),
        "USD",
    )
    assert first.liquidity == "" and first.ts == datetime(2024, 1, 15, 10, 32, tzinfo=UTC)
    # Both fills together (1.0 filled) average exactly 49975.
    assert parsing.fills_average(fills, D("1.0")) == D("49975")


def test_batch_results_keep_per_item_outcomes() -> None:
    result = wire.BatchCreateResult.model_validate(
        load_resource("http_orders_batch_create_response.json")
    )
    assert [item.success for item in result.results] == [True, True, False]
    assert result.results[2].error == "Insufficient balance" and result.results[2].index == 2
    assert result.results[0].client_order_id is None
    assert result.summary is not None and result.summary.failed == 1


def test_cancel_answers() -> None:
    cancel = wire.CancelResult.model_validate(load_resource("http_orders_cancel_response.json"))
    assert (cancel.order_id, cancel.status) == ("ord_abc123def456", "cancelled")
    everything = wire.CancelAllResult.model_validate(
        load_resource("http_orders_cancel_all_response.json")
    )
    assert everything.cancelled_count == 5 and everything.cancelled_orders[-1] == "ord_005"


# -- requests: what we send is what the doc sends --------------------------------------------


def test_create_request_matches_the_doc_example() -> None:
    ours = wire.CreateOrderRequest(
        side="buy",
        asset="BTC",
        quantity=D("1.5"),
        price=D("50000.00"),
        order_type="limit",
        time_in_force="GTC",
        client_order_id="my-order-001",
    )
    text = wire.dumps(ours.body())
    assert wire.loads(text) == load_resource("http_orders_create_request.json")
    # Exact literals, in the doc's order, with the official helper's separators.
    assert text == (
        '{"side": "buy", "asset": "BTC", "quantity": 1.5, "price": 50000.00, '
        '"orderType": "limit", "timeInForce": "GTC", "clientOrderId": "my-order-001"}'
    )


def test_amend_and_batch_and_cancel_all_requests_match_the_doc() -> None:
    amend = wire.AmendOrderRequest(quantity=D("2.0"), price=D("51000.00"))
    assert wire.loads(wire.dumps(amend.body())) == load_resource("http_orders_amend_request.json")
    batch = [
        wire.CreateOrderRequest(side="buy", asset="BTC", quantity=D("1.0"), price=D(49000)),
        wire.CreateOrderRequest(side="buy", asset="BTC", quantity=D("1.0"), price=D(48000)),
        wire.CreateOrderRequest(side="sell", asset="BTC", quantity=D("0.5"), price=D(52000)),
    ]
    body = {"orders": [item.body() for item in batch]}
    assert wire.loads(wire.dumps(body)) == load_resource("http_orders_batch_create_request.json")
    cancel_all = wire.CancelAllRequest(asset="BTC").body()
    assert wire.dumps(cancel_all) == resource_text("http_orders_cancel_all_request.json").strip()
    assert wire.CancelAllRequest().body() == {}


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (D("0.1"), "0.1"),
        (D("1E+2"), "100"),
        (D("1E-10"), "0.0000000001"),
        (D("50000.00"), "50000.00"),
        (D("-3"), "-3"),
        (D("123456789012345678901234567890.123"), "123456789012345678901234567890.123"),
    ],
)
def test_decimals_go_out_as_exact_number_literals(value: Decimal, literal: str) -> None:
    assert wire.dumps({"n": value}) == '{"n": ' + literal + "}"
    assert wire.loads(wire.dumps({"n": value}))["n"] == value


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), float("nan")])
def test_non_finite_numbers_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        wire.dumps({"n": value})


def test_dumps_escapes_like_the_official_helper() -> None:
    body = {"clientOrderId": 'a"b\\é', "metadata": {"ok": True, "none": None, "n": [1, 2.5]}}
    assert wire.dumps(body) == (
        '{"clientOrderId": "a\\"b\\\\\\u00e9", "metadata": {"ok": true, "none": null, '
        '"n": [1, 2.5]}}'
    )
